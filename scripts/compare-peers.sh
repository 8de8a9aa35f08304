#!/usr/bin/env bash
# Peer comparison on one capture: installs the peers from Debian if missing, builds
# borderflow in release mode, and prints the table of scripts/compare-peers.py.
#   scripts/compare-peers.sh FILE [--runs N] [--slow] [--command info]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh tcpdump tshark libndpi-bin lz4
swift build -c release -j "$(nproc)" --product borderflow >&2
exec python3 scripts/compare-peers.py "$@"
