#!/usr/bin/env bash
# Set-up and the main job on the bundled example: installs what is missing, builds
# borderflow in release mode, and runs it on Captures/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release -j "$(nproc)" --product borderflow
.build/release/borderflow info Captures/
