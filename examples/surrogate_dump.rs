//! Dumps the optimizer's surrogate problem for a scenario, and the `current` strategy's candidate on it, as
//! JSON: the input of the exact minimum-moves check in `tools/milp/check_min_moves.py`.
//!
//! ```text
//! cargo run --release --example surrogate_dump -- SCENARIO.toml OUT.json
//! ```
//!
//! The problem is `org.problem` exactly as `terrasim optimize` builds it (the scenario's `[optimize]`
//! section, or the defaults): per account its potential, carve-out lock, current owner and pool; per pool
//! its reps; per rep its targets and pool; the workload hours of every account under every rep of its pool;
//! the bands and the move budget. Owners and pools of [`NONE`] (`u32::MAX`) mean none.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};
use terrasim::optimize::{NONE, Org, generate};
use terrasim::scenario::Strategy;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario_path, out_path] = args.as_slice() else {
        anyhow::bail!("usage: surrogate_dump SCENARIO.toml OUT.json");
    };
    let scenario = terrasim::io::load_scenario(&PathBuf::from(scenario_path))?;
    let market = terrasim::io::load_market(&scenario)?;
    let spec = scenario.optimize.clone().unwrap_or_default();

    let built = Instant::now();
    let org = Org::new(&scenario, &market, &spec)?;
    let org_seconds = built.elapsed().as_secs_f64();
    let p = &org.problem;

    let accounts: Vec<Value> = (0..p.potential.len())
        .map(|a| {
            let pool = p.pool[a];
            // Hours of the account under each rep of its pool, in the pool's rep order.
            let hours: Vec<f64> = if pool == NONE {
                Vec::new()
            } else {
                p.pools[pool as usize].reps.iter().map(|&r| p.hours(a, r as usize)).collect()
            };
            json!({
                "id": org.market.accounts()[a].id.to_string(),
                "potential": p.potential[a],
                "locked": p.locked[a],
                "start": p.start[a],
                "pool": pool,
                "hours": hours,
                // Hours under the current owner (also when it is outside the pool), for the start loads.
                "start_hours": if p.start[a] == NONE { 0.0 } else { p.hours(a, p.start[a] as usize) },
            })
        })
        .collect();
    let pools: Vec<Value> = p
        .pools
        .iter()
        .map(|pool| json!({ "label": pool.label, "reps": pool.reps, "accounts": pool.accounts }))
        .collect();
    let reps: Vec<Value> = p
        .reps
        .iter()
        .enumerate()
        .map(|(r, slot)| {
            json!({
                "id": org.market.reps()[r].id.to_string(),
                "pool": slot.pool,
                "potential_target": slot.potential_target,
                "load_target": slot.load_target,
                "active_share": slot.active_share,
                "removed": org.removed[r],
                "added": org.added[r],
            })
        })
        .collect();

    let started = Instant::now();
    let candidate = generate(&org, &spec, Strategy::Current, None, scenario.seed);
    let seconds = started.elapsed().as_secs_f64();
    let owners: Vec<u32> = candidate.plan.owners().iter().map(|o| o.unwrap_or(NONE)).collect();
    // Hours of each account under its final owner (which may sit outside the account's pool).
    let final_hours: Vec<f64> = owners
        .iter()
        .enumerate()
        .map(|(a, &r)| if r == NONE { 0.0 } else { p.hours(a, r as usize) })
        .collect();

    let out = json!({
        "scenario": scenario_path,
        "seed": scenario.seed,
        "none": NONE,
        "problem": {
            "accounts": accounts,
            "pools": pools,
            "reps": reps,
            "potential_band": p.potential_band,
            "workload_band": p.workload_band,
            "max_moves": p.max_moves,
        },
        "current": {
            "moved": candidate.moved,
            "outside_potential_band": candidate.outside_potential_band,
            "outside_workload_band": candidate.outside_workload_band,
            "max_potential_deviation": candidate.max_potential_deviation,
            "max_workload_deviation": candidate.max_workload_deviation,
            "cost": candidate.cost,
            "owners": owners,
            "final_hours": final_hours,
            "seconds": seconds,
            "org_seconds": org_seconds,
        },
    });
    std::fs::write(out_path, serde_json::to_string(&out)?)?;
    Ok(())
}
