//! `symbio check`: load, validate and summarise a scenario without solving it.
//!
//! Recorded flows that cannot fit (`symbio::network::mandatory`) make the file
//! contradict itself: the summary says so, the JSON lists them in `conflicts`,
//! and each is a problem of the file (exit 2).

use std::path::PathBuf;

use serde::Serialize;
use symbio::analysis::unplaced::{self, Unplaced};
use symbio::domain::{LinkStatus, MaterialId, Scenario, SiteId};
use symbio::network::{mandatory, Network};
use symbio::plan::Conflict;
use symbio::scenario::defaults::{self, Unstated};
use symbio::{Error, Problem, Problems};

use super::table::count;
use super::{
    args::{Format, InputArgs, OutputArgs},
    output, table, CliError, Outcome,
};

/// Arguments of `symbio check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// Output format [default: table; with -o FILE, the format its extension names: .json].
    #[arg(long, value_enum)]
    pub format: Option<Format>,
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
    /// Constraints the recorded flows exceed on their own (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    conflicts: Vec<FileConflict>,
    /// Figures left out that default to 0 where a number is expected (absent
    /// when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
    /// Sites without a location and the exchanges they lose (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unplaced: Vec<Unplaced>,
}

/// A figure the file leaves to its default.
#[derive(Debug, Serialize)]
struct Warning {
    file: String,
    path: String,
    message: String,
}

impl Warning {
    fn of(u: &Unstated) -> Warning {
        Warning {
            file: u.file.display().to_string(),
            path: u.path.clone(),
            message: format!("not given: {} assumed", u.default),
        }
    }
}

/// A conflict with the file and field path of each of its links' recorded quantity.
#[derive(Debug, Serialize)]
struct FileConflict {
    #[serde(flatten)]
    conflict: Conflict,
    /// One per link of `conflict.links`, in that order.
    fields: Vec<Field>,
}

/// Where a value was written.
#[derive(Debug, Serialize)]
struct Field {
    file: String,
    path: String,
}

impl FileConflict {
    /// The conflict `c` of network `net`, with its fields.
    fn of(s: &Scenario, net: &Network, c: &mandatory::Conflict) -> FileConflict {
        let fields = c
            .links
            .iter()
            .filter_map(|&k| net.links[k].fact)
            .map(|f| {
                let origin = &s.links[f].origin;
                Field {
                    file: origin.file.display().to_string(),
                    path: format!("{}.quantity", origin.path),
                }
            })
            .collect();
        FileConflict {
            conflict: Conflict::of(s, net, c),
            fields,
        }
    }

    /// The conflict as a problem of the file: at its first link's recorded
    /// quantity, naming the others.
    fn problem(&self) -> Problem {
        let c = &self.conflict;
        let mut message = table::conflict(c);
        let others: Vec<String> = self
            .fields
            .iter()
            .zip(&c.links)
            .skip(1)
            .map(|(f, k)| format!("{} ({k})", f.path))
            .collect();
        if !others.is_empty() {
            message.push_str(&format!(" with {}", others.join(", ")));
        }
        message.push_str("; no plan can exist");
        let (file, path) = self
            .fields
            .first()
            .map_or((String::new(), String::new()), |f| {
                (f.file.clone(), f.path.clone())
            });
        let id = c.links.first().map(ToString::to_string);
        Problem::new(file, path, id.as_deref(), message)
    }
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
    let format = a.out.format(a.format, Format::Table)?;
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out
        .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
    let s = symbio::scenario::validate::validate(&loaded)?;
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
        conflicts: mandatory::conflicts(&s, &net)
            .iter()
            .map(|c| FileConflict::of(&s, &net, c))
            .collect(),
        warnings: defaults::unstated(&loaded)
            .iter()
            .map(Warning::of)
            .collect(),
        unplaced: unplaced::unplaced(&s),
    };
    let text = match format {
        Format::Json => output::to_json(&report),
        Format::Table => summary(&report),
    };
    a.out.emit(&text)?;
    if format == Format::Table && !a.out.quiet && !report.warnings.is_empty() {
        eprint!("{}", warnings(&report.warnings));
    }
    if !a.out.quiet {
        eprint!("{}", unplaced_warnings(&report.unplaced));
    }
    if report.conflicts.is_empty() {
        Ok(Outcome::Done)
    } else {
        // The file contradicts itself: bad input, each conflict a problem.
        let problems = report.conflicts.iter().map(FileConflict::problem).collect();
        Err(Error::Invalid(Problems(problems)).into())
    }
}

