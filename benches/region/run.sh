#!/usr/bin/env bash
# The region benchmark of docs/performance.md: symbio against raw HiGHS on the
# model symbio exports, side by side in one run, one thread each.
#
#   benches/region/run.sh [SIZES...]        (default: 1000 5000 15000)
#
# Environment:
#   LIMIT            seconds per solve (default 300)
#   SEED             seed of the generated regions (default 1)
#   OUT              working directory (default /tmp/symbio-region-bench)
#   SIDE_BY_SIDE=1   run symbio and HiGHS at the same time (one core each)
#                    instead of one after the other
#   MEM_CAP          the address space each solver process may take, as
#                    prlimit --as sets it: a number of bytes, or of MiB or GiB
#                    with M or G after it (default 12G). The model export and
#                    both solvers run under it. A solver that hits it is a row
#                    "out of memory at N GiB": it said so (a failed allocation,
#                    HiGHS's "Memory limit reached"), or it ended in an error
#                    after taking half the cap or more
#   HIGHS_SKIP_FROM  raw HiGHS is not started on regions of this many sites or
#                    more (default 15000: on the 15,000-site model it grows past
#                    20 GiB); the table says so in its row
#   FORCE_HIGHS=1    start raw HiGHS on every size (under MEM_CAP all the same)
#   PLANTS=1         regions with candidate plants of three technologies, about
#                    one per ten sites (examples/region --plants)
#   PERIODS=N        regions over N equal periods with seasonal streams and
#                    candidate stores (examples/region --periods N)
#
# highspy comes from PyPI into a throwaway venv under OUT. Prints one JSON line
# per solve and then a Markdown table. A solver that ends without a result
# (out of memory, killed, an error) is a row too, saying how it ended; its
# stderr is kept in OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT=${LIMIT:-300}
SEED=${SEED:-1}
OUT=${OUT:-/tmp/symbio-region-bench}
MEM_CAP=${MEM_CAP:-12G}
HIGHS_SKIP_FROM=${HIGHS_SKIP_FROM:-15000}
FORCE_HIGHS=${FORCE_HIGHS:-0}
PLANTS=${PLANTS:-0}
plants_flag=""
[ "$PLANTS" = 1 ] && plants_flag="--plants"
PERIODS=${PERIODS:-}
[ -n "$PERIODS" ] && plants_flag="$plants_flag --periods $PERIODS"
[[ "$MEM_CAP" =~ ^[0-9]+[MG]?$ ]] || { echo "MEM_CAP=$MEM_CAP: a number, with M or G after it or not" >&2; exit 2; }
case "$MEM_CAP" in
  *G) cap_bytes=$((${MEM_CAP%G} * 1024 * 1024 * 1024)); cap_text="${MEM_CAP%G} GiB" ;;
  *M) cap_bytes=$((${MEM_CAP%M} * 1024 * 1024)); cap_text="${MEM_CAP%M} MiB" ;;
  *) cap_bytes=$MEM_CAP; cap_text="$MEM_CAP bytes" ;;
esac
command -v prlimit >/dev/null || { echo "run.sh needs prlimit (util-linux) for MEM_CAP" >&2; exit 1; }
mkdir -p "$OUT"
if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install -q highspy
fi
cargo build -q --release --bin symbio --example region --example trace
bin=${CARGO_TARGET_DIR:-target}/release

