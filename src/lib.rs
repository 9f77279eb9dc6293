//! terrasim: Monte Carlo simulation and optimization of sales territory what-if scenarios.
//!
//! Data flows one way: files → [`market`] types (validated ids, money, plans) → [`scenario`] compiled to
//! a dense model → `sim` / `optimize` → result structs → writers. The library does no printing; all file
//! access is in [`io`].
#![deny(missing_docs)]

pub mod calibrate;
pub mod contract;
pub mod error;
pub mod generate;
pub mod io;
pub mod market;
pub mod optimize;
pub mod report;
pub mod scenario;
pub mod sim;