/// The report as the aligned lines of a terminal (the conflicts themselves go
/// to stderr, as problems of the file).
fn summary(r: &Report) -> String {
    let l = &r.left_out;
    let mut t = match r.conflicts.len() {
        0 => format!("{}: ok\n", r.file),
        n => format!(
            "{}: no plan can exist: {n} constraint{} exceeded by the recorded flows\n",
            r.file,
            if n == 1 { "" } else { "s" }
        ),
    };
    t.push_str(&format!(
        "scenario         {} ({})\n",
        r.scenario, r.currency
    ));
    t.push_str(&format!("sites            {}\n", r.sites));
    t.push_str(&format!(
        "streams          {}, {}\n",
        count(r.outputs, "output"),
        count(r.inputs, "input")
    ));
    t.push_str(&format!(
        "catalog          {}, {}, {}\n",
        count(r.materials, "material"),
        count(r.modes, "mode"),
        count(r.rules, "rule")
    ));
    t.push_str(&format!(
        "link facts       {} ({} existing)\n",
        r.link_facts, r.existing_links
    ));
    t.push_str(&format!("candidate links  {}\n", r.candidate_links));
    t.push_str(&table::wrap(
        "left out         ",
        &format!(
            "{} never pay, {} beyond distance limit, {} forbidden, {} empty, {} lose all in transport",
            l.never_pay, l.too_far, l.forbidden, l.empty, l.lossy
        ),
    ));
    t.push_str(&format!(
        "parts            {} independent\n",
        r.independent_parts
    ));
    if !r.unplaced.is_empty() {
        let sites: Vec<String> = r
            .unplaced
            .iter()
            .map(|u| format!("{} ({} lost)", u.site, count(u.lost.len(), "exchange")))
            .collect();
        t.push_str(&table::wrap("no location      ", &sites.join(", ")));
    }
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

/// Most pairs named in the warning of an unplaced site.
const SHOWN_PAIRS: usize = 5;

/// A warning per site without a location, for stderr (nothing when every site
/// has one): what it loses, and how to give it a place.
pub fn unplaced_warnings(sites: &[Unplaced]) -> String {
    let mut t = String::new();
    for u in sites {
        let lost = if u.lost.is_empty() {
            "no exchange a rule allows is lost (none has a partner)".to_owned()
        } else {
            let shown: Vec<&str> = u
                .lost
                .iter()
                .take(SHOWN_PAIRS)
                .map(String::as_str)
                .collect();
            let more = u.lost.len().saturating_sub(SHOWN_PAIRS);
            format!(
                "{} a rule allows {} left out, no distance being known: {}{}",
                count(u.lost.len(), "exchange"),
                if u.lost.len() == 1 { "is" } else { "are" },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        };
        t.push_str(&table::wrap(
            "warning: ",
            &format!(
                "site {} has no location (lat/lon or x_km/y_km), so it cannot be placed on \
                 the map or given distances; {lost}; give it a location, or give each \
                 exchange a link fact with distance_km",
                u.site
            ),
        ));
        if !u.facts_without_distance.is_empty() {
            t.push_str(&table::wrap(
                "  ",
                &format!(
                    "link facts without distance_km: {}",
                    u.facts_without_distance.join(", ")
                ),
            ));
        }
    }
    t
}

/// The figures left to their defaults, for stderr.
fn warnings(w: &[Warning]) -> String {
    let mut t = format!(
        "warning: {} left out where a number is expected, 0 assumed:\n",
        count(w.len(), "figure")
    );
    for w in w {
        t.push_str(&table::wrap("  ", &format!("{} ({})", w.path, w.file)));
    }
    t
}
