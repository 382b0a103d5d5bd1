//! symbio's integration tests, built as one test binary.

mod batch;
mod breakeven;
mod browser;
mod cases;
mod cli;
mod compare;
mod decompose;
mod deploy;
mod export;
mod greedy;
mod hand;
mod html;
mod import;
mod infeasibility;
mod limits;
mod load;
mod montecarlo;
mod oracle;
mod pareto;
mod paths;
mod period_oracle;
mod periods;
mod plant_analyses;
mod plant_oracle;
mod plants;
mod progress;
mod properties;
mod reduce;
mod reports;
mod safe;
mod seasons_cases;
mod shards;
mod shipped;
mod snapshots;
mod starter;
mod sweep;
mod terminal;
mod time_limit;
mod validation;
mod writer;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

/// One run of the `symbio` binary to be made: its arguments and the exit code it
/// must end with (0 unless told otherwise).
///
/// ```ignore
/// let plan = Symbio::new().args(["solve", HAND, "--format", "json"]).run().stdout_json();
/// Symbio::new().args(["check"]).file_arg(&p).expect_code(2).run().stderr_contains("slag");
/// ```
#[derive(Clone, Debug)]
#[must_use = "a Symbio does nothing until .run() or .spawn()"]
pub struct Symbio {
    args: Vec<OsString>,
    code: Option<i32>,
    env: Vec<(OsString, OsString)>,
}

impl Default for Symbio {
    fn default() -> Self {
        Symbio::new()
    }
}

impl Symbio {
    /// No arguments yet; the run must exit 0.
    pub fn new() -> Self {
        Symbio {
            args: Vec::new(),
            code: Some(0),
            env: Vec::new(),
        }
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends arguments.
    pub fn args<I>(mut self, args: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Appends a path argument.
    pub fn file_arg(self, path: impl AsRef<Path>) -> Self {
        self.arg(path.as_ref())
    }

    /// Sets an environment variable of the run (`COLUMNS` is unset otherwise,
    /// so tables are 100 columns wide whatever the terminal of the tests).
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The exit code the run must end with.
    pub fn expect_code(mut self, code: i32) -> Self {
        self.code = Some(code);
        self
    }

    /// Accepts any exit code (the caller looks at `Run::code` itself).
    pub fn any_code(mut self) -> Self {
        self.code = None;
        self
    }

    /// The command line, for messages.
    fn line(&self) -> String {
        let words: Vec<_> = self.args.iter().map(|a| a.to_string_lossy()).collect();
        format!("symbio {}", words.join(" "))
    }

    fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_symbio"));
        c.args(&self.args).current_dir(root()).env_remove("COLUMNS");
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// Runs to the end and checks the exit code, showing stderr if it differs.
    #[track_caller]
    pub fn run(self) -> Run {
        let out = self.command().output().expect("the symbio binary runs");
        Run::of(self, out)
    }

    /// Starts the run in the background, stdout and stderr captured.
    pub fn spawn(self) -> Running {
        let child = self
            .command()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the symbio binary starts");
        Running { cmd: self, child }
    }
}

/// A run of `symbio` going on in the background.
pub struct Running {
    cmd: Symbio,
    child: Child,
}

impl Running {
    /// Sends SIGINT, as Ctrl-C does.
    pub fn interrupt(&self) {
        let kill = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(kill.success(), "kill -INT {}", self.child.id());
    }

    /// Waits at most `limit` for the end and checks the exit code; a run still
    /// going then is killed and the test fails (a guard against a hang).
    #[track_caller]
    pub fn wait_within(mut self, limit: std::time::Duration) -> Run {
        let start = std::time::Instant::now();
        while self
            .child
            .try_wait()
            .expect("symbio can be waited for")
            .is_none()
        {
            if start.elapsed() > limit {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("{}: still running after {limit:?}, killed", self.cmd.line());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.wait()
    }

    /// Waits for the end and checks the exit code.
    #[track_caller]
    pub fn wait(self) -> Run {
        let out = self.child.wait_with_output().expect("symbio ends");
        Run::of(self.cmd, out)
    }
}

/// Output of one run of the `symbio` binary.
#[derive(Debug)]
pub struct Run {
    /// The command line that was run.
    pub line: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    fn of(cmd: Symbio, out: Output) -> Run {
        let run = Run {
            line: cmd.line(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        if let Some(code) = cmd.code {
            assert_eq!(
                run.code, code,
                "{}: exit code {}, expected {code}; stderr:\n{}",
                run.line, run.code, run.stderr
            );
        }
        run
    }

    /// Stdout as one JSON document.
    #[track_caller]
    pub fn stdout_json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("{}: stdout is not JSON ({e}):\n{}", self.line, self.stdout))
    }

    /// Stdout as JSON Lines: one document per line.
    #[track_caller]
    pub fn stdout_rows(&self) -> Vec<Value> {
        json_lines(&self.stdout)
    }

    /// The lines of stdout.
    pub fn stdout_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Asserts stdout contains `needle`, showing stdout if not.
    #[track_caller]
    pub fn stdout_contains(&self, needle: &str) -> &Self {
        self.contains("stdout", &self.stdout, needle)
    }

    /// Asserts stderr contains `needle`, showing stderr if not.
    #[track_caller]
    pub fn stderr_contains(&self, needle: &str) -> &Self {
        self.contains("stderr", &self.stderr, needle)
    }

    #[track_caller]
    fn contains(&self, stream: &str, text: &str, needle: &str) -> &Self {
        assert!(
            text.contains(needle),
            "{}: no {needle:?} in {stream}:\n{text}",
            self.line
        );
        self
    }
}

/// Each line of `text` as a JSON document.
#[track_caller]
pub fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// A temporary directory for scenarios and outputs, removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A scratch directory holding one file `name` with `text`, and that file's path.
    pub fn with(name: &str, text: &str) -> (Scratch, PathBuf) {
        let s = Scratch::new();
        let p = s.write(name, text);
        (s, p)
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The path of `name` in the directory (the file need not exist).
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).expect("write into the scratch directory");
        p
    }

    /// The text of `name` in the directory.
    #[track_caller]
    pub fn read(&self, name: &str) -> String {
        read_path(&self.path(name))
    }
}

/// The text of a file.
#[track_caller]
pub fn read_path(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn path(rel: &str) -> PathBuf {
    root().join(rel)
}

/// Asserts two floats agree within a relative tolerance (and a small absolute one).
#[track_caller]
pub fn assert_close(actual: f64, expected: f64, rel: f64) {
    let tol = rel * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "expected {expected}, got {actual} (tolerance {tol})"
    );
}

/// Reads a file relative to the repository root.
pub fn read(rel: &str) -> String {
    read_path(&path(rel))
}
