//! Files in and out: the scenario loader, CSV import with column mapping, and atomic writers.
//! This is the only place in the library that touches the filesystem.

mod atomic;
mod scenario_file;

pub use atomic::{AtomicDir, write_atomic};
pub use scenario_file::load_scenario;
