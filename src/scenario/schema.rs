//! The scenario file schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::market::{HierarchyLevel, RepId, ScoreWeights, Scoring, SizeBand, SizeBandRule, TierThresholds};

use super::events::{Events, Shock};
use super::params::{self, GlobalParams, ParamOverride, SegmentParams};

/// The scenario schema version this build reads.
pub const SCHEMA_VERSION: u32 = 1;

/// A scenario file that cannot be used. Every variant names the file; the message says how to fix it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read the scenario: {reason}")]
    Read {
        /// The file.
        file: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// TOML syntax, a wrong type, a missing key or an unknown key (the TOML error gives line and column).
    #[error("{file}: {message}")]
    Parse {
        /// The file.
        file: PathBuf,
        /// The parser's message with line, column and key.
        message: String,
    },
    /// A value that parses but is not allowed.
    #[error("{file}: field `{field}`: {message}")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// Dotted path of the field, for example `params.MM.opp_rate`.
        field: String,
        /// What is wrong and how to fix it.
        message: String,
    },
}

/// The data files of a scenario. Paths are relative to the scenario file.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFiles {
    /// Accounts CSV.
    pub accounts: PathBuf,
    /// Reps CSV.
    pub reps: PathBuf,
    /// Plan CSV (account id → owner id). Without it the owner column of the accounts file is the plan.
    #[serde(default)]
    pub plan: Option<PathBuf>,
    /// Carve-outs CSV.
    #[serde(default)]
    pub carveouts: Option<PathBuf>,
    /// Opportunity history CSV (for calibration and backtests).
    #[serde(default)]
    pub history: Option<PathBuf>,
    /// Explicit column mappings for headers the importer does not recognise.
    #[serde(default)]
    pub columns: ColumnMaps,
    /// Which stage values of the history file mean open, won and lost.
    #[serde(default)]
    pub stages: StageMap,
}

/// Stage values of an opportunity history, as the CRM spells them, for example
/// `[data.stages] won = ["Closed Won", "Signed"]`. When every list is empty, stages are read by name
/// (`Closed Won` / `closedwon` is won, `Closed Lost` / `closedlost` is lost, anything else is open), and
/// `IsClosed` / `IsWon` / `hs_is_closed_won` columns take precedence when the file has them. When any list
/// is set, every stage in the file must be listed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageMap {
    /// Stages of opportunities still open.
    #[serde(default)]
    pub open: Vec<String>,
    /// Stages of won opportunities.
    #[serde(default)]
    pub won: Vec<String>,
    /// Stages of lost opportunities.
    #[serde(default)]
    pub lost: Vec<String>,
}

impl StageMap {
    /// True when no stage is listed (stages are then read by name).
    pub fn is_empty(&self) -> bool {
        self.open.is_empty() && self.won.is_empty() && self.lost.is_empty()
    }
}

/// Column mappings per file: canonical field name → the header in the file, for example
/// `[data.columns.accounts] id = "Acct Number"`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMaps {
    /// Accounts file.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
    /// Reps file.
    #[serde(default)]
    pub reps: BTreeMap<String, String>,
    /// Plan file.
    #[serde(default)]
    pub plan: BTreeMap<String, String>,
    /// Carve-outs file.
    #[serde(default)]
    pub carveouts: BTreeMap<String, String>,
    /// Opportunity history file.
    #[serde(default)]
    pub history: BTreeMap<String, String>,
}

/// Scoring settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringSpec {
    /// Input weights (defaults 0.30 / 0.25 / 0.25 / 0.20).
    #[serde(default)]
    pub weights: ScoreWeights,
    /// Tier thresholds (defaults 3.6 and 2.8).
    #[serde(default)]
    pub tiers: TierThresholds,
}

/// Segmentation settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentationSpec {
    /// Levels of the segment hierarchy, top first (default region → size band → vertical).
    #[serde(default = "default_hierarchy")]
    pub hierarchy: Vec<HierarchyLevel>,
}

