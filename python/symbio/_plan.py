"""Plans: what a solve chose, as figures, DataFrames and documents."""

from __future__ import annotations

import html
import io
import json
from typing import TYPE_CHECKING, Any, Optional

from . import _symbio

if TYPE_CHECKING:
    import pandas as pd

#: Columns of ``Plan.links`` that hold text, and those that hold a boolean; every
#: other column holds numbers (float64).
_LINK_TEXT = {
    "from_site", "from_output", "to_site", "to_input", "mode", "material",
    "displaces", "rule", "unit", "displaced_unit", "status", "description",
}
_LINK_BOOL = {"existing"}
_SITE_TEXT = {"site", "name"}


def _frame(text: str, strings: set[str], bools: set[str]) -> "pd.DataFrame":
    """CSV rows of the plan as a DataFrame with fixed dtypes: text as pandas'
    ``string``, booleans as ``bool``, numbers as ``float64``."""
    import pandas as pd

    header = text.split("\n", 1)[0].split(",")
    dtypes: dict[str, Any] = {}
    for c in header:
        dtypes[c] = "string" if c in strings else ("boolean" if c in bools else "float64")
    frame = pd.read_csv(io.StringIO(text), dtype=dtypes, keep_default_na=False,
                        na_values={c: [""] for c in header if c not in strings})
    for c in bools & set(header):
        frame[c] = frame[c].astype(bool)
    return frame


class Plan:
    """A solved plan: the exchanges chosen, their flows and figures.

    ``status`` is ``optimal``, ``time_limit`` (the best plan found when the
    limit or a KeyboardInterrupt came), ``infeasible`` or ``no_plan``. The plan's
    JSON (:meth:`to_json`) is the one ``symbio solve --format json`` writes,
    byte for byte (docs/plan-format.md).

    >>> plan = scenario.solve()
    >>> list(plan.links.columns[:5])
    ['from_site', 'from_output', 'to_site', 'to_input', 'mode']
    >>> plan.totals["net_benefit"] == plan.objective
    True
    """

    __slots__ = ("_native", "_doc", "interrupted")

    def __init__(self, native: "_symbio.NativePlan", interrupted: bool = False):
        self._native = native
        self._doc: dict[str, Any] = json.loads(native.to_json())
        #: Whether a KeyboardInterrupt ended the search (the status is then ``time_limit``).
        self.interrupted = interrupted

    @property
    def status(self) -> str:
        """The solver's status: ``optimal``, ``time_limit``, ``infeasible``..."""
        return self._doc["status"]

    @property
    def objective(self) -> Optional[float]:
        """Annual net benefit of the plan (the objective), or None without a plan."""
        return self._doc["objective"]

    @property
    def bound(self) -> Optional[float]:
        """Best proven bound on the objective."""
        return self._doc["best_bound"]

    @property
    def gap(self) -> Optional[float]:
        """Relative gap between objective and bound."""
        return self._doc["gap"]

    @property
    def scenario(self) -> str:
        """The scenario's name."""
        return self._doc["scenario"]

    @property
    def currency(self) -> str:
        """The currency of every money figure."""
        return self._doc["currency"]

    @property
    def totals(self) -> dict[str, Any]:
        """The plan's totals: money (currency per year), CO2 (t per year),
        energy, quantities by unit and the count of links."""
        return dict(self._doc["totals"])

    @property
    def network(self) -> dict[str, Any]:
        """The candidate network the plan was chosen from."""
        return dict(self._doc["network"])

    @property
    def links(self) -> "pd.DataFrame":
        """The chosen links, one row each, with the columns of
        ``symbio solve --format csv`` (the sites' locations last)."""
        return _frame(self.to_csv("links"), _LINK_TEXT, _LINK_BOOL)

    @property
    def sites(self) -> "pd.DataFrame":
        """Each site's benefit, the columns of ``symbio solve --format csv --table sites``."""
        return _frame(self.to_csv("sites"), _SITE_TEXT, set())

    @property
    def flows_by_period(self) -> "pd.DataFrame":
        """The chosen links' flows in each period of a scenario with periods,
        one row per link and period (``symbio solve --format csv --table
        periods``); no rows without periods."""
        return _frame(
            self.to_csv("periods"),
            {"from_site", "from_output", "to_site", "to_input", "mode", "period", "unit"},
            set(),
        )

    @property
    def stores(self) -> "pd.DataFrame":
        """Each store's stock, charge and discharge in each period, one row
        per store and period (``symbio solve --format csv --table stores``)."""
        return _frame(self.to_csv("stores"), {"store", "site", "period", "unit"}, {"built"})

    def to_dict(self) -> dict[str, Any]:
        """The plan's JSON as a dict."""
        return json.loads(self.to_json())

    def to_json(self) -> str:
        """The plan as ``symbio solve --format json`` writes it."""
        return self._native.to_json()

    def to_geojson(self) -> str:
        """The sites and links as a GeoJSON FeatureCollection (RFC 7946), as
        ``symbio solve --format geojson`` writes it; the sites need lat/lon."""
        return self._native.to_geojson()

    def to_csv(self, table: str = "links") -> str:
        """CSV rows as ``symbio solve --format csv`` writes them: ``links`` (one
        row per chosen link), ``sites`` (one row per site), ``plants``,
        ``limits``, ``periods`` (one row per link and period) or ``stores``
        (one row per store and period)."""
        return self._native.to_csv(table)

    def report_html(self) -> str:
        """The self-contained HTML page of ``symbio report`` for this plan."""
        return self._native.report_html()

    def _repr_html_(self) -> str:
        """The headline figures, then the report's page (its map first) in a frame."""
        cur = html.escape(self.currency)

        def figure(v: Optional[float]) -> str:
            return "-" if v is None else f"{v:,.0f}"

        t = self._doc["totals"]
        rows = [
            ("status", html.escape(self.status) + (" (interrupted)" if self.interrupted else "")),
            ("net benefit", f"{figure(self.objective)} {cur}/yr (bound {figure(self.bound)})"),
            ("CO2 avoided", f"{figure(t.get('co2_avoided'))} t/yr"),
            ("links", f"{t.get('links', 0)} ({t.get('existing_links', 0)} existing)"),
        ]
        head = "".join(f"<tr><th style='text-align:left'>{k}</th><td>{v}</td></tr>" for k, v in rows)
        page = html.escape(self.report_html(), quote=True)
        return (
            f"<div class='symbio-plan'><strong>{html.escape(self.scenario)}</strong>"
            f"<table>{head}</table>"
            f"<iframe srcdoc=\"{page}\" style='width:100%;height:900px;border:1px solid #ccc'>"
            "</iframe></div>"
        )

    def __repr__(self) -> str:
        obj = "-" if self.objective is None else f"{self.objective:,.0f}"
        return (f"<symbio.Plan {self.scenario!r}: {self.status}, net benefit {obj} "
                f"{self.currency}/yr, {len(self._doc['links'])} links>")