# capped NAME COMMAND...: COMMAND under the memory cap, its stdout to
# OUT/NAME.json, its stderr to OUT/NAME.err, its exit status and wall-clock
# seconds to OUT/NAME.rc. Never fails, so that the other solver's row is kept.
capped() {
  local name=$1 rc=0 start
  shift
  start=$EPOCHREALTIME
  prlimit --as="$cap_bytes" -- "$@" > "$OUT/$name.json" 2> "$OUT/$name.err" || rc=$?
  echo "$rc $start $EPOCHREALTIME" > "$OUT/$name.rc"
}

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 15000)
results="$OUT/results.jsonl"
: > "$results"
for n in "${sizes[@]}"; do
  scenario="$OUT/region-$n.toml"
  model="$OUT/region-$n.mps"
  "$bin/examples/region" "$n" "$SEED" "$PWD/scenarios/catalog/default.toml" $plants_flag > "$scenario"
  highs_note=""
  if [ "$FORCE_HIGHS" != 1 ] && [ "$n" -ge "$HIGHS_SKIP_FROM" ]; then
    highs_note="not run: HIGHS_SKIP_FROM=$HIGHS_SKIP_FROM (raw HiGHS grows past 20 GiB on the 15,000-site model); FORCE_HIGHS=1 runs it"
  else
    # The model exactly as symbio hands it to HiGHS (the solve after it is cut short).
    rm -f "$model"
    prlimit --as="$cap_bytes" -- "$bin/symbio" solve "$scenario" --export-model "$model" \
      --time-limit 0.01 --quiet -o /dev/null 2> "$OUT/export-$n.err" || true
    [ -s "$model" ] || highs_note="not run: the model export ended without a model ($OUT/export-$n.err)"
  fi
  # highspy prints its banner on stdout first: the summary is the last line.
  run_symbio() { capped "symbio-$n" "$bin/examples/trace" "$scenario" --time-limit "$LIMIT"; }
  run_highs() {
    if [ -n "$highs_note" ]; then
      : > "$OUT/highs-$n.json"; : > "$OUT/highs-$n.err"; : > "$OUT/highs-$n.rc"
    else
      capped "highs-$n" "$OUT/venv/bin/python" benches/region/highs_trace.py "$model" --time-limit "$LIMIT"
    fi
  }
  if [ "${SIDE_BY_SIDE:-0}" = 1 ]; then
    run_symbio & a=$!
    run_highs & b=$!
    wait $a; wait $b
  else
    run_symbio
    run_highs
  fi
  for s in symbio highs; do
    note=""
    [ "$s" = highs ] && note=$highs_note
    python3 - "$OUT/$s-$n" "$n" "$s" "$cap_text" "$cap_bytes" "$note" <<'PY' | tee -a "$results"
import json, re, signal, sys
base, sites, solver, cap, cap_bytes, note = sys.argv[1:7]
# What a process that hit the cap says: Rust's and C++'s failed allocations, Python's,
# a library that could not be mapped, and the HiGHS status of a caught bad_alloc.
MEMORY = r"bad_alloc|MemoryError|memory allocation|Cannot allocate memory|out of memory|failed to map segment|memory limit"
def ended(status, seconds=None):
    return {"solver": solver, "seconds_to": {}, "gap_at": {}, "gap": None,
            "status": status, "seconds": seconds, "peak_mib": None}
def near_cap(err):
    # A failed run of either solver names the address space it had taken: HiGHS
    # catches a failed allocation and reports a plain error.
    m = re.search(r"peak address space (\d+) MiB", err)
    return m is not None and int(m.group(1)) * 2**20 >= int(cap_bytes) / 2
if note:
    d = ended(note)
else:
    rc, start, stop = open(base + ".rc").read().split()
    rc, seconds = int(rc), float(stop) - float(start)
    try:
        d = json.loads(open(base + ".json").read().strip().splitlines()[-1])
        if re.search(MEMORY, str(d.get("status")), re.I) or near_cap(str(d.get("status"))):
            d = {**ended(f"out of memory at {cap}", seconds), "peak_mib": d.get("peak_mib")}
    except (IndexError, ValueError):
        err = open(base + ".err", errors="replace").read()
        last = next((l.strip() for l in reversed(err.splitlines()) if l.strip()), "")
        if re.search(MEMORY, err, re.I) or near_cap(err):
            d = ended(f"out of memory at {cap}", seconds)
        elif rc > 128:
            try:
                name = signal.Signals(rc - 128).name
            except ValueError:
                name = f"signal {rc - 128}"
            d = ended(f"killed by {name}" + (f" ({last})" if last else ""), seconds)
        else:
            d = ended(f"ended without a result (exit {rc}" + (f": {last}" if last else "") + ")", seconds)
d["sites"] = int(sites)
print(json.dumps(d))
PY
  done
done
python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def s(v): return "–" if v is None else f"{v:.1f} s"
def g(v): return "–" if v is None else f"{100 * v:.3f} %"
def end(r):
    if "objective" not in r:  # a row for a solver that ended without a result
        return r["status"] if r["seconds"] is None else f"{r['status']} after {s(r['seconds'])}"
    return f"{r['status']}, {g(r['gap'])} after {s(r['seconds'])}"
print("| sites | solver | to 2 % | to 1.5 % | to 1 % | to 0.1 % | to 0.01 % | gap at 30 s | gap at 300 s | end: status, gap | peak memory |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    to, at = r["seconds_to"], r["gap_at"]
    print(f"| {r['sites']:,} | {r['solver']} | {s(to.get('0.02'))} | {s(to.get('0.015'))} | {s(to.get('0.01'))} "
          f"| {s(to.get('0.001'))} | {s(to.get('0.0001'))} "
          f"| {g(at.get('30'))} | {g(at.get('300'))} | {end(r)} "
          f"| {'–' if r['peak_mib'] is None else format(r['peak_mib'], '.0f') + ' MiB'} |")
PY
