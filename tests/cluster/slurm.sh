#!/usr/bin/env bash
# Runs the Slurm recipes of docs/cluster.md (the files of deploy/slurm/) on a
# one-node Slurm started here, and compares each merged output byte for byte with
# one run on one machine:
#   - the sweep array (4 tasks) and its dependent merge, with one task stopped by
#     SIGTERM, rerun alone with --array=K and the merge pointed at the rerun;
#   - the solve array (8 shards) and its dependent merge.
# Needs root: it installs slurm-wlm and munge when missing and starts munged,
# slurmctld and slurmd with a configuration, key, state, spool and logs of its own
# in a scratch directory. Every process it started is stopped on success and on
# failure alike; the scratch directory is removed on success (kept on failure, or
# with KEEP=1). Usage: tests/cluster/slurm.sh (docs/testing.md).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
start=$SECONDS
say() { printf '[slurm %3ds] %s\n' $((SECONDS - start)) "$*"; }
fail() {
  say "FAIL: $*"
  exit 1
}

# --- what is missing -------------------------------------------------------------
need=()
for c in slurmctld slurmd sbatch munged mungekey; do
  command -v "$c" >/dev/null 2>&1 || need=(slurm-wlm munge)
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
version=$(slurmctld -V)
say "$version, $(munged -V | head -n 1)"

