#!/usr/bin/env bash
# Installs the Debian packages borderflow builds and runs with, if any is missing.
# Safe to run again; needs root (or sudo) only when something must be installed.
set -euo pipefail

packages=(libpcap-dev liblz4-dev zlib1g-dev libzstd-dev libssl-dev pkg-config tor-geoipdb)
# Who runs each server (AS number and name, anycast): IPFire's location database via libloc.
packages+=(libloc-dev libloc-database)
# Tests compare AS data with `location lookup`.
packages+=(location)
# The live capture test replays the example inside a network namespace of its own.
packages+=(iproute2 tcpreplay)
# The SARIF test validates reports against the SARIF 2.1.0 schema.
packages+=(python3-jsonschema)
# The JUnit test reads reports with a JUnit reader.
packages+=(python3-junitparser)
# Extra packages for a purpose, e.g. the peer comparison: install-deps.sh tcpdump tshark
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
