//! The plan as CSV tables: one row per chosen link with the fields of the plan
//! JSON's `links[]`, or one row per site with those of `sites[]`. A header line
//! comes first; its columns are the JSON's field names, a nested field by its
//! dotted path (`from_location.lat`); numbers are written as in the JSON, a null
//! or absent field as an empty cell.

use serde::Serialize;
use serde_json::Value;

use super::Error;
use crate::domain::{Location, Scenario};
use crate::plan::Plan;

/// The columns of a link row before the locations: the fields of
/// [`PlanLink`](crate::plan::PlanLink) in JSON order (its key first).
pub const LINK_COLUMNS: [&str; 23] = [
    "from_site",
    "from_output",
    "to_site",
    "to_input",
    "mode",
    "material",
    "displaces",
    "rule",
    "distance_km",
    "flow",
    "unit",
    "delivered",
    "displaced",
    "displaced_unit",
    "net_benefit",
    "co2_avoided",
    "transport_energy_gj",
    "transport_loss",
    "capex",
    "payback_years",
    "existing",
    "status",
    "description",
];

/// The columns of a site row: the fields of [`SiteBenefit`](crate::plan::SiteBenefit).
pub const SITE_COLUMNS: [&str; 6] = [
    "site",
    "name",
    "as_supplier",
    "as_receiver",
    "benefit",
    "co2_avoided",
];

/// The columns of a link row: [`LINK_COLUMNS`], then the two sites' locations
/// in the kind the scenario's sites have (`from_location.lat`,
/// `from_location.lon`, `to_location.lat`, `to_location.lon`, or the same with
/// `x_km` and `y_km`; none when no site has a location).
pub fn link_columns(s: &Scenario) -> Vec<String> {
    let mut columns: Vec<String> = LINK_COLUMNS.iter().map(|c| c.to_string()).collect();
    let kind = s.sites.iter().find_map(|site| site.location);
    let coordinates = match kind {
        Some(Location::LatLon { .. }) => ["lat", "lon"],
        Some(Location::Planar { .. }) => ["x_km", "y_km"],
        None => return columns,
    };
    for end in ["from_location", "to_location"] {
        columns.extend(coordinates.iter().map(|c| format!("{end}.{c}")));
    }
    columns
}

/// The chosen links of `plan` (solved from `s`), one row each.
pub fn links(plan: &Plan, s: &Scenario) -> Result<String, Error> {
    table(&link_columns(s), &plan.links)
}

/// The benefit of each site of `plan`, one row each.
pub fn sites(plan: &Plan) -> Result<String, Error> {
    let columns: Vec<String> = SITE_COLUMNS.iter().map(|c| c.to_string()).collect();
    table(&columns, &plan.sites)
}

/// The columns of a plant row before its streams: the scalar fields of
/// [`PlanPlant`](crate::plan::PlanPlant) in JSON order.
pub const PLANT_COLUMNS: [&str; 18] = [
    "plant",
    "name",
    "technology",
    "status",
    "operator",
    "open",
    "size",
    "capacity",
    "throughput",
    "utilisation",
    "operating_cost",
    "energy_cost",
    "disposal_cost",
    "fixed_cost",
    "capex_per_year",
    "capex",
    "co2_emitted",
    "net_benefit",
];

/// Every plant of `plan` (solved from `s`), one row each: [`PLANT_COLUMNS`],
/// then what arrives per input material (`inputs.<material>`), what is made
/// and what exchanges take per output material (`made.<material>`,
/// `sent.<material>`), for the materials of the scenario's technologies.
pub fn plants(plan: &Plan, s: &Scenario) -> Result<String, Error> {
    let mut columns: Vec<String> = PLANT_COLUMNS.iter().map(|c| c.to_string()).collect();
    let mut ins: Vec<&str> = Vec::new();
    let mut outs: Vec<&str> = Vec::new();
    for t in &s.technologies {
        ins.extend(
            t.inputs
                .iter()
                .map(|i| s.materials[i.material.0].id.as_str()),
        );
        outs.extend(
            t.outputs
                .iter()
                .map(|o| s.materials[o.material.0].id.as_str()),
        );
    }
    for list in [&mut ins, &mut outs] {
        list.sort_unstable();
        list.dedup();
    }
    columns.extend(ins.iter().map(|m| format!("inputs.{m}")));
    columns.extend(outs.iter().map(|m| format!("made.{m}")));
    columns.extend(outs.iter().map(|m| format!("sent.{m}")));
    table(&columns, &plan.plants)
}

