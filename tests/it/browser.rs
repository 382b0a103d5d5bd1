//! The HTML report (`symbio report`) in a real browser: headless Chromium
//! loads the Liuzhou report from a file, and the DOM it dumps (after the page's
//! script ran) and its screenshot are checked against the plan JSON. `.ci/run`
//! installs Chromium; without it this test fails and says so.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Scratch, Symbio};

const LIUZHOU: &str = "scenarios/liuzhou.toml";

/// The longest Chromium may take for one page before it is killed.
const CHROMIUM_LIMIT: Duration = Duration::from_secs(60);

/// The Chromium binary: `chromium` on the PATH (Debian's package), else the
/// usual install paths.
fn chromium() -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.join("chromium"));
    let known = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]
        .into_iter()
        .map(PathBuf::from);
    on_path
        .chain(known)
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "chromium is not installed, and this test renders the HTML report in it: \
             .ci/run installs it (apt-get install chromium)"
            )
        })
}

/// Runs headless Chromium on `page` with `args`, its stdout to `stdout` (a
/// file: a pipe could fill while nobody reads it), killed after
/// [`CHROMIUM_LIMIT`]; a fresh profile each time.
fn run_chromium(scratch: &Scratch, page: &Path, args: &[String], stdout: &Path) {
    let profile = tempfile::tempdir_in(scratch.dir()).expect("profile dir");
    let mut c = Command::new(chromium());
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(stdout).expect("stdout file"))
    .stderr(Stdio::null());
    // Its own process group, so that a Chromium that hangs is killed with the
    // renderer and helper processes it started.
    std::os::unix::process::CommandExt::process_group(&mut c, 0);
    let mut child = c.spawn().expect("chromium starts");
    let start = Instant::now();
    loop {
        match child.try_wait().expect("chromium can be waited for") {
            Some(status) => {
                assert!(status.success(), "chromium {args:?} failed: {status}");
                return;
            }
            None if start.elapsed() > CHROMIUM_LIMIT => {
                let group = format!("-{}", child.id());
                let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium {args:?} still running after {CHROMIUM_LIMIT:?}, killed");
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The attributes of the start tag of the element with `id`, as text.
#[track_caller]
fn tag_of<'a>(dom: &'a str, id: &str) -> &'a str {
    let at = dom
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id} in the DOM"));
    let start = dom[..at].rfind('<').expect("a start tag");
    let end = at + dom[at..].find('>').expect("the tag ends");
    &dom[start..end]
}

/// The value of attribute `name` in a start tag's text.
#[track_caller]
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let key = format!(" {name}=\"");
    let at = tag
        .find(&key)
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + key.len();
    &tag[at..at + tag[at..].find('"').expect("the value ends")]
}

/// An attribute's text as the DOM serialises it, its references read back.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The `data-value` of the element with `id`, as a number.
#[track_caller]
fn value_of(dom: &str, id: &str) -> f64 {
    let v = attr(tag_of(dom, id), "data-value");
    v.parse()
        .unwrap_or_else(|e| panic!("#{id} data-value {v:?}: {e}"))
}

/// The number at `field` of the plan's totals.
fn total(plan: &Value, field: &str) -> f64 {
    plan["totals"][field]
        .as_f64()
        .unwrap_or_else(|| panic!("totals.{field}"))
}

/// The text form of a plan link's key.
fn key_text(l: &Value) -> String {
    let s = |f: &str| l[f].as_str().unwrap().to_owned();
    format!(
        "{}/{}->{}/{}@{}",
        s("from_site"),
        s("from_output"),
        s("to_site"),
        s("to_input"),
        s("mode")
    )
}

