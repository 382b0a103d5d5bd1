"""Analyses: the rows and summaries of the command line; interrupts keep what it keeps."""

from __future__ import annotations

import io
import json
import os
import signal
import time
from pathlib import Path

import pandas as pd
import pytest

import symbio

ROOT = Path(__file__).resolve().parents[2]


def _cli_rows(text: str, like: pd.DataFrame) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={c: str(t) for c, t in like.dtypes.items()},
                       keep_default_na=False,
                       na_values={c: [""] for c, t in like.dtypes.items() if str(t) != "string"})


def test_sweep_rows_are_the_cli_rows(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "scenarios/liuzhou.toml"
    rows, summary = symbio.sweep(
        path,
        {"parameters.carbon_price": [0, 100, 200], "modes.truck.cost_per_unit_km": [0.2, 0.4]},
        threads=2,
    )
    text = cli("sweep", path, "--set", "parameters.carbon_price=0,100,200",
               "--set", "modes.truck.cost_per_unit_km=0.2,0.4", "--format", "csv")
    assert list(rows.columns) == text.split("\n", 1)[0].split(",")
    pd.testing.assert_frame_equal(rows, _cli_rows(text, rows))
    assert list(rows["point"]) == list(range(6))
    assert summary == {"points": 6, "done": 6, "complete": True, "statuses": {"optimal": 6}}
    assert rows.dtypes["point"] == "int64"
    assert rows.dtypes["parameters.carbon_price"] == "float64"
    assert rows.dtypes["net_benefit"] == "float64"
    assert rows.dtypes["links"] == "Int64"
    assert rows.dtypes["status"] == "string" and rows.dtypes["chosen"] == "string"
    # Carbon is worth more at 200 than at 0: the net benefit rises with it.
    assert rows["net_benefit"].iloc[4] > rows["net_benefit"].iloc[0]


def test_pareto_rows_are_the_cli_csv(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "tests/data/pareto.toml"
    front, summary = symbio.pareto(path, points=4)
    doc = json.loads(cli("pareto", path, "--points", "4", "--format", "json"))
    assert summary == {k: v for k, v in doc.items() if k != "points"}
    cli_csv = pd.read_csv(io.StringIO(cli("pareto", path, "--points", "4", "--format", "csv")))
    assert list(front.columns[:-1]) == list(cli_csv.columns)
    numbers = ["point", "epsilon", "co2_avoided", "net_benefit", "carbon_value",
               "net_benefit_without_carbon"]
    pd.testing.assert_frame_equal(front[numbers], cli_csv[numbers], check_dtype=False)
    assert list(front["status"]) == list(cli_csv["status"])
    assert list(front["links"].fillna("")) == list(cli_csv["links"].fillna(""))


def test_breakeven_montecarlo_compare_are_the_cli_json(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    key = lambda l: f"{l['from_site']}/{l['from_output']}->{l['to_site']}/{l['to_input']}@{l['mode']}"

    events, summary = symbio.breakeven("tests/data/breakeven.toml", "parameters.carbon_price", 0, 100)
    doc = json.loads(cli("breakeven", "tests/data/breakeven.toml", "--param",
                         "parameters.carbon_price", "--range", "0..100", "--format", "json"))
    assert list(events.columns) == ["value", "low", "high", "change", "link"]
    assert list(events["link"]) == [key(e["link"]) for e in doc["events"]]
    assert list(events["value"]) == [e["value"] for e in doc["events"]]
    assert summary["solves"] == doc["solves"] and summary["always"] == [key(k) for k in doc["always"]]

    shares, summary = symbio.montecarlo("tests/data/montecarlo.toml", samples=20, seed=3)
    doc = json.loads(cli("montecarlo", "tests/data/montecarlo.toml", "--samples", "20",
                         "--seed", "3", "--format", "json"))
    assert list(shares["link"]) == [key(l["link"]) for l in doc["links"]]
    assert list(shares["share"]) == [l["share"] for l in doc["links"]]
    assert [str(t) for t in shares.dtypes] == ["string", "float64", "int64", "float64", "bool"]
    assert summary == {k: v for k, v in doc.items() if k != "links"}

    rows, summary = symbio.compare("tests/data/compare-three.toml",
                                   variants=["brownfield", "greenfield"])
    doc = json.loads(cli("compare", "tests/data/compare-three.toml", "--all", "--format", "json"))
    assert summary == doc
    _, shapley = symbio.compare("tests/data/compare-three.toml", allocation="shapley")
    assert shapley == json.loads(cli("compare", "tests/data/compare-three.toml",
                                     "--allocation", "shapley", "--format", "json"))
    assert shapley["variants"][0]["shapley"] is not None
    added = [key(d) for v in doc["variants"] for d in v["added"]]
    assert list(rows[rows["change"] == "added"]["link"]) == added
    assert set(rows["variant"]) == {"brownfield", "greenfield"}


def _ctrl_c() -> None:
    """SIGINT to this process, as Ctrl-C in a terminal sends it (from a thread
    of the run: Python raises KeyboardInterrupt in the main thread)."""
    os.kill(os.getpid(), signal.SIGINT)


def test_an_interrupted_solve_keeps_its_best_plan(region):
    s = symbio.load(region)
    sent = []

    def interrupt_at_first_plan(best, bound, gap):
        if best is not None and not sent:
            sent.append(best)
            _ctrl_c()

    start = time.monotonic()
    with pytest.raises(symbio.Interrupted) as caught:
        s.solve(decompose=False, time_limit=300, progress=interrupt_at_first_plan)
    took = time.monotonic() - start
    # One MILP of this region takes HiGHS minutes; the search stopped at once.
    assert took < 60, f"the search went on {took:.1f} s"
    plan = caught.value.kept
    assert isinstance(caught.value, KeyboardInterrupt)
    assert plan.interrupted and plan.status == "time_limit"
    assert plan.objective is not None and plan.objective >= sent[0] > 0
    assert plan.bound >= plan.objective
    assert len(plan.links) == plan.totals["links"] > 0


def test_an_interrupted_sweep_keeps_its_finished_rows(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "scenarios/liuzhou.toml"
    # Forty points of some 50 ms each: the run is far from its end when the
    # waiting thread sees the signal (it looks every 50 ms).
    values = {"parameters.carbon_price": [100.0 * k for k in range(40)]}
    told = []

    def interrupt_after_two(done, total):
        told.append((done, total))
        if done == 2:
            _ctrl_c()

    with pytest.raises(symbio.Interrupted) as caught:
        symbio.sweep(path, values, progress=interrupt_after_two)
    rows, summary = caught.value.kept
    assert told[0] == (0, 40)
    # No point starts after the interrupt; the finished ones are kept whole.
    assert not summary["complete"] and summary["points"] == 40
    assert 2 <= summary["done"] < 40 and len(rows) == summary["done"]
    assert list(rows["point"]) == list(range(len(rows)))
    # They are the rows of the CLI's run of the whole grid.
    text = cli("sweep", path, "--set", "parameters.carbon_price=0..3900:100", "--format", "csv")
    whole = _cli_rows(text, rows)
    pd.testing.assert_frame_equal(rows, whole.iloc[: len(rows)])


def test_a_progress_callback_that_raises_stops_the_sweep(monkeypatch):
    monkeypatch.chdir(ROOT)

    class Enough(Exception):
        pass

    def stop(done, total):
        if done == 1:
            raise Enough()

    with pytest.raises(Enough):
        symbio.sweep("tests/data/hand.toml", {"parameters.carbon_price": range(10)},
                     progress=stop)
