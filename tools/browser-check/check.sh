#!/usr/bin/env bash
# The HTML report of every kind of result folder, opened in headless Chromium: a screenshot of each, and a
# failure on any console error or warning, script, or request beyond the file itself. First a page built to
# fail shows that the check can fail.
#
#   bash tools/browser-check/check.sh [OUT_DIR]      # default target/browser-check
#   python3 tools/browser-check/docs_screenshots.py OUT_DIR/screenshots docs/screenshots   # the README's
#
# TERRASIM=path/to/terrasim picks the binary (default: target/release/terrasim, built if missing);
# CHROMIUM=path/to/chrome the browser (default: chromium, installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-target/browser-check}
bin=${TERRASIM:-target/release/terrasim}
[ -x "$bin" ] || cargo build --release --quiet
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
rm -rf "$out" && mkdir -p "$out"

n=scenarios/northstar
"$bin" simulate $n/departure.toml --trials 200 --out "$out/simulate" --quiet
"$bin" stress $n/stress.toml --trials 100 --out "$out/stress" --quiet
"$bin" optimize $n/segmentation.toml --trials 100 --out "$out/optimize" --quiet
"$bin" compare $n/segmentation.toml --plan "$out/optimize/vertical/plan.csv" --trials 100 --out "$out/compare" --quiet
"$bin" backtest --history $n/data/opportunities.csv --scenario $n/baseline.toml --cutoff 2025-01-01 \
    --trials 200 --out "$out/backtest" --quiet
# The scenario comes from each folder's manifest; one report names it explicitly, as a user may.
"$bin" report "$out/simulate" --quiet
"$bin" report "$out/stress" --quiet
"$bin" report "$out/optimize" --scenario $n/segmentation.toml --quiet
"$bin" report "$out/compare" --quiet
"$bin" report "$out/backtest" --quiet

# A page that loads an image and logs an error must fail the check.
mkdir -p "$out/must-fail"
cat > "$out/must-fail/report.html" <<'HTML'
<!DOCTYPE html><html><body><svg></svg><img src="http://127.0.0.1:9/x.png"><script>console.error("x")</script></body></html>
HTML
if python3 tools/browser-check/check.py "$out/screenshots" "$out/must-fail/report.html" >"$out/must-fail/log" 2>&1; then
    cat "$out/must-fail/log"
    echo "the browser check passed a page that requests the network and logs an error" >&2
    exit 1
fi
echo "a page built to fail fails: $(grep -c '^    ' "$out/must-fail/log") problems found"

python3 tools/browser-check/check.py "$out/screenshots" "$out"/{simulate,stress,optimize,compare,backtest}/report.html
