//! Reading scenario files: what is read at all (regular files, a bounded number of
//! bytes, includes under the scenario's folder on request), duplicate JSON keys, and
//! every problem of a file reported at once.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use symbio::error::Refusal;
use symbio::scenario::load::{load_str_with, load_with};
use symbio::scenario::LoadOptions;
use symbio::{Error, Problems};

use crate::validation::BASE;
use crate::{Run, Scratch, Symbio};

/// The same scenario in JSON, with `{extra}` spliced into the second site's input.
fn base_json(extra: &str) -> String {
    format!(
        r#"{{
  "scenario": {{ "name": "base", "currency": "EUR" }},
  "materials": [
    {{ "id": "slag", "unit": "t", "kind": "material" }},
    {{ "id": "clinker", "unit": "t", "kind": "material" }}
  ],
  "modes": [{{ "id": "truck", "units": ["t"], "cost_per_unit_km": 0.1 }}],
  "rules": [{{ "id": "slag_for_clinker", "from": "slag", "to": "clinker", "modes": ["truck"] }}],
  "sites": [
    {{ "id": "steel", "x_km": 0.0, "y_km": 0.0,
      "outputs": [{{ "id": "slag", "material": "slag", "quantity": 100.0, "disposal_cost": 5.0 }}] }},
    {{ "id": "cement", "x_km": 10.0, "y_km": 0.0,
      "inputs": [{{ "id": "clinker", "material": "clinker", "quantity": 60.0, "price": 40.0{extra} }}] }}
  ]
}}"#
    )
}

/// `symbio check` on a file, which must end within a few seconds with `code`.
#[track_caller]
fn check_within(args: &[&str], file: &Path, code: i32) -> Run {
    Symbio::new()
        .arg("check")
        .file_arg(file)
        .args(args)
        .expect_code(code)
        .spawn()
        .wait_within(Duration::from_secs(10))
}

