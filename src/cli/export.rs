//! `symbio export`: a scenario, its includes merged, as a workbook or a folder of
//! CSV files that `symbio import` reads back (`symbio::scenario::sheets`).

use std::path::PathBuf;

use clap::ValueEnum;
use symbio::scenario::{load, sheets, validate};

use super::{
    args::{InputArgs, OutputArgs},
    CliError, Outcome,
};

/// What `symbio export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum To {
    /// One xlsx workbook, a sheet per section.
    Xlsx,
    /// A folder of NAME.csv files, one per section.
    Csv,
}

/// Arguments of `symbio export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Scenario file (TOML, or JSON when it ends in .json).
    pub file: PathBuf,
    /// The layout: an xlsx workbook at -o, or a folder -o of CSV files
    /// [default: xlsx when -o ends in .xlsx].
    #[arg(long, value_enum)]
    pub to: Option<To>,
    #[command(flatten)]
    pub out: OutputArgs,
    #[command(flatten)]
    pub input: InputArgs,
}

/// Runs `symbio export`.
pub fn run(a: &Args) -> Result<Outcome, CliError> {
    let Some(target) = a.out.file() else {
        return Err(CliError::Usage(
            "export writes files: give -o OUT (a .xlsx file, or a folder for --to csv)".into(),
        ));
    };
    let Some(to) = super::args::format_of("--to", a.to, Some(target))? else {
        return Err(CliError::Usage(
            "give --to xlsx (a workbook) or --to csv (a folder of CSV files), or -o FILE.xlsx"
                .into(),
        ));
    };
    let loaded = load::load_with(&a.file, &a.input.options())?;
    let writes = match to {
        To::Xlsx => symbio::files::Kind::Workbook,
        To::Csv => symbio::files::Kind::Other,
    };
    a.out.guard(loaded.files.clone(), writes)?;
    let scenario = validate::validate(&loaded)?;
    let book = sheets::export(&loaded, &scenario)?;
    match to {
        To::Xlsx => sheets::write_xlsx(target, &book, &loaded.files, a.out.force)?,
        To::Csv => sheets::write_csv(target, &book, &loaded.files, a.out.force)?,
    }
    if !a.out.quiet {
        eprintln!("wrote {} ({} sheets)", target.display(), book.len());
    }
    Ok(Outcome::Done)
}
