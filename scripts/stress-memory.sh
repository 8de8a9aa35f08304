#!/usr/bin/env bash
# Peak memory under hostile input: captures of 1 M, 2 M and 4 M flows of one TCP SYN
# each, from random sources to one private server (no findings, so what is measured is
# the flow path: tables, the stitcher, handovers). Builds release, scans each capture
# with default settings under /usr/bin/time -v, and prints flows, peak RSS and wall time.
#   scripts/stress-memory.sh               1M 2M 4M, captures in /tmp/borderflow-stress
#   scripts/stress-memory.sh 250000 8000000  other sizes (flows)
#   BORDERFLOW=path/to/borderflow scripts/stress-memory.sh   another build (no build step)
source "$(dirname "$0")/stress-setup.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 2000000 4000000)

# One Ethernet/IPv4/TCP SYN per flow, 1 us apart (no flow times out), sources drawn
# from a seeded generator (the same bytes every run). Checksums are left zero: no
# reader here checks them.
write_capture() {
    python3 - "$1" "$2" <<'EOF'
import random, struct, sys
flows, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00"
server = bytes([10, 0, 0, 1])
record = struct.Struct("<IIII")
ip_head = b"\x45\x00\x00\x28\x00\x01\x40\x00\x40\x06\x00\x00"
tcp_tail = struct.pack(">H", 443) + b"\x00\x00\x00\x01\x00\x00\x00\x00\x50\x02\xff\xff\x00\x00\x00\x00"
start = 1_700_000_000
with open(path, "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    chunk = []
    for i in range(flows):
        source = struct.pack(">I", rng.getrandbits(32))
        port = struct.pack(">H", 1024 + rng.getrandbits(15))
        frame = eth + ip_head + source + server + port + tcp_tail
        chunk.append(record.pack(start + i // 1_000_000, i % 1_000_000, len(frame), len(frame)) + frame)
        if len(chunk) == 65536:
            out.write(b"".join(chunk))
            chunk.clear()
    out.write(b"".join(chunk))
EOF
}

printf '%10s %10s %12s %8s\n' flows MB peak-RSS-MB wall-s
for n in "${sizes[@]}"; do
    capture="$dir/syn-$n.pcap"
    [ -s "$capture" ] || write_capture "$n" "$capture"
    /usr/bin/time -v "$BORDERFLOW" scan --home CN --format json -o /dev/null "$capture" 2> "$dir/time-$n.txt" || true
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$dir/time-$n.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.2f", s}' "$dir/time-$n.txt")
    size=$(( $(stat -c %s "$capture") / 1048576 ))
    printf '%10s %10s %12s %8s\n' "$n" "$size" "$rss" "$wall"
done
