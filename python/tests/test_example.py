"""The example of docs/python.md runs and shows what it says."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_carbon_price_example_runs(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["carbon_price.py"])
    done = runpy.run_path(str(ROOT / "examples" / "python" / "carbon_price.py"))
    rows, summary = done["rows"], done["summary"]
    assert summary["complete"] and len(rows) == 9
    # The far cement plant takes slag once CO2 is worth 50 EUR/t, not before.
    by_price = rows.set_index("parameters.carbon_price")
    assert by_price.loc[0.0, "links"] == 2 and by_price.loc[50.0, "links"] == 3
    assert by_price["co2_avoided"].is_monotonic_increasing
    assert "small park" in capsys.readouterr().out
