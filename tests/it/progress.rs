//! A solve you can follow and end: with stderr not a terminal (a file, a pipe,
//! a batch log) `solve` writes a plain progress line every ~10 s (here every
//! 0.2 s, by the hidden `--progress-every`), and a search stopped by Ctrl-C says
//! "interrupted", not "time limit reached".

use symbio_testkit::generate;

use crate::{Scratch, Symbio};

/// Four clusters of 20 × 20 sites: seconds to prove optimal.
fn big() -> (Scratch, std::path::PathBuf) {
    Scratch::with("big.toml", &generate::fixed_charge(4, 20, 2))
}

/// The progress lines of stderr.
fn progress_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("search: "))
        .collect()
}

#[test]
fn a_solve_whose_stderr_is_a_file_says_how_it_goes() {
    let (_dir, file) = big();
    let run = Symbio::new()
        .args(["solve", "--time-limit", "1.5", "--progress-every", "0.2"])
        .file_arg(&file)
        .run();
    let lines = progress_lines(&run.stderr);
    assert!(lines.len() >= 3, "{}", run.stderr);
    // "search: 1 s, best plan 1,234 EUR/yr, bound 1,300, gap 5.077 %"
    for l in &lines {
        assert!(l.contains(" s, best plan "), "{l}");
        assert!(l.contains(", bound "), "{l}");
        assert!(l.contains(", gap "), "{l}");
        assert!(!l.contains('\r') && !l.contains('\x1b'), "not plain: {l:?}");
    }
    assert!(
        lines.iter().any(|l| !l.contains("best plan - ")),
        "no plan known in any line: {}",
        run.stderr
    );
    // The table says the limit stopped it.
    run.stdout_contains("Status   time limit reached");
    // Quiet: no line.
    let quiet = Symbio::new()
        .args([
            "solve",
            "--time-limit",
            "1",
            "--progress-every",
            "0.2",
            "-q",
        ])
        .file_arg(&file)
        .run();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);
}

#[test]
fn a_solve_stopped_by_ctrl_c_says_interrupted() {
    let (_dir, file) = big();
    let running = Symbio::new()
        .args(["solve", "--progress-every", "0.3"])
        .file_arg(&file)
        .expect_code(130)
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    running.interrupt();
    let run = running.wait();
    run.stdout_contains("Status   interrupted, best plan found (gap ");
    assert!(!run.stdout.contains("time limit"), "{}", run.stdout);
    run.stderr_contains("interrupted: the best plan found is written");
    assert!(!progress_lines(&run.stderr).is_empty(), "{}", run.stderr);
}
