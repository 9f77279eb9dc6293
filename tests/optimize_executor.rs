//! The search in argmin's split (the landscape as the problem, the state owning the plan, repair, anneal,
//! tidy and ruin-and-recreate as solvers chained by executors), and argmin's own annealer on the same
//! surrogate.

mod common;

use std::time::Duration;

use argmin::core::{State as _, TerminationReason};
use terrasim::optimize::{
    Items, Landscape, NONE, Org, Placement, Problem, Search, SearchRng, State, Structure, argmin_anneal,
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

fn placement(p: &Problem) -> Placement<'_> {
    Placement::new(State::new(p, p.start.clone()), Structure::free())
}

#[test]
fn the_executor_anneals_exactly_as_the_search_does() {
    let p = problem();
    let items = Items::singletons(&p);
    let land = Landscape::new(&p, &items);
    let plain = {
        let mut plan = placement(&p);
        let mut rng = SearchRng::new(7, 0);
        land.anneal(&mut plan, &mut rng, 5000, 0.5);
        (plan.state.owner, rng.next_u64())
    };
    let mut rng = SearchRng::new(7, 0);
    let mut search = Search::new(&land, placement(&p));
    search.anneal(&mut rng, 5000, 0.5).expect("runs");
    let out = search.state();
    assert_eq!((search.plan().state.owner.clone(), rng.next_u64()), plain);
    assert_ne!(plain.0, p.start, "the annealing moved accounts");
    assert_eq!(out.get_iter(), 5000u64.div_ceil(items.len() as u64));
    assert_eq!(out.get_func_counts()["proposal_count"], 5000);
    assert_eq!(out.get_param(), Some(&search.plan().state.owner));
    assert!((out.get_cost() - search.plan().state.cost()).abs() < 1e-12);
    assert!(out.get_best_cost() <= out.get_cost());
}

#[test]
fn the_chained_stages_match_the_direct_steps() {
    // Repair, anneal, tidy, ruin and recreate: each stage its own executor from the state the previous one
    // left, against the same steps called on the landscape directly.
    let p = problem();
    let items = Items::singletons(&p);
    let land = Landscape::new(&p, &items);
    let steps = items.len() * 4;
    let mut plan = placement(&p);
    let mut rng = SearchRng::new(3, 0);
    let direct = (
        land.repair(&mut plan, steps),
        land.anneal(&mut plan, &mut rng, 2000, 0.5),
        land.tidy(&mut plan),
        land.reduce(&mut plan, &mut rng, 20, 0.1),
    );
    let mut chained_rng = SearchRng::new(3, 0);
    let mut search = Search::new(&land, placement(&p));
    let chained = (
        search.repair(steps).unwrap(),
        search.anneal(&mut chained_rng, 2000, 0.5).unwrap(),
        search.tidy().unwrap(),
        search.reduce(&mut chained_rng, 20, 0.1).unwrap(),
    );
    assert_eq!(chained, direct);
    assert!(direct.0 > 0, "the repair moved accounts");
    assert_eq!(search.plan().state.owner, plan.state.owner);
    assert_eq!(search.plan().state.cost().to_bits(), plan.state.cost().to_bits());
    assert_eq!(chained_rng.next_u64(), rng.next_u64());
    // The last stage's state: its rounds, ended by running out of moved items or by the round cap.
    assert!(search.state().get_iter() <= 20);
    assert!(search.state().get_termination_reason().is_some());
}

#[test]
fn a_time_limit_stops_the_sweeps() {
    let p = problem();
    let items = Items::singletons(&p);
    let land = Landscape::new(&p, &items);
    let mut rng = SearchRng::new(1, 0);
    let mut search = Search::new(&land, placement(&p));
    search.anneal_with(&mut rng, 1 << 40, 0.5, |e| e.timeout(Duration::from_millis(20))).expect("runs");
    assert_eq!(search.state().get_termination_reason(), Some(&TerminationReason::Timeout));
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
