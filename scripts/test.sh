#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, builds, tests.
# Third-party fixtures are read from ../shared/fixtures when present (skipped otherwise).
# Then the evidence report is rendered in headless Chromium (scripts/check-evidence-html.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --build-tests -j "$(nproc)"
swift test --skip-build
# The Spark job in local mode against borderflow itself (skips without Java or PySpark);
# Spark's own log (a retried task logs its failure) is shown only when the test fails.
spark_log=$(mktemp)
python3 scripts/spark/test_spark.py 2>"$spark_log" || { cat "$spark_log" >&2; rm -f "$spark_log"; exit 1; }
rm -f "$spark_log"
# The evidence report in a real browser (headless Chromium, installed when missing).
scripts/check-evidence-html.sh
