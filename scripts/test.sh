#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds, tests.
# Third-party fixtures are read from ../shared/fixtures when present (skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests -j "$(nproc)"
swift test --skip-build
