#!/usr/bin/env python3
"""The Spark job in Spark's local mode, checked against borderflow run directly.

Over the bundled example, three shared-fixture captures (when ../shared/fixtures is
there) and a file that is not a capture:
  - the merged JSON report equals one `borderflow scan` over the same files;
  - runs with one and two executors (local[1], local[2]) give byte-identical reports;
  - the Parquet flows read back equal `borderflow flows` (count, then every field of
    every record);
  - the unreadable file is an input error in the merged report, and the job exits 2
    as merge does, without failing;
  - the DuckDB query of the README (cross-border bytes per server country over the
    NDJSON flows) gives what the flows add up to.
Exits 0 with a note when Java or PySpark is missing (scripts/install-deps.sh installs them).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(os.path.dirname(ROOT), "shared", "fixtures", "ndpi-services", "pcap")
BINARY = os.environ.get("BORDERFLOW", os.path.join(ROOT, ".build", "debug", "borderflow"))
JUDGE = ["--home", "CN", "--geo", os.path.join(ROOT, "Captures", "plant-example-geo.csv")]


def missing():
    if not shutil.which("java"):
        return "java is missing (Debian default-jre-headless)"
    try:
        import pyspark  # noqa: F401
        import pyarrow  # noqa: F401
        import duckdb  # noqa: F401
    except ImportError as e:
        return f"{e.name} is missing (pip install pyspark pyarrow duckdb)"
    if not os.access(BINARY, os.X_OK):
        return f"{BINARY} is not built (swift build)"
    return None


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def check(ok, what):
    if not ok:
        print(f"test_spark: FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"test_spark: ok: {what}")


def main():
    why = missing()
    if why:
        print(f"test_spark: skipped: {why}")
        return 0
    sys.path.insert(0, HERE)
    import borderflow_spark

    work = os.environ.get("BORDERFLOW_SPARK_KEEP") or tempfile.mkdtemp(prefix="borderflow-spark-test-")
    os.makedirs(work, exist_ok=True)
    try:
        bad = os.path.join(work, "not-a-capture.pcap")
        with open(bad, "w") as f:
            f.write("this is text, not packets\n")
        inputs = [os.path.join(ROOT, "Captures", "plant-example.pcapng"), bad]
        if os.path.isdir(FIXTURES):
            inputs += [os.path.join(FIXTURES, n) for n in ("openvpn.pcap", "teamviewer.pcap", "pgsql.pcap")]
        else:
            print(f"test_spark: note: {FIXTURES} not present; the bundled example and the bad file only")

        # (d) in passing: scan exits 2 for the bad input, and so do the job and merge.
        single = os.path.join(work, "single.json")
        r = run([BINARY, "scan", "-q", "--format", "json", "-o", single, "--asn", "off"] + JUDGE + inputs)
        check(r.returncode == 2, "borderflow scan exits 2 for an unreadable input")

        reports = {}
        for master in ("local[1]", "local[2]"):
            out = os.path.join(work, f"merged-{master[6]}.json")
            pq = os.path.join(work, f"flows-{master[6]}")
            status = borderflow_spark.main(["--master", master, "--borderflow", BINARY, "--format", "json", "-o", out,
                                            "--flows-parquet", pq, "--asn", "off"] + JUDGE + inputs)
            check(status == 2, f"{master}: the job ends with merge's status 2 (an input error), not a failure")
            with open(out, "rb") as f:
                reports[master] = f.read()
        check(reports["local[1]"] == reports["local[2]"], "one and two executors give byte-identical merged reports")

        # A task that fails is retried by Spark and gives the same partial: a binary that
        # fails each shard's first scan, under local[2,2] (two tries per task).
        flaky = os.path.join(work, "flaky-borderflow")
        with open(flaky, "w") as f:
            f.write(f"""#!/bin/sh
if [ "$1" = scan ]; then
  mark="{work}/tried-$(echo "$*" | sed 's/.*--shard \\([0-9]*\\)\\/.*/\\1/')"
  [ -e "$mark" ] || {{ touch "$mark"; echo "borderflow: simulated executor failure" >&2; exit 70; }}
