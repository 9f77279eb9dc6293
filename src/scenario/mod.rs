//! Scenario files: the TOML schema (`schema_version = 1`), its validation, and the model parameters with
//! their documented defaults.

mod assumptions;
mod checks;
mod compile;
mod events;
mod params;
mod schema;

pub use assumptions::{
    OPEN_PIPELINE_MISSING, TEAM_PLAN_FROM_QUOTAS, declared, declared_for_optimize, declared_for_stress,
};
pub use compile::{
    AccountParams, CompileError, account_hours, account_params, backfill_rep, compile, hire_rep,
    horizon_quota, productivity, team_plan, workload_hours,
};
pub use events::{CapacityChange, Departure, Events, Hire, OrphanPolicy, QuotaChange, Shock, default_shocks};
pub use params::{GlobalParams, MAX_OPEN, ParamError, ParamOverride, QuotaPolicy, SegmentParams};
pub use schema::{
    ColumnMaps, DataFiles, MotionMap, OptimizeSpec, ParamsFile, ParamsModel, PlanSpec, RankBy, Removal,
    SCHEMA_VERSION, Scenario, ScenarioError, ScoringSpec, SegmentationSpec, StageMap, Strategy,
    UnknownOwners,
};
