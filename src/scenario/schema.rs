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
    /// Reps CSV. Give it, or `users` with `quotas` instead; one of the two is required.
    #[serde(default)]
    pub reps: Option<PathBuf>,
    /// Plan CSV (account id → owner id). Without it the owner column of the accounts file is the plan.
    #[serde(default)]
    pub plan: Option<PathBuf>,
    /// Carve-outs CSV.
    #[serde(default)]
    pub carveouts: Option<PathBuf>,
    /// Opportunity history CSV (for calibration and backtests). Its opportunities open at `as_of` are the
    /// open pipeline every command starts with, unless `pipeline` names another file.
    #[serde(default)]
    pub history: Option<PathBuf>,
    /// Open-pipeline CSV, in the history's format (a CRM export of open opportunities): the deals open at
    /// `as_of`, which every command starts its year with. Default: the history's.
    #[serde(default)]
    pub pipeline: Option<PathBuf>,
    /// Explicit column mappings for headers the importer does not recognise.
    #[serde(default)]
    pub columns: ColumnMaps,
    /// Which stage values of the history file mean open, won and lost.
    #[serde(default)]
    pub stages: StageMap,
    /// Which opportunity types of the history file (Salesforce `Type`, HubSpot `dealtype`, or a mapped
    /// `motion` column) mean new business and expansion, and which are left out of the fit, over the
    /// built-in CRM vocabularies.
    #[serde(default)]
    pub motions: MotionMap,
    /// Text encoding of every data file: `"utf-8"`, `"utf-16"`, `"latin-1"` or `"windows-1252"`. Unset, it is
    /// decided per file from its byte-order mark and bytes, and declared when not UTF-8.
    #[serde(default)]
    pub encoding: Option<crate::io::Encoding>,
    /// Cell delimiter of every data file: `","`, `";"`, `"tab"` or `"|"`. Unset, it is sniffed per file from
    /// the header and first rows, and declared when not a comma.
    #[serde(default)]
    pub delimiter: Option<crate::io::Delimiter>,
    /// Decimal mark of numbers and amounts in every data file: `"."` or `","`. Unset, it is decided per file
    /// from the file's own numbers; a file that mixes both, or that cannot tell, is refused.
    #[serde(default)]
    pub decimal: Option<crate::io::Decimal>,
    /// Order of day and month in slash dates of every data file: `"mdy"` (3/4/2025 is March 4) or `"dmy"`
    /// (April 3). Unset, it is decided per file from its own dates, and declared.
    #[serde(default)]
    pub date_order: Option<crate::io::DateOrder>,
    /// Region of a country, over the ISO 3166 default (Americas `AMER`, Europe/Middle East/Africa `EMEA`,
    /// Asia-Pacific `ROW`), for accounts without a region cell: `[data.country_regions] "Mexico" = "LATAM"`.
    /// A key is any spelling of the country (name, alpha-2, alpha-3, "USA", ...).
    #[serde(default)]
    pub country_regions: BTreeMap<String, String>,
    /// Region labels of the reps or accounts file read as another region, for when the two files use
    /// different words: `[data.region_aliases] "North America" = "AMER"`.
    #[serde(default)]
    pub region_aliases: BTreeMap<String, String>,
    /// Rep roles in CRM words mapped to a size band (`SMB`, `MM`, `ENT`):
    /// `[data.roles] "Account Executive" = "MM"`. `SMB`, `MM`, `ENT` (and their long names) need no entry.
    #[serde(default)]
    pub roles: BTreeMap<String, String>,
    /// What an account owner that is no rep of the reps file means: `"error"` (the default) refuses the
    /// file; `"unowned"` leaves those accounts unowned and declares how many.
    #[serde(default)]
    pub unknown_owners: UnknownOwners,
    /// A Salesforce User export (`Id, Name` or `FirstName, LastName, Email, UserRole.Name` or `Title`,
    /// `IsActive`, `Country`) or a HubSpot owners export (`Owner ID, First Name, Last Name, Email, Teams`), in
    /// place of `reps`; it needs `quotas`. Inactive users are dropped, and the count declared.
    #[serde(default)]
    pub users: Option<PathBuf>,
    /// The quota file that goes with `users`: a rep (user id, email or name) → annual quota, with optional
    /// capacity hours, region and role, which win over the users export's.
    #[serde(default)]
    pub quotas: Option<PathBuf>,
}

/// What an account owner that is not in the reps file means (`[data] unknown_owners`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownOwners {
    /// Refuse the accounts file, naming the line (the default: an owner typo must not drop a book).
    #[default]
    Error,
    /// Leave the account unowned, and declare the count as an assumption.
    Unowned,
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

