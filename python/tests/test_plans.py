"""Plans from Python are the plans of the command line."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from pathlib import Path

import pytest

import symbio

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    p.relative_to(ROOT).as_posix()
    for p in (ROOT / "scenarios").rglob("*.toml")
    if "catalog" not in p.parts
)


def test_every_shipped_scenario_is_found():
    assert "scenarios/liuzhou.toml" in SHIPPED and "scenarios/kalundborg.toml" in SHIPPED
    assert len(SHIPPED) >= 10


@pytest.mark.parametrize("path", SHIPPED)
def test_plan_json_is_the_cli_json(path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    expected = cli("solve", path, "--format", "json")
    plan = symbio.load(path).solve()
    assert plan.to_json() == expected
    doc = json.loads(expected)
    assert plan.status == doc["status"]
    assert plan.objective == doc["objective"]
    assert plan.bound == doc["best_bound"]
    assert plan.gap == doc["gap"]
    assert plan.totals == doc["totals"]
    assert len(plan.links) == len(doc["links"])


def test_documents_are_the_cli_documents(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "scenarios/liuzhou.toml"
    plan = symbio.load(path).solve()
    assert plan.to_csv() == cli("solve", path, "--format", "csv")
    assert plan.to_csv("sites") == cli("solve", path, "--format", "csv", "--table", "sites")
    assert plan.to_geojson() == cli("solve", path, "--format", "geojson")
    with pytest.raises(ValueError, match="links.*sites.*stores"):
        plan.to_csv("firms")


def test_link_and_site_frames_have_the_csv_columns_and_fixed_dtypes(monkeypatch):
    monkeypatch.chdir(ROOT)
    plan = symbio.load("scenarios/liuzhou.toml").solve()
    links = plan.links
    assert list(links.columns) == plan.to_csv().split("\n", 1)[0].split(",")
    assert list(links.columns[-4:]) == [
        "from_location.lat", "from_location.lon", "to_location.lat", "to_location.lon"
    ]
    text = {"from_site", "from_output", "to_site", "to_input", "mode", "material",
            "displaces", "rule", "unit", "displaced_unit", "status", "description"}
    for column, dtype in links.dtypes.items():
        if column in text:
            assert dtype == "string", column
        elif column == "existing":
            assert dtype == bool, column
        else:
            assert dtype == "float64", column
    doc = plan.to_dict()
    assert list(links["from_site"]) == [l["from_site"] for l in doc["links"]]
    assert list(links["flow"]) == [l["flow"] for l in doc["links"]]
    assert list(links["existing"]) == [l["existing"] for l in doc["links"]]
    assert links["existing"].any() and not links["existing"].all()

    sites = plan.sites
    assert list(sites.columns) == ["site", "name", "as_supplier", "as_receiver", "benefit",
                                   "co2_avoided"]
    assert [str(t) for t in sites.dtypes] == ["string", "string"] + ["float64"] * 4
    assert list(sites["benefit"]) == [s["benefit"] for s in doc["sites"]]


def test_a_plan_by_period_has_its_flows_and_stores_by_period(cli, monkeypatch):
    # The two-season case of docs/worked-example.md: 725 and 250 MWh through
    # the pipe, the pit filled with 250 in summer and emptied of 225 in winter.
    monkeypatch.chdir(ROOT)
    path = "tests/data/seasons.toml"
    plan = symbio.load(path).solve()
    for table in ("periods", "stores"):
        assert plan.to_csv(table) == cli("solve", path, "--format", "csv", "--table", table)
    flows = plan.flows_by_period
    assert list(flows["period"]) == ["winter", "summer"]
    assert list(flows["flow"]) == [725.0, 250.0]
    assert str(flows["period"].dtype) == "string"
    stores = plan.stores
    assert list(stores["level"]) == [0.0, 250.0]
    assert list(stores["discharge"]) == [225.0, 0.0]
    assert stores["built"].all()
    assert plan.to_dict()["stores"][0]["net_benefit"] == -2250.0
    # Without periods: no rows.
    assert symbio.load("tests/data/hand.toml").solve().flows_by_period.empty


def test_repr_html_holds_the_map_and_the_headline(monkeypatch):
    monkeypatch.chdir(ROOT)
    plan = symbio.load("scenarios/liuzhou.toml").solve()
    shown = plan._repr_html_()
    assert f"{plan.objective:,.0f} CNY/yr" in shown
    frame = re.search(r'srcdoc="([^"]*)"', shown)
    assert frame, "the report is in an iframe"
    page = html.unescape(frame.group(1))
    assert page == plan.report_html()
    assert 'id="map"' in page
    drawn = {html.unescape(k)
             for k in re.findall(r'<path class="link[^"]*"[^>]*data-link="([^"]+)"', page)}
    keys = {f"{l.from_site}/{l.from_output}->{l.to_site}/{l.to_input}@{l.mode}"
            for l in plan.links.itertuples()}
    assert keys and drawn == keys


def test_solve_options_are_checked():
    s = symbio.load(ROOT / "tests/data/hand.toml")
    for bad in (dict(gap=-1), dict(time_limit=0), dict(threads=0)):
        with pytest.raises(ValueError):
            s.solve(**bad)


def test_progress_is_told_and_its_error_stops_the_search(region):
    s = symbio.load(region)
    seen = []
    plan = s.solve(time_limit=3, progress=lambda best, bound, gap: seen.append((best, bound, gap)))
    assert plan.status == "time_limit" and seen
    best, bound, gap = seen[-1]
    assert best is not None and bound is not None and bound >= best
    assert gap == pytest.approx(abs(bound - best) / abs(best))

    class Enough(Exception):
        pass

    def stop(best, bound, gap):
        raise Enough()

    with pytest.raises(Enough):
        s.solve(time_limit=20, progress=stop)


def test_the_gil_is_released_while_solving(region):
    s = symbio.load(region)
    solving = threading.Thread(target=lambda: s.solve(decompose=False, time_limit=2))
    solving.start()
    time.sleep(0.5)
    # This thread runs Python while the other one solves.
    counted, end = 0, time.monotonic() + 0.5
    while time.monotonic() < end:
        counted += 1
    assert solving.is_alive()
    solving.join()
    assert counted > 10_000
