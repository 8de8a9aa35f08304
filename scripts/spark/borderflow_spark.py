#!/usr/bin/env python3
"""borderflow on Apache Spark: scan captures on the executors, merge on the driver.

Every task runs `borderflow scan --shard K/N --emit partial` over the whole input list
(so each input keeps its index in the run) and returns the partial's bytes; the driver
writes the partials out in shard order and runs `borderflow merge` for the report,
whose exit status the job takes. A capture that cannot be read is an input error in
its partial (scan exits 2 having written it): the task succeeds and the merged report
says what failed where. Any other failure raises, and Spark retries the task; a
partial depends only on the inputs and options, so a retried task returns the same
bytes.

The inputs must be readable at the same paths on every executor (local disks in
local mode, NFS, or an HDFS FUSE mount). The borderflow binary reaches executors
either installed on every node (--borderflow PATH, or `borderflow` on PATH) or
shipped with the job: `spark-submit --files /path/to/borderflow ...`, found through
SparkFiles. Its shared libraries (libpcap, liblz4, libzstd, libcrypto, libloc) must be
installed on the nodes either way.

    spark-submit --master yarn --files borderflow scripts/spark/borderflow_spark.py \\
        --home CN --registry /nfs/plant/registry.yaml --format sarif -o findings.sarif \\
        --flows-parquet /nfs/lake/flows '/nfs/captures/2026-12-*/'

--flows-parquet DIR also writes every flow record (`borderflow flows`, one task per
input) as Parquet, partitioned by `date` (UTC day of the flow's first packet) and
`server_country` ("unplaced" for flows no geo source places).
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile


def globbed(paths):
    """The paths with globs expanded (each sorted), in the order given: the inputs
    borderflow scans, which expands directories itself as one run would."""
    out = []
    for p in paths:
        out.extend(sorted(glob.glob(p)) if glob.has_magic(p) else [p])
    return out


def expand(paths):
    """Files of the given paths, globs and directories (recursively), sorted."""
    out = []
    for p in paths:
        matches = sorted(glob.glob(p)) or [p]
        for m in matches:
            if os.path.isdir(m):
                for root, dirs, files in os.walk(m):
                    dirs.sort()
                    out.extend(os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
            else:
                out.append(m)
    return sorted(set(out))


def find_binary(explicit):
    """The borderflow binary on this node: given, shipped with --files, or on PATH."""
    if explicit:
        return explicit
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get("borderflow")
        if os.path.exists(shipped):
            os.chmod(shipped, 0o755)
            return shipped
    except Exception:
        pass
    found = shutil.which("borderflow")
    if not found:
        raise RuntimeError("borderflow not found: give --borderflow PATH, ship it with --files, or install it on every node")
    return found


def judging_args(a):
    out = []
    if a.home:
        out += ["--home", a.home]
    if a.config:
        out += ["--config", a.config]
    for g in a.geo:
        out += ["--geo", g]
    if a.registry:
        out += ["--registry", a.registry]
    return out


def scan_shard(binary, shard, shards, inputs, args):
    """One shard's partial, as bytes. Exit 2 with a partial written is an input error
    the partial records; anything else without a partial raises (Spark retries)."""
    with tempfile.TemporaryDirectory(prefix="borderflow-task-") as tmp:
        out = os.path.join(tmp, "partial.json")
        cmd = [binary, "scan", "--emit", "partial", "--shard", f"{shard}/{shards}", "-q", "-o", out, "--jobs", "1"] + args + inputs
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode not in (0, 2) or not os.path.exists(out):
            raise RuntimeError(f"shard {shard}/{shards}: borderflow exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
        with open(out, "rb") as f:
            return f.read()


def flows_of(binary, path, args):
    """The flow records of one input, as dicts (an input that cannot be read has none)."""
    import json
    p = subprocess.run([binary, "flows", "--format", "ndjson", "--jobs", "1"] + args + [path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 2):
        raise RuntimeError(f"{path}: borderflow flows exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    rows = []
    for line in p.stdout.splitlines():
        r = json.loads(line)
        r["input"] = path
        r["date"] = r["first"][:10]
        r["server_country"] = r["serverCountry"] or "unplaced"
        rows.append(r)
    return rows


def flow_schema():
    """The Parquet flow table: the flow record's fields (docs/contract.md), the input,
    and the two partition columns."""
    from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType
    s, n, b = StringType(), LongType(), BooleanType()
    fields = [("first", s), ("last", s), ("proto", s), ("clientIp", s), ("clientPort", n), ("serverIp", s), ("serverPort", n),
              ("packetsToServer", n), ("packetsToClient", n), ("bytesToServer", n), ("bytesToClient", n),
              ("app", s), ("category", s), ("hostname", s), ("serverCountry", s), ("crossBorder", b), ("registry", s),
              ("source", s), ("vlan", n), ("tunnelled", b), ("end", s), ("clientCountry", s), ("inbound", b),
              ("categoryEvidence", s), ("evidence", s), ("destination", s), ("clientMac", s), ("serverMac", s),
              ("input", s), ("date", s), ("server_country", s)]
    return StructType([StructField(k, t, True) for k, t in fields])


def main(argv=None):
    ap = argparse.ArgumentParser(description="Scan captures with borderflow on Spark and merge the results into one report.")
    ap.add_argument("paths", nargs="+", help="capture files, directories or globs (seen at the same paths on every executor)")
    ap.add_argument("--borderflow", help="the borderflow binary on every node (default: shipped with --files, else on PATH)")
    ap.add_argument("--home"), ap.add_argument("--config"), ap.add_argument("--registry")
    ap.add_argument("--geo", action="append", default=[])
    ap.add_argument("--asn", action="append", default=[], help="ASN database for the report (as borderflow merge --asn; `off` for none)")
    ap.add_argument("--format", default="json", help="report format: json, sarif, html, text, csv, ndjson, junit")
    ap.add_argument("-o", "--output", help="report file (default: standard output)")
    ap.add_argument("--fail-on", help="none, info, low, medium, high (as borderflow merge)")
    ap.add_argument("--shards", type=int, help="tasks (default: one per input, at most 1,000)")
    ap.add_argument("--flows-parquet", help="also write every flow record to this Parquet directory")
    ap.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    a = ap.parse_args(argv)

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("borderflow")
    if a.master:
        builder = builder.master(a.master)
    spark = builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false") \
        .config("spark.sql.shuffle.partitions", "4").getOrCreate()
    sc = spark.sparkContext
    # The tasks' functions live in this file: executors import it from here.
    sc.addPyFile(os.path.abspath(__file__))
    try:
        scanned = globbed(a.paths)
        inputs = expand(scanned)
        if not inputs:
            print("borderflow_spark: no input found", file=sys.stderr)
            return 2
        shards = a.shards or min(len(inputs), 1000)
        args = judging_args(a)
        explicit = a.borderflow
        parts = sc.parallelize(range(1, shards + 1), shards) \
            .map(lambda k: (k, scan_shard(find_binary(explicit), k, shards, scanned, args))).collect()
        tmp = tempfile.mkdtemp(prefix="borderflow-partials-")
        try:
            files = []
            for k, data in sorted(parts):
                path = os.path.join(tmp, f"shard-{k:05d}.partial.json")
                with open(path, "wb") as f:
                    f.write(data)
                files.append(path)
            merge = [find_binary(explicit), "merge", "--format", a.format] + (["-o", a.output] if a.output else [])
            if a.fail_on:
                merge += ["--fail-on", a.fail_on]
            for n in a.asn:
                merge += ["--asn", n]
            status = subprocess.run(merge + files).returncode
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

        if a.flows_parquet:
            rows = sc.parallelize(inputs, len(inputs)).flatMap(lambda p: flows_of(find_binary(explicit), p, args))
            spark.createDataFrame(rows, flow_schema()).write.mode("overwrite") \
                .partitionBy("date", "server_country").parquet(a.flows_parquet)
        return status
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
