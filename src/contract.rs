//! The JSON documents a command writes that have no engine type of their own: `run.json` (the facts of a
//! run, kept out of the seeded result) and the output of `validate --json`. Every other JSON file is the
//! engine's own result type (`SimResult`, `StressResult`, `CompareResult`, `OptimizeOutcome`, `Backtest`,
//! `Diagnostics`, `DiffResult`, `Manifest`); `docs/result-contract.md` lists them all.

use crate::market::{Assumption, Audit};
use crate::optimize::Balance;

/// `run.json`: host facts and timings of one run, apart from the result so that the result stays
/// bit-identical for a scenario and seed on any machine and thread count.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunInfo {
    /// The version of terrasim that ran.
    pub terrasim_version: String,
    /// Wall-clock seconds of the work (loading and writing excluded).
    pub wall_seconds: f64,
    /// Worker threads.
    pub threads: usize,
    /// The instruction-set level the vector kernels ran at (`portable`, `avx2`, `avx512`): the processor's
    /// highest, or lower where `TERRASIM_KERNELS` asks. Every level gives the same bits.
    pub kernels: String,
    /// Trials per plan (absent for commands that run several trial counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trials: Option<u64>,
}

impl RunInfo {
    /// The facts of a run of this build.
    pub fn new(wall_seconds: f64, threads: usize, trials: Option<u64>) -> Self {
        RunInfo {
            terrasim_version: env!("CARGO_PKG_VERSION").to_string(),
            wall_seconds,
            threads,
            kernels: crate::sim::kernel_level().to_string(),
            trials,
        }
    }
}

/// What `terrasim validate --json` prints: the book-balance audit, what was audited, the bands as the
/// optimizer counts them, and the assumptions the run relied on.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValidateOutput<'a> {
    /// The audit (its fields at the top level of the document).
    #[serde(flatten)]
    pub audit: &'a Audit,
    /// The plan file audited instead of the scenario's current plan (`--plan`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The change file applied (`--changes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<String>,
    /// Accounts the audited plan gives another owner than the current plan does (with `--plan` or
    /// `--changes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from_current: Option<usize>,
    /// Reps outside the balance bands as `optimize` counts them (pro-rated).
    pub optimizer_bands: &'a Balance,
    /// Defaults and data gaps the run relied on.
    pub assumptions: &'a [Assumption],
}
