//! Views of the result contracts: terminal tables, CSV tables and the HTML report. Pure functions from results
//! to text.

mod calibration;
mod csv_tables;
mod diff;
pub mod html;
mod optimize;
mod table;
mod terminal;

pub use calibration::{backtest_summary, calibration_summary};
pub use csv_tables::{breakdown_tables, sim_tables};
pub use diff::diff_summary;
pub use optimize::{compare_summary, diff_csv, optimize_summary, plan_csv};
pub use table::Table;
pub use terminal::{audit_summary, optimizer_bands_summary, sim_summary, stress_summary, winners_and_losers};