/// The outputs and inputs the plan uses in part, one row each:
/// `side,stream,quantity,used,unit,binds`, `binds` the limits in words joined
/// by `; ` (`share of rule r at site/input`; see [`crate::limits`]).
pub fn limits(plan: &Plan) -> Result<String, Error> {
    let columns: Vec<String> = ["side", "stream", "quantity", "used", "unit", "binds"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let rows: Vec<Value> = plan
        .limits
        .iter()
        .map(|l| {
            let binds: Vec<String> = l.binds.iter().map(ToString::to_string).collect();
            serde_json::json!({
                "side": l.side,
                "stream": l.stream,
                "quantity": l.quantity,
                "used": l.used,
                "unit": l.unit,
                "binds": binds.join("; "),
            })
        })
        .collect();
    table(&columns, &rows)
}

/// The flows of a plan with periods, one row per chosen link and period:
/// the link's key, `period`, `flow` in it and `utilisation` (flow over the
/// link's capacity in the period; empty without a capacity). No rows
/// without periods.
pub fn periods(plan: &Plan) -> Result<String, Error> {
    let columns: Vec<String> = [
        "from_site",
        "from_output",
        "to_site",
        "to_input",
        "mode",
        "period",
        "flow",
        "unit",
        "utilisation",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let mut rows: Vec<Value> = Vec::new();
    for l in &plan.links {
        for (t, period) in plan.periods.iter().enumerate() {
            let mut row = serde_json::to_value(&l.key).map_err(|e| Error::Csv(e.to_string()))?;
            row["period"] = Value::from(period.period.clone());
            row["flow"] = Value::from(l.by_period.get(t).copied().unwrap_or(0.0));
            row["unit"] = Value::from(l.unit.clone());
            if let Some(&u) = l.utilisation.get(t) {
                row["utilisation"] = Value::from(u);
            }
            rows.push(row);
        }
    }
    table(&columns, &rows)
}

/// The stores of a plan, one row per store and period: `store`, `site`,
/// `period`, `level` (at the period's end), `charge`, `discharge`, `unit`,
/// `built`.
pub fn stores(plan: &Plan) -> Result<String, Error> {
    let columns: Vec<String> = [
        "store",
        "site",
        "period",
        "level",
        "charge",
        "discharge",
        "unit",
        "built",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    let mut rows: Vec<Value> = Vec::new();
    for q in &plan.stores {
        for (t, period) in plan.periods.iter().enumerate() {
            rows.push(serde_json::json!({
                "store": q.store,
                "site": q.site,
                "period": period.period,
                "level": q.level.get(t),
                "charge": q.charge.get(t),
                "discharge": q.discharge.get(t),
                "unit": q.unit,
                "built": q.built,
            }));
        }
    }
    table(&columns, &rows)
}

/// A header of `columns`, then one row per item: each cell the item's JSON
/// field at the column's dotted path.
fn table<T: Serialize>(columns: &[String], items: &[T]) -> Result<String, Error> {
    let failed = |e: &dyn std::fmt::Display| Error::Csv(e.to_string());
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(columns).map_err(|e| failed(&e))?;
    for item in items {
        let value = serde_json::to_value(item).map_err(|e| failed(&e))?;
        w.write_record(columns.iter().map(|c| cell(&value, c)))
            .map_err(|e| failed(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| failed(&e))?;
    String::from_utf8(bytes).map_err(|e| failed(&e))
}

/// The text of the field of `value` at the dotted `path`: a string as it is, a
/// number or boolean as in JSON, null or absent as nothing.
fn cell(value: &Value, path: &str) -> String {
    match path.split('.').try_fold(value, |v, key| v.get(key)) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::SiteBenefit;

    #[test]
    fn cells_are_the_json_fields_by_dotted_path() {
        let v = serde_json::json!({"a": 1.5, "b": {"c": "x,y"}, "n": null, "t": true});
        assert_eq!(cell(&v, "a"), "1.5");
        assert_eq!(cell(&v, "b.c"), "x,y");
        assert_eq!(cell(&v, "n"), "");
        assert_eq!(cell(&v, "missing.deeper"), "");
        assert_eq!(cell(&v, "t"), "true");
    }

    #[test]
    fn the_site_columns_are_the_fields_of_a_site_benefit() {
        let site = SiteBenefit {
            site: "s".into(),
            name: "S, \"the\" site".into(),
            as_supplier: 1.0,
            as_receiver: 2.0,
            benefit: 3.0,
            co2_avoided: 0.5,
        };
        let v = serde_json::to_value(&site).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, SITE_COLUMNS);
        let text = table(&SITE_COLUMNS.map(String::from), &[site]).unwrap();
        assert_eq!(
            text,
            "site,name,as_supplier,as_receiver,benefit,co2_avoided\n\
             s,\"S, \"\"the\"\" site\",1.0,2.0,3.0,0.5\n"
        );
    }
}
