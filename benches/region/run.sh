#!/usr/bin/env bash
# The region benchmark of docs/performance.md: symbio against raw HiGHS on the
# model symbio exports, side by side in one run, one thread each.
#
#   benches/region/run.sh [SIZES...]        (default: 1000 5000 15000)
#
# Environment: LIMIT (seconds per solve, default 300), SEED (default 1),
# OUT (working directory, default /tmp/symbio-region-bench), SIDE_BY_SIDE=1 to
# run symbio and HiGHS at the same time (one core each) instead of one after
# the other. highspy comes from PyPI into a throwaway venv under OUT. Prints one
# JSON line per solve and then a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT=${LIMIT:-300}
SEED=${SEED:-1}
OUT=${OUT:-/tmp/symbio-region-bench}
mkdir -p "$OUT"
if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install -q highspy
fi
cargo build -q --release --bin symbio --example region --example trace
bin=${CARGO_TARGET_DIR:-target}/release
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 15000)
results="$OUT/results.jsonl"
: > "$results"
for n in "${sizes[@]}"; do
  scenario="$OUT/region-$n.toml"
  model="$OUT/region-$n.mps"
  "$bin/examples/region" "$n" "$SEED" "$PWD/scenarios/catalog/default.toml" > "$scenario"
  # The model exactly as symbio hands it to HiGHS (the solve after it is cut short).
  "$bin/symbio" solve "$scenario" --export-model "$model" --time-limit 0.01 --quiet -o /dev/null || true
  run_symbio() { "$bin/examples/trace" "$scenario" --time-limit "$LIMIT"; }
  # highspy prints its banner on stdout first: the summary is the last line.
  run_highs() { "$OUT/venv/bin/python" benches/region/highs_trace.py "$model" --time-limit "$LIMIT" | tail -n 1; }
  if [ "${SIDE_BY_SIDE:-0}" = 1 ]; then
    run_symbio > "$OUT/symbio-$n.json" & a=$!
    run_highs > "$OUT/highs-$n.json" & b=$!
    # A solver that ends without a result (killed for memory, say) is a row too.
    wait $a || true; wait $b || true
  else
    run_symbio > "$OUT/symbio-$n.json" || true
    run_highs > "$OUT/highs-$n.json" || true
  fi
  for s in symbio highs; do
    python3 - "$OUT/$s-$n.json" "$n" "$s" <<'PY' | tee -a "$results"
import json, sys
try:
    d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
except (IndexError, ValueError):
    d = {"solver": sys.argv[3], "seconds_to": {}, "gap_at": {}, "gap": None,
         "status": "ended without a result", "seconds": None, "peak_mib": None}
d["sites"] = int(sys.argv[2])
print(json.dumps(d))
PY
  done
done
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def s(v): return "–" if v is None else f"{v:.1f} s"
def g(v): return "–" if v is None else f"{100 * v:.3f} %"
print("| sites | solver | to 2 % | to 1.5 % | to 1 % | to 0.1 % | to 0.01 % | gap at 30 s | gap at 300 s | end: status, gap | peak memory |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    to, at = r["seconds_to"], r["gap_at"]
    print(f"| {r['sites']:,} | {r['solver']} | {s(to.get('0.02'))} | {s(to.get('0.015'))} | {s(to.get('0.01'))} "
          f"| {s(to.get('0.001'))} | {s(to.get('0.0001'))} "
          f"| {g(at.get('30'))} | {g(at.get('300'))} | {r['status']}, {g(r['gap'])} after {s(r['seconds'])} "
          f"| {'–' if r['peak_mib'] is None else format(r['peak_mib'], '.0f') + ' MiB'} |")
PY
