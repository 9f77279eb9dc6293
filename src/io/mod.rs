//! Files in and out: the scenario loader, CSV import with column mapping, and atomic writers.
//! This is the only place in the library that touches the filesystem.

mod account_defaults;
mod atomic;
mod csv_table;
mod error;
mod fields;
mod format;
#[doc(hidden)]
pub mod fuzz;
mod generated;
mod history;
mod market_files;
mod numbers;
mod records;
mod scenario_file;
mod text;
mod users;
mod vocabulary;

pub use atomic::{
    AtomicDir, OutputError, WrittenFiles, check_output_dir, write_atomic, write_changed_files,
    write_files_atomic,
};
pub use error::{DataError, ROW_ERROR_CAP, RowError};
pub use format::{DateOrder, Decimal, Delimiter, Encoding};
pub use generated::{load_counties, write_generated};
pub use history::{load_history, write_history};
pub use market_files::{load_market, load_plan, load_units};
pub use scenario_file::load_scenario;