fi
exec {BINARY} "$@"
""")
        os.chmod(flaky, 0o755)
        out = os.path.join(work, "merged-retried.json")
        status = borderflow_spark.main(["--master", "local[2,2]", "--borderflow", flaky, "--format", "json", "-o", out,
                                        "--asn", "off"] + JUDGE + inputs)
        with open(out, "rb") as f:
            check(status == 2 and f.read() == reports["local[2]"], "failed tasks are retried and give the same merged report")
        # The binary shipped with the job, as on a cluster: spark-submit --files, no --borderflow.
        import pyspark
        submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
        out = os.path.join(work, "merged-submitted.json")
        r = run([submit, "--master", "local[2]", "--files", BINARY, os.path.join(HERE, "borderflow_spark.py"),
                 "--format", "json", "-o", out, "--asn", "off"] + JUDGE + inputs)
        with open(out, "rb") as f:
            check(r.returncode == 2 and f.read() == reports["local[2]"],
                  "spark-submit --files ships the binary (SparkFiles) and gives the same report")
        with open(single, "rb") as f:
            check(f.read() == reports["local[2]"], "the merged report equals one borderflow scan over the same files")
        merged = json.loads(reports["local[2]"])
        errors = [i for i in merged["inputs"] if i["errors"]]
        check(len(errors) == 1 and errors[0]["path"] == bad, "the unreadable file is an input error in the merged report")
        check(len(merged["inputs"]) == len(inputs) and merged["summary"]["packets"] >= 516, "the report covers every input")

        # (c) Parquet flows against borderflow flows.
        expected = []
        for p in inputs:
            r = run([BINARY, "flows", "--format", "ndjson"] + JUDGE + [p])
            for line in r.stdout.splitlines():
                rec = json.loads(line)
                rec["input"] = p
                expected.append(rec)
        import pyarrow.dataset as ds
        table = ds.dataset(os.path.join(work, "flows-2"), format="parquet", partitioning="hive").to_table()
        got = table.to_pylist()
        check(len(got) == len(expected) and len(got) > 0, f"the Parquet table holds every flow record ({len(expected)})")
        key = lambda r: (r["input"], r["first"], r["clientIp"], r["clientPort"], r["serverIp"], r["serverPort"], r["proto"])
        fields = list(expected[0].keys())
        check(set(fields) <= set(table.column_names), "the Parquet table has a column for every flow record field"
              + f" (missing: {sorted(set(fields) - set(table.column_names))})")
        mismatches = [(e, g) for e, g in zip(sorted(expected, key=key), sorted(got, key=key))
                      if any(e[k] != g[k] for k in fields)]
        check(not mismatches, f"every field of every record read back equals borderflow flows ({len(fields)} fields)"
              + (f": first difference {mismatches[0]}" if mismatches else ""))
        check(all(str(g["date"]) == g["first"][:10] and str(g["server_country"]) == (g["serverCountry"] or "unplaced") for g in got),
              "partition columns date and server_country")

        # Relative names from another directory: the Spark JVM and its Python workers keep the
        # directory they started in (as executors on a cluster have their own), so the job must
        # name files absolutely, take ./borderflow.yaml as scan does, and hand merge its fail_on.
        here = os.path.join(work, "plant")
        os.makedirs(here, exist_ok=True)
        shutil.copy(inputs[0], os.path.join(here, "plant.pcapng"))
        with open(os.path.join(here, "borderflow.yaml"), "w") as f:
            f.write(f"home: [CN]\ngeo: [{JUDGE[3]}]\nfail_on: none\n")
        expected_report = run([BINARY, "scan", "-q", "--format", "json", "--asn", "off", "plant.pcapng"], cwd=here)
        cwd = os.getcwd()
        os.chdir(here)
        try:
            status = borderflow_spark.main(["--master", "local[2]", "--borderflow", BINARY, "--format", "json",
                                            "-o", "merged.json", "--asn", "off", "plant.pcapng"])
        finally:
            os.chdir(cwd)
        with open(os.path.join(here, "merged.json"), "rb") as f:
            report = json.loads(f.read())
        check(status == expected_report.returncode == 0 and [i["path"] for i in report["inputs"]] == [os.path.join(here, "plant.pcapng")]
              and report["findings"] == json.loads(expected_report.stdout)["findings"],
              "relative names and ./borderflow.yaml: absolute paths for the executors, the config's fail_on for merge")

        # A configuration error fails every task: the job exits 2 as borderflow does, not 1 (findings).
        status = borderflow_spark.main(["--master", "local[2]", "--borderflow", BINARY, "--format", "json",
                                        "--registry", os.path.join(work, "missing.yaml"), "--asn", "off"] + JUDGE + inputs[:1])
        check(status == 2, "a task that cannot succeed ends the job with status 2")

        # A directory that grows while the tasks run: the first shard's scan adds a file
        # after it has listed the directory, so the later shard sees another input list.
        growing = os.path.join(work, "growing")
        os.makedirs(growing, exist_ok=True)
        shutil.copy(inputs[0], os.path.join(growing, "b.pcapng"))
        grower = os.path.join(work, "growing-borderflow")
        with open(grower, "w") as f:
            f.write(f"""#!/bin/sh
{BINARY} "$@"; status=$?
case "$*" in *"--shard 1/"*) cp {inputs[0]} {growing}/a.pcapng ;; esac
exit $status
""")
        os.chmod(grower, 0o755)
        status = borderflow_spark.main(["--master", "local[1]", "--borderflow", grower, "--shards", "2", "--format", "json",
                                        "-o", os.path.join(work, "grown.json"), "--asn", "off"] + JUDGE + [growing])
        check(status == 2 and not os.path.exists(os.path.join(work, "grown.json")),
              "inputs that change while the tasks run end the job with status 2, not a report missing them")

        # A field the Parquet schema does not know yet (a newer borderflow) is kept in `extra`.
        newer = os.path.join(work, "newer-borderflow")
        with open(newer, "w") as f:
            f.write(f"#!/bin/sh\n{BINARY} \"$@\" | sed 's/}}$/,\"futureField\":[1]}}/'\n")
        os.chmod(newer, 0o755)
        rows = borderflow_spark.flows_of(newer, inputs[0], JUDGE)
        check(rows and all(json.loads(r["extra"]) == {"futureField": [1]} and "futureField" not in r for r in rows),
              "fields the Parquet schema lacks are kept as JSON in the extra column")

        # DuckDB over the NDJSON flows, the README's query.
        ndjson = os.path.join(work, "flows.ndjson")
        with open(ndjson, "w") as f:
            for rec in expected:
                rec = dict(rec)
                del rec["input"]
                f.write(json.dumps(rec) + "\n")
        import duckdb
        with open(os.path.join(HERE, "bytes_per_country.sql")) as f:
            query = f.read().replace("'flows.ndjson'", "'" + ndjson + "'")
        rows = dict(duckdb.sql(query).fetchall())
        sums = {}
        for rec in expected:
            if rec["crossBorder"]:
                sums[rec["serverCountry"]] = sums.get(rec["serverCountry"], 0) + rec["bytesToServer"] + rec["bytesToClient"]
        check(rows == sums and rows, f"DuckDB counts cross-border bytes per country: {rows}")
        return 0
    finally:
        if not os.environ.get("BORDERFLOW_SPARK_KEEP"):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