# --- symbio on the jobs' PATH, and the generator of the region scenario ----------
# After `cargo test` (as in .ci/run) both are built already.
(cd "$repo" && cargo build --quiet --bin symbio --example districts)
target=${CARGO_TARGET_DIR:-$repo/target}
case $target in /*) ;; *) target=$repo/$target ;; esac
symbio=$target/debug/symbio
[ -x "$symbio" ] || fail "no binary at $symbio"

# --- scratch directory and one-node configuration --------------------------------
scratch=$(mktemp -d /tmp/symbio-slurm.XXXXXX)
# munged requires the directory of its socket to be searchable by everyone.
chmod 755 "$scratch"
mkdir -p "$scratch"/{etc,run,state,spool,log,bin,one,shared}
mkdir -m 700 "$scratch/munge"
conf=$scratch/etc/slurm.conf
# Every process this run starts carries this variable (the daemons, and through
# sbatch the jobs): the clean-up finds what is left by it.
marker=SYMBIO_SLURM_RUN=$scratch
pids=()

cleanup() {
  local rc=$? p left
  set +e
  trap - EXIT INT TERM
  if [ -f "$conf" ] && [ ${#pids[@]} -gt 0 ]; then
    # Jobs first, so that slurmd can end their steps.
    SLURM_CONF=$conf scancel --quiet --user root 2>/dev/null
    for _ in $(seq 30); do
      [ -z "$(SLURM_CONF=$conf squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  # Daemons in the reverse order of their start, by process id.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    p=${pids[i]}
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 40); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.25
    done
    kill -9 "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  # Anything else this run started (a slurmstepd, a job's process).
  left=$(grep -l -z -x -F "$marker" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -v -x "$$")
  for p in $left; do kill -9 "$p" 2>/dev/null; done
  left=$(grep -l -z -x -F "$marker" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -v -x "$$")
  if [ -n "$left" ]; then
    say "still running after the clean-up: $left"
    rc=1
  else
    say "daemons stopped (pids ${pids[*]:-none}); nothing of this run is left running"
  fi
  if [ "$rc" -ne 0 ]; then
    for f in "$scratch"/log/*.log "$scratch"/shared/logs/*.log; do
      [ -f "$f" ] || continue
      echo "--- tail of $f"
      tail -n 15 "$f"
    done
    say "FAILED after $((SECONDS - start)) s; scratch directory kept: $scratch"
  elif [ "${KEEP:-}" = 1 ]; then
    say "passed in $((SECONDS - start)) s; scratch directory kept: $scratch"
  else
    rm -rf "$scratch"
    say "passed in $((SECONDS - start)) s"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Two free ports for slurmctld and slurmd.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=0
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 30000))
  if port_free "$p" && port_free $((p + 1)); then
    port=$p
    break
  fi
done
[ "$port" -ne 0 ] || fail "no two free ports found"

# This machine as slurmd sees it (cores, memory), reached on localhost.
node=$(slurmd -C | head -n 1)
node_name=${node%% *}
node_name=${node_name#NodeName=}
cat >"$conf" <<EOF
ClusterName=symbio-test
SlurmctldHost=$node_name(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$scratch/run/munge.socket
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/run/slurmctld.pid
SlurmdPidFile=$scratch/run/slurmd.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
SwitchType=switch/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
InactiveLimit=0
# Finished jobs stay visible to scontrol for 10 minutes.
MinJobAge=600
KillWait=10
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
say "scratch $scratch; node: $node; ports $port, $((port + 1))"

# --- daemons ----------------------------------------------------------------------
mungekey --create --keyfile="$scratch/munge/munge.key"
env "$marker" munged --foreground --key-file="$scratch/munge/munge.key" \
  --socket="$scratch/run/munge.socket" --pid-file="$scratch/run/munged.pid" \
  --seed-file="$scratch/munge/munged.seed" --log-file="$scratch/log/munged.log" \
  >"$scratch/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 40); do
  [ -S "$scratch/run/munge.socket" ] && break
  sleep 0.25
done
[ -S "$scratch/run/munge.socket" ] || fail "munged did not start"
export SLURM_CONF=$conf
env "$marker" slurmctld -D >"$scratch/log/slurmctld.out" 2>&1 &
pids+=($!)
env "$marker" slurmd -D >"$scratch/log/slurmd.out" 2>&1 &
pids+=($!)
say "started munged, slurmctld, slurmd: pids ${pids[*]}"
state=
for _ in $(seq 60); do
  state=$(sinfo -h -n "$node_name" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "node $node_name not idle after 30 s (state: '${state:-none}')"
say "node $node_name is idle"

# --- the shared directory, as the page sets it up --------------------------------
shared=$scratch/shared
cp "$repo"/deploy/slurm/* "$shared/"
cp -r "$repo/scenarios" "$shared/"
"$target/debug/examples/districts" 16 >"$shared/scenarios/region.toml"
ln -s "$symbio" "$scratch/bin/symbio"
export PATH=$scratch/bin:$PATH
cd "$shared"

deadline=$((SECONDS + 240))
# Waits until no task of the given jobs is pending or running.
wait_done() {
  while [ -n "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]; do
    [ $SECONDS -lt $deadline ] || fail "job $1 not done within the time limit"
    sleep 0.5
  done
}
# Prints each task of a job: task, job id, state, exit code.
states() {
  local w id task st ex
  scontrol -o show job "$1" | while read -r -a words; do
    task=
    for w in "${words[@]}"; do
      case $w in
        JobId=*) id=${w#*=} ;;
        ArrayTaskId=*) task=${w#*=} ;;
        JobState=*) st=${w#*=} ;;
        ExitCode=*) ex=${w#*=} ;;
      esac
    done
    echo "    ${task:+task $task: }job $id $st, exit code $ex"
  done | sort -V
}
# The state of a job that is not an array.
state_of() { scontrol -o show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
compare() {
  if cmp "$1" "$2"; then
    say "byte comparison: $1 and $2 are identical ($(wc -c <"$1") bytes, sha256 $(sha256sum <"$1" | cut -c1-16))"
  else
    fail "byte comparison: $1 differs from $2"
  fi
}

# --- the sweep: array, merge, one task failed and rerun alone ---------------------
out=$(env "$marker" bash submit-sweep.sh)
sweep=$(sed -n 's/^sweep: //p' <<<"$out")
merge=$(sed -n 's/^merge: //p' <<<"$out")
say "submitted sweep.sbatch as job $sweep, merge.sbatch as job $merge (afterok:$sweep)"
# Task 2 is stopped by SIGTERM once it has written a row (as at a time limit): it
# fails, and its shard holds the rows finished so far.
k=2
shard=results/shard-$k.jsonl
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
while [ "$(lines "$shard")" -lt 2 ]; do
  [ -z "$(squeue -h -j "${sweep}_$k" -t R,PD -o %i 2>/dev/null)" ] &&
    fail "task $k ended before it could be stopped: $(states "$sweep")"
  [ $SECONDS -lt $deadline ] || fail "task $k wrote no row within the time limit"
  sleep 0.05
done
scancel --signal=TERM "${sweep}_$k"
say "sent SIGTERM to task ${sweep}_$k"
wait_done "$sweep"
say "sweep job $sweep:"
states "$sweep"
[ "$(state_of "${sweep}_$k")" = FAILED ] || fail "task ${sweep}_$k is not FAILED"
say "task $k left $(($(lines "$shard") - 1)) rows in $shard"
reason=
for _ in $(seq 20); do
  reason=$(squeue -h -j "$merge" -o %r)
  [ "$reason" = DependencyNeverSatisfied ] && break
  sleep 0.5
done
[ "$reason" = DependencyNeverSatisfied ] || fail "merge job $merge: reason '$reason'"
say "merge job $merge: $(state_of "$merge") ($reason)"
# As the page says: the task rerun alone, the merge pointed at the rerun.
rerun=$(env "$marker" sbatch --parsable --array=$k sweep.sbatch)
scontrol update JobId="$merge" Dependency=afterok:"$rerun"
say "rerun of task $k: job $rerun; merge job $merge now afterok:$rerun"
wait_done "$rerun"
wait_done "$merge"
say "rerun job $rerun:"
states "$rerun"
say "merge job $merge: $(state_of "$merge")"
[ "$(state_of "$merge")" = COMPLETED ] || fail "merge job $merge did not complete"
symbio sweep scenarios/liuzhou.toml \
  --set parameters.carbon_price=0..300:5 \
  --set modes.truck.cost_per_unit_km=0.02..0.10:0.01 \
  --threads 2 --quiet --output "$scratch/one/sweep.jsonl"
compare results/sweep.jsonl "$scratch/one/sweep.jsonl"

# --- the solve: array of shards, merge --------------------------------------------
out=$(env "$marker" bash submit-solve.sh)
solve=$(sed -n 's/^solve: //p' <<<"$out")
merge=$(sed -n 's/^merge: //p' <<<"$out")
say "submitted solve.sbatch as job $solve, solve-merge.sbatch as job $merge (afterok:$solve)"
wait_done "$solve"
wait_done "$merge"
say "solve job $solve:"
states "$solve"
say "merge job $merge: $(state_of "$merge")"
[ "$(state_of "$merge")" = COMPLETED ] || fail "merge job $merge did not complete"
symbio solve scenarios/region.toml --time-limit 600 --threads 2 --quiet --format json \
  -o "$scratch/one/plan.json"
compare results/plan.json "$scratch/one/plan.json"
