//! `symbio check`: load, validate and summarise a scenario without solving it.

use std::path::PathBuf;

use super::{output, CliError, Outcome};

/// Arguments of `symbio check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
}

/// Runs `symbio check`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let s = symbio::scenario::read(&a.file)?;
    let net = symbio::network::build(&s)?;
    let mut t = String::new();
    let existing = s
        .links
        .iter()
        .filter(|l| l.status == symbio::domain::LinkStatus::Existing)
        .count();
    t.push_str(&format!("{}: ok\n", a.file.display()));
    t.push_str(&format!("scenario         {} ({})\n", s.name, s.currency));
    t.push_str(&format!("sites            {}\n", s.sites.len()));
    t.push_str(&format!(
        "streams          {} outputs, {} inputs\n",
        s.outputs.len(),
        s.inputs.len()
    ));
    t.push_str(&format!(
        "catalog          {} materials, {} modes, {} rules\n",
        s.materials.len(),
        s.modes.len(),
        s.rules.len()
    ));
    t.push_str(&format!(
        "link facts       {} ({} existing)\n",
        s.links.len(),
        existing
    ));
    t.push_str(&format!("candidate links  {}\n", net.links.len()));
    let p = &net.pruned;
    t.push_str(&format!(
        "left out         {} never pay, {} beyond distance limit, {} forbidden, {} empty, {} lose all in transport\n",
        p.never_pay, p.too_far, p.forbidden, p.empty, p.lossy
    ));
    t.push_str(&format!(
        "independent parts {}\n",
        net.independent_parts().len()
    ));
    let outs = net.unmatched_outputs(&s);
    t.push_str(&format!(
        "outputs with no possible partner: {}\n",
        outs.len()
    ));
    for o in outs {
        let out = &s.outputs[o.0];
        t.push_str(&format!(
            "  {}/{} ({})\n",
            s.sites[out.site.0].id, out.id, s.materials[out.material.0].id
        ));
    }
    let ins = net.unmatched_inputs(&s);
    t.push_str(&format!("inputs with no possible partner: {}\n", ins.len()));
    for i in ins {
        let inp = &s.inputs[i.0];
        t.push_str(&format!(
            "  {}/{} ({})\n",
            s.sites[inp.site.0].id, inp.id, s.materials[inp.material.0].id
        ));
    }
    output::emit(None, &t)?;
    Ok(Outcome::Done)
}
