#!/usr/bin/env bash
# Peer comparison on one capture: installs the peers from Debian if missing, builds
# borderflow in release mode, generates the capture (or reuses it), and prints the
# table of scripts/compare-peers.py (ratios of each peer's time to borderflow's).
#   scripts/compare-peers.sh                      1 GiB synthetic plant capture, scan on 1 and 2 cores
#   scripts/compare-peers.sh --size 256M --slow   another size; --slow adds tshark -z conv,ip
#   scripts/compare-peers.sh FILE [--command info|flows|scan] [--runs N] [--slow]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh tcpdump tshark libndpi-bin lz4
scripts/build-release.sh >&2
if [ $# -eq 0 ] || [ "${1#-}" != "$1" ]; then
    size=1G
    if [ "${1:-}" = "--size" ]; then size=$2; shift 2; fi
    dir=${BORDERFLOW_PEERS_DIR:-/tmp/borderflow-peers}
    mkdir -p "$dir"
    capture="$dir/plant-$size.pcap"
    # Written afresh every time (deterministic: the same bytes), because how a file came
    # into the page cache changes mapped reading: the folios it sits in decide how many
    # faults the mapping takes (read()-based peers hardly notice). On Linux 6.18 a file
    # read back from disk maps in fewer faults than one just written and scans ~0.8x
    # the time (earlier measurements here saw the opposite). So every run measures the
    # same state: a capture as a capture tool has just written it.
    echo "writing $capture ..." >&2
    rm -f "$capture"
    .build/release/borderflow synth --size "$size" --seed 1 -o "$capture" --ground-truth "$dir/truth-$size" >&2
    exec python3 scripts/compare-peers.py "$capture" --command scan --config "$dir/truth-$size/borderflow.yaml" --also-jobs 2 "$@"
fi
exec python3 scripts/compare-peers.py "$@"
