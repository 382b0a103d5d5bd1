//! The plan as a GeoJSON FeatureCollection (RFC 7946, WGS84, positions
//! `[lon, lat]`): a Point per site, with its id, name, sector, benefit and CO2
//! avoided, a Point per plant with `"kind": "plant"` and its fields of the plan
//! JSON, and a LineString per chosen link from the supplier's location to the
//! receiver's, with the link's fields of the plan JSON. A site without a
//! location (its links have a distance given) is a Feature with a null geometry,
//! as RFC 7946 has for unlocated features, and so are its links.

use serde_json::{json, Map, Value};

use super::Error;
use crate::domain::{Location, Scenario};
use crate::plan::Plan;

/// Whether the sites of `s` can be mapped: an error when they are in x/y km or
/// none has a location. [`collection`] checks it; a caller may check it before
/// solving, so as not to solve for a map it cannot make.
pub fn check(s: &Scenario) -> Result<(), Error> {
    let planar = s
        .sites
        .iter()
        .find(|site| matches!(site.location, Some(Location::Planar { .. })));
    if let Some(site) = planar {
        return Err(Error::NeedsLatLon {
            reason: format!(
                "the scenario's sites are in x_km/y_km (site \"{}\" among them)",
                site.id
            ),
        });
    }
    if s.sites.iter().all(|site| site.location.is_none()) {
        return Err(Error::NeedsLatLon {
            reason: "no site of the scenario has a location".into(),
        });
    }
    Ok(())
}

/// The GeoJSON document of `plan`, solved from `s`; an error when the sites of
/// `s` cannot be mapped ([`check`]).
pub fn collection(plan: &Plan, s: &Scenario) -> Result<String, Error> {
    check(s)?;
    let mut features = Vec::with_capacity(s.sites.len() + plan.links.len());
    for site in &s.sites {
        let benefit = plan.sites.iter().find(|b| b.site == site.id);
        let properties = match plan
            .plants
            .iter()
            .find(|p| site.plant.is_some() && p.plant == site.id)
        {
            // A plant: `"kind": "plant"` and its fields of the plan JSON.
            Some(p) => {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                if let Value::Object(fields) = &mut v {
                    fields.remove("location");
                    fields.insert("kind".into(), "plant".into());
                }
                v
            }
            None => json!({
                "id": site.id,
                "name": site.name,
                "sector": site.sector,
                "benefit": benefit.map(|b| b.benefit),
                "co2_avoided": benefit.map(|b| b.co2_avoided),
            }),
        };
        let geometry = site
            .location
            .and_then(position)
            .map(|p| json!({ "type": "Point", "coordinates": p }));
        features.push(feature(geometry, properties));
    }
    for link in &plan.links {
        let ends = link
            .from_location
            .and_then(position)
            .zip(link.to_location.and_then(position));
        let geometry = ends.map(|(a, b)| json!({ "type": "LineString", "coordinates": [a, b] }));
        let mut properties = serde_json::to_value(link).unwrap_or_default();
        if let Value::Object(fields) = &mut properties {
            // The geometry holds them.
            fields.remove("from_location");
            fields.remove("to_location");
        }
        features.push(feature(geometry, properties));
    }
    let doc = json!({ "type": "FeatureCollection", "features": features });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// The RFC 7946 position of a location: `[lon, lat]`; none for x/y km.
fn position(l: Location) -> Option<[f64; 2]> {
    match l {
        Location::LatLon { lat, lon } => Some([lon, lat]),
        Location::Planar { .. } => None,
    }
}

/// A Feature of `geometry` (null when unlocated) and `properties`.
fn feature(geometry: Option<Value>, properties: Value) -> Value {
    let mut f = Map::new();
    f.insert("type".into(), "Feature".into());
    f.insert("geometry".into(), geometry.unwrap_or(Value::Null));
    f.insert("properties".into(), properties);
    Value::Object(f)
}
