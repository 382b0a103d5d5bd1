//! Property tests of the network against brute force on small random regions:
//! the pair search (R-tree, output after output) forms the same links, in the
//! same order, with the same counts of what is left out (but for the pairs
//! counted twice, [`counted_twice`]), as forming a link for every (output,
//! input, rule, mode) that a rule allows; the independent parts
//! are the connected components that merging linked streams until nothing
//! changes gives.

use std::fmt::Write;
use std::path::Path;

use proptest::prelude::*;

use super::links::Former;
use super::pairs::Pair;
use super::*;

/// Streams of a site: (index into three materials, quantity).
type Streams = Vec<(usize, f64)>;

/// A site: position in [0, 1)², whether it has a location, its outputs and inputs.
type SiteData = ((f64, f64), bool, Streams, Streams);

/// A small region: (lat/lon or planar, sites, rules, modes, facts).
#[derive(Debug, Clone)]
struct Region {
    geographic: bool,
    sites: Vec<SiteData>,
    /// (from, to, max_share < 1, which of the three modes)
    rules: Vec<(usize, usize, bool, [bool; 3])>,
    /// Per mode: distance limit in km (none when ≤ 0), loss per km.
    modes: [(f64, f64); 3],
    /// Facts: (which pair, status, distance given, distance km).
    facts: Vec<(usize, LinkStatus, bool, f64)>,
    circuity: f64,
}

fn region() -> impl Strategy<Value = Region> {
    let stream = || (0usize..3, 0.0..500.0f64);
    let site = (
        (0.0..1.0f64, 0.0..1.0f64),
        prop::bool::weighted(0.9),
        prop::collection::vec(stream(), 0..3),
        prop::collection::vec(stream(), 0..3),
    );
    let rule = (0usize..3, 0usize..3, any::<bool>(), any::<[bool; 3]>());
    let mode = || {
        (
            -40.0..80.0f64,
            prop_oneof![3 => Just(0.0), 1 => 0.0..0.05f64],
        )
    };
    let status = prop_oneof![
        4 => Just(LinkStatus::Candidate),
        1 => Just(LinkStatus::Forbidden),
        1 => Just(LinkStatus::Forced),
    ];
    let fact = (0usize..1000, status, any::<bool>(), 0.0..300.0f64);
    (
        any::<bool>(),
        prop::collection::vec(site, 2..14),
        prop::collection::vec(rule, 1..5),
        [mode(), mode(), mode()],
        prop::collection::vec(fact, 0..4),
        1.0..1.5f64,
    )
        .prop_map(
            |(geographic, sites, rules, modes, facts, circuity)| Region {
                geographic,
                sites,
                rules,
                modes,
                facts,
                circuity,
            },
        )
}

/// The scenario text of a region without its facts.
fn text(r: &Region) -> String {
    let mut t = format!(
        "[scenario]\nname = \"r\"\ncurrency = \"EUR\"\n[parameters]\ncarbon_price = 20.0\n\
         circuity = {}\n",
        r.circuity
    );
    for m in 0..3 {
        let _ = write!(
            t,
            "[[materials]]\nid = \"m{m}\"\nunit = \"t\"\nkind = \"material\"\n"
        );
    }
    for (k, &(reach, loss)) in r.modes.iter().enumerate() {
        let _ = write!(
            t,
            "[[modes]]\nid = \"d{k}\"\nunits = [\"t\"]\ncost_per_unit_km = {}\n\
             fixed_cost_per_year = 100.0\nloss_per_km = {loss}\n",
            0.05 * k as f64
        );
        if reach > 0.0 {
            let _ = writeln!(t, "max_distance_km = {reach}");
        }
    }
    // One rule per (from, to), as validation requires.
    let mut seen = Vec::new();
    for (k, &(from, to, share, modes)) in r.rules.iter().enumerate() {
        if seen.contains(&(from, to)) {
            continue;
        }
        seen.push((from, to));
        let mut modes: Vec<String> = (0..3)
            .filter(|&m| modes[m])
            .map(|m| format!("\"d{m}\""))
            .collect();
        if modes.is_empty() {
            modes.push("\"d0\"".into());
        }
        let _ = write!(
            t,
            "[[rules]]\nid = \"r{k}\"\nfrom = \"m{from}\"\nto = \"m{to}\"\nmax_share = {}\n\
             processing_cost = {}\nmodes = [{}]\n",
            if share { 0.5 } else { 1.0 },
            k as f64,
            modes.join(", ")
        );
    }
    for (k, ((x, y), located, outs, ins)) in r.sites.iter().enumerate() {
        let _ = writeln!(t, "[[sites]]\nid = \"s{k}\"");
        if *located && r.geographic {
            let _ = writeln!(t, "lat = {}\nlon = {}", 50.0 + x, 8.0 + 1.5 * y);
        } else if *located {
            let _ = writeln!(t, "x_km = {}\ny_km = {}", 100.0 * x, 100.0 * y);
        }
        let list = |streams: &[(usize, f64)], what: &str, money: &str| {
            let items: Vec<String> = streams
                .iter()
                .enumerate()
                .map(|(j, (m, q))| {
                    format!(
                        "{{ id = \"{what}{j}\", material = \"m{m}\", quantity = {q}, {money} }}"
                    )
                })
                .collect();
            items.join(", ")
        };
        let _ = writeln!(
            t,
            "outputs = [{}]\ninputs = [{}]",
            list(outs, "o", "disposal_cost = 8.0"),
            list(ins, "i", "price = 30.0")
        );
    }
    t
}

