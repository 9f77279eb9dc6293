//! The CLI's one error type: each library error with the file it came from, plus the command line's own
//! mistakes. Its [`CliError::exit_code`] comes from the library's [`Failure`] codes, so no call site chooses
//! one: 2 for anything the user can fix, 1 for a fault of terrasim or the machine.

use std::path::PathBuf;

use terrasim::calibrate::{BacktestError, CalibrateError};
use terrasim::error::{Failure, INTERNAL, USER};
use terrasim::io::{DataError, OutputError, ReportError};
use terrasim::optimize::{EvaluateError, OrgError};
use terrasim::scenario::{CompileError, ScenarioError};
use terrasim::sim::RunError;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A flag or a combination of flags that cannot run.
    #[error("{0}")]
    Usage(String),
    /// The run would not finish or not fit in memory.
    #[error("{0}")]
    TooLarge(String),
    /// An input file.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The scenario file.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The scenario does not fit its market.
    #[error("{}", .file.display())]
    Compile {
        /// The scenario file.
        file: PathBuf,
        /// What does not fit.
        #[source]
        source: CompileError,
    },
    /// The planning org of `[optimize]` cannot be built.
    #[error("{}", .file.display())]
    Org {
        /// The scenario file.
        file: PathBuf,
        /// What is wrong.
        #[source]
        source: OrgError,
    },
    /// A plan or variant cannot be evaluated.
    #[error("{}", .file.display())]
    Evaluate {
        /// The scenario or plan file.
        file: PathBuf,
        /// What failed.
        #[source]
        source: EvaluateError,
    },
    /// The history cannot be calibrated from.
    #[error("{}", .file.display())]
    Calibrate {
        /// The history file.
        file: PathBuf,
        /// What it lacks.
        #[source]
        source: CalibrateError,
    },
    /// The backtest cannot run on this history and cutoff.
    #[error("{}", .file.display())]
    Backtest {
        /// The history file.
        file: PathBuf,
        /// Why.
        #[source]
        source: BacktestError,
    },
    /// The simulation could not start.
    #[error(transparent)]
    Run(#[from] RunError),
    /// A result folder cannot be reported on.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The outputs could not be written; nothing of this run was.
    #[error("cannot write the results to {}; nothing was written", .dir.display())]
    Output {
        /// The output folder or file.
        dir: PathBuf,
        /// Why.
        #[source]
        source: OutputError,
    },
    /// The summary could not be written to stdout (other than a reader closing it early).
    #[error("cannot write to stdout")]
    Stdout(#[source] std::io::Error),
    /// A result could not be serialised (a bug).
    #[error("cannot serialise the result")]
    Serialise(#[from] serde_json::Error),
}

impl CliError {
    /// The process's exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::TooLarge(_) => USER,
            CliError::Data(e) => e.exit_code(),
            CliError::Scenario(e) => e.exit_code(),
            CliError::Compile { source, .. } => source.exit_code(),
            CliError::Org { source, .. } => source.exit_code(),
            CliError::Evaluate { source, .. } => source.exit_code(),
            CliError::Calibrate { source, .. } => source.exit_code(),
            CliError::Backtest { source, .. } => source.exit_code(),
            CliError::Run(e) => e.exit_code(),
            CliError::Report(e) => e.exit_code(),
            CliError::Output { source, .. } => source.exit_code(),
            CliError::Stdout(_) | CliError::Serialise(_) => INTERNAL,
        }
    }

    /// The message and its causes, as `error: a: b: c`.
    pub fn report(&self) -> String {
        let mut text = format!("error: {self}");
        let mut cause = std::error::Error::source(self);
        while let Some(e) = cause {
            // Some library errors show their source in their own message (`#[error("{0}")]`): once is enough.
            let message = e.to_string();
            if !text.contains(&message) {
                text.push_str(": ");
                text.push_str(&message);
            }
            cause = e.source();
        }
        text
    }
}

/// A command line mistake.
pub fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}
