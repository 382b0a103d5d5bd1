"""Raw HiGHS on a model symbio exported (`symbio solve FILE --export-model M.mps`),
traced as `cargo run --release --example trace` traces symbio, for the region
benchmark of docs/performance.md.

    python highs_trace.py MODEL.mps [--time-limit SECS] [--threads N]

Prints one JSON object with the same fields as the trace example: the seconds
from the start of the process (reading the model included) at which the relative
gap |bound - best| / |best| first reached 2 %, 1.5 %, 1 %, 0.1 % and
0.01 %, the gap at 30 s
and 300 s, the end's status, objective, bound and gap, and the peak resident
memory (MiB). A run HiGHS ends in an error has the status "error: ..." with the
address space the process had taken, so that run.sh can tell a run that hit its
memory cap. Needs highspy (PyPI), e.g. in a throwaway venv.
"""

import argparse
import json
import resource
import time

START = time.monotonic()

import highspy  # noqa: E402  (the import counts in the time, as loading does for symbio)

TARGETS = [2e-2, 1.5e-2, 1e-2, 1e-3, 1e-4]
CHECKPOINTS = [30, 300]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--time-limit", type=float, default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", args.threads)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.readModel(args.model)
    if args.time_limit is not None:
        left = args.time_limit - (time.monotonic() - START)
        h.setOptionValue("time_limit", max(left, 1e-3))

    points = []

    def note(best, bound):
        if best is None or bound is None or best == 0 or abs(best) == float("inf") or abs(bound) == float("inf"):
            return
        points.append((time.monotonic() - START, best, abs(bound - best) / abs(best)))

    def callback(kind, message, data_out, data_in, user_data):
        note(data_out.mip_primal_bound, data_out.mip_dual_bound)

    h.setCallback(callback, None)
    h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution)
    h.startCallback(highspy.cb.HighsCallbackType.kCallbackMipLogging)
    run = h.run()
    info = h.getInfo()
    objective = info.objective_function_value
    bound = info.mip_dual_bound
    note(objective, bound)
    end = time.monotonic() - START

    def first(g):
        return next((p[0] for p in points if p[2] <= g), None)

    def at(t):
        before = [p[2] for p in points if p[0] <= t]
        return before[-1] if before else None

    print(json.dumps({
        "solver": "highs " + h.version(),
        "file": args.model,
        "seconds_to": {str(g): first(g) for g in TARGETS},
        # A run limited to t seconds ends just before t: its last gap is the gap at t.
        "gap_at": {str(t): at(t) for t in CHECKPOINTS if t <= end * 1.05},
        "status": status(h, run),
        "objective": objective,
        "bound": bound,
        "gap": info.mip_gap,
        "seconds": end,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }))


def status(h, run):
    """The model status, or for a run that failed the error and the address space
    the process had taken: under a cap on it (benches/region/run.sh) HiGHS catches a
    failed allocation and reports an error."""
    name = h.modelStatusToString(h.getModelStatus())
    if run != highspy.HighsStatus.kError:
        return name
    peak = None
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmPeak:"):
                peak = int(line.split()[1]) / 1024.0
    return f"error: {name}" + ("" if peak is None else f" (peak address space {peak:.0f} MiB)")


if __name__ == "__main__":
    main()
