"""A small park built from DataFrames, solved, then swept over the carbon price.

Run from the repository (after `pip install ./python`, or `maturin develop`
in python/):

    python examples/python/carbon_price.py            # prints the tables
    python examples/python/carbon_price.py chart.png  # and draws the sweep (matplotlib)

The park: a steelworks with blast-furnace slag and surplus steam, two cement
plants that buy clinker (one 117 km away, where trucking the slag costs more
than it saves until CO2 has a price), a chemical plant that buys steam. Its materials,
modes and rules are written here too, so the example needs no other file.
"""

from __future__ import annotations

import sys

import pandas as pd

import symbio

sites = pd.DataFrame({
    "id": ["steel", "cement_a", "cement_b", "chem"],
    "name": ["Steelworks", "Cement A", "Cement B", "Chemical plant"],
    "x_km": [0.0, 8.0, 100.0, 3.0],
    "y_km": [0.0, 6.0, -60.0, -2.0],
})
outputs = pd.DataFrame({
    "site": ["steel", "steel"],
    "id": ["slag", "steam"],
    "material": ["gbfs", "steam"],
    "quantity": [120_000, 200_000],          # t/yr, GJ/yr
    "disposal_cost": [12.0, 0.0],            # EUR per unit
    "disposal_co2": [0.0, 0.0],
})
inputs = pd.DataFrame({
    "site": ["cement_a", "cement_b", "chem"],
    "id": ["clinker", "clinker", "steam"],
    "material": ["clinker", "clinker", "steam"],
    "quantity": [60_000, 90_000, 150_000],
    "price": [45.0, 45.0, 9.0],              # EUR per unit bought today
    "co2": [0.80, 0.80, 0.07],               # t CO2 per unit displaced
})
materials = pd.DataFrame({
    "id": ["gbfs", "clinker", "steam"],
    "unit": ["t", "t", "GJ"],
    "kind": ["material", "material", "energy"],
})
modes = pd.DataFrame({
    "id": ["truck", "steam_pipe"],
    "units": ["t", "GJ"],
    "cost_per_unit_km": [0.5, 0.02],
    "co2_per_unit_km": [0.0001, 0.0],
    "loss_per_km": [0.0, 0.01],
    "max_distance_km": [200.0, 10.0],
    "capex_per_km": [0.0, 1_500_000.0],
    "lifetime_years": [None, 25.0],
})
rules = pd.DataFrame({
    "id": ["slag_for_clinker", "steam_for_steam"],
    "from": ["gbfs", "steam"],
    "to": ["clinker", "steam"],
    "ratio": [1.0, 1.0],
    "max_share": [0.5, 1.0],
    "processing_cost": [8.0, 0.0],
    "modes": ["truck", "steam_pipe"],
})
park = symbio.Scenario.from_frames(
    sites=sites, outputs=outputs, inputs=inputs, materials=materials, modes=modes, rules=rules,
    scenario={"name": "small park", "currency": "EUR"},
    parameters={"carbon_price": 0.0, "discount_rate": 0.06},
)

print(park.check()["candidate_links"], "candidate links")
plan = park.solve()
print(plan)
print(plan.links[["from_site", "to_site", "mode", "flow", "unit", "net_benefit", "co2_avoided"]])

rows, summary = symbio.sweep(park, {"parameters.carbon_price": range(0, 201, 25)}, threads=2)
print(summary)
print(rows[["parameters.carbon_price", "net_benefit", "co2_avoided", "links"]])

if len(sys.argv) > 1:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, left = plt.subplots(figsize=(7, 4))
    left.plot(rows["parameters.carbon_price"], rows["net_benefit"] / 1e6, marker="o")
    left.set_xlabel("carbon price, EUR/t CO2")
    left.set_ylabel("net benefit, million EUR/yr")
    right = left.twinx()
    right.plot(rows["parameters.carbon_price"], rows["co2_avoided"] / 1e3, color="tab:green",
               marker="s")
    right.set_ylabel("CO2 avoided, kt/yr")
    fig.tight_layout()
    fig.savefig(sys.argv[1])
    print("wrote", sys.argv[1])
