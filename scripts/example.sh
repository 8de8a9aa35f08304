#!/usr/bin/env bash
# Set-up and the main job on the bundled example: installs what is missing (Debian
# packages, including the default geo data tor-geoipdb), builds borderflow in release
# mode, and scans Captures/plant-example.pcapng against its registry.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build-release.sh
set +e
.build/release/borderflow scan --config Captures/borderflow.yaml Captures/plant-example.pcapng
status=$?
set -e
# Exit 1 means "findings at or above --fail-on": the example is made to have some.
[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