#[test]
fn the_liuzhou_report_renders_in_chromium_with_the_plan_figures() {
    let scratch = Scratch::new();
    let page = scratch.path("liuzhou.html");
    Symbio::new()
        .args(["report", LIUZHOU, "-o"])
        .file_arg(&page)
        .run();
    let plan = Symbio::new()
        .args(["solve", LIUZHOU, "--format", "json"])
        .run()
        .stdout_json();
    let links = plan["links"].as_array().unwrap();
    assert!(links.len() > 5, "the Liuzhou plan has exchanges");

    let dom_file = scratch.path("dom.html");
    run_chromium(&scratch, &page, &["--dump-dom".into()], &dom_file);
    let dom = crate::read_path(&dom_file);

    // The map is there, with one path per chosen link, each the plan's.
    let map_start = dom
        .find("<svg id=\"map\"")
        .expect("the map's svg in the DOM");
    let map = &dom[map_start..map_start + dom[map_start..].find("</svg>").unwrap()];
    let paths: Vec<&str> = map.split("<path ").skip(1).collect();
    let drawn: Vec<String> = paths
        .iter()
        .filter(|p| p.starts_with("class=\"link "))
        .map(|p| unescape(attr(&format!(" {p}"), "data-link")))
        .collect();
    assert_eq!(drawn.len(), links.len(), "one map path per chosen link");
    let expected: BTreeSet<String> = links.iter().map(key_text).collect();
    assert_eq!(drawn.iter().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(
        map.contains("class=\"scale-bar\""),
        "the map has a scale bar"
    );

    // The totals shown are the plan's.
    for (id, field) in [
        ("total-net-benefit", "net_benefit"),
        ("total-co2-avoided", "co2_avoided"),
        ("total-carbon-value", "carbon_value"),
        ("total-capex", "capex"),
        ("total-capex-per-year", "capex_per_year"),
        ("total-transport-energy-gj", "transport_energy_gj"),
        ("total-links", "links"),
        ("total-existing-links", "existing_links"),
    ] {
        assert_eq!(value_of(&dom, id), total(&plan, field), "#{id}");
    }
    // The headline comes first and says what the plan achieves; the
    // assumptions give the file and the prices every figure rests on.
    let headline = dom.find("<section id=\"headline\"").expect("a headline");
    assert!(
        headline < dom.find("<section id=\"totals\"").unwrap(),
        "the headline comes before the totals"
    );
    let sentence = &dom[headline..headline + dom[headline..].find("</section>").unwrap()];
    assert!(
        sentence.contains(&format!("{} exchanges", links.len())) && sentence.contains("M CNY"),
        "{sentence}"
    );
    let s = symbio::scenario::read(&crate::path(LIUZHOU)).unwrap();
    for (id, value) in [
        ("assumption-carbon-price", s.parameters.carbon_price),
        ("assumption-energy-price", s.parameters.energy_price),
        ("assumption-discount-rate", s.parameters.discount_rate),
    ] {
        assert_eq!(value_of(&dom, id), value, "#{id}");
    }
    let assumptions = &dom[dom
        .find("<section id=\"assumptions\"")
        .expect("assumptions")..];
    assert!(assumptions[..assumptions.find("</section>").unwrap()].contains(LIUZHOU));
    // What stops more: a row per output and input the plan uses in part.
    let limits = plan["limits"].as_array().map_or(0, Vec::len);
    assert!(limits > 0, "Liuzhou uses some streams in part");
    assert_eq!(dom.matches("<tr class=\"limit\"").count(), limits);
    // One table of the firms: a row per site with a benefit, its figure the plan's.
    let firms: Vec<&Value> = plan["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["benefit"] != 0.0 || x["co2_avoided"] != 0.0)
        .collect();
    assert_eq!(dom.matches("<tr class=\"firm\"").count(), firms.len());
    for x in firms {
        let row = format!(
            "<tr class=\"firm\" data-site=\"{}\">",
            x["site"].as_str().unwrap()
        );
        let cells = &dom[dom.find(&row).expect("a row per firm")..];
        let cells = &cells[..cells.find("</tr>").unwrap()];
        let benefit = x["benefit"].as_f64().unwrap();
        assert!(
            cells.contains(&format!("data-value=\"{benefit}\"")),
            "{cells}"
        );
    }
    // A payback cell per exchange.
    assert_eq!(dom.matches("class=\"n payback\"").count(), links.len());
    // A row per exchange, and the page's script ran (it counts the tooltips).
    assert_eq!(dom.matches("<tr class=\"exchange\"").count(), links.len());
    assert!(
        tag_of(&dom, "tip").contains("hidden"),
        "the hover box waits hidden"
    );
    let html = &dom[dom.find("<html").unwrap()..];
    let html_tag = &html[..html.find('>').unwrap()];
    let counted: usize = attr(html_tag, "data-tips").parse().unwrap();
    assert_eq!(counted, dom.matches(" data-tip=\"").count());
    assert!(counted > links.len());

    // The screenshot is a picture, not a blank page.
    let shot = scratch.path("shot.png");
    run_chromium(
        &scratch,
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,2000".into(),
        ],
        &scratch.path("screenshot-stdout.txt"),
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&shot).expect("the screenshot was written"),
    ));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!((info.width, info.height), (1280, 2000));
    let channels = info.color_type.samples();
    let colours: BTreeSet<&[u8]> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|p| &p[..3.min(channels)])
        .collect();
    assert!(
        colours.len() > 200,
        "the screenshot has {} colours: a blank or failed page",
        colours.len()
    );
}
