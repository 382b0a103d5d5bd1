//! `symbio check`: load, validate and summarise a scenario without solving it.

use std::path::PathBuf;

use serde::Serialize;
use symbio::domain::{LinkStatus, MaterialId, Scenario, SiteId};

use super::{output, CliError, Format, InputArgs, Outcome, OutputArgs};

/// Arguments of `symbio check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// What `check` found: the scenario's size and its candidate network.
#[derive(Debug, Serialize)]
struct Report {
    file: String,
    scenario: String,
    currency: String,
    sites: usize,
    outputs: usize,
    inputs: usize,
    materials: usize,
    modes: usize,
    rules: usize,
    link_facts: usize,
    existing_links: usize,
    candidate_links: usize,
    left_out: LeftOut,
    independent_parts: usize,
    unmatched_outputs: Vec<Stream>,
    unmatched_inputs: Vec<Stream>,
}

/// Candidate pairs left out of the network, by reason.
#[derive(Debug, Serialize)]
struct LeftOut {
    never_pay: usize,
    too_far: usize,
    forbidden: usize,
    empty: usize,
    lossy: usize,
}

/// An output or input that no candidate link serves.
#[derive(Debug, Serialize)]
struct Stream {
    site: String,
    id: String,
    material: String,
}

impl Stream {
    fn of(s: &Scenario, site: SiteId, id: &str, material: MaterialId) -> Stream {
        Stream {
            site: s.sites[site.0].id.clone(),
            id: id.to_owned(),
            material: s.materials[material.0].id.clone(),
        }
    }
}

/// Runs `symbio check`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let s = symbio::scenario::read_with(&a.file, &a.input.options())?;
    let net = symbio::network::build(&s)?;
    let p = &net.pruned;
    let report = Report {
        file: a.file.display().to_string(),
        scenario: s.name.clone(),
        currency: s.currency.clone(),
        sites: s.sites.len(),
        outputs: s.outputs.len(),
        inputs: s.inputs.len(),
        materials: s.materials.len(),
        modes: s.modes.len(),
        rules: s.rules.len(),
        link_facts: s.links.len(),
        existing_links: s
            .links
            .iter()
            .filter(|l| l.status == LinkStatus::Existing)
            .count(),
        candidate_links: net.links.len(),
        left_out: LeftOut {
            never_pay: p.never_pay,
            too_far: p.too_far,
            forbidden: p.forbidden,
            empty: p.empty,
            lossy: p.lossy,
        },
        independent_parts: net.independent_parts().len(),
        unmatched_outputs: net
            .unmatched_outputs(&s)
            .into_iter()
            .map(|o| {
                let o = &s.outputs[o.0];
                Stream::of(&s, o.site, &o.id, o.material)
            })
            .collect(),
        unmatched_inputs: net
            .unmatched_inputs(&s)
            .into_iter()
            .map(|i| {
                let i = &s.inputs[i.0];
                Stream::of(&s, i.site, &i.id, i.material)
            })
            .collect(),
    };
    let text = match a.format {
        Format::Json => output::to_json(&report),
        Format::Table => table(&report),
    };
    a.out.emit(&text)?;
    Ok(Outcome::Done)
}

/// The report as the aligned lines of a terminal.
fn table(r: &Report) -> String {
    let l = &r.left_out;
    let mut t = format!("{}: ok\n", r.file);
    t.push_str(&format!(
        "scenario         {} ({})\n",
        r.scenario, r.currency
    ));
    t.push_str(&format!("sites            {}\n", r.sites));
    t.push_str(&format!(
        "streams          {} outputs, {} inputs\n",
        r.outputs, r.inputs
    ));
    t.push_str(&format!(
        "catalog          {} materials, {} modes, {} rules\n",
        r.materials, r.modes, r.rules
    ));
    t.push_str(&format!(
        "link facts       {} ({} existing)\n",
        r.link_facts, r.existing_links
    ));
    t.push_str(&format!("candidate links  {}\n", r.candidate_links));
    t.push_str(&format!(
        "left out         {} never pay, {} beyond distance limit, {} forbidden, {} empty, {} lose all in transport\n",
        l.never_pay, l.too_far, l.forbidden, l.empty, l.lossy
    ));
    t.push_str(&format!("independent parts {}\n", r.independent_parts));
    for (what, streams) in [
        ("outputs", &r.unmatched_outputs),
        ("inputs", &r.unmatched_inputs),
    ] {
        t.push_str(&format!(
            "{what} with no possible partner: {}\n",
            streams.len()
        ));
        for s in streams {
            t.push_str(&format!("  {}/{} ({})\n", s.site, s.id, s.material));
        }
    }
    t
}
