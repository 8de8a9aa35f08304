#!/usr/bin/env bash
# The release build of `borderflow` that the other scripts use. The Swift runtime is
# linked in: start-up ~5 ms instead of ~10 ms (dynamic loading and relocation of the
# runtime and Foundation), which counts for batches of small captures.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --static-swift-stdlib -j "$(nproc)" --product borderflow
