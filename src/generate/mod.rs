//! The reference-market generator: a realistic B2B SaaS market on real US counties, with a current plan
//! that has accreted badly. Pure: county rows and a seed in, CSV-ready rows out.

mod market;
mod tables;

pub use market::{County, GenerateSpec, GeneratedMarket, generate_market};
