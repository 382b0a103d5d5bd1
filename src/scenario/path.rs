//! Numeric fields of a scenario addressed by path, for sweeps, break-even searches
//! and uncertainty: `parameters.carbon_price`, `modes.truck.cost_per_unit_km`,
//! `rules.slag_for_clinker.ratio`, `sites.liugang.outputs.bf_slag.quantity`,
//! `sites.liugang.lat`, `links.0.capex` (links by index, as they have no id),
//! `technologies.grinding.operating_cost`, `technologies.grinding.sizes.large.capex`,
//! `technologies.grinding.outputs.ggbs.yield` (a technology's inputs and outputs
//! by material), `plants.grinder_east.x_km`, `periods.winter.share`,
//! `stores.pit.capacity`, and a stream's profile by period:
//! `sites.town.inputs.heat.factors.winter` (also `quantities`, `prices`).
//!
//! Paths address the merged file ([`Loaded`]), before validation, so a value set
//! here is validated like one written in the file.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::load::{Loaded, Located};

/// Why a path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

fn err(path: &str, message: impl Into<String>) -> PathError {
    PathError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// A path to a numeric field, checked against a scenario file once
/// ([`FieldPath::new`]) so that the points of an analysis only set values.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldPath(String);

impl FieldPath {
    /// Checks that `path` addresses a numeric field of `loaded`.
    pub fn new(loaded: &Loaded, path: &str) -> Result<FieldPath, PathError> {
        check(loaded, path)?;
        Ok(FieldPath(path.to_owned()))
    }

    /// The path as written (`parameters.carbon_price`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The field's value in `loaded` (`None` when the optional field is unset).
    pub fn get(&self, loaded: &Loaded) -> Option<f64> {
        get(loaded, &self.0).ok().flatten()
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Loaded {
    /// A copy of the file with each field set to its value. Fails only for a
    /// value the field cannot take (not finite, or not of the field's type).
    pub fn with(&self, values: &[(FieldPath, f64)]) -> Result<Loaded, PathError> {
        let mut copy = self.clone();
        for (p, v) in values {
            set(&mut copy, &p.0, *v)?;
        }
        Ok(copy)
    }
}

/// Reads the numeric field at `path` (`None` when the optional field is unset).
pub(crate) fn get(loaded: &Loaded, path: &str) -> Result<Option<f64>, PathError> {
    let mut copy = loaded.clone();
    let mut found = None;
    apply(&mut copy, path, &mut |v| {
        found = v.as_f64();
        Ok(())
    })?;
    Ok(found)
}

/// Sets the numeric field at `path` to `value`.
pub(crate) fn set(loaded: &mut Loaded, path: &str, value: f64) -> Result<(), PathError> {
    apply(loaded, path, &mut |v| {
        *v = serde_json::Value::from(value);
        if v.is_null() {
            Err("the value must be a finite number".into())
        } else {
            Ok(())
        }
    })
}

/// Checks that `path` addresses a numeric field, without changing anything.
pub(crate) fn check(loaded: &Loaded, path: &str) -> Result<(), PathError> {
    get(loaded, path).map(|_| ())
}

type Edit<'a> = dyn FnMut(&mut serde_json::Value) -> Result<(), String> + 'a;

fn apply(loaded: &mut Loaded, path: &str, edit: &mut Edit<'_>) -> Result<(), PathError> {
    let parts: Vec<&str> = path.split('.').collect();
    let by_id = |section: &str, id: Option<&&str>| -> Result<String, PathError> {
        id.map(|s| s.to_string())
            .ok_or_else(|| err(path, format!("give an id after `{section}`")))
    };
    match parts.first().copied() {
        Some("parameters") => {
            let field = field_of(path, &parts, 1)?;
            edit_item(path, &mut loaded.parameters, field, edit)
        }
        Some(section @ ("modes" | "rules" | "materials")) => {
            let id = by_id(section, parts.get(1))?;
            let field = field_of(path, &parts, 2)?;
            match section {
                "modes" => edit_in(path, &mut loaded.modes, &id, |m| &m.id, field, edit),
                "rules" => edit_in(path, &mut loaded.rules, &id, |r| &r.id, field, edit),
                _ => edit_in(path, &mut loaded.materials, &id, |m| &m.id, field, edit),
            }
        }
        Some("sites") if is_profile_path(&parts) => profile_entry(loaded, path, &parts, edit),
        Some("sites") => {
            let id = by_id("sites", parts.get(1))?;
            let site = loaded
                .sites
                .iter_mut()
                .find(|s| s.item.id == id)
                .ok_or_else(|| err(path, format!("no site \"{id}\"")))?;
            match parts.get(2).copied() {
                Some(kind @ ("outputs" | "inputs")) => {
                    let sid = by_id(kind, parts.get(3))?;
                    let field = field_of(path, &parts, 4)?;
                    if kind == "outputs" {
                        let o = site
                            .item
                            .outputs
                            .iter_mut()
                            .find(|o| o.id == sid)
                            .ok_or_else(|| {
                                err(path, format!("site \"{id}\" has no output \"{sid}\""))
                            })?;
                        edit_item(path, o, field, edit)
                    } else {
                        let i = site
                            .item
                            .inputs
                            .iter_mut()
                            .find(|i| i.id == sid)
                            .ok_or_else(|| {
                                err(path, format!("site \"{id}\" has no input \"{sid}\""))
                            })?;
                        edit_item(path, i, field, edit)
                    }
                }
                _ => {
                    let field = field_of(path, &parts, 2)?;
                    edit_item(path, &mut site.item, field, edit)
                }
            }
        }
        Some("links") => {
            let k: usize = parts
                .get(1)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| err(path, "links are addressed by index: links.0.capex"))?;
            let field = field_of(path, &parts, 2)?;
            let n = loaded.links.len();
            let link = loaded
                .links
                .get_mut(k)
                .ok_or_else(|| err(path, format!("there are {n} links")))?;
            edit_item(path, &mut link.item, field, edit)
        }
        Some("plants") => {
            let id = by_id("plants", parts.get(1))?;
            let field = field_of(path, &parts, 2)?;
            edit_in(path, &mut loaded.plants, &id, |p| &p.id, field, edit)
        }
        Some("periods") => {
            let id = by_id("periods", parts.get(1))?;
            let field = field_of(path, &parts, 2)?;
            edit_in(path, &mut loaded.periods, &id, |p| &p.id, field, edit)
        }
        Some("stores") => {
            let id = by_id("stores", parts.get(1))?;
            let field = field_of(path, &parts, 2)?;
            edit_in(path, &mut loaded.stores, &id, |st| &st.id, field, edit)
        }
        Some("technologies") => {
            let id = by_id("technologies", parts.get(1))?;
            let tech = loaded
                .technologies
                .iter_mut()
                .find(|t| t.item.id == id)
                .ok_or_else(|| err(path, format!("no technology \"{id}\"")))?;
            let t = &mut tech.item;
            let no = |what: &str, which: &str| {
                err(
                    path,
                    format!("technology \"{id}\" has no {what} \"{which}\""),
                )
            };
            match parts.get(2).copied() {
                Some("sizes") => {
                    let k = by_id("sizes", parts.get(3))?;
                    let field = field_of(path, &parts, 4)?;
                    let size = t.sizes.iter_mut().find(|z| z.id == k);
                    edit_item(path, size.ok_or_else(|| no("size", &k))?, field, edit)
                }
                Some("inputs") => {
                    let k = by_id("inputs", parts.get(3))?;
                    let field = field_of(path, &parts, 4)?;
                    let input = t.inputs.iter_mut().find(|i| i.material == k);
                    edit_item(path, input.ok_or_else(|| no("input", &k))?, field, edit)
                }
                Some("outputs") => {
                    let k = by_id("outputs", parts.get(3))?;
                    let field = field_of(path, &parts, 4)?;
                    let output = t.outputs.iter_mut().find(|o| o.material == k);
                    edit_item(path, output.ok_or_else(|| no("output", &k))?, field, edit)
                }
                _ => {
                    let field = field_of(path, &parts, 2)?;
                    edit_item(path, t, field, edit)
                }
            }
        }
        _ => Err(err(
            path,
            "paths start with parameters, modes, rules, materials, sites, links, technologies, \
             plants, periods or stores",
        )),
    }
}

/// Whether a path addresses a value of a stream's profile:
/// `sites.SITE.outputs.ID.factors.PERIOD` (or `inputs`; `quantities`, `prices`).
fn is_profile_path(parts: &[&str]) -> bool {
    parts.len() == 6
        && matches!(parts[2], "outputs" | "inputs")
        && matches!(parts[4], "factors" | "quantities" | "prices")
}

/// Edits one period's value of the profile of a stream (a path of
/// [`is_profile_path`]); the profile and the period's entry must be written.
fn profile_entry(
    loaded: &mut Loaded,
    path: &str,
    parts: &[&str],
    edit: &mut Edit<'_>,
) -> Result<(), PathError> {
    let (site, kind, stream, table, period) = (parts[1], parts[2], parts[3], parts[4], parts[5]);
    let profile = loaded
        .profiles
        .iter_mut()
        .map(|l| &mut l.item)
        .find(|p| {
            let id = if kind == "outputs" {
                &p.output
            } else {
                &p.input
            };
            p.site == site && id.as_deref() == Some(stream)
        })
        .ok_or_else(|| err(path, format!("no profile of {site}/{stream} ({kind})")))?;
    let values = match table {
        "factors" => &mut profile.factors,
        "quantities" => &mut profile.quantities,
        _ => &mut profile.prices,
    };
    let slot = values.get_mut(period).ok_or_else(|| {
        err(
            path,
            format!("the profile of {site}/{stream} has no {table} for period \"{period}\""),
        )
    })?;
    let mut v = serde_json::Value::from(*slot);
    edit(&mut v).map_err(|m| err(path, m))?;
    *slot = v
        .as_f64()
        .ok_or_else(|| err(path, format!("`{table}.{period}` cannot take this value")))?;
    Ok(())
}

fn field_of<'a>(path: &str, parts: &[&'a str], at: usize) -> Result<&'a str, PathError> {
    match (parts.get(at), parts.len()) {
        (Some(f), n) if n == at + 1 => Ok(f),
        (None, _) => Err(err(path, "the path ends before naming a field")),
        _ => Err(err(path, "the path goes on after the field")),
    }
}

