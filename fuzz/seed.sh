#!/usr/bin/env bash
# Seeds the fuzzers' corpora from the shipped scenarios and the test data
# (corpora live in fuzz/corpus/, which git ignores).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/scenario fuzz/corpus/solve fuzz/corpus/rows
k=0
for f in scenarios/*.toml scenarios/*/*.toml tests/data/*.toml; do
  # scenario: first byte even = TOML.
  { printf '\x00'; cat "$f"; } > "fuzz/corpus/scenario/toml-$k"
  cp "$f" "fuzz/corpus/solve/toml-$k"
  k=$((k + 1))
done
# JSON seeds: the TOML files converted (first byte odd = JSON).
if command -v python3 >/dev/null 2>&1; then
  for f in tests/data/*.toml scenarios/ulsan-steam.toml; do
    python3 -c 'import json,sys,tomllib; print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))' "$f" \
      > "fuzz/corpus/scenario/json-$k.body" 2>/dev/null || continue
    { printf '\x01'; cat "fuzz/corpus/scenario/json-$k.body"; } > "fuzz/corpus/scenario/json-$k"
    rm "fuzz/corpus/scenario/json-$k.body"
    k=$((k + 1))
  done
fi
# import: first byte 0 mod 3 = the outputs sheet as CSV, 1 = an xlsx workbook
# (fuzz/seeds/ulsan-steam.xlsx is `symbio export scenarios/ulsan-steam.toml --to xlsx`).
mkdir -p fuzz/corpus/import
printf '\x00site,id,material,quantity,disposal_cost\nsteel,slag,slag,100,5\n' > fuzz/corpus/import/csv-0
printf '\x00site,id,material,quantity\nsteel,slag,slag,-5\nsteeel,ash,slag,lots\n' > fuzz/corpus/import/csv-1
printf '\x00site,id,material,quantitiy,source\n"steel",slag,slag,1e3,"a, b"\n' > fuzz/corpus/import/csv-2
{ printf '\x01'; cat fuzz/seeds/ulsan-steam.xlsx; } > fuzz/corpus/import/xlsx-0
printf '{"point":0,"values":{"parameters.carbon_price":0.0},"status":"optimal","objective":1.0,"gap":0.0,"totals":null,"chosen":[],"error":null}\n' > fuzz/corpus/rows/jsonl-0
printf 'point,parameters.carbon_price,status\n0,0,optimal\n' > fuzz/corpus/rows/csv-0
echo "seeded $k scenario files"
