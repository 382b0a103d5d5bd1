//! Errors of the library. Every variant says which exit code class it belongs to.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a scenario: the file, the field path and the id it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File the problem was found in.
    pub file: PathBuf,
    /// Line and column (1-based), for syntax errors.
    pub line_col: Option<(usize, usize)>,
    /// Field path such as `sites[3].outputs[1].quantity` (empty for the whole file).
    pub path: String,
    /// Id of the item concerned, when it has one.
    pub id: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem at a field path of a file.
    pub fn new(
        file: impl Into<PathBuf>,
        path: impl Into<String>,
        id: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            file: file.into(),
            line_col: None,
            path: path.into(),
            id: id.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id \"{id}\")")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// All problems found in a scenario, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "{n} problem{} in the scenario:",
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.0 {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

/// Why a file is not read ([`Error::Refused`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not a regular file once symbolic links are followed (a FIFO, a device, a
    /// directory, a socket): reading it could block or never end.
    NotRegular {
        /// What it is instead ("FIFO", "character device", ...).
        kind: &'static str,
    },
    /// Reading it would pass the limit on the bytes read for one scenario (its
    /// file and every include together).
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotRegular { kind } => {
                write!(
                    f,
                    "not a regular file but a {kind}: scenarios are read from regular files only"
                )
            }
            Refusal::TooLarge { limit } => write!(
                f,
                "too large: a scenario and its includes may have at most {limit} bytes together"
            ),
        }
    }
}

/// What can go wrong in the library. The variant decides the class of exit code a
/// command line gives it: the caller's input ([`Error::is_bad_input`]) or a failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario (or a scenario field an analysis sets) is invalid.
    #[error("{0}")]
    Invalid(Problems),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file that is not read at all: not a regular file, or larger than the
    /// limit on the input of a scenario.
    #[error("{}: {reason}", path.display())]
    Refused {
        /// The file.
        path: PathBuf,
        /// Why it is not read.
        reason: Refusal,
    },
    /// An option of an analysis has a value it cannot use. `option` is the name of
    /// the option in the library (a field of the options struct, such as
    /// `samples`, `axis` or `tolerance`); a command line maps it to its own flag.
    #[error("{option}: {message}")]
    InvalidOption {
        /// The option, by its name in the library.
        option: String,
        /// What is wrong with its value.
        message: String,
    },
    /// A file of rows (a sweep's or a Monte Carlo run's) that cannot be resumed
    /// or merged as asked.
    #[error("{}: {message}", path.display())]
    Rows {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
        /// Whether its last row is half-written (the run was killed mid-write):
        /// resuming the run completes it.
        half_written: bool,
    },
    /// An output that another run is writing now (it holds the output's lock):
    /// one writer per output.
    #[error("{}: is being written by another symbio run (wait for it to end, or write elsewhere)", path.display())]
    Busy {
        /// The output.
        path: PathBuf,
    },
    /// An output that would write over one of the run's own inputs, or over a
    /// file that holds another kind of document than the one written
    /// ([`crate::files::check_output`]).
    #[error("{}: {reason}", path.display())]
    Overwrite {
        /// The output, as given.
        path: PathBuf,
        /// Why it is not written.
        reason: crate::files::Overwrite,
    },
    /// An analysis needs a plan where the scenario has none (it is infeasible
    /// there, or the time limit came first).
    #[error("{0}")]
    NoPlan(String),
    /// The solver failed in a way that is not a status (it crashed or rejected the model).
    #[error("solver error: {0}")]
    Solver(String),
}

impl Error {
    /// Whether the error is the caller's input (exit code 2) rather than a failure.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Error::Solver(_) | Error::NoPlan(_))
    }

    /// An [`Error::InvalidOption`].
    pub fn option(option: &str, message: impl Into<String>) -> Error {
        Error::InvalidOption {
            option: option.to_owned(),
            message: message.into(),
        }
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