/// Opportunity types of a history, as the CRM spells them, read as a sales motion, for example
/// `[data.motions] expansion = ["Add-On", "Cross-sell"]`. Listed values win over the built-in vocabularies
/// (Salesforce's `New Customer`, `Existing Customer - Upgrade`, ..., HubSpot's `newbusiness` and
/// `existingbusiness`, renewals left out); a value in neither is refused, naming it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotionMap {
    /// Types of a prospect's first purchase.
    #[serde(default)]
    pub new_business: Vec<String>,
    /// Types of a customer's upsell or cross-sell.
    #[serde(default)]
    pub expansion: Vec<String>,
    /// Types that are no new value (renewals, services, partner fees): left out of the fit and counted.
    #[serde(default)]
    pub excluded: Vec<String>,
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
    /// Potential from annual revenue for accounts without a whitespace value: the typical deal is this share
    /// of the account's annual revenue (for example `0.01`), before the score factor. Unset (the default), or
    /// for an account without revenue, the typical deal is the segment's deal size.
    #[serde(default)]
    pub potential_from_revenue: Option<f64>,
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
    /// Whether the rep's quota leaves the team plan (default false), as for a departure.
    #[serde(default)]
    pub quota_leaves_plan: bool,
}

/// The team's plan: the number P(team ≥ plan) is measured against.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSpec {
    /// Team bookings target over the horizon, in money. Unset, the plan is the sum of the reps' quotas as
    /// given (pro-rated to the horizon), with hires' quotas added and departures' kept; that is declared.
    #[serde(default)]
    pub team_target: Option<f64>,
}

fn default_backfill_delay() -> u32 {
    super::events::DEFAULT_BACKFILL_DELAY_MONTHS
}
fn default_backfill_ramp() -> u32 {
    super::events::DEFAULT_BACKFILL_RAMP_MONTHS
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
    /// What ranks the candidates (unset: `variance_coverage`, declared).
    #[serde(default)]
    pub rank_by: Option<RankBy>,
}

/// What ranks optimizer candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum RankBy {
    /// The Pareto front over attainment variance, coverage rate and share moved, then the lower attainment
    /// variance, then the higher coverage rate.
    #[default]
    VarianceCoverage,
    /// The higher team bookings.
    Bookings,
    /// The higher P(team ≥ plan), then the higher team bookings.
    PTeamGePlan,
}

impl RankBy {
    /// Every choice, in the order messages list them.
    pub const ALL: [RankBy; 3] = [RankBy::VarianceCoverage, RankBy::Bookings, RankBy::PTeamGePlan];

    /// The name in scenario files, on the command line and in `candidates.json`.
    pub fn label(self) -> &'static str {
        match self {
            RankBy::VarianceCoverage => "variance_coverage",
            RankBy::Bookings => "bookings",
            RankBy::PTeamGePlan => "p_team_ge_plan",
        }
    }

    /// The headline figures (see [`crate::sim::HEADLINE_NAMES`]) that rank, each with whether higher is
    /// better: a candidate better than the unchanged plan on none of them by its 95% paired interval is
    /// no better than it.
    pub fn metrics(self) -> &'static [(&'static str, bool)] {
        match self {
            RankBy::VarianceCoverage => &[("attainment_variance", false), ("coverage_rate", true)],
            RankBy::Bookings => &[("team_bookings", true)],
            RankBy::PTeamGePlan => &[("p_team_ge_plan", true)],
        }
    }
}

impl std::str::FromStr for RankBy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let labels = RankBy::ALL.map(RankBy::label);
        RankBy::ALL.into_iter().find(|r| r.label() == s).ok_or_else(|| {
            format!(
                "unknown rank_by \"{s}\": choose one of {}{}",
                labels.join(", "),
                crate::market::did_you_mean(s, labels)
            )
        })
    }
}

impl TryFrom<String> for RankBy {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
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
    /// Parameter files (such as `terrasim calibrate` output) read before `params`, in order. The scenario's
    /// own `[params]` and `[skills]` win over every included file; two included files that set the same
    /// parameter of the same key (or the same rep's skill) to different values are refused, unless the
    /// scenario sets it itself.
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
    /// The team plan.
    #[serde(default)]
    pub plan: PlanSpec,
    /// Optimizer settings.
    #[serde(default)]
    pub optimize: Option<OptimizeSpec>,
    /// The scenario file, for messages (set by the loader).
    #[serde(skip)]
    pub source: PathBuf,
    /// `params` keys that only included files set, so that messages about them say where they came from.
    #[serde(skip)]
    pub included_keys: std::collections::BTreeSet<String>,
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
    /// Model parameters a calibration fits that are not per segment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ParamsModel>,
}

/// The `[model]` table of a params file.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamsModel {
    /// The uncertainty of the fitted rates' level (see [`crate::scenario::GlobalParams::level_sigma`]).
    pub level_sigma: f64,
}

