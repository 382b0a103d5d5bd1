"""Scenarios: loaded from a file, a dict or DataFrames, checked, varied, solved."""

from __future__ import annotations

import json
import numbers
import os
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, Union

from . import _symbio
from .errors import Interrupted

if TYPE_CHECKING:
    import pandas as pd

    from ._plan import Plan

#: A progress callback: the net benefit of the best plan known, the best bound
#: and their relative gap, each None while unknown.
Progress = Callable[[Optional[float], Optional[float], Optional[float]], Any]

PathLike = Union[str, "os.PathLike[str]"]


class Scenario:
    """A validated scenario, as ``symbio check`` and ``symbio solve`` read it.

    Make one with :func:`load`, :meth:`from_dict`, :meth:`from_text` or
    :meth:`from_frames`; invalid input raises :class:`symbio.ScenarioError`
    with every problem.

    >>> s = symbio.load("tests/data/hand.toml")
    >>> s.name, s.currency
    ('hand-solvable district', 'EUR')
    """

    __slots__ = ("_native",)

    def __init__(self, native: "_symbio.NativeScenario"):
        self._native = native

    # -- making one ---------------------------------------------------------

    @classmethod
    def from_text(cls, text: str, path: PathLike = "scenario.toml") -> "Scenario":
        """A scenario from the text of a scenario file, read as if it were the
        file at ``path``: JSON when ``path`` ends in ``.json``, TOML otherwise;
        includes are read relative to ``path``'s folder.

        >>> s = Scenario.from_text(open("scenarios/ulsan-steam.toml").read(),
        ...                        path="scenarios/ulsan-steam.toml")
        >>> s.name
        'Ulsan steam pipeline (SK Chemicals to SK Energy)'
        """
        return cls(_symbio.NativeScenario.from_text(text, os.fspath(path)))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], path: PathLike = "scenario.json") -> "Scenario":
        """A scenario from a dict with the keys of a scenario file (its JSON form,
        ``symbio schema``): ``scenario``, ``parameters``, ``materials``, ``modes``,
        ``rules``, ``sites`` (with their ``outputs`` and ``inputs``), ``links``.
        Includes (``{"scenario": {"include": [...]}}``) are read relative to
        ``path``'s folder.

        >>> s = Scenario.from_dict({
        ...     "scenario": {"name": "two plants", "currency": "EUR"},
        ...     "materials": [{"id": "slag", "unit": "t", "kind": "material"},
        ...                   {"id": "clinker", "unit": "t", "kind": "material"}],
        ...     "modes": [{"id": "truck", "units": ["t"], "cost_per_unit_km": 0.1}],
        ...     "rules": [{"id": "r", "from": "slag", "to": "clinker", "modes": ["truck"]}],
        ...     "sites": [
        ...         {"id": "steel", "x_km": 0, "y_km": 0, "outputs": [
        ...             {"id": "slag", "material": "slag", "quantity": 100, "disposal_cost": 5}]},
        ...         {"id": "cement", "x_km": 10, "y_km": 0, "inputs": [
        ...             {"id": "clinker", "material": "clinker", "quantity": 60, "price": 40}]},
        ...     ],
        ... })
        >>> round(s.solve().objective, 6)
        2622.0
        """
        if not str(path).lower().endswith(".json"):
            raise ValueError(f"path must end in .json (the dict is read as JSON), got {path!r}")
        text = json.dumps(d, allow_nan=False)
        return cls(_symbio.NativeScenario.from_text(text, os.fspath(path)))

    @classmethod
    def from_frames(
        cls,
        sites: Any,
        outputs: Any,
        inputs: Any,
        *,
        scenario: Any = None,
        parameters: Any = None,
        materials: Any = None,
        modes: Any = None,
        rules: Any = None,
        links: Any = None,
        uncertainty: Any = None,
        include: Optional[list[str]] = None,
        path: PathLike = "frames.toml",
        **others: Any,
    ) -> "Scenario":
        """A scenario from DataFrames with the sheets and columns of
        ``symbio import`` (docs/scenario-format.md, "Spreadsheets"): one frame per
        sheet, one row per item, one column per field; ``outputs`` and ``inputs``
        name their ``site``. ``scenario`` and ``parameters`` are one row (a dict
        will do). Empty cells (None, NaN) leave a field out. ``include`` lists
        files to include (the catalog), relative to ``path``'s folder. Other
        keyword frames are sheets of their name: one that ``symbio import`` does
        not know is a problem, as in a workbook.

        A workbook written by ``symbio export FILE -o book.xlsx`` becomes the
        same scenario::

            book = pandas.read_excel("book.xlsx", sheet_name=None)
            s = symbio.Scenario.from_frames(**book)

        Problems are named by their cell, as ``symbio import`` names them
        (``frames: outputs!D2``).

        >>> import pandas as pd
        >>> s = Scenario.from_frames(
        ...     sites=pd.DataFrame({"id": ["steel", "cement"], "x_km": [0, 10], "y_km": [0, 0]}),
        ...     outputs=pd.DataFrame({"site": ["steel"], "id": ["slag"], "material": ["slag"],
        ...                           "quantity": [100], "disposal_cost": [5]}),
        ...     inputs=pd.DataFrame({"site": ["cement"], "id": ["clinker"],
        ...                          "material": ["clinker"], "quantity": [60], "price": [40]}),
        ...     materials=pd.DataFrame({"id": ["slag", "clinker"], "unit": "t", "kind": "material"}),
        ...     modes=pd.DataFrame({"id": ["truck"], "units": ["t"], "cost_per_unit_km": [0.1]}),
        ...     rules=pd.DataFrame({"id": ["r"], "from": ["slag"], "to": ["clinker"],
        ...                         "modes": ["truck"]}),
        ...     scenario={"name": "two plants", "currency": "EUR"},
        ... )
        >>> round(s.solve().objective, 6)
        2622.0
        """
        given = {
            "scenario": scenario,
            "parameters": parameters,
            "materials": materials,
            "modes": modes,
            "rules": rules,
            "sites": sites,
            "outputs": outputs,
            "inputs": inputs,
            "links": links,
            "uncertainty": uncertainty,
            **others,
        }
        sheets = [(name, _rows(frame)) for name, frame in given.items() if frame is not None]
        native, _text = _symbio.NativeScenario.from_sheets(
            sheets, "frames", os.fspath(path), list(include or [])
        )
        return cls(native)

    def to_frames(self) -> dict[str, "pd.DataFrame"]:
        """The scenario as the sheets of ``symbio export`` (includes merged), one
        DataFrame per sheet: :meth:`from_frames` reads them back as the same
        scenario, so a district can be edited in pandas.

        >>> frames = symbio.load("scenarios/ulsan-steam.toml").to_frames()
        >>> list(frames)[:4]
        ['scenario', 'parameters', 'materials', 'modes']
        >>> again = symbio.Scenario.from_frames(**frames)
        >>> again.solve().objective == symbio.load("scenarios/ulsan-steam.toml").solve().objective
        True
        """
        import pandas as pd

        frames = {}
        for name, rows in self._native.sheets():
            header, body = (rows[0], rows[1:]) if rows else ([], [])
            frames[name] = pd.DataFrame(body, columns=header)
        return frames

    # -- what it is ---------------------------------------------------------

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._native.name

    @property
    def currency(self) -> str:
        """The currency of every money figure."""
        return self._native.currency

    @property
    def path(self) -> str:
        """The file it was loaded from, or is read as."""
        return os.fspath(self._native.path)

    def get(self, path: str) -> Optional[float]:
        """The value of a numeric field by its path (``parameters.carbon_price``,
        ``modes.truck.cost_per_unit_km``, ``sites.steel.outputs.slag.quantity``);
        None when the optional field is unset."""
        return self._native.get(path)

    def __repr__(self) -> str:
        return f"<symbio.Scenario {self.name!r} ({self.currency}) from {self.path!r}>"

    # -- checking and variants ----------------------------------------------

    def check(self) -> dict[str, Any]:
        """The summary of ``symbio check --format json``: the scenario's size, its
        candidate network (``candidate_links``, ``left_out``,
        ``independent_parts``), the outputs and inputs no link can serve, the
        recorded flows that cannot fit (``conflicts``: no plan can exist while
        there are any) and the ``warnings`` (figures left out, 0 assumed).

        >>> summary = scenario.check()
        >>> summary["candidate_links"], summary["warnings"]
        (45, [])
        """
        summary = json.loads(self._native.check())
        # The JSON leaves out empty lists of conflicts and warnings; a dict has them.
        summary.setdefault("conflicts", [])
        summary.setdefault("warnings", [])
        return summary

    def with_values(self, values: Mapping[str, float]) -> "Scenario":
        """A copy with numeric fields set by path, validated again (the values of
        a sweep's point).

        >>> dearer = scenario.with_values({"parameters.carbon_price": 50})
        >>> dearer.get("parameters.carbon_price")
        50.0
        """
        pairs = [(str(k), float(v)) for k, v in values.items()]
        return Scenario(self._native.with_values(pairs))

    # -- solving ------------------------------------------------------------

    def solve(
        self,
        time_limit: Optional[float] = None,
        gap: float = 1e-2,
        threads: int = 1,
        *,
        decompose: bool = True,
        progress: Optional[Progress] = None,
    ) -> "Plan":
        """Solves the scenario as ``symbio solve`` does, with the GIL released.

        ``time_limit`` (seconds) covers the whole call and keeps the best plan
        found (status ``time_limit``); ``gap`` is the relative gap at which the
        search stops; ``threads`` solve independent parts side by side (with
        ``decompose=False``, one MILP with that many HiGHS threads).
        ``progress(best, bound, gap)`` is called as the search goes, from the
        solver's thread; an exception it raises stops the search and is raised.

        A KeyboardInterrupt stops the search: :class:`symbio.Interrupted` is
        raised with the best plan found as ``kept`` (status ``time_limit``, as
        ``symbio solve`` writes on Ctrl-C).

        >>> plan = scenario.solve(time_limit=60, threads=2)
        >>> plan.status
        'optimal'
        """
        from ._plan import Plan

        native, signal = self._native.solve(time_limit, gap, threads, decompose, progress)
        plan = Plan(native, interrupted=signal is not None)
        if signal is not None:
            raise Interrupted(
                "interrupted: the best plan found is kept (its status: time_limit)", plan
            ) from signal
        return plan


def load(path: PathLike) -> Scenario:
    """Loads and validates a scenario file (TOML, or JSON when it ends in
    ``.json``), its includes merged.

    >>> s = symbio.load("scenarios/liuzhou.toml")
    >>> s.currency
    'CNY'
    """
    return Scenario(_symbio.NativeScenario.load(os.fspath(path)))


def _cell(value: Any) -> Any:
    """A frame's value as a cell: None, bool, float or str."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError, ImportError):
        pass
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _rows(frame: Any) -> list[list[Any]]:
    """A frame (a DataFrame, a dict of columns or of one row's values, a list of
    dicts) as sheet rows: the header, then one row per item."""
    import pandas as pd

    if isinstance(frame, Mapping) and not any(
        isinstance(v, (list, tuple)) or hasattr(v, "__array__") for v in frame.values()
    ):
        frame = pd.DataFrame([frame])
    elif not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(frame)
    header: list[Any] = [str(c) for c in frame.columns]
    body = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return [header, *body]
