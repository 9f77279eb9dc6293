//! Files in and out: the scenario loader, CSV import with column mapping, and atomic writers.
//! This is the only place in the library that touches the filesystem.

mod account_defaults;
mod atomic;
mod change_files;
mod csv_table;
mod error;
mod fields;
mod format;
#[doc(hidden)]
pub mod fuzz;
mod generated;
mod history;
mod manifest;
mod market_files;
mod motions;
mod numbers;
mod records;
mod report_files;
mod scenario_file;
mod text;
mod users;
mod vocabulary;

pub use atomic::{
    AtomicDir, LATEST, OutputError, WrittenFiles, check_output_dir, check_parent_dir, write_atomic,
    write_changed_files, write_files_atomic,
};
pub use change_files::{HUBSPOT_FILE, REVIEW_FILE, SALESFORCE_FILE, stage_change_files};
pub use error::{DataError, ROW_ERROR_CAP, RowError};
pub use format::{DateOrder, Decimal, Delimiter, Encoding};
pub use generated::{load_counties, write_generated};
pub use history::{load_history, write_history};
pub use manifest::{InputFile, MANIFEST, Manifest, RunRecord, inputs_read, sha256_hex, utc_timestamp};
pub use market_files::{
    load_market, load_plan, load_plan_changes, load_plan_changes_declared, load_plan_declared, load_units,
};
pub use report_files::{ReportError, ReportTarget, read_result_set, report_target, write_report};
pub use scenario_file::load_scenario;
