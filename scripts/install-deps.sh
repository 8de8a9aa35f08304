#!/usr/bin/env bash
# Installs the Debian packages borderflow builds and runs with, if any is missing.
# Safe to run again; needs root (or sudo) only when something must be installed.
set -euo pipefail

packages=(libpcap-dev liblz4-dev zlib1g-dev libzstd-dev libssl-dev pkg-config tor-geoipdb)
# Who runs each server (AS number and name, anycast): IPFire's location database via libloc.
packages+=(libloc-dev libloc-database)
# Tests compare AS data with `location lookup`.
packages+=(location)
# Device vendors from the IEEE registry as Wireshark ships it (/usr/share/wireshark/manuf);
# tshark compares with it in the tests when present (install-deps.sh tshark).
packages+=(wireshark-common)
# The live capture test replays the example inside a network namespace of its own.
packages+=(iproute2 tcpreplay)
# The SARIF test validates reports against the SARIF 2.1.0 schema.
packages+=(python3-jsonschema)
# The JUnit test reads reports with a JUnit reader.
packages+=(python3-junitparser)
# The Spark test runs PySpark in local mode on Java.
command -v java >/dev/null 2>&1 || packages+=(default-jre-headless)
# Extra packages for a purpose, e.g. the peer comparison: install-deps.sh tcpdump tshark
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages of the Spark job and its test (PyPI): PySpark, pyarrow, DuckDB.
if ! python3 -c "import pyspark, pyarrow, duckdb" 2>/dev/null; then
  echo "installing (pip): pyspark pyarrow duckdb" >&2
  python3 -m pip install --quiet --disable-pip-version-check pyspark pyarrow duckdb >/dev/null \
    || echo "install-deps: warning: pip could not install pyspark, pyarrow, duckdb; the Spark test will be skipped" >&2
fi