/// Every pair a rule allows, by brute force: each output, each rule from its
/// material, each input of the rule's material, each of the rule's modes;
/// sorted by (output, input, mode), rules in order, without duplicates.
fn all_pairs(s: &Scenario) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for (o, output) in s.outputs.iter().enumerate() {
        for (r, rule) in s.rules.iter().enumerate() {
            if rule.from != output.material {
                continue;
            }
            for (i, input) in s.inputs.iter().enumerate() {
                if input.material != rule.to {
                    continue;
                }
                for &m in &rule.modes {
                    pairs.push((OutputId(o), InputId(i), RuleId(r), m));
                }
            }
        }
    }
    pairs.sort_by_key(|&(o, i, _, m)| (o, i, m));
    pairs.dedup();
    pairs
}

/// The scenario of a region with its facts: each names one pair a rule allows
/// (the first one the fact's index reaches), at most one fact per pair. A fact
/// without a distance on a pair whose sites have no location is given one.
fn scenario(r: &Region) -> Scenario {
    let base = text(r);
    let s = crate::scenario::read_str(Path::new("r.toml"), &base).unwrap();
    let pairs = all_pairs(&s);
    let mut t = base;
    let mut named = Vec::new();
    for &(k, status, given, d) in &r.facts {
        let Some(&(o, i, _, m)) = pairs.get(k % pairs.len().max(1)) else {
            continue;
        };
        if named.contains(&(o, i)) {
            continue;
        }
        named.push((o, i));
        let (out, inp) = (&s.outputs[o.0], &s.inputs[i.0]);
        let (from, to) = (&s.sites[out.site.0], &s.sites[inp.site.0]);
        let _ = write!(
            t,
            "[[links]]\nfrom_site = \"{}\"\nfrom_output = \"{}\"\nto_site = \"{}\"\n\
             to_input = \"{}\"\nmode = \"{}\"\nstatus = \"{}\"\n",
            from.id,
            out.id,
            to.id,
            inp.id,
            s.modes[m.0].id,
            match status {
                LinkStatus::Candidate => "candidate",
                LinkStatus::Forbidden => "forbidden",
                LinkStatus::Forced => "forced",
                LinkStatus::Existing => "existing",
            }
        );
        if given || from.location.is_none() || to.location.is_none() {
            let _ = writeln!(t, "distance_km = {d}");
        }
    }
    crate::scenario::read_str(Path::new("r.toml"), &t).unwrap()
}

/// The pairs the R-tree rules out that a fact brings back: by a mode with a
/// distance limit, between located sites whose chord (the index's distance) is
/// beyond the limit over the circuity. The pair search counts them as too far
/// and link formation counts them again if they are (the counts `check` has
/// always reported).
fn counted_twice(s: &Scenario) -> usize {
    all_pairs(s)
        .into_iter()
        .filter(|&(o, i, _, m)| {
            let (Some(a), Some(b), Some(max)) = (
                s.sites[s.outputs[o.0].site.0].location,
                s.sites[s.inputs[i.0].site.0].location,
                s.modes[m.0].max_distance_km,
            ) else {
                return false;
            };
            let (a, b) = (a.embed(), b.embed());
            let chord2: f64 = (0..3).map(|k| (a[k] - b[k]).powi(2)).sum();
            let radius = max / s.parameters.circuity;
            s.links.iter().any(|f| f.output == o && f.input == i)
                && chord2 > radius * radius * (1.0 + 1e-9)
        })
        .count()
}

/// The parts of a network by brute force: each link starts in a group of its
/// own; groups that share an output or an input are merged until none do.
fn brute_parts(net: &Network) -> Vec<Vec<usize>> {
    let n = net.links.len();
    let mut label: Vec<usize> = (0..n).collect();
    loop {
        let mut changed = false;
        for a in 0..n {
            for b in 0..n {
                let (la, lb) = (&net.links[a], &net.links[b]);
                if (la.output == lb.output || la.input == lb.input) && label[b] > label[a] {
                    label[b] = label[a];
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for k in 0..n {
        match groups.iter_mut().find(|g| label[g[0]] == label[k]) {
            Some(g) => g.push(k),
            None => groups.push(vec![k]),
        }
    }
    groups
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_pair_search_forms_the_links_brute_force_forms(r in region()) {
        let s = scenario(&r);
        let facts = facts_by_pair(&s);
        let mut brute = Former::new(&s, &facts, BuildOptions::default());
        for pair in all_pairs(&s) {
            brute.add(pair);
        }
        match build(&s) {
            Ok(net) => {
                prop_assert!(brute.problems.is_empty());
                prop_assert_eq!(&net.links, &brute.links);
                let mut expected = brute.pruned.clone();
                expected.too_far += counted_twice(&s);
                prop_assert_eq!(&net.pruned, &expected);
                prop_assert_eq!(net.independent_parts(), brute_parts(&net));
            }
            // A forced link that cannot be formed: brute force finds it too, or
            // no link at all is formed for its fact.
            Err(_) => prop_assert!(
                !brute.problems.is_empty()
                    || s.links.iter().enumerate().any(|(k, f)| f.status == LinkStatus::Forced
                        && !brute.links.iter().any(|l| l.fact == Some(k)))
            ),
        }
    }
}
