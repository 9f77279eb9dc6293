//! One entry point: a result folder's contents in, the HTML document out.

use std::collections::BTreeMap;

use super::context::MarketView;
use super::contract::{Backtest, CandidateFiles, CompareResult, OptimizeOutcome, SimResult, StressResult};

/// What a result folder holds, by the kind of command that wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultSet {
    /// `result.json` of `simulate`.
    Simulate(Box<SimResult>),
    /// `stress.json`.
    Stress(StressResult),
    /// `compare.json`.
    Compare(CompareResult),
    /// `candidates.json` and each candidate's files, by candidate name.
    Optimize(OptimizeOutcome, BTreeMap<String, CandidateFiles>),
    /// `backtest.json`.
    Backtest(Box<Backtest>),
}

impl ResultSet {
    /// The command that wrote it.
    pub fn kind(&self) -> &'static str {
        match self {
            ResultSet::Simulate(_) => "simulate",
            ResultSet::Stress(_) => "stress",
            ResultSet::Compare(_) => "compare",
            ResultSet::Optimize(..) => "optimize",
            ResultSet::Backtest(_) => "backtest",
        }
    }

    /// The scenario name the result was run on.
    pub fn scenario(&self) -> &str {
        match self {
            ResultSet::Simulate(r) => &r.scenario,
            ResultSet::Stress(r) => &r.scenario,
            ResultSet::Compare(r) => &r.scenario,
            ResultSet::Optimize(o, _) => &o.scenario,
            ResultSet::Backtest(b) => &b.scenario,
        }
    }
}

/// The report of `set`, read from the folder named `folder`, with the scenario's market when given.
pub fn render(set: &ResultSet, market: Option<&MarketView>, folder: &str) -> String {
    match set {
        ResultSet::Simulate(r) => super::simulate::render(r, market, folder),
        ResultSet::Stress(r) => super::comparisons::render_stress(r, market, folder),
        ResultSet::Compare(r) => super::comparisons::render_compare(r, market, folder),
        ResultSet::Optimize(o, files) => super::optimize::render(o, files, market, folder),
        ResultSet::Backtest(b) => super::backtest::render(b, market, folder),
    }
}