fn edit_in<T: Serialize + DeserializeOwned>(
    path: &str,
    items: &mut [Located<T>],
    id: &str,
    id_of: fn(&T) -> &String,
    field: &str,
    edit: &mut Edit<'_>,
) -> Result<(), PathError> {
    let item = items
        .iter_mut()
        .find(|l| id_of(&l.item) == id)
        .ok_or_else(|| err(path, format!("no item with id \"{id}\"")))?;
    edit_item(path, &mut item.item, field, edit)
}

/// Edits one numeric field of an item through its serde form, so that every
/// numeric field (plain or optional) is addressable without listing them.
fn edit_item<T: Serialize + DeserializeOwned>(
    path: &str,
    item: &mut T,
    field: &str,
    edit: &mut Edit<'_>,
) -> Result<(), PathError> {
    let mut v = serde_json::to_value(&*item).map_err(|e| err(path, e.to_string()))?;
    let slot = v
        .as_object_mut()
        .and_then(|o| o.get_mut(field))
        .ok_or_else(|| err(path, format!("no field `{field}` here")))?;
    if !(slot.is_number() || slot.is_null()) {
        return Err(err(path, format!("`{field}` is not a number")));
    }
    let was_null = slot.is_null();
    edit(slot).map_err(|m| err(path, m))?;
    let back: T = serde_json::from_value(v).map_err(|_| {
        err(
            path,
            if was_null {
                format!("`{field}` is not a numeric field")
            } else {
                format!("`{field}` cannot take this value")
            },
        )
    })?;
    *item = back;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn loaded() -> Loaded {
        let text = r#"
[scenario]
currency = "EUR"
[parameters]
carbon_price = 10.0
[[materials]]
id = "slag"
unit = "t"
kind = "material"
[[modes]]
id = "truck"
units = ["t"]
cost_per_unit_km = 0.1
[[sites]]
id = "steel"
x_km = 0.0
y_km = 0.0
outputs = [{ id = "slag", material = "slag", quantity = 100.0 }]
"#;
        super::super::load::load_str(Path::new("t.toml"), text).unwrap()
    }

    #[test]
    fn sets_and_gets_fields_by_path() {
        let mut l = loaded();
        set(&mut l, "parameters.carbon_price", 42.0).unwrap();
        assert_eq!(get(&l, "parameters.carbon_price").unwrap(), Some(42.0));
        set(&mut l, "modes.truck.cost_per_unit_km", 0.3).unwrap();
        assert_eq!(l.modes[0].item.cost_per_unit_km, 0.3);
        set(&mut l, "sites.steel.outputs.slag.quantity", 5.0).unwrap();
        assert_eq!(l.sites[0].item.outputs[0].quantity, 5.0);
        // Optional fields that are unset can be set.
        assert_eq!(get(&l, "modes.truck.capacity").unwrap(), None);
        set(&mut l, "modes.truck.capacity", 7.0).unwrap();
        assert_eq!(l.modes[0].item.capacity, Some(7.0));
    }

    #[test]
    fn plant_and_technology_fields_are_set_by_path() {
        let text = include_str!("../../tests/data/plants.toml");
        let mut l = super::super::load::load_str(Path::new("p.toml"), text).unwrap();
        set_and_get(
            &mut l,
            &[
                ("technologies.grinding.operating_cost", 12.0),
                ("technologies.grinding.sizes.large.capex", 1000.0),
                ("technologies.grinding.outputs.ggbs.yield", 0.9),
                ("technologies.grinding.inputs.gbfs.max_share", 0.5),
                ("plants.grinder_east.x_km", 3.0),
            ],
        );
        assert_eq!(l.technologies[0].item.sizes[1].capex, 1000.0);
        refused(
            &mut l,
            &[
                "technologies.milling.operating_cost",
                "technologies.grinding.sizes.huge.capex",
                "technologies.grinding.outputs.gbfs.yield",
                "plants.nowhere.x_km",
                "plants.grinder_east.technology",
            ],
        );
    }

    /// Sets each field and reads it back.
    #[track_caller]
    fn set_and_get(l: &mut Loaded, fields: &[(&str, f64)]) {
        for &(p, v) in fields {
            set(l, p, v).unwrap();
            assert_eq!(get(l, p).unwrap(), Some(v), "{p}");
        }
    }

    /// Each path is refused, and named.
    #[track_caller]
    fn refused(l: &mut Loaded, paths: &[&str]) {
        for &p in paths {
            assert_eq!(set(l, p, 1.0).unwrap_err().path, p);
        }
    }

    #[test]
    fn period_profile_and_store_fields_are_set_by_path() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/periods.toml");
        let mut l = super::super::load::load(Path::new(path)).unwrap();
        set_and_get(
            &mut l,
            &[
                ("periods.winter.share", 0.25),
                ("periods.summer.hours", 6570.0),
                ("periods.summer.energy_price", 3.0),
                ("sites.town.inputs.heat.factors.winter", 4.0),
                ("sites.town.inputs.heat.prices.summer", 11.0),
                ("sites.chem.inputs.steam.quantities.winter", 1000.0),
                ("stores.town_tank.capacity", 500.0),
                ("stores.town_tank.loss_per_period", 0.2),
                ("stores.town_tank.max_charge", 800.0),
            ],
        );
        assert_eq!(l.periods[0].item.share, Some(0.25));
        assert_eq!(l.profiles[0].item.factors["winter"], 4.0);
        assert_eq!(l.stores[0].item.capacity, Some(500.0));
        // An unset optional field can be set: winter has no hours.
        assert_eq!(get(&l, "periods.winter.hours").unwrap(), None);
        refused(
            &mut l,
            &[
                "periods.spring.share",
                "periods.winter.id",
                "stores.pit.capacity",
                "stores.town_tank.status",
                "sites.town.inputs.heat.factors.autumn",
                "sites.town.inputs.heat.quantities.winter",
                "sites.steel.outputs.slag.factors.winter",
                "sites.town.outputs.heat.factors.winter",
            ],
        );
        assert!(set(&mut l, "periods.winter.share", f64::NAN).is_err());
    }

    #[test]
    fn bad_paths_are_named() {
        let mut l = loaded();
        for p in [
            "modes.barge.cost_per_unit_km",
            "modes.truck.colour",
            "modes.truck.units",
            "sites.steel.outputs.ash.quantity",
            "sites.steel.name",
            "nothing.here",
            "parameters",
            "links.3.capex",
        ] {
            let e = set(&mut l, p, 1.0).unwrap_err();
            assert_eq!(e.path, p);
        }
    }
}
