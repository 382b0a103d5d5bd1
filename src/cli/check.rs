//! `symbio check`: load, validate and summarise a scenario without solving it.
//!
//! Recorded flows that cannot fit (`symbio::network::mandatory`) make the file
//! contradict itself: the summary says so, the JSON lists them in `conflicts`,
//! and each is a problem of the file (exit 2).

use std::path::PathBuf;

use symbio::analysis::unplaced::Unplaced;
use symbio::check::{FileConflict, Summary, Warning};
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

/// A conflict as a problem of the file: at its first link's recorded
/// quantity, naming the others.
fn problem(fc: &FileConflict) -> Problem {
    let c = &fc.conflict;
    let mut message = table::conflict(c);
    let others: Vec<String> = fc
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
    let (file, path) = fc
        .fields
        .first()
        .map_or((String::new(), String::new()), |f| {
            (f.file.clone(), f.path.clone())
        });
    let id = c.links.first().map(ToString::to_string);
    Problem::new(file, path, id.as_deref(), message)
}

/// Runs `symbio check`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let format = a.out.format(a.format, Format::Table)?;
    let loaded = symbio::scenario::load::load_with(&a.file, &a.input.options())?;
    a.out
        .guard(loaded.files.clone(), symbio::files::Kind::Other)?;
    let s = symbio::scenario::validate::validate(&loaded)?;
    let report = symbio::check::summary(&loaded, &s)?;
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
        let problems = report.conflicts.iter().map(problem).collect();
        Err(Error::Invalid(Problems(problems)).into())
    }
}

/// The report as the aligned lines of a terminal (the conflicts themselves go
/// to stderr, as problems of the file).
fn summary(r: &Summary) -> String {
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
    if !r.plants.is_empty() {
        t.push_str(&format!(
            "plants           {} of {} {}\n",
            r.plants.len(),
            r.technologies,
            if r.technologies == 1 {
                "technology"
            } else {
                "technologies"
            }
        ));
        for p in &r.plants {
            t.push_str(&format!(
                "  {} ({}, {}, {}): sizes {}; {} in, {} out\n",
                p.plant,
                p.technology,
                p.status,
                p.place,
                p.sizes.join(", "),
                count(p.links_in, "link"),
                count(p.links_out, "link")
            ));
        }
    }
    t.push_str(&periods(r));
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

/// The periods, the profiles' quantities by period and the stores (nothing
/// without periods).
fn periods(r: &Summary) -> String {
    use symbio::report::num;
    if r.periods.is_empty() {
        return String::new();
    }
    let shares: Vec<String> = r
        .periods
        .iter()
        .map(|p| format!("{} {}", p.period, (p.share * 1e4).round() / 1e4))
        .collect();
    let mut t = table::wrap(
        "periods          ",
        &format!(
            "{} ({}): flows, plants and stores by period",
            r.periods.len(),
            shares.join(", ")
        ),
    );
    let by_period = |values: &[f64], decimals: usize| -> String {
        let each: Vec<String> = r
            .periods
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{} {}", p.period, num(*v, decimals)))
            .collect();
        each.join(", ")
    };
    let prices: Vec<f64> = r.periods.iter().map(|p| p.energy_price).collect();
    t.push_str(&table::wrap(
        "  energy price   ",
        &format!("{} per GJ", by_period(&prices, 2)),
    ));
    if !r.profiles.is_empty() {
        t.push_str(&format!(
            "profiles         {}\n",
            count(r.profiles.len(), "stream")
        ));
    }
    // A region's hundreds of profiles would bury the summary: the first
    // few in the table, all of them in `--format json`.
    for p in r.profiles.iter().take(LISTED) {
        let mut line = format!(
            "{}/{} ({}, {} {}/yr): {}",
            p.site,
            p.id,
            p.kind,
            num(p.quantity, 0),
            p.unit,
            by_period(&p.by_period, 0)
        );
        if let Some(prices) = &p.prices {
            line.push_str(&format!("; price {}", by_period(prices, 2)));
        }
        t.push_str(&table::wrap("  ", &line));
    }
    if r.profiles.len() > LISTED {
        t.push_str(&format!(
            "  and {} more (all of them in --format json)\n",
            r.profiles.len() - LISTED
        ));
    }
    if !r.stores.is_empty() {
        t.push_str(&format!("stores           {}\n", r.stores.len()));
    }
    for s in r.stores.iter().take(LISTED) {
        t.push_str(&table::wrap(
            "  ",
            &format!(
                "{} ({}, {}, {}): {} {}",
                s.store,
                s.status,
                s.place,
                s.material,
                num(s.capacity, 0),
                s.unit
            ),
        ));
    }
    if r.stores.len() > LISTED {
        t.push_str(&format!(
            "  and {} more (all of them in --format json)\n",
            r.stores.len() - LISTED
        ));
    }
    t
}

/// How many profiles, and stores, the table of `check` lists by name.
const LISTED: usize = 20;

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