/// The problems of a load that must fail with [`Error::Invalid`].
#[track_caller]
fn problems(r: Result<symbio::scenario::load::Loaded, Error>) -> Vec<symbio::Problem> {
    match r {
        Err(Error::Invalid(Problems(ps))) => ps,
        Err(e) => panic!("expected problems, got {e}"),
        Ok(_) => panic!("expected problems, the scenario loaded"),
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

/// Regression (`mkfifo f.toml; symbio check f.toml` hung, opening the FIFO waited for
/// a writer; the same as an include): what is not a regular file is refused before
/// it is opened, exit 2 naming it.
#[test]
fn fifo_scenario_is_refused_without_hanging() {
    let dir = Scratch::new();
    let fifo = dir.path("f.toml");
    mkfifo(&fifo);
    check_within(&[], &fifo, 2)
        .stderr_contains("f.toml")
        .stderr_contains("not a regular file but a FIFO");
    let main = dir.write(
        "main.toml",
        &BASE.replace(
            "currency = \"EUR\"",
            "currency = \"EUR\"\ninclude = [\"f.toml\"]",
        ),
    );
    check_within(&[], &main, 2)
        .stderr_contains("main.toml: scenario.include[0]")
        .stderr_contains("f.toml: not a regular file but a FIFO");
    // Through a symbolic link too: the link is followed, the FIFO refused.
    std::os::unix::fs::symlink(&fifo, dir.path("link.toml")).unwrap();
    check_within(&[], &dir.path("link.toml"), 2).stderr_contains("FIFO");
}

/// Regression (`symbio check /dev/zero` read until memory ran out, /dev/urandom
/// likewise): a device is refused at once.
#[test]
fn endless_device_is_refused_at_once() {
    for dev in ["/dev/zero", "/dev/urandom"] {
        let start = Instant::now();
        check_within(&[], Path::new(dev), 2)
            .stderr_contains(dev)
            .stderr_contains("not a regular file but a character device");
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{dev} took {:?}",
            start.elapsed()
        );
    }
    // A directory is no scenario either.
    let dir = Scratch::new();
    check_within(&[], dir.dir(), 2).stderr_contains("not a regular file but a directory");
}

/// Regression (a 200 MB TOML took 36 s and 7.5 GB and aborted under a 4 GB
/// address-space cap): a file over the limit on input is refused before it is
/// parsed, exit 2 naming the file and the limit; the limit is `--max-input-size`.
#[test]
fn huge_file_over_the_input_limit_is_refused() {
    let mut text = BASE.to_owned();
    for i in 0..40 {
        text.push_str(&format!(
            "\n[[materials]]\nid = \"m{i}\"\nunit = \"t\"\nkind = \"material\"\n"
        ));
    }
    assert!(text.len() > 2048);
    let (dir, big) = Scratch::with("big.toml", &text);
    let run = check_within(&["--max-input-size", "2K"], &big, 2);
    run.stderr_contains("big.toml: too large")
        .stderr_contains("at most 2048 bytes")
        .stderr_contains("--max-input-size");
    // Just at the limit it is read; by default the limit is far away.
    let exact = text.len().to_string();
    check_within(&["--max-input-size", &exact], &big, 0);
    check_within(&[], &big, 0);
    // The limit counts the includes too: each file fits, both together do not.
    let main = dir.write(
        "main.toml",
        "[scenario]\ncurrency = \"EUR\"\ninclude = [\"big.toml\"]\n",
    );
    check_within(&["--max-input-size", &exact], &main, 2)
        .stderr_contains("main.toml: scenario.include[0]")
        .stderr_contains("big.toml: too large");
    // Bad values of the flag are usage errors.
    check_within(&["--max-input-size", "lots"], &big, 2).stderr_contains("--max-input-size");
}

/// The limit is an option of the library's load, for the text given as well as
/// for the files read.
#[test]
fn input_limit_is_a_load_option() {
    let (_dir, p) = Scratch::with("s.toml", BASE);
    let small = LoadOptions {
        max_input_size: 100,
        ..LoadOptions::default()
    };
    match load_with(&p, &small) {
        Err(Error::Refused {
            path,
            reason: Refusal::TooLarge { limit: 100 },
        }) => assert_eq!(path, p),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    assert!(matches!(
        load_str_with(&p, BASE, &small),
        Err(Error::Refused { .. })
    ));
    assert!(load_with(&p, &LoadOptions::default()).is_ok());
    assert_eq!(
        LoadOptions::default().max_input_size,
        symbio::scenario::DEFAULT_MAX_INPUT_SIZE
    );
    assert_eq!(symbio::scenario::DEFAULT_MAX_INPUT_SIZE, 64 << 20);
}

/// Regression (JSON duplicate keys: `"quantity":100000,"quantity":5` solved with 5,
/// a second `"sites":[]` emptied the scenario, of two `currency` keys the last won,
/// all exit 0): a key written twice in a JSON object is refused at any depth, with
/// its field path, every duplicate at once.
#[test]
fn json_duplicate_keys_are_refused() {
    let (_dir, ok) = Scratch::with("ok.json", &base_json(""));
    check_within(&[], &ok, 0).stdout_contains("candidate links  1");
    let text = base_json(", \"quantity\": 5")
        .replacen(
            "\"currency\": \"EUR\"",
            "\"currency\": \"EUR\", \"currency\": \"USD\"",
            1,
        )
        .replacen("\n}", ",\n  \"sites\": []\n}", 1);
    let (_dir, bad) = Scratch::with("dup.json", &text);
    let run = check_within(&[], &bad, 2);
    run.stderr_contains("3 problems")
        .stderr_contains("dup.json: scenario.currency: duplicate key")
        .stderr_contains("dup.json: sites[1].inputs[0].quantity (id \"clinker\"): duplicate key")
        .stderr_contains("dup.json: sites: duplicate key");
}

/// Regression (an unknown field `quantitiy` was reported alone, the file's other
/// problems only once it was fixed; the problem named the site, not the stream,
/// with a stray "in `inputs`" line): unknown fields are reported with every other
/// problem, at the stream, with the closest known field or id suggested.
#[test]
fn unknown_field_is_reported_with_every_other_problem() {
    let text = BASE
        .replace("quantity = 60.0", "quantitiy = 60.0")
        .replace("material = \"clinker\"", "material = \"clinkr\"")
        .replace("quantity = 100.0", "quantity = -100.0");
    let (_dir, p) = Scratch::with("scenario.toml", &text);
    let run = check_within(&[], &p, 2);
    run.stderr_contains("3 problems")
        .stderr_contains(
            "scenario.toml: sites[1].inputs[0].quantitiy (id \"clinker\"): unknown field \
             `quantitiy`, did you mean `quantity`?",
        )
        .stderr_contains("sites[0].outputs[0].quantity (id \"slag\"): must be ≥ 0")
        .stderr_contains(
            "sites[1].inputs[0].material (id \"clinker\"): unknown material \"clinkr\", \
             did you mean `clinker`?",
        );
    assert!(!run.stderr.contains("in `inputs`"), "{}", run.stderr);
    assert!(!run.stderr.contains("missing field"), "{}", run.stderr);
    // Unknown sections, variants and fields far from any known one.
    let text = BASE.replace(
        "kind = \"material\"",
        "kind = \"materail\"\ncolour = \"red\"",
    ) + "\n[[site]]\nid = \"x\"\n";
    let (_dir, p) = Scratch::with("scenario.toml", &text);
    check_within(&[], &p, 2)
        .stderr_contains(
            "materials[0].kind (id \"slag\"): unknown variant `materail`, did you mean `material`?",
        )
        .stderr_contains(
            "materials[0].colour (id \"slag\"): unknown field `colour`, expected one of",
        )
        .stderr_contains("site: unknown section, did you mean `sites`?");
    // Ids in links and rules are suggested too.
    let text = BASE.replace("modes = [\"truck\"]", "modes = [\"truk\"]")
        + "\n[[links]]\nfrom_site = \"stel\"\nfrom_output = \"slag\"\nto_site = \"cement\"\nto_input = \"clinkr\"\n";
    let (_dir, p) = Scratch::with("scenario.toml", &text);
    check_within(&[], &p, 2)
        .stderr_contains("unknown mode \"truk\", did you mean `truck`?")
        .stderr_contains("unknown site \"stel\", did you mean `steel`?")
        .stderr_contains("site \"cement\" has no input \"clinkr\", did you mean `clinker`?");
}

/// Regression (`scenario.toml:2:8:: invalid TOML`): one colon after line:column.
#[test]
fn syntax_error_has_one_colon_after_line_and_column() {
    let (_dir, p) = Scratch::with("scenario.toml", "[scenario]\nname = = 1\n");
    let run = check_within(&[], &p, 2);
    run.stderr_contains("scenario.toml:2:8: invalid TOML");
    assert!(!run.stderr.contains("::"), "{}", run.stderr);
}

/// The library reports the same: the stream's id, problems of the whole file.
#[test]
fn load_reports_unknown_fields_with_validation_problems() {
    let text = BASE
        .replace("price = 40.0", "price = 40.0, prise = 3.0")
        .replace("to = \"clinker\"", "to = \"clinkr\"");
    let ps = problems(load_str_with(
        Path::new("t.toml"),
        &text,
        &LoadOptions::default(),
    ));
    let seen: Vec<_> = ps
        .iter()
        .map(|p| (p.path.as_str(), p.id.as_deref()))
        .collect();
    assert_eq!(
        seen,
        [
            ("sites[1].inputs[0].prise", Some("clinker")),
            ("rules[0].to", Some("slag_for_clinker")),
        ],
        "{ps:?}"
    );
}

/// Includes may read any file the user can; with `--no-outside-includes` every
/// include must resolve, after `..` and symbolic links, under the root's folder.
#[test]
fn no_outside_includes_refuses_includes_leaving_the_folder() {
    let outside = Scratch::new();
    let catalog = outside.write(
        "catalog.toml",
        "[scenario]\ncurrency = \"EUR\"\n[[materials]]\nid = \"ash\"\nunit = \"t\"\nkind = \"material\"\n",
    );
    let dir = Scratch::new();
    std::fs::create_dir(dir.path("sub")).unwrap();
    dir.write("sub/inside.toml", "[scenario]\ncurrency = \"EUR\"\n");
    dir.write("up.toml", "[scenario]\ncurrency = \"EUR\"\n");
    std::os::unix::fs::symlink(&catalog, dir.path("link.toml")).unwrap();
    let with = |include: &str| {
        dir.write(
            "main.toml",
            &BASE.replace(
                "currency = \"EUR\"",
                &format!("currency = \"EUR\"\ninclude = [{include}]"),
            ),
        )
    };
    let absolute = format!("{:?}", catalog.display().to_string());
    // `..` leaving the folder, through a folder that exists.
    let rel = format!(
        "\"sub/../../{}/catalog.toml\"",
        outside.dir().file_name().unwrap().to_string_lossy()
    );
    for include in [absolute.as_str(), "\"link.toml\"", rel.as_str()] {
        let main = with(include);
        // Allowed by default.
        check_within(&[], &main, 0);
        check_within(&["--no-outside-includes"], &main, 2)
            .stderr_contains("main.toml: scenario.include[0]")
            .stderr_contains("outside")
            .stderr_contains("catalog.toml");
    }
    // Under the folder is fine, `..` that comes back included.
    let main = with("\"sub/inside.toml\", \"sub/../up.toml\"");
    check_within(&["--no-outside-includes"], &main, 0);
    // The library option.
    let main = with("\"link.toml\"");
    let strict = LoadOptions {
        outside_includes: false,
        ..LoadOptions::default()
    };
    let ps = problems(load_with(&main, &strict));
    assert_eq!(ps.len(), 1, "{ps:?}");
    assert_eq!(ps[0].path, "scenario.include[0]");
    assert!(load_with(&main, &LoadOptions::default()).is_ok());
}

/// Every subcommand that reads a scenario takes the reading flags.
#[test]
fn reading_flags_are_on_every_subcommand_that_reads_a_scenario() {
    for sub in [
        "solve",
        "check",
        "pareto",
        "breakeven",
        "montecarlo",
        "sweep",
        "compare",
    ] {
        Symbio::new()
            .args([sub, "--help"])
            .run()
            .stdout_contains("--max-input-size <BYTES>")
            .stdout_contains("--no-outside-includes");
    }
}
