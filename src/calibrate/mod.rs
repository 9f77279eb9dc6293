//! Fitting the model's parameters to opportunity history, and backtests that check the fitted model
//! against what happened after a cutoff. Pure functions: the history comes in already imported
//! (`crate::io::load_history`), and results go out as values.

mod backtest;
mod cycles;
mod exposure;
mod fit;
mod history;
mod score;
mod segments;
mod skills;
mod synth;

pub use backtest::{
    BACKTEST_SCHEMA_VERSION, Backtest, BacktestError, BacktestOptions, CoverageSummary, MetricResult,
    MetricScore, UnitResult, backtest,
};
pub use fit::{
    CalibrateError, Calibration, Diagnostics, INTERVAL, Interval, RepFit, SegmentFit, THIN_DEALS, calibrate,
    calibrate_window, with_params,
};
pub use history::{
    BEFORE_HISTORY, History, MotionShare, OpenDeals, Opportunity, Outcome, Rejections, classify_by_first_win,
    first_day, month_of,
};
pub use score::{crps_samples, pit};
pub use segments::{Node, Segments};
pub use synth::{run_logged, simulate_history, simulate_history_with_departures, steady_state, with_plan};
