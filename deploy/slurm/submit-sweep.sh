#!/bin/bash
# From the shared directory: the array, then the merge once every task has succeeded.
set -euo pipefail
mkdir -p logs
jobid=$(sbatch --parsable sweep.sbatch)
echo "sweep: $jobid"
echo "merge: $(sbatch --parsable --dependency=afterok:"$jobid" merge.sbatch)"
