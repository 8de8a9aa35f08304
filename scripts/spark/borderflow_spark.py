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
local mode, NFS, or an HDFS FUSE mount). Executors do not share the driver's working
directory, so the driver makes every path absolute (inputs, --config, --geo,
--registry, ...; the report names inputs by absolute path) and passes its
./borderflow.yaml explicitly when there is one. `borderflow merge` reads no config
file, so without --fail-on the job takes `fail_on` from the config file, as scan
would (PyYAML). Tasks that still fail after Spark's retries (a bad registry, no
binary) end the job with status 2, as borderflow's errors do, never 1 (findings).

The borderflow binary reaches executors either installed on every node (--borderflow
PATH, or `borderflow` on PATH) or shipped with the job: `spark-submit --files
/path/to/borderflow ...`, found through SparkFiles. Its shared libraries (libpcap,
liblz4, libzstd, libcrypto, libloc) must be installed on the nodes either way.

    spark-submit --master yarn --files borderflow scripts/spark/borderflow_spark.py \\
        --home CN --registry /nfs/plant/registry.yaml --format sarif -o findings.sarif \\
        --flows-parquet /nfs/lake/flows '/nfs/captures/2026-12-*/'

--flows-parquet DIR also writes every flow record (`borderflow flows`, one task per
input) as Parquet, partitioned by `date` (UTC day of the flow's first packet) and
`server_country` ("unplaced" for flows no geo source places). Fields of the record
that FLOW_FIELDS does not name (a newer borderflow) go to the `extra` column as JSON
text instead of being dropped.
"""
import argparse
import glob
import json
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
    """Files of the given paths, globs and directories (recursively), sorted. Like
    borderflow, a directory's dot files, FIFOs and dangling links are not inputs."""
    out = []
    for p in paths:
        matches = sorted(glob.glob(p)) or [p]
        for m in matches:
            if os.path.isdir(m):
                for root, dirs, files in os.walk(m):
                    dirs.sort()
                    out.extend(q for q in (os.path.join(root, f) for f in sorted(files) if not f.startswith("."))
                               if os.path.isfile(q))
            else:
                out.append(m)
    return sorted(set(out))


def find_binary(explicit):
    """The borderflow binary on this node: given, shipped with --files, or on PATH."""
    if explicit:
        return explicit
    from pyspark import SparkFiles
    shipped = SparkFiles.get("borderflow")
    if os.path.isfile(shipped):
        # --files may deliver the binary without its execute bit.
        if not os.access(shipped, os.X_OK):
            os.chmod(shipped, 0o755)
        return shipped
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


# The flow record's fields (docs/contract.md) and their Parquet types: string, long, bool.
FLOW_FIELDS = [("first", "s"), ("last", "s"), ("proto", "s"), ("clientIp", "s"), ("clientPort", "n"),
               ("serverIp", "s"), ("serverPort", "n"), ("packetsToServer", "n"), ("packetsToClient", "n"),
               ("bytesToServer", "n"), ("bytesToClient", "n"), ("app", "s"), ("category", "s"), ("hostname", "s"),
               ("serverCountry", "s"), ("crossBorder", "b"), ("registry", "s"), ("source", "s"), ("vlan", "n"),
               ("tunnelled", "b"), ("end", "s"), ("clientCountry", "s"), ("inbound", "b"), ("categoryEvidence", "s"),
               ("evidence", "s"), ("destination", "s"), ("clientMac", "s"), ("serverMac", "s"), ("service", "s")]
# What the job adds: the input, the two partition columns, and the fields FLOW_FIELDS lacks.
ADDED_COLUMNS = [("input", "s"), ("date", "s"), ("server_country", "s"), ("extra", "s")]


def flows_of(binary, path, args):
    """The flow records of one input, as dicts (an input that cannot be read has none)."""
    known = {k for k, _ in FLOW_FIELDS}
    p = subprocess.run([binary, "flows", "--format", "ndjson", "--jobs", "1"] + args + [path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 2):
        raise RuntimeError(f"{path}: borderflow flows exited {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    rows = []
    for line in p.stdout.splitlines():
        r = json.loads(line)
        # createDataFrame drops keys its schema lacks: keep them as JSON text instead.
        unknown = {k: r.pop(k) for k in sorted(set(r) - known)}
        r["extra"] = json.dumps(unknown, sort_keys=True) if unknown else None
        r["input"] = path
        r["date"] = r["first"][:10]
        r["server_country"] = r["serverCountry"] or "unplaced"
        rows.append(r)
    return rows


def flow_schema():
    """The Parquet flow table: FLOW_FIELDS, then ADDED_COLUMNS."""
    from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType
    types = {"s": StringType(), "n": LongType(), "b": BooleanType()}
    return StructType([StructField(k, types[t], True) for k, t in FLOW_FIELDS + ADDED_COLUMNS])


def config_fail_on(path):
    """`fail_on` (or `fail-on`) of a config file as scan reads it, or None."""
    try:
        import yaml
    except ImportError:
        print(f"borderflow_spark: note: PyYAML is missing: fail_on of {path} not read (give --fail-on)", file=sys.stderr)
        return None
    try:
        with open(path) as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError):
        return None  # the scan tasks report a config file that cannot be read
    value = doc.get("fail_on", doc.get("fail-on")) if isinstance(doc, dict) else None
    if value is None:
        return None
    return value if value in ("none", "info", "low", "medium", "high") else "high"  # as scan takes it


def task_failure(e):
    """One line for tasks that failed after Spark's retries: borderflow's message."""
    lines = [l for l in str(e).splitlines() if "RuntimeError: " in l]
    return lines[-1].split("RuntimeError: ", 1)[1] if lines else str(e).splitlines()[0]


def main(argv=None):
    ap = argparse.ArgumentParser(description="Scan captures with borderflow on Spark and merge the results into one report.")
    ap.add_argument("paths", nargs="+", help="capture files, directories or globs (seen at the same paths on every executor)")
    ap.add_argument("--borderflow", help="the borderflow binary on every node (default: shipped with --files, else on PATH)")
    ap.add_argument("--home"), ap.add_argument("--config"), ap.add_argument("--registry")
    ap.add_argument("--geo", action="append", default=[])
    ap.add_argument("--include-flows", action="store_true", help="flow records in the report (as scan --include-flows)")
    ap.add_argument("--asn", action="append", default=[], help="ASN database for the report (as borderflow merge --asn; `off` for none)")
    ap.add_argument("--oui", help="device vendors for the report (as borderflow merge --oui)")
    ap.add_argument("--maintenance-log", help="remote-maintenance sessions as CSV (as borderflow merge)")
    ap.add_argument("--append", action="store_true", help="with --maintenance-log (as borderflow merge)")
    ap.add_argument("--baseline", help="an earlier JSON report or SARIF file (as borderflow merge)")
    ap.add_argument("--fail-on-new", action="store_true", help="with --baseline (as borderflow merge)")
    ap.add_argument("--format", default="json", help="report format: json, sarif, html, text, csv, ndjson, junit")
    ap.add_argument("-o", "--output", help="report file (default: standard output)")
    ap.add_argument("--fail-on", help="none, info, low, medium, high (as borderflow merge)")
    ap.add_argument("--shards", type=int, help="tasks (default: one per input, at most 1,000)")
    ap.add_argument("--flows-parquet", help="also write every flow record to this Parquet directory")
    ap.add_argument("--master", help="Spark master when not run by spark-submit, e.g. local[2]")
    a = ap.parse_args(argv)
    if "-" in a.paths:
        ap.error("standard input cannot be spread over executors")
    # Executors do not run in the driver's directory: every file by its absolute path.
    absolute = lambda p: p if p in (None, "off", "-") else os.path.abspath(p)
    if not a.config and os.path.isfile("borderflow.yaml"):
        a.config = "borderflow.yaml"  # scan's default, from the driver's directory
    a.config, a.registry, a.oui, a.baseline = map(absolute, (a.config, a.registry, a.oui, a.baseline))
    a.maintenance_log, a.output = map(absolute, (a.maintenance_log, a.output))
    if a.borderflow and os.sep in a.borderflow:
        a.borderflow = absolute(a.borderflow)  # a bare name is looked up on each node's PATH
    a.geo, a.asn = [absolute(g) for g in a.geo], [absolute(n) for n in a.asn]
    if not a.fail_on and a.config:
        a.fail_on = config_fail_on(a.config)  # merge reads no config file

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
        scanned = [os.path.abspath(p) for p in globbed(a.paths)]
        inputs = expand(scanned)
        if not inputs:
            print("borderflow_spark: no input found", file=sys.stderr)
            return 2
        shards = a.shards or min(len(inputs), 1000)
        args = judging_args(a)
        scan_args = args + (["--include-flows"] if a.include_flows else [])
        explicit = a.borderflow
        try:
            parts = sc.parallelize(range(1, shards + 1), shards) \
                .map(lambda k: (k, scan_shard(find_binary(explicit), k, shards, scanned, scan_args))).collect()
        except Exception as e:  # Py4JJavaError: tasks failed after Spark's retries
            print(f"borderflow_spark: {task_failure(e)}", file=sys.stderr)
            return 2
        # Each task lists the directories itself: partials of different input lists (files
        # came or went during the run) are refused by merge, exit 2, no report.
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
            for flag, value in (("--oui", a.oui), ("--maintenance-log", a.maintenance_log), ("--baseline", a.baseline)):
                merge += [flag, value] if value else []
            merge += (["--append"] if a.append else []) + (["--fail-on-new"] if a.fail_on_new else [])
            status = subprocess.run(merge + files).returncode
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

        if a.flows_parquet:
            rows = sc.parallelize(inputs, len(inputs)).flatMap(lambda p: flows_of(find_binary(explicit), p, args))
            try:
                spark.createDataFrame(rows, flow_schema()).write.mode("overwrite") \
                    .partitionBy("date", "server_country").parquet(a.flows_parquet)
            except Exception as e:
                print(f"borderflow_spark: flows: {task_failure(e)}", file=sys.stderr)
                return 2
        return status
    finally:
        spark.stop()


if __name__ == "__main__":
    sys.exit(main())