impl Scenario {
    /// Parses and validates scenario text. `source` is the file the text came from: it names the file in
    /// errors and anchors relative paths.
    pub fn from_toml(text: &str, source: &Path) -> Result<Self, ScenarioError> {
        let mut scenario: Scenario = toml::from_str(text)
            .map_err(|e| ScenarioError::Parse { file: source.to_path_buf(), message: e.to_string() })?;
        scenario.source = source.to_path_buf();
        scenario.validate()?;
        // What a default cannot tell: whether a field was written out.
        let written = toml::from_str::<toml::Table>(text).unwrap_or_default();
        scenario.check_contiguity(&written)?;
        scenario.check_take_share(&written)?;
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

    pub(super) fn invalid(&self, field: &str, message: impl Into<String>) -> ScenarioError {
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
        self.validate_settings()?;
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
        self.validate_skills(&self.skills, "skills")?;
        self.validate_events()?;
        self.validate_shocks()?;
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
            for (i, s) in opt.strategies.iter().enumerate() {
                if let Some(j) = opt.strategies[..i].iter().position(|t| t == s) {
                    return Err(self.invalid(
                        &format!("optimize.strategies[{i}]"),
                        format!(
                            "strategy \"{}\" is listed twice (also optimize.strategies[{j}]); a strategy builds the \
                             same candidate every time: list each strategy once",
                            s.label()
                        ),
                    ));
                }
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
            self.validate_hires(("optimize.add", &opt.add))?;
            self.validate_removals(opt)?;
            if opt.trials == 0 || opt.search_effort == 0 {
                return Err(self.invalid("optimize", "trials and search_effort must be at least 1"));
            }
        }
        Ok(())
    }

    /// Removals: each rep once, in a month of the horizon (0: gone before it starts).
    fn validate_removals(&self, opt: &OptimizeSpec) -> Result<(), ScenarioError> {
        let h = self.horizon_months;
        for (i, r) in opt.remove.iter().enumerate() {
            let f = format!("optimize.remove[{i}]");
            if let Some(j) = opt.remove[..i].iter().position(|o| o.rep == r.rep) {
                return Err(self.invalid(
                    &format!("{f}.rep"),
                    format!("rep {} is removed twice (also optimize.remove[{j}]); keep one", r.rep),
                ));
            }
            if r.month > h {
                return Err(self.invalid(
                    &format!("{f}.month"),
                    format!(
                        "month {} is outside the {h}-month horizon; give the last selling month in 0..={h} (0: gone \
                         before the horizon starts)",
                        r.month
                    ),
                ));
            }
            if let Some(j) = self.events.departure.iter().position(|d| d.rep == r.rep) {
                return Err(self.invalid(
                    &format!("{f}.rep"),
                    format!(
                        "rep {} already departs in events.departure[{j}]; remove the rep in one place only",
                        r.rep
                    ),
                ));
            }
        }
        Ok(())
    }

    /// `contiguity = true` written out, with no unit table to be contiguous in, would be silently ignored.
    /// (Left at its default, contiguity applies only when `adjacency` is given, as documented.)
    fn check_contiguity(&self, table: &toml::Table) -> Result<(), ScenarioError> {
        let Some(opt) = &self.optimize else { return Ok(()) };
        let written = table.get("optimize").and_then(|o| o.get("contiguity")).and_then(toml::Value::as_bool);
        if written == Some(true) && opt.adjacency.is_none() {
            return Err(self.invalid(
                "optimize.contiguity",
                "contiguity = true needs a unit table to be contiguous in: set adjacency = \"counties.csv\" (a \
                 unit table with a neighbors column, as `terrasim generate` writes), or set contiguity = false",
            ));
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

    /// The scoring rule of the scenario.
    pub fn scoring(&self) -> Scoring {
        Scoring { weights: self.scoring.weights, tiers: self.scoring.tiers }
    }

    /// Resolved parameters of an account with size band `band` at segment path prefixes `prefixes`
    /// (shortest first), and the key that owns its win-rate draw.
    pub fn segment_params(&self, band: SizeBand, prefixes: &[String]) -> (SegmentParams, params::WinKeys) {
        params::resolve(&self.params, band, prefixes)
    }

    /// Adds an included parameter file under the overrides so far (the scenario's own, then earlier
    /// included files, win). `load_scenario` refuses included files that contradict each other first.
    pub fn merge_included(&mut self, included: BTreeMap<String, ParamOverride>) {
        for (key, mut base) in included {
            match self.params.get(&key) {
                Some(own) => base.overlay(own),
                None => {
                    self.included_keys.insert(key.clone());
                }
            }
            self.params.insert(key, base);
        }
    }
}
