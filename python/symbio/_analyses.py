"""Analyses of many solves: compare, sweep, pareto, breakeven, montecarlo.

Each returns an :class:`Analysis`: ``rows``, a DataFrame with the rows and
columns the command line writes, and ``summary``, a dict of the rest of its JSON.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NamedTuple, Optional, Sequence, Union

from . import _symbio
from ._scenario import PathLike, Scenario, load
from .errors import Interrupted

if TYPE_CHECKING:
    import pandas as pd


class Analysis(NamedTuple):
    """What an analysis gives: its rows as a DataFrame and its summary as a dict.

    >>> rows, summary = symbio.sweep(scenario, {"parameters.carbon_price": [0, 50]})
    >>> summary
    {'points': 2, 'done': 2, 'complete': True, 'statuses': {'optimal': 2}}
    """

    rows: "pd.DataFrame"
    summary: dict[str, Any]


def _scenario(s: Union[Scenario, PathLike]) -> Scenario:
    return s if isinstance(s, Scenario) else load(s)


def _key(link: Mapping[str, str]) -> str:
    """A link's text form: ``from_site/from_output->to_site/to_input@mode``."""
    return (f"{link['from_site']}/{link['from_output']}->"
            f"{link['to_site']}/{link['to_input']}@{link['mode']}")


def _frame(records: list[dict[str, Any]], columns: Sequence[str],
           dtypes: Mapping[str, str]) -> "pd.DataFrame":
    import pandas as pd

    frame = pd.DataFrame.from_records(records, columns=list(columns))
    return frame.astype({c: t for c, t in dtypes.items() if c in frame.columns})


#: dtypes of a sweep's CSV columns; the swept fields are float64.
_SWEEP_DTYPES = {
    "point": "int64",
    "status": "string",
    "links": "Int64",
    "existing_links": "Int64",
    "chosen": "string",
    "error": "string",
}


def _sweep_rows(lines: list[str], axes: Iterable[str]) -> "pd.DataFrame":
    import pandas as pd

    text = "\n".join(lines) + "\n"
    header = lines[0].split(",")
    dtypes = {c: _SWEEP_DTYPES.get(c, "float64") for c in header}
    strings = [c for c, t in dtypes.items() if t == "string"]
    return pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False,
                       na_values={c: [""] for c in header if c not in strings})


def sweep(
    scenario: Union[Scenario, PathLike],
    values: Mapping[str, Iterable[float]],
    *,
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
    progress: Optional[Callable[[int, int], Any]] = None,
) -> Analysis:
    """Solves the scenario at every point of the grid of ``values`` (field path
    to its values; several paths make a grid, the first varying slowest), as
    ``symbio sweep --set PATH=A,B,...`` does.

    ``rows`` has the columns of ``symbio sweep --format csv``: ``point``, one
    column per swept field, ``status``, the plan's figures, ``links``,
    ``existing_links``, ``chosen`` (the links' keys, space-separated) and
    ``error``. ``summary`` counts the points by status. ``progress(done,
    total)`` is called as points finish (first with none done), from the run's
    thread; an exception it raises stops the run (no new point) and is raised.

    A KeyboardInterrupt starts no new point: :class:`symbio.Interrupted` is
    raised with the finished rows as ``kept`` (an :class:`Analysis`), as
    ``symbio sweep`` keeps every finished row on Ctrl-C.

    >>> rows, summary = symbio.sweep(scenario, {"parameters.carbon_price": range(0, 201, 50)},
    ...                              threads=2)
    >>> list(rows["parameters.carbon_price"])
    [0.0, 50.0, 100.0, 150.0, 200.0]
    >>> rows["net_benefit"].is_monotonic_increasing
    True
    """
    s = _scenario(scenario)
    axes = [(str(p), [float(v) for v in vs]) for p, vs in values.items()]
    lines, complete, signal = _symbio.sweep(s._native, axes, time_limit, gap, threads, progress)
    rows = _sweep_rows(lines, [p for p, _ in axes])
    points = 1
    for _, vs in axes:
        points *= len(vs)
    counts = rows["status"].value_counts()
    summary = {
        "points": points,
        "done": len(rows),
        "complete": complete,
        "statuses": {str(k): int(v) for k, v in sorted(counts.items())},
    }
    result = Analysis(rows, summary)
    if signal is not None:
        raise Interrupted(
            f"interrupted: {len(rows)} of {points} points kept", result
        ) from signal
    return result