fn default_hierarchy() -> Vec<HierarchyLevel> {
    vec![HierarchyLevel::Region, HierarchyLevel::SizeBand, HierarchyLevel::Vertical]
}

impl Default for SegmentationSpec {
    fn default() -> Self {
        SegmentationSpec { hierarchy: default_hierarchy() }
    }
}

/// A segmentation strategy the optimizer can try.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The current plan, repaired into the balance bands with as few moves as possible.
    #[serde(alias = "current_repaired")]
    Current,
    /// Territories grown from contiguous geographic units.
    Geographic,
    /// Books by industry vertical.
    Vertical,
    /// Books by size band, balanced on potential.
    Size,
    /// Size band first, then geography (field motions) or vertical (inside motions) within each band.
    Hybrid,
}

impl Strategy {
    /// The name used in folders, tables and JSON.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::Current => "current",
            Strategy::Geographic => "geographic",
            Strategy::Vertical => "vertical",
            Strategy::Size => "size",
            Strategy::Hybrid => "hybrid",
        }
    }
}

/// A rep removed by the optimize spec: the rep sells until `month`, the plan gives the book away.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Removal {
    /// The rep who leaves.
    pub rep: RepId,
    /// Last selling month (1-based, default 0: gone before the horizon starts).
    #[serde(default)]
    pub month: u32,
    /// Whether a backfill joins (default false).
    #[serde(default)]
    pub backfill: bool,
    /// Months from the departure to the backfill's first selling month (default 5).
    #[serde(default = "default_backfill_delay")]
    pub backfill_delay_months: u32,
    /// Ramp of the backfill in months (default 3).
    #[serde(default = "default_backfill_ramp")]
    pub backfill_ramp_months: u32,
}

fn default_backfill_delay() -> u32 {
    5
}
fn default_backfill_ramp() -> u32 {
    3
}

/// What the optimizer searches and under which constraints.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizeSpec {
    /// Strategies to generate candidates for (default: all five).
    #[serde(default = "default_strategies")]
    pub strategies: Vec<Strategy>,
    /// Maximum share of accounts whose owner may change (default 0.10; 1.0 for a full redesign).
    #[serde(default = "default_continuity")]
    pub continuity_budget: f64,
    /// Healthy band of potential around the team's per-rep share, pro-rated for ramp (default 0.10).
    #[serde(default = "default_band")]
    pub potential_band: f64,
    /// Healthy band of workload around capacity times the team's load, pro-rated for ramp (default 0.10).
    #[serde(default = "default_band")]
    pub workload_band: f64,
    /// What a rep must share with an account to own it (default: size band and region). Only `size_band`
    /// and `region` are rep attributes.
    #[serde(default = "default_eligibility")]
    pub eligibility: Vec<HierarchyLevel>,
    /// Require geographic territories to be contiguous in the unit adjacency (default true when
    /// `adjacency` is given).
    #[serde(default = "default_true")]
    pub contiguity: bool,
    /// Add a compactness term: distance of each account from its owner's home (default false).
    #[serde(default)]
    pub compactness: bool,
    /// Geographic unit table with a `neighbors` column (`;`-separated unit ids), keyed by `fips` or `unit`
    /// and matched to the accounts' `county_fips`; relative to the scenario.
    #[serde(default)]
    pub adjacency: Option<PathBuf>,
    /// Reps added on top of the scenario's events; the optimizer sizes their books to their ramp.
    #[serde(default)]
    pub add: Vec<super::events::Hire>,
    /// Reps removed; the optimizer redistributes their books.
    #[serde(default)]
    pub remove: Vec<Removal>,
    /// Monte Carlo trials per candidate (default 2,000).
    #[serde(default = "default_rank_trials")]
    pub trials: u32,
    /// Local-search proposals per account (default 200).
    #[serde(default = "default_effort")]
    pub search_effort: u32,
}

