//! The self-contained HTML report of a result folder: inline SVG charts drawn here, one stylesheet, no
//! script and nothing loaded from anywhere. Pure: the parsed result (and the scenario's market, when given)
//! in, one HTML string out; `io::report_files` reads the folder.

mod backtest;
mod charts;
mod comparisons;
mod context;
pub mod contract;
pub mod format;
mod map;
mod optimize;
mod page;
mod render;
mod sections;
mod simulate;
mod svg;

pub use context::{AccountView, MarketView};
pub use format::{Unit, escape, num};
pub use optimize::MOVES_SHOWN;
pub use render::{ResultSet, render};