def compare(
    scenario: Union[Scenario, PathLike],
    *,
    variants: Sequence[str] = ("brownfield",),
    supplier_share: float = 0.5,
    individually_rational: bool = False,
    allocation: str = "split",
    exact_limit: int = 12,
    samples: int = 1000,
    seed: int = 0,
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
) -> Analysis:
    """Today's network against the optimum (``symbio compare``; ``variants``
    ``("brownfield", "greenfield")`` is ``--all``). ``allocation="shapley"``
    adds each site's Shapley value (clusters of at most ``exact_limit`` sites
    exactly, larger ones from ``samples`` permutations drawn with ``seed``), as
    ``--allocation shapley`` does.

    ``rows``: one row per link that an optimum adds, keeps, drops or re-routes
    (``variant``, ``change``, ``link``, ``existing``, ``unit``, flows and net
    benefits before and after). ``summary``: the JSON of ``symbio compare
    --format json`` (baseline, each variant's totals, sites and gains).

    >>> rows, summary = symbio.compare(scenario, variants=["brownfield", "greenfield"])
    >>> sorted(set(rows["change"]))
    ['added', 'dropped', 'kept', 'rerouted_from', 'rerouted_to']
    >>> [v["variant"] for v in summary["variants"]]
    ['brownfield', 'greenfield']
    """
    if allocation not in ("split", "shapley"):
        raise ValueError(f'allocation must be "split" or "shapley", got {allocation!r}')
    shapley = (exact_limit, samples, seed) if allocation == "shapley" else None
    s = _scenario(scenario)
    doc = json.loads(_symbio.compare_json(
        s._native, list(variants), supplier_share, individually_rational, shapley, time_limit,
        gap, threads
    ))
    records = []
    for v in doc["variants"]:
        for change in ("added", "kept", "dropped"):
            for d in v[change]:
                records.append({"variant": v["variant"], "change": change, **_diff(d)})
        for r in v["rerouted"]:
            for side, change in (("before", "rerouted_from"), ("after", "rerouted_to")):
                for d in r[side]:
                    records.append({"variant": v["variant"], "change": change, **_diff(d)})
    columns = ["variant", "change", "link", "existing", "unit", "flow_before", "flow_after",
               "net_benefit_before", "net_benefit_after"]
    dtypes = {"variant": "string", "change": "string", "link": "string", "existing": "bool",
              "unit": "string", "flow_before": "float64", "flow_after": "float64",
              "net_benefit_before": "float64", "net_benefit_after": "float64"}
    return Analysis(_frame(records, columns, dtypes), doc)


_KEY_FIELDS = ("from_site", "from_output", "to_site", "to_input", "mode")


def _diff(d: Mapping[str, Any]) -> dict[str, Any]:
    """A link change of the comparison's JSON (its key's five fields flattened
    in) as a row with the key's text form."""
    return {**{k: v for k, v in d.items() if k not in _KEY_FIELDS}, "link": _key(d)}


def _number(x: float) -> str:
    """A number as the command line writes it in a CSV cell (Rust's ``{}``):
    the shortest digits that read back as the number, never an exponent, no
    ``.0`` on a whole number."""
    if x == int(x):
        return str(int(x))
    text = repr(float(x))
    return format(Decimal(text), "f") if "e" in text else text


