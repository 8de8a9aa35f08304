#!/usr/bin/env bash
# Loading time and peak memory of a large registry: writes a ~100 MB registry in YAML
# and in CSV (one entry per server, an address and a hostname each), builds release,
# and runs `borderflow registry check` on each under /usr/bin/time -v.
#   scripts/stress-registry.sh              100 MB each, files in /tmp/borderflow-stress
#   scripts/stress-registry.sh 20           another size (MB)
#   BORDERFLOW=path/to/borderflow scripts/stress-registry.sh   another build (no build step)
source "$(dirname "$0")/stress-setup.sh"
mb=${1:-100}
python3 - "$dir" "$mb" <<'PY'
import sys
d, mb = sys.argv[1], int(sys.argv[2])
target = mb * 1_000_000
with open(f"{d}/registry-{mb}mb.yaml", "w") as y, open(f"{d}/registry-{mb}mb.csv", "w") as c:
    y.write("servers:\n")
    c.write("id,operator,country,endpoint,purposes,valid_from,valid_until\n")
    i = 0
    while y.tell() < target:
        a = f"52.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" if i < 1 << 24 else f"2001:db8:{i >> 16:x}::{i & 0xffff:x}"
        h = f"device-{i}.iot.example-cloud.com"
        y.write(f"  - id: REG-{i:08d}\n    operator: Example Cloud GmbH\n    country: DE\n"
                f"    addresses: [{a}]\n    hostnames: [{h}]\n    purposes: [telemetry, firmware-update]\n"
                f"    valid_from: 2026-01-01\n    valid_until: 2027-12-31\n")
        for e in (a, h):
            c.write(f"REG-{i:08d},Example Cloud GmbH,DE,{e},telemetry;firmware-update,2026-01-01,2027-12-31\n")
        i += 1
    print(f"{i} entries", file=sys.stderr)
PY
printf "%-8s %12s %10s %12s\n" format size_MB wall_s peak_rss_MB
for f in yaml csv; do
    file="$dir/registry-${mb}mb.$f"
    /usr/bin/time -v "$BORDERFLOW" registry check "$file" > /dev/null 2> "$dir/time.txt" || true
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$dir/time.txt")
    printf "%-8s %12s %10s %12s\n" "$f" "$(( $(stat -c %s "$file") / 1000000 ))" "$wall" "$rss"
done
