"""Scenarios from files, dicts and frames; checks, variants and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import symbio

ROOT = Path(__file__).resolve().parents[2]

TWO_PLANTS = {
    "scenario": {"name": "two plants", "currency": "EUR"},
    "materials": [{"id": "slag", "unit": "t", "kind": "material"},
                  {"id": "clinker", "unit": "t", "kind": "material"}],
    "modes": [{"id": "truck", "units": ["t"], "cost_per_unit_km": 0.1}],
    "rules": [{"id": "slag_for_clinker", "from": "slag", "to": "clinker", "modes": ["truck"]}],
    "sites": [
        {"id": "steel", "x_km": 0, "y_km": 0,
         "outputs": [{"id": "slag", "material": "slag", "quantity": 100, "disposal_cost": 5}]},
        {"id": "cement", "x_km": 10, "y_km": 0,
         "inputs": [{"id": "clinker", "material": "clinker", "quantity": 60, "price": 40}]},
    ],
}


def test_a_dict_is_a_scenario_file():
    s = symbio.Scenario.from_dict(TWO_PLANTS)
    assert (s.name, s.currency) == ("two plants", "EUR")
    plan = s.solve()
    # 60 t go 13 km (10 km × circuity 1.3): 60 × (5 + 40 − 0.1 × 13) = 2622 EUR/yr.
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(2622.0)
    assert list(plan.links["to_site"]) == ["cement"]


def test_the_text_of_a_file_is_the_file(monkeypatch):
    monkeypatch.chdir(ROOT)
    path = "scenarios/ulsan-steam.toml"
    from_text = symbio.Scenario.from_text(Path(path).read_text(), path=path)
    assert from_text.solve().to_json() == symbio.load(path).solve().to_json()


def test_every_problem_is_raised_at_once_with_its_place():
    bad = json.loads(json.dumps(TWO_PLANTS))
    bad["sites"][0]["outputs"][0]["quantity"] = -100
    bad["rules"][0]["to"] = "clinkr"
    with pytest.raises(symbio.ScenarioError) as caught:
        symbio.Scenario.from_dict(bad, path="district.json")
    problems = caught.value.problems
    assert len(problems) == 2
    assert all(p.file == "district.json" for p in problems)
    by_id = {p.id: p for p in problems}
    assert by_id["slag"].path == "sites[0].outputs[0].quantity"
    assert "-100" in by_id["slag"].message
    assert by_id["slag_for_clinker"].path == "rules[0].to"
    assert "clinkr" in by_id["slag_for_clinker"].message
    assert isinstance(caught.value, ValueError)
    for p in problems:
        assert str(p) in str(caught.value)

    # Items that do not read as their type are named each at their field.
    bad = json.loads(json.dumps(TWO_PLANTS))
    bad["sites"][0]["y_km"] = "near"
    bad["sites"][1]["x_km"] = "far"
    with pytest.raises(symbio.ScenarioError) as caught:
        symbio.Scenario.from_dict(bad)
    assert [(p.path, p.id) for p in caught.value.problems] == [
        ("sites[0].y_km", "steel"), ("sites[1].x_km", "cement")
    ]


def test_a_syntax_error_has_its_line(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text("[scenario]\nname = \n")
    with pytest.raises(symbio.ScenarioError) as caught:
        symbio.load(f)
    (p,) = caught.value.problems
    assert p.file == str(f) and p.line == 2 and p.column is not None


def test_other_failures_have_their_own_classes(tmp_path):
    with pytest.raises(symbio.ReadError) as caught:
        symbio.load(tmp_path / "missing.toml")
    assert isinstance(caught.value, OSError)
    s = symbio.Scenario.from_dict(TWO_PLANTS)
    with pytest.raises(symbio.OptionError) as bad_path:
        s.with_values({"parameters.carbon_prise": 5})
    assert bad_path.value.option == "values" and "carbon_prise" in str(bad_path.value)
    with pytest.raises(symbio.OptionError) as bad_axis:
        symbio.sweep(s, {"parameters.carbon_prise": [1, 2]})
    assert bad_axis.value.option == "axis"
    with pytest.raises(symbio.ScenarioError):
        s.with_values({"sites.steel.outputs.slag.quantity": -1})


def test_with_values_sets_the_field_and_leaves_the_original():
    s = symbio.Scenario.from_dict(TWO_PLANTS)
    dear = s.with_values({"modes.truck.cost_per_unit_km": 5})
    assert dear.get("modes.truck.cost_per_unit_km") == 5.0
    assert s.get("modes.truck.cost_per_unit_km") == 0.1
    # 13 km at 5 EUR/t·km cost more than the 45 EUR/t the slag saves.
    assert dear.solve().links.empty
    assert s.get("parameters.carbon_price") in (None, 0.0)


def test_check_is_the_cli_check(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    for path in ("scenarios/liuzhou.toml", "tests/data/hand.toml"):
        expected = json.loads(cli("check", path, "--format", "json"))
        got = symbio.load(path).check()
        # The JSON leaves out empty lists; the dict has them.
        assert got == {"conflicts": [], "warnings": [], **expected}
    summary = symbio.load("tests/data/hand.toml").check()
    assert summary["warnings"] and summary["warnings"][0]["message"].startswith("not given")


def _book(tmp_path, cli, scenario) -> dict:
    out = tmp_path / "book.xlsx"
    cli("export", scenario, "-o", str(out))
    return pd.read_excel(out, sheet_name=None)


@pytest.mark.parametrize("path", ["scenarios/liuzhou.toml", "scenarios/kalundborg.toml",
                                  "scenarios/ulsan-steam.toml"])
def test_frames_of_an_exported_workbook_are_the_scenario(path, tmp_path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    book = _book(tmp_path, cli, path)
    assert {"sites", "outputs", "inputs"} <= set(book)
    from_frames = symbio.Scenario.from_frames(**book)
    expected = symbio.load(path).solve()
    plan = from_frames.solve()
    assert plan.status == expected.status
    assert plan.objective == pytest.approx(expected.objective, rel=1e-9)
    assert plan.totals["co2_avoided"] == pytest.approx(expected.totals["co2_avoided"], rel=1e-9)


def test_a_bad_cell_is_named_as_import_names_it(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    book = _book(tmp_path, cli, "scenarios/ulsan-steam.toml")
    outputs = book["outputs"].copy()
    outputs.loc[0, "quantity"] = -5
    book["outputs"] = outputs
    with pytest.raises(symbio.ScenarioError) as caught:
        symbio.Scenario.from_frames(**book)
    column = "ABCDEFGHIJ"[list(outputs.columns).index("quantity")]
    (p,) = caught.value.problems
    assert p.file == "frames"
    assert p.path == f"outputs!{column}2"
    assert p.id == outputs.loc[0, "id"]
    assert "quantity must be ≥ 0" in p.message


def test_frames_take_dicts_lists_and_numbers():
    s = symbio.Scenario.from_frames(
        scenario={"name": "two plants", "currency": "EUR"},
        materials=[{"id": "slag", "unit": "t", "kind": "material"},
                   {"id": "clinker", "unit": "t", "kind": "material"}],
        modes=pd.DataFrame({"id": ["truck"], "units": [["t"]], "cost_per_unit_km": [0.1]}),
        rules=pd.DataFrame({"id": ["r"], "from": ["slag"], "to": ["clinker"], "modes": ["truck"]}),
        sites=pd.DataFrame({"id": ["steel", "cement"], "x_km": [0, 10], "y_km": [0.0, 0.0]}),
        outputs=pd.DataFrame({"site": ["steel"], "id": ["slag"], "material": ["slag"],
                              "quantity": [100], "disposal_cost": [5]}),
        inputs=pd.DataFrame({"site": ["cement"], "id": ["clinker"], "material": ["clinker"],
                             "quantity": [60], "price": [40], "co2": [float("nan")]}),
    )
    assert s.solve().objective == pytest.approx(2622.0)


def test_an_unknown_sheet_is_a_problem_as_in_a_workbook(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    book = _book(tmp_path, cli, "scenarios/ulsan-steam.toml")
    book["site"] = book["sites"]
    with pytest.raises(symbio.ScenarioError) as caught:
        symbio.Scenario.from_frames(**book)
    (p,) = caught.value.problems
    assert (p.file, p.path) == ("frames", "site")
    assert p.message == "unknown sheet, did you mean `sites`?"


@pytest.mark.parametrize("path", ["scenarios/liuzhou.toml", "scenarios/kalundborg.toml"])
def test_to_frames_are_the_exported_sheets_and_read_back(path, tmp_path, cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    s = symbio.load(path)
    frames = s.to_frames()
    book = _book(tmp_path, cli, path)
    assert list(frames) == list(book)
    for name, frame in frames.items():
        assert list(frame.columns) == list(book[name].columns), name
        assert len(frame) == len(book[name]), name
    plan = symbio.Scenario.from_frames(**frames).solve()
    assert plan.objective == pytest.approx(s.solve().objective, rel=1e-9)
    # An edit in pandas is an edit of the scenario.
    frames["parameters"].loc[0, "carbon_price"] = 0
    assert symbio.Scenario.from_frames(**frames).get("parameters.carbon_price") == 0.0
