//! The reference-market generators. Northstar: a realistic B2B SaaS market on real US counties, with a
//! current plan that has accreted badly. Keystone: a repeat, multi-product business of a few hundred
//! accounts, most of them customers, whose books changed hands as reps left. Pure: a seed (and county rows)
//! in, CSV-ready rows out.

mod market;
mod repeat;
mod tables;

pub use market::{County, GenerateSpec, GeneratedMarket, generate_market};
pub use repeat::{RepeatMarket, Turnover, generate_repeat_market};
