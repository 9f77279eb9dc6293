//! How a failure ends a run. Every area of the library has one error enum (`DataError` for input files,
//! `ScenarioError` for the scenario file, `CompileError` for a scenario against its market, and so on);
//! each says, through [`Failure::exit_code`], whether it is the user's to fix (2) or a fault of terrasim or
//! of the machine (1). The CLI wraps them in its own enum with the file they came from as context, and
//! `main` turns the code into the process's exit status, so no call site chooses a code by hand.

use crate::calibrate::{BacktestError, CalibrateError};
use crate::io::{DataError, OutputError};
use crate::market::{IdError, MarketError, UnitError};
use crate::optimize::{EvaluateError, OrgError};
use crate::scenario::{CompileError, ScenarioError};
use crate::sim::RunError;

/// Exit code of an error in the user's input or command line.
pub const USER: u8 = 2;
/// Exit code of an internal fault or an environment failure (a full disk, no threads).
pub const INTERNAL: u8 = 1;

/// An error that knows how the process should end on it.
pub trait Failure: std::error::Error {
    /// 2 when the user can fix it ([`USER`]), 1 otherwise ([`INTERNAL`]).
    fn exit_code(&self) -> u8;
}

/// Errors that are always about the user's input.
macro_rules! user_errors {
    ($($t:ty),*) => {
        $(impl Failure for $t {
            fn exit_code(&self) -> u8 {
                USER
            }
        })*
    };
}

user_errors!(
    DataError,
    ScenarioError,
    CompileError,
    CalibrateError,
    OrgError,
    MarketError,
    IdError,
    UnitError
);

impl Failure for RunError {
    fn exit_code(&self) -> u8 {
        INTERNAL
    }
}

impl Failure for BacktestError {
    fn exit_code(&self) -> u8 {
        match self {
            BacktestError::Cutoff(_) | BacktestError::Compile(_) | BacktestError::Fit(_) => USER,
        }
    }
}

impl Failure for EvaluateError {
    fn exit_code(&self) -> u8 {
        match self {
            EvaluateError::Compile(e) => e.exit_code(),
            EvaluateError::Run(e) => e.exit_code(),
        }
    }
}

impl Failure for OutputError {
    fn exit_code(&self) -> u8 {
        OutputError::exit_code(self)
    }
}
