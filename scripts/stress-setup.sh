# Sourced by the stress scripts: the package root as working directory, the folder for
# generated inputs ($dir, BORDERFLOW_STRESS_DIR), and the binary to measure
# ($BORDERFLOW; a release build when not given).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${BORDERFLOW_STRESS_DIR:-/tmp/borderflow-stress}
mkdir -p "$dir"
if [ -z "${BORDERFLOW:-}" ]; then
    scripts/build-release.sh >&2
    BORDERFLOW=.build/release/borderflow
fi