def pareto(
    scenario: Union[Scenario, PathLike],
    *,
    points: int = 11,
    time_limit: Optional[float] = None,
    gap: float = 1e-6,
    threads: int = 1,
) -> Analysis:
    """The front of net benefit against CO2 avoided (``symbio pareto``).

    ``rows`` has the columns of ``symbio pareto --format csv`` (``point``,
    ``epsilon``, ``co2_avoided``, ``net_benefit``, ``carbon_value``,
    ``net_benefit_without_carbon``, ``status``, ``links``: ``KEY=FLOW`` joined by
    ``; ``), and ``gap``; ``summary`` is the rest of its JSON.

    >>> front, summary = symbio.pareto(scenario, points=5)
    >>> len(front), front["co2_avoided"].is_monotonic_increasing
    (5, True)
    """
    s = _scenario(scenario)
    doc = json.loads(_symbio.pareto_json(s._native, points, time_limit, gap, threads))
    records = [
        {
            "point": k,
            "epsilon": p["epsilon"],
            "co2_avoided": p["co2_avoided"],
            "net_benefit": p["net_benefit"],
            "carbon_value": p["carbon_value"],
            "net_benefit_without_carbon": p["net_benefit_without_carbon"],
            "status": p["status"],
            "links": "; ".join(f"{_key(l)}={_number(l['flow'])}" for l in p["links"]),
            "gap": p["gap"],
        }
        for k, p in enumerate(doc["points"])
    ]
    columns = ["point", "epsilon", "co2_avoided", "net_benefit", "carbon_value",
               "net_benefit_without_carbon", "status", "links", "gap"]
    dtypes = {c: "float64" for c in columns}
    dtypes.update(point="int64", status="string", links="string")
    summary = {k: v for k, v in doc.items() if k != "points"}
    return Analysis(_frame(records, columns, dtypes), summary)


def breakeven(
    scenario: Union[Scenario, PathLike],
    param: str,
    start: float,
    end: float,
    *,
    steps: int = 20,
    tol: Optional[float] = None,
    time_limit: Optional[float] = None,
    gap: float = 1e-6,
    threads: int = 1,
) -> Analysis:
    """The values of ``param`` between ``start`` and ``end`` at which each link
    enters or leaves the plan (``symbio breakeven --range START..END``; ``tol``
    defaults to a ten-thousandth of the range).

    ``rows``: one row per switch (``value``, ``low``, ``high``, ``change``,
    ``link``), as the JSON's ``events``; ``summary``: the rest (``always``,
    ``never``, ``file_value``, ``solves``...).

    >>> events, summary = symbio.breakeven("tests/data/breakeven.toml",
    ...                                    "parameters.carbon_price", 0, 100)
    >>> list(events["change"]), summary["always"]
    (['enters', 'leaves', 'enters', 'leaves'], ['steel/steam->chem/steam@pipe'])
    """
    s = _scenario(scenario)
    doc = json.loads(_symbio.breakeven_json(
        s._native, param, float(start), float(end), steps, tol, time_limit, gap, threads
    ))
    records = [{**e, "link": _key(e["link"])} for e in doc["events"]]
    columns = ["value", "low", "high", "change", "link"]
    dtypes = {"value": "float64", "low": "float64", "high": "float64", "change": "string",
              "link": "string"}
    summary = {k: v for k, v in doc.items() if k != "events"}
    summary["always"] = [_key(k) for k in summary.get("always", [])]
    summary["never"] = [_key(k) for k in summary.get("never", [])]
    return Analysis(_frame(records, columns, dtypes), summary)


def montecarlo(
    scenario: Union[Scenario, PathLike],
    *,
    samples: int = 100,
    seed: int = 0,
    time_limit: Optional[float] = None,
    gap: float = 1e-2,
    threads: int = 1,
) -> Analysis:
    """Samples the scenario's ``[[uncertainty]]`` section (``symbio montecarlo``).

    ``rows``: how often each link is chosen (``link``, ``share``, ``chosen``,
    ``mean_flow``, ``in_deterministic_plan``), as the JSON's ``links``;
    ``summary``: the rest (statistics of net benefit and CO2, of each input
    drawn, the deterministic plan, the counts).

    >>> shares, summary = symbio.montecarlo("scenarios/liuzhou/uncertainty.toml",
    ...                                     samples=20, seed=1)
    >>> summary["samples"], summary["feasible"]
    (20, 20)
    >>> bool(shares["share"].between(0, 1).all())
    True
    """
    s = _scenario(scenario)
    doc = json.loads(_symbio.montecarlo_json(s._native, samples, seed, time_limit, gap, threads))
    records = [{**l, "link": _key(l["link"])} for l in doc["links"]]
    columns = ["link", "share", "chosen", "mean_flow", "in_deterministic_plan"]
    dtypes = {"link": "string", "share": "float64", "chosen": "int64", "mean_flow": "float64",
              "in_deterministic_plan": "bool"}
    summary = {k: v for k, v in doc.items() if k != "links"}
    return Analysis(_frame(records, columns, dtypes), summary)
