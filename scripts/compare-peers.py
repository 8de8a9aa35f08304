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


def anon_kib(pid):
    """Resident anonymous memory (KiB) of a running process: RSS less mapped file pages."""
    try:
        with open(f"/proc/{pid}/status") as st:
            for line in st:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_once(argv, sample_anon):
    """Wall seconds, peak RSS (KiB) and peak anonymous RSS (KiB, sampled every 5 ms when
    asked; sampling costs a little time, so timed runs do not sample)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1),
                                        (os.POSIX_SPAWN_DUP2, devnull, 2)])
    peak_anon = 0
    if sample_anon:
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            peak_anon = max(peak_anon, anon_kib(pid))
            time.sleep(0.005)
    else:
        _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    os.close(devnull)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise RuntimeError(f"{' '.join(argv)} exited with {os.waitstatus_to_exitcode(status)}")
    return elapsed, usage.ru_maxrss, peak_anon


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("capture", help="the capture every tool reads")
    ap.add_argument("--borderflow", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".build", "release", "borderflow"))
    ap.add_argument("--command", default="info", help="borderflow subcommand to time: info, flows, or scan")
    ap.add_argument("--config", help="borderflow.yaml for scan (home, geo, registry); see borderflow synth --ground-truth")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--slow", action="store_true", help="also run tshark (minutes on a 1 GiB file)")
    ap.add_argument("--jobs", type=int, default=None, help="pass --jobs N to borderflow")
    ap.add_argument("--also-jobs", type=int, default=None, help="also time borderflow with --jobs N (e.g. 2: both cores)")
    a = ap.parse_args()

    f = a.capture
    size = os.path.getsize(f)
    bf = [a.borderflow, a.command, f]
    if a.command == "scan":
        bf += ["--config", a.config] if a.config else ["--home", "CN"]
        bf += ["--quiet"]
    out = ["-o", "/dev/null"] if a.command != "info" else []
    jobs = a.jobs or (1 if a.command == "scan" else None)   # only scan takes --jobs
    tools = [(f"borderflow {a.command}" + (f" --jobs {jobs}" if jobs else ""), bf + (["--jobs", str(jobs)] if jobs else []) + out)]
    if a.also_jobs and a.command == "scan":
        tools.append((f"borderflow {a.command} --jobs {a.also_jobs}", bf + ["--jobs", str(a.also_jobs)] + out))
    tools += [("cat (I/O floor)", ["cat", f]),
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
    anon = {n: 0 for n, _ in tools}
    for n, argv in tools:   # one sampled run each for anonymous memory
        _, m, an = run_once(argv, sample_anon=True)
        rss[n], anon[n] = m, an
    for _ in range(a.runs):
        for n, argv in tools:
            t, m, _ = run_once(argv, sample_anon=False)
            times[n].append(t)
            rss[n] = max(rss[n], m)

    base = statistics.median(times[tools[0][0]])
    print(f"capture: {f} ({size / 2**20:.0f} MiB), {a.runs} runs each, median wall time, page cache warm")
    print(f"{'tool':34} {'median s':>9} {'MB/s':>9} {'peak RSS MiB':>13} {'peak anon MiB':>14} {'time / borderflow':>18}")
    for n, _ in tools:
        m = statistics.median(times[n])
        print(f"{n:34} {m:9.3f} {size / m / 1e6:9.0f} {rss[n] / 1024:13.1f} {anon[n] / 1024:14.1f} {m / base:17.2f}x")


if __name__ == "__main__":
    sys.exit(main())