impl Default for OptimizeSpec {
    fn default() -> Self {
        toml::from_str("").expect("every optimize field has a default")
    }
}

fn default_eligibility() -> Vec<HierarchyLevel> {
    vec![HierarchyLevel::SizeBand, HierarchyLevel::Region]
}
fn default_true() -> bool {
    true
}
fn default_rank_trials() -> u32 {
    2000
}
fn default_effort() -> u32 {
    200
}

fn default_strategies() -> Vec<Strategy> {
    vec![Strategy::Current, Strategy::Geographic, Strategy::Vertical, Strategy::Size, Strategy::Hybrid]
}
fn default_continuity() -> f64 {
    0.10
}
fn default_band() -> f64 {
    0.10
}

/// A scenario: market data, plan, model parameters, events and shocks, over a horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Must be 1.
    pub schema_version: u32,
    /// Short name shown in reports.
    pub name: String,
    /// What the scenario asks.
    #[serde(default)]
    pub description: String,
    /// Months simulated (default 12).
    #[serde(default = "default_horizon")]
    pub horizon_months: u32,
    /// Monte Carlo trials (default 2,000).
    #[serde(default = "default_trials")]
    pub trials: u32,
    /// Seed of every random stream (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// The date the data describes, `YYYY-MM-DD` (for carve-out activity floors).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Data files.
    pub data: DataFiles,
    /// Scoring.
    #[serde(default)]
    pub scoring: ScoringSpec,
    /// Size-band thresholds.
    #[serde(default)]
    pub size_bands: SizeBandRule,
    /// Segment hierarchy.
    #[serde(default)]
    pub segmentation: SegmentationSpec,
    /// Parameters that are not per segment.
    #[serde(default)]
    pub model: GlobalParams,
    /// Parameter files (such as `terrasim calibrate` output) read before `params`, in order.
    #[serde(default)]
    pub include_params: Vec<PathBuf>,
    /// Per-segment parameter overrides, keyed by size band (`MM`) or segment path (`AMER/MM`).
    #[serde(default)]
    pub params: BTreeMap<String, ParamOverride>,
    /// Rep skill overrides (rep id → win-rate multiplier), replacing the reps file's `skill`;
    /// `terrasim calibrate` writes them.
    #[serde(default)]
    pub skills: BTreeMap<String, f64>,
    /// Events.
    #[serde(default)]
    pub events: Events,
    /// Stress-test shocks (`terrasim stress` uses a default set when empty).
    #[serde(default)]
    pub shocks: Vec<Shock>,
    /// Optimizer settings.
    #[serde(default)]
    pub optimize: Option<OptimizeSpec>,
    /// The scenario file, for messages (set by the loader).
    #[serde(skip)]
    pub source: PathBuf,
}

fn default_horizon() -> u32 {
    12
}
fn default_trials() -> u32 {
    2000
}
fn default_seed() -> u64 {
    1
}

/// A file of parameter overrides, as `include_params` reads and `terrasim calibrate` writes.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsFile {
    /// Per-segment overrides.
    #[serde(default)]
    pub params: BTreeMap<String, ParamOverride>,
    /// Rep skill multipliers (rep id → multiplier on the segment win rate), replacing the reps file's.
    #[serde(default)]
    pub skills: BTreeMap<String, f64>,
}

impl Scenario {
    /// Parses and validates scenario text. `source` is the file the text came from: it names the file in
    /// errors and anchors relative paths.
    pub fn from_toml(text: &str, source: &Path) -> Result<Self, ScenarioError> {
        let mut scenario: Scenario = toml::from_str(text)
            .map_err(|e| ScenarioError::Parse { file: source.to_path_buf(), message: e.to_string() })?;
        scenario.source = source.to_path_buf();
        scenario.validate()?;
        Ok(scenario)
    }

