"""symbio: an optimizer of industrial symbiosis networks.

One plant's waste or by-product becomes another plant's input: symbio builds
every candidate exchange of a district, solves the mixed-integer programme of
the district's annual net benefit with HiGHS, and reports the chosen exchanges.

This package is a thin layer over the Rust library that the ``symbio`` command
line is made of: the same scenarios, the same plans (the JSON of
``symbio solve --format json``), the same rows.

>>> import symbio
>>> scenario = symbio.load("scenarios/liuzhou.toml")
>>> plan = scenario.solve(time_limit=30)
>>> plan.status, round(plan.objective)
('optimal', 861721468)
>>> len(plan.links), float(plan.links["flow"].iloc[0])
(14, 500000.0)
"""

from __future__ import annotations

from ._analyses import Analysis, breakeven, compare, montecarlo, pareto, sweep
from ._plan import Plan
from ._scenario import Scenario, load
from ._symbio import version as _version
from .errors import (
    Interrupted,
    NoPlanError,
    OptionError,
    Problem,
    ReadError,
    ScenarioError,
    SolverError,
    SymbioError,
)

__version__: str = _version()

__all__ = [
    "Analysis",
    "Interrupted",
    "NoPlanError",
    "OptionError",
    "Plan",
    "Problem",
    "ReadError",
    "Scenario",
    "ScenarioError",
    "SolverError",
    "SymbioError",
    "breakeven",
    "compare",
    "load",
    "montecarlo",
    "pareto",
    "sweep",
]
