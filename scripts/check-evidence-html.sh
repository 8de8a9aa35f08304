#!/usr/bin/env bash
# Renders the bundled example's evidence report (scan --format html) in headless
# Chromium: fails on console messages (a script, or a resource the page's
# Content-Security-Policy refused) and on a page without its sections; writes the
# screenshot and a PDF print next to the page. Installs Debian's chromium when it is
# missing. scripts/test.sh runs it; `--update-screenshot` also refreshes the README's
# picture, Captures/evidence-report.png.
set -euo pipefail
cd "$(dirname "$0")/.."

# A debug build is enough (and quick when it is up to date).
swift build --product borderflow
bin=.build/debug/borderflow
out=${EVIDENCE_OUT:-$(mktemp -d)}
mkdir -p "$out"
page="$out/evidence.html"

# Exit status 1 is expected: the example has high-severity findings.
status=0
"$bin" scan --config Captures/borderflow.yaml --include-flows --format html -o "$page" Captures/plant-example.pcapng || status=$?
if [ "$status" -gt 1 ]; then echo "check-evidence-html: scan failed (exit $status)" >&2; exit 1; fi
[ -s "$page" ] || { echo "check-evidence-html: empty report" >&2; exit 1; }

if ! command -v chromium >/dev/null; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y chromium || { $sudo apt-get update && $sudo apt-get install -y chromium; }
fi
chrome=(chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --enable-logging=stderr --v=0)
url="file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")"

"${chrome[@]}" --dump-dom "$url" >"$out/dom.html" 2>"$out/chromium.log" || true
# Console messages and refused loads; the rest of Chromium's stderr is its own noise.
if grep -E 'CONSOLE|Uncaught|Refused to|Content Security Policy' "$out/chromium.log"; then
    echo "check-evidence-html: the page logged console messages (above)" >&2
    exit 1
fi
for id in scope summary diagram findings storage maintenance registry; do
    grep -q "<section id=\"$id\">" "$out/dom.html" || { echo "check-evidence-html: rendered page lacks section $id" >&2; exit 1; }
done
grep -q '<svg class="flow-diagram"' "$out/dom.html" || { echo "check-evidence-html: no data-flow diagram" >&2; exit 1; }

shot="$out/evidence.png"
[ "${1:-}" = "--update-screenshot" ] && shot=Captures/evidence-report.png
"${chrome[@]}" --window-size=1280,2400 --screenshot="$shot" "$url" 2>>"$out/chromium.log"
"${chrome[@]}" --no-pdf-header-footer --print-to-pdf="$out/evidence.pdf" "$url" 2>>"$out/chromium.log"
[ -s "$shot" ] && [ -s "$out/evidence.pdf" ] || { echo "check-evidence-html: no screenshot or PDF" >&2; exit 1; }
echo "check-evidence-html: ok — page $page, PDF $out/evidence.pdf, screenshot $shot"
