//! Our annealing inside argmin's executor, and argmin's own annealer on the same surrogate.

mod common;

use std::time::Duration;

use argmin::core::{State as _, TerminationReason};
use terrasim::optimize::{
    Items, NONE, Org, Problem, Search, SearchRng, State, Structure, anneal_in_executor,
    anneal_in_executor_with, argmin_anneal,
};
use terrasim::scenario::OptimizeSpec;

/// 60 SMB accounts of one pool, four reps, most accounts with the first; a 30 % move budget.
fn problem() -> Problem {
    let accounts = (0..60).map(|i| common::account(i, "Retail", 10_000.0 + 1_000.0 * (i * 37 % 91) as f64));
    let reps = vec![
        common::rep("R1", 100.0, 1e6),
        common::rep("R2", 120.0, 1e6),
        common::rep("R3", 80.0, 1e6),
        common::rep("R4", 100.0, 1e6),
    ];
    let owners: Vec<Option<usize>> = (0..60).map(|a| Some(if a % 5 < 3 { 0 } else { a % 4 })).collect();
    let market = common::market(accounts.collect(), reps, &owners);
    let spec = OptimizeSpec { continuity_budget: 0.3, ..OptimizeSpec::default() };
    Org::new(&common::scenario(""), &market, &spec).unwrap().problem
}

#[test]
fn the_executor_anneals_exactly_as_the_search_does() {
    let p = problem();
    let items = Items::singletons(&p);
    let plain = {
        let mut state = State::new(&p, p.start.clone());
        let mut rng = SearchRng::new(7, 0);
        Search::new(&mut state, &items, Structure::free()).anneal(&mut rng, 5000, 0.5);
        (state.owner, rng.next_u64())
    };
    let mut state = State::new(&p, p.start.clone());
    let mut rng = SearchRng::new(7, 0);
    let mut search = Search::new(&mut state, &items, Structure::free());
    let out = anneal_in_executor(&mut search, &mut rng, 5000, 0.5).expect("runs");
    assert_eq!((state.owner.clone(), rng.next_u64()), plain);
    assert_eq!(out.get_iter(), 5000u64.div_ceil(items.len() as u64));
    assert_eq!(out.get_param(), Some(&state.owner));
    assert!((out.get_cost() - state.cost()).abs() < 1e-12);
    assert!(out.get_best_cost() <= out.get_cost());
}

#[test]
fn a_time_limit_stops_the_sweeps() {
    let p = problem();
    let items = Items::singletons(&p);
    let mut state = State::new(&p, p.start.clone());
    let mut rng = SearchRng::new(1, 0);
    let mut search = Search::new(&mut state, &items, Structure::free());
    let out = anneal_in_executor_with(&mut search, &mut rng, 1 << 40, 0.5, |e| {
        e.timeout(Duration::from_millis(20))
    })
    .expect("runs");
    assert_eq!(out.get_termination_reason(), Some(&TerminationReason::Timeout));
}

#[test]
fn argmin_annealing_moves_eligible_accounts_within_the_budget() {
    let p = problem();
    let out = argmin_anneal(&p, p.start.clone(), 3, 1.0, 3000, |e| e).expect("runs");
    let best = out.get_best_param().expect("a best plan");
    let moved = best.iter().zip(&p.start).filter(|(o, s)| o != s).count();
    assert!(moved <= p.max_moves);
    for (a, &r) in best.iter().enumerate() {
        assert!(r != NONE && p.reps[r as usize].pool == p.pool[a]);
    }
    assert!(out.get_best_cost() < State::new(&p, p.start.clone()).cost());
}
