#!/usr/bin/env bash
# Rows files as a researcher loads them (docs/testing.md, "Rows in pandas"): a
# sweep CSV, a Monte Carlo rows CSV and JSON Lines rows, read by pandas as they
# are (no skiprows), in a throwaway virtual environment (pandas from PyPI).
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
symbio="$target/debug/symbio"
[ -x "$symbio" ] || cargo build --quiet
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
python3 -m venv "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet pandas
"$symbio" sweep tests/data/hand.toml --set parameters.carbon_price=0,25,50 \
  --format csv -q -o "$scratch/sweep.csv"
"$symbio" sweep tests/data/hand.toml --set parameters.carbon_price=0,25,50 \
  -q -o "$scratch/sweep.jsonl"
"$symbio" montecarlo tests/data/montecarlo.toml --samples 6 --seed 3 -q \
  --rows "$scratch/mc.csv" >/dev/null
"$scratch/venv/bin/python" - "$scratch" <<'PY'
import sys
import pandas as pd

d = sys.argv[1]
sweep = pd.read_csv(f"{d}/sweep.csv")
assert list(sweep.columns[:3]) == ["point", "parameters.carbon_price", "status"], list(sweep.columns)
assert list(sweep["point"]) == [0, 1, 2], sweep
assert list(sweep["parameters.carbon_price"]) == [0.0, 25.0, 50.0], sweep
assert "net_benefit" in sweep.columns
lines = pd.read_json(f"{d}/sweep.jsonl", lines=True)
assert list(lines["point"]) == [0, 1, 2], lines
assert list(lines["status"]) == list(sweep["status"])
mc = pd.read_csv(f"{d}/mc.csv")
assert list(mc.columns[:2]) == ["point", "seed"], list(mc.columns)
assert list(mc.columns[-7:]) == ["status", "net_benefit", "co2_avoided", "chosen", "flows", "reason", "error"], list(mc.columns)
assert list(mc["point"]) == list(range(6)) and set(mc["seed"]) == {3}, mc
print(f"pandas {pd.__version__}: sweep.csv {sweep.shape}, sweep.jsonl {lines.shape}, mc.csv {mc.shape}")
PY
