#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds, tests.
# Third-party fixtures are read from ../shared/fixtures when present (skipped otherwise).
# Then the evidence report is rendered in headless Chromium (scripts/check-evidence-html.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests -j "$(nproc)"
swift test --skip-build
# The evidence report in a real browser (headless Chromium, installed when missing).
scripts/check-evidence-html.sh
