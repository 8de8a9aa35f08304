#!/usr/bin/env bash
# The bundled example's outputs in every format, as the test suite expects them
# (Tests/EndToEndTests/Golden/). Run after a change that is meant to change an
# output, then review the diff:
#   scripts/golden.sh            regenerate with the debug build (built if missing)
#   scripts/golden.sh --check    compare instead, exit 1 on any difference
#   BORDERFLOW=path/to/borderflow scripts/golden.sh   another build
# The inputs are copied to a scratch directory with their modification times set to
# 2026-01-01 (the evidence page shows them), so the outputs are the same on any clone.
# AS data is off (--asn off): a refreshed location database would change the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
golden=$root/Tests/EndToEndTests/Golden
bin=${BORDERFLOW:-$root/.build/debug/borderflow}
[ -x "$bin" ] || swift build -j "$(nproc)" --product borderflow
case "$bin" in /*) ;; *) bin=$root/$bin ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Captures" "$work/out"
cp Captures/plant-example.pcapng Captures/plant-example-geo.csv Captures/plant-example-registry.yaml \
   Captures/borderflow.yaml "$work/Captures/"
touch -d 2026-01-01T00:00:00Z "$work"/Captures/*

cd "$work"
run() {
    # Findings give exit 1 by design; anything else is a failure here.
    local status=0
    "$bin" "$@" || status=$?
    [ "$status" -le 1 ] || { echo "golden: borderflow $* exited $status" >&2; exit 1; }
}
for f in text json ndjson csv sarif html junit; do
    run scan --config Captures/borderflow.yaml Captures/plant-example.pcapng --format "$f" -o "out/scan.$f" \
        --maintenance-log out/maintenance-log.csv --asn off
done
for f in ndjson csv json; do
    run flows --config Captures/borderflow.yaml Captures/plant-example.pcapng --format "$f" -o "out/flows.$f"
done
run info Captures/plant-example.pcapng -o out/info.text
run info --format json Captures/plant-example.pcapng -o out/info.json

if [ "${1:-}" = "--check" ]; then
    diff -r "$golden" out && echo "golden: all outputs as expected"
else
    mkdir -p "$golden"
    rm -f "$golden"/*
    cp out/* "$golden/"
    echo "golden: wrote $(ls out | wc -l) files to Tests/EndToEndTests/Golden"
fi
