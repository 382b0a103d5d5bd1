#!/bin/bash
# From the shared directory: the array, then the merge once every task has succeeded.
set -euo pipefail
mkdir -p logs
jobid=$(sbatch --parsable solve.sbatch)
echo "solve: $jobid"
echo "merge: $(sbatch --parsable --dependency=afterok:"$jobid" solve-merge.sbatch)"
