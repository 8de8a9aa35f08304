#!/usr/bin/env python3
"""Runs borderflow and its peers on the same capture, alternating, several times,
and prints median wall time, throughput, peak resident memory and the ratio of
each peer's time to borderflow's.

Peers: tcpdump -r F -w /dev/null (read and copy, no decoding), capinfos (counts),
tshark -q -z conv,ip (conversations), ndpiReader (flows plus DPI), cat (the I/O floor).
Only the tools found on PATH run; scripts/compare-peers.sh installs them from Debian.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time


def run_once(argv):
    """Wall seconds and peak RSS (KiB) of one run; output discarded."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                        (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture", help="the capture every tool reads")
    ap.add_argument("--borderflow", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "borderflow"))
    ap.add_argument("--command", default="info", help="borderflow subcommand to time: info, flows, or scan")
    ap.add_argument("--config", help="borderflow.yaml for scan (home, geo, registry); see borderflow synth --ground-truth")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow", action="store_true", help="also run tshark (minutes on a 1 GiB file)")
    ap.add_argument("--jobs", type=int, default=None, help="pass --jobs N to borderflow")
    a = ap.parse_args()

    f = a.capture
    size = os.path.getsize(f)
    bf = [a.borderflow, a.command, f]
    if a.command == "scan":
        bf += ["--config", a.config] if a.config else ["--home", "CN"]
    if a.jobs and a.command != "info":
        bf += ["--jobs", str(a.jobs)]
    tools = [("borderflow " + a.command, bf + (["-o", "/dev/null"] if a.command != "info" else [])),
             ("cat (I/O floor)", ["cat", f]),
             ("tcpdump -r -w /dev/null", ["tcpdump", "-r", f, "-w", "/dev/null"]),
             ("capinfos", ["capinfos", f]),
             ("ndpiReader", ["ndpiReader", "-i", f, "-q", "-v", "0"])]
    if a.slow:
        tools.append(("tshark -q -z conv,ip", ["tshark", "-n", "-q", "-r", f, "-z", "conv,ip"]))
    tools = [(n, argv) for n, argv in tools if shutil.which(argv[0]) or os.path.exists(argv[0])]

    # Warm the page cache, then alternate tools so machine noise spreads evenly.
    subprocess.run(["cat", f], stdout=subprocess.DEVNULL, check=True)
    times = {n: [] for n, _ in tools}
    rss = {n: 0 for n, _ in tools}
    for _ in range(a.runs):
        for n, argv in tools:
            t, m = run_once(argv)
            times[n].append(t)
            rss[n] = max(rss[n], m)

    base = statistics.median(times[tools[0][0]])
    print(f"capture: {f} ({size / 2**20:.0f} MiB), {a.runs} runs each, median wall time, page cache warm")
    print(f"{'tool':28} {'median s':>9} {'MB/s':>9} {'peak RSS MiB':>13} {'time / borderflow':>18}")
    for n, _ in tools:
        m = statistics.median(times[n])
        print(f"{n:28} {m:9.3f} {size / m / 1e6:9.0f} {rss[n] / 1024:13.1f} {m / base:17.2f}x")


if __name__ == "__main__":
    sys.exit(main())