    /// The folder relative paths are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        self.source.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// A path of the scenario, resolved against the scenario's folder.
    pub fn resolve_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() { path.to_path_buf() } else { self.base_dir().join(path) }
    }

    fn invalid(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.source.clone(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Checks every value that parses but is not allowed.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(self.invalid(
                "schema_version",
                format!(
                    "version {} is not supported; this build reads schema_version = {SCHEMA_VERSION}",
                    self.schema_version
                ),
            ));
        }
        if !(1..=120).contains(&self.horizon_months) {
            return Err(self.invalid("horizon_months", "must be between 1 and 120 months"));
        }
        if self.trials == 0 {
            return Err(self.invalid("trials", "must be at least 1"));
        }
        if let Some(date) = &self.as_of
            && crate::market::parse_iso_date(date).is_none()
        {
            return Err(self.invalid("as_of", format!("{date:?} is not a date; write it as YYYY-MM-DD")));
        }
        self.scoring.weights.validate().map_err(|m| self.invalid("scoring.weights", m))?;
        let tiers = self.scoring.tiers;
        if !(tiers.tier1_min.is_finite() && tiers.tier2_min.is_finite() && tiers.tier2_min <= tiers.tier1_min)
        {
            return Err(self.invalid("scoring.tiers", "tier2_min must be a number no higher than tier1_min"));
        }
        self.size_bands.validate().map_err(|m| self.invalid("size_bands", m))?;
        if self.segmentation.hierarchy.is_empty() {
            return Err(
                self.invalid("segmentation.hierarchy", "list at least one level, for example [\"region\"]")
            );
        }
        self.model.validate().map_err(|m| self.invalid("model", m))?;
        self.validate_params(&self.params, "params")?;
        self.validate_skills(&self.skills, "skills")?;
        for (i, shock) in self.shocks.iter().enumerate() {
            shock.validate().map_err(|m| self.invalid(&format!("shocks[{i}] ({})", shock.name), m))?;
        }
        self.validate_events()?;
        if let Some(opt) = &self.optimize {
            if !(opt.continuity_budget.is_finite() && (0.0..=1.0).contains(&opt.continuity_budget)) {
                return Err(self.invalid("optimize.continuity_budget", "must be a share in [0, 1]"));
            }
            for (name, v) in [("potential_band", opt.potential_band), ("workload_band", opt.workload_band)] {
                if !(v.is_finite() && v > 0.0 && v < 1.0) {
                    return Err(
                        self.invalid(&format!("optimize.{name}"), "must be a share in (0, 1), such as 0.1")
                    );
                }
            }
            if opt.strategies.is_empty() {
                return Err(self.invalid("optimize.strategies", "list at least one strategy"));
            }
            if let Some(bad) = opt
                .eligibility
                .iter()
                .find(|l| !matches!(l, HierarchyLevel::SizeBand | HierarchyLevel::Region))
            {
                return Err(self.invalid(
                    "optimize.eligibility",
                    format!("{bad:?} is not a rep attribute; use \"size_band\" and/or \"region\""),
                ));
            }
            for (i, hire) in opt.add.iter().enumerate() {
                if !hire.take_from.is_empty() {
                    return Err(self.invalid(
                        &format!("optimize.add[{i}].take_from"),
                        "the optimizer sizes an added rep's book itself; remove take_from",
                    ));
                }
            }
            if opt.trials == 0 || opt.search_effort == 0 {
                return Err(self.invalid("optimize", "trials and search_effort must be at least 1"));
            }
        }
        Ok(())
    }

    /// Checks a set of overrides: each must give valid parameters on top of every band's defaults.
    pub fn validate_params(
        &self,
        overrides: &BTreeMap<String, ParamOverride>,
        field: &str,
    ) -> Result<(), ScenarioError> {
        for (key, o) in overrides {
            for band in SizeBand::ALL {
                let mut p = SegmentParams::default_for(band);
                o.apply(&mut p);
                p.validate().map_err(|m| self.invalid(&format!("{field}.\"{key}\""), m))?;
            }
        }
        Ok(())
    }

    /// Checks skill overrides: each must be a positive number.
    pub fn validate_skills(&self, skills: &BTreeMap<String, f64>, field: &str) -> Result<(), ScenarioError> {
        for (rep, &v) in skills {
            if !(v.is_finite() && v > 0.0) {
                return Err(
                    self.invalid(&format!("{field}.\"{rep}\""), format!("{v} must be a number above 0"))
                );
            }
        }
        Ok(())
    }

    /// Adds included skill overrides under the scenario's own (the scenario wins).
    pub fn merge_included_skills(&mut self, included: BTreeMap<String, f64>) {
        for (rep, v) in included {
            self.skills.entry(rep).or_insert(v);
        }
    }

    fn validate_events(&self) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        for (i, hire) in self.events.hire.iter().enumerate() {
            let f = format!("events.hire[{i}] ({})", hire.rep);
            if !(1..=h).contains(&hire.start_month) {
                return Err(self.invalid(&format!("{f}.start_month"), format!("must be a month in 1..={h}")));
            }
            for (name, v) in [("capacity_hours", hire.capacity_hours), ("annual_quota", hire.annual_quota)] {
                if let Some(v) = v
                    && !(v.is_finite() && v >= 0.0)
                {
                    return Err(
                        self.invalid(&format!("{f}.{name}"), format!("{v} must be a non-negative number"))
                    );
                }
            }
            if !(hire.take_share.is_finite() && (0.0..=1.0).contains(&hire.take_share)) {
                return Err(self.invalid(&format!("{f}.take_share"), "must be a share in [0, 1]"));
            }
        }
        for (i, d) in self.events.departure.iter().enumerate() {
            let f = format!("events.departure[{i}] ({})", d.rep);
            if !(1..=h).contains(&d.month) {
                return Err(self.invalid(&format!("{f}.month"), format!("must be a month in 1..={h}")));
            }
            let needs_target = d.orphan_policy == super::OrphanPolicy::Reassign;
            if needs_target != d.reassign_to.is_some() {
                return Err(self.invalid(
                    &format!("{f}.reassign_to"),
                    "give reassign_to exactly when orphan_policy = \"reassign\"",
                ));
            }
        }
        for (i, c) in self.events.capacity_change.iter().enumerate() {
            let f = format!("events.capacity_change[{i}] ({})", c.rep);
            if !(c.capacity_hours.is_finite() && c.capacity_hours >= 0.0) {
                return Err(self.invalid(&format!("{f}.capacity_hours"), "capacity cannot be negative"));
            }
            if !(1..=h).contains(&c.from_month) {
                return Err(self.invalid(&format!("{f}.from_month"), format!("must be a month in 1..={h}")));
            }
        }
        for (i, q) in self.events.quota_change.iter().enumerate() {
            if !(q.annual_quota.is_finite() && q.annual_quota >= 0.0) {
                return Err(self.invalid(
                    &format!("events.quota_change[{i}] ({}).annual_quota", q.rep),
                    "quota cannot be negative",
                ));
            }
        }
        Ok(())
    }

    /// The scoring rule of the scenario.
    pub fn scoring(&self) -> Scoring {
        Scoring { weights: self.scoring.weights, tiers: self.scoring.tiers }
    }

    /// Resolved parameters of an account with size band `band` at segment path prefixes `prefixes`
    /// (shortest first), and the key that owns its win-rate draw.
    pub fn segment_params(&self, band: SizeBand, prefixes: &[String]) -> (SegmentParams, String) {
        params::resolve(&self.params, band, prefixes)
    }

    /// Adds included parameter files under the scenario's own overrides (the scenario wins).
    pub fn merge_included(&mut self, included: BTreeMap<String, ParamOverride>) {
        for (key, mut base) in included {
            if let Some(own) = self.params.get(&key) {
                base.overlay(own);
            }
            self.params.insert(key, base);
        }
    }
}
