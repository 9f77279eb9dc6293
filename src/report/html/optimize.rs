//! The report of an `optimize` run: the ranking, the Pareto scatter, the paired differences of every
//! candidate, the accounts each moves, the maps of the current and the best plan, the territories of every
//! candidate made of US counties as county fills, and the assumptions.

use std::collections::BTreeMap;

use super::charts::{Point, scatter};
use super::context::MarketView;
use super::contract::{CandidateFiles, Move, OptimizeOutcome, RankedCandidate};
use super::format::{Unit, difference_unit, headline_unit, num, signed};
use super::map::{Legend, county_fills, county_map};
use super::page::{Page, Table};
use super::sections::{HEADLINES, PairedRow, current_map, paired, plan_map, without_scenario};

/// Moved accounts listed per candidate; the rest are in its `diff.csv`.
pub const MOVES_SHOWN: usize = 300;

/// The optimize report. `files` holds each candidate's `diff.csv` (and the best one's `plan.csv`) by name.
pub fn render(
    o: &OptimizeOutcome,
    files: &BTreeMap<String, CandidateFiles>,
    market: Option<&MarketView>,
    folder: &str,
) -> String {
    let subtitle = format!(
        "{} candidates, {} trials each, seed {}, continuity budget {}; result folder {folder}",
        o.candidates.len(),
        num(o.trials as f64, Unit::Count),
        o.seed,
        num(o.continuity_budget, Unit::Share)
    );
    let mut page = Page::new("optimize", &o.scenario, &subtitle);
    unchanged(&mut page, o);
    ranking(&mut page, o);
    pareto(&mut page, o);
    page.h2("Candidates against the unchanged plan");
    let rows: Vec<PairedRow> = o.candidates.iter().flat_map(candidate_rows).collect();
    paired(&mut page, &rows, "candidate", "the unchanged plan");
    if o.candidates.iter().any(|c| !c.breakdown.reps.is_empty()) {
        page.h2("Winners and losers per rep and segment");
        for c in &o.candidates {
            super::comparisons::winners_and_losers(
                &mut page,
                &name_of(c),
                &c.breakdown,
                "the unchanged plan",
            );
        }
    }
    moved(&mut page, o, files, market);
    maps(&mut page, o, files, market);
    page.assumptions(&o.assumptions);
    page.finish(&format!("{}: optimize report", o.scenario))
}

fn unchanged(page: &mut Page, o: &OptimizeOutcome) {
    let figure = |k: &str| o.unchanged.get(k).map_or("n/a".into(), |&v| num(v, headline_unit(k)));
    page.cards(&[
        ("unchanged plan: team bookings".into(), figure("team_bookings")),
        ("unchanged plan: attainment variance".into(), figure("attainment_variance")),
        ("unchanged plan: coverage rate".into(), figure("coverage_rate")),
        (
            "unchanged plan: reps outside the potential / workload band".into(),
            format!(
                "{} / {}",
                o.unchanged_balance.outside_potential_band, o.unchanged_balance.outside_workload_band
            ),
        ),
    ]);
}

fn name_of(c: &RankedCandidate) -> String {
    if c.complete { c.name.clone() } else { format!("{} (partial)", c.name) }
}

fn ranking(page: &mut Page, o: &OptimizeOutcome) {
    page.h2("Ranking");
    let order = match o.rank_by.as_deref() {
        Some("bookings") => "Ranked by team bookings, higher first",
        Some("p_team_ge_plan") => "Ranked by P(team ≥ plan), then team bookings, higher first",
        _ => {
            "Ranked by Pareto front over (attainment variance, coverage rate, share of accounts moved), then by attainment variance"
        }
    };
    page.p(&format!("{order}; a candidate no better than the unchanged plan (no figure that ranks has its 95% interval wholly on the better side of zero) is marked so and ranks after those that are. Differences are against the unchanged plan on the same futures, with their 95% intervals. Variance: expected attainment variance across reps; coverage: coverage rate of target accounts; bookings: team bookings; out of band p/w: reps outside the potential and workload bands; (partial): the continuity budget stopped the redesign part way."));
    let mut t = Table::new(
        &[
            "rank",
            "candidate",
            "Pareto",
            "moved",
            "variance",
            "Δ variance [95% interval]",
            "coverage",
            "Δ coverage [95% interval]",
            "bookings",
            "Δ bookings [95% interval]",
            "Δ P(team ≥ plan) [95% interval]",
            "out of band p/w",
            "against the current plan",
        ],
        2,
    );
    for c in &o.candidates {
        let figure = |k: &str| c.metrics.get(k).map_or("n/a".into(), |m| num(m.value, headline_unit(k)));
        let delta = |k: &str| {
            let unit = difference_unit(headline_unit(k));
            c.metrics.get(k).map_or("n/a".into(), |m| {
                // The unit once, after the mean: `+11.2 pts [+11.1, +11.3]`.
                let bare = |x: f64| signed(x, unit).trim_end_matches(" pts").to_string();
                format!("{} [{}, {}]", signed(m.difference, unit), bare(m.ci[0]), bare(m.ci[1]))
            })
        };
        t.row(vec![
            c.rank.to_string().into(),
            name_of(c).into(),
            c.pareto_rank.to_string().into(),
            format!("{} ({})", num(c.moved_accounts as f64, Unit::Count), num(c.moved_share, Unit::Share))
                .into(),
            figure("attainment_variance").into(),
            delta("attainment_variance").into(),
            figure("coverage_rate").into(),
            delta("coverage_rate").into(),
            figure("team_bookings").into(),
            delta("team_bookings").into(),
            delta("p_team_ge_plan").into(),
            format!("{} / {}", c.balance.outside_potential_band, c.balance.outside_workload_band).into(),
            if c.no_better_than_current { "no better than the current plan" } else { "better" }.into(),
        ]);
    }
    page.table(&t);
}

fn pareto(page: &mut Page, o: &OptimizeOutcome) {
    page.h2("Pareto view: attainment variance × coverage");
    let value = |c: &RankedCandidate, k: &str| c.metrics.get(k).map(|m| m.value);
    let mut points: Vec<Point> = o
        .candidates
        .iter()
        .filter_map(|c| {
            let (x, y) = (value(c, "attainment_variance")?, value(c, "coverage_rate")?);
            Some(Point {
                label: name_of(c),
                x,
                y,
                radius: 4.0 + 14.0 * c.moved_share.clamp(0.0, 1.0).sqrt(),
                class: if c.pareto_rank == 1 { "front" } else { "dominated" },
                title: format!(
                    "{} (rank {}, Pareto rank {}): attainment variance {}, coverage {}, {} of accounts moved",
                    name_of(c),
                    c.rank,
                    c.pareto_rank,
                    num(x, Unit::Plain),
                    num(y, Unit::Share),
                    num(c.moved_share, Unit::Share)
                ),
            })
        })
        .collect();
    if let (Some(&x), Some(&y)) = (o.unchanged.get("attainment_variance"), o.unchanged.get("coverage_rate")) {
        points.push(Point {
            label: "unchanged plan".into(),
            x,
            y,
            radius: 5.0,
            class: "reference",
            title: format!(
                "unchanged plan: attainment variance {}, coverage {}",
                num(x, Unit::Plain),
                num(y, Unit::Share)
            ),
        });
    }
    page.p("Lower attainment variance (fairer books) is to the left, higher coverage of target accounts is up; a circle's area grows with the share of accounts the candidate moves. Blue: the Pareto front (not dominated on variance, coverage and share moved); grey: dominated; the hollow circle is the unchanged plan.");
    page.raw(&scatter(
        &points,
        Unit::Plain,
        Unit::Share,
        ("expected attainment variance (lower is fairer)", "coverage rate of target accounts"),
        "candidates by attainment variance and coverage, sized by share moved",
    ));
}

fn candidate_rows(c: &RankedCandidate) -> impl Iterator<Item = PairedRow> + '_ {
    HEADLINES.iter().filter_map(move |&k| {
        c.metrics.get(k).map(|m| PairedRow {
            name: name_of(c),
            metric: k.to_string(),
            baseline: None,
            value: m.value,
            difference: m.difference,
            se: None,
            ci: m.ci,
        })
    })
}

fn moved(
    page: &mut Page,
    o: &OptimizeOutcome,
    files: &BTreeMap<String, CandidateFiles>,
    market: Option<&MarketView>,
) {
    page.h2("Accounts moved");
    match market {
        Some(_) => page.p(&format!("Per candidate, from its diff.csv, the moves of most potential first (at most {MOVES_SHOWN}; the full list, in a shape a CRM bulk update takes, is the candidate's diff.csv).")),
        None => {
            page.p(&format!("Per candidate, from its diff.csv (at most {MOVES_SHOWN}; the full list is the candidate's diff.csv)."));
            without_scenario(page, "account names or potential beside the moves");
        }
    }
    let accounts = market.map(MarketView::account_index).unwrap_or_default();
    let rep_names: BTreeMap<&str, &str> = market
        .map(|m| m.reps.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect())
        .unwrap_or_default();
    let rep = |id: &str| match (id.is_empty(), rep_names.get(id)) {
        (true, _) => "unowned".to_string(),
        (false, Some(name)) => format!("{id} {name}"),
        (false, None) => id.to_string(),
    };
    for (k, c) in o.candidates.iter().enumerate() {
        let Some(f) = files.get(&c.name) else { continue };
        let mut moves: Vec<&Move> = f.moves.iter().collect();
        let potential = |m: &Move| {
            let i = accounts.get(m.account.as_str())?;
            market.map(|mk| mk.accounts[*i].potential)
        };
        moves.sort_by(|a, b| potential(b).unwrap_or(0.0).total_cmp(&potential(a).unwrap_or(0.0)));
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &f.moves {
            *reasons.entry(m.reason.as_str()).or_default() += 1;
        }
        let reasons: Vec<String> =
            reasons.iter().map(|(r, n)| format!("{r} {}", num(*n as f64, Unit::Count))).collect();
        page.raw(if k == 0 { "<details open><summary>" } else { "<details><summary>" });
        page.raw(&super::format::escape(&format!(
            "{}: {} accounts moved ({})",
            name_of(c),
            num(f.moves.len() as f64, Unit::Count),
            if reasons.is_empty() { "none".to_string() } else { reasons.join(", ") }
        )));
        page.raw("</summary>");
        let mut t =
            Table::new(&["account", "name", "segment", "potential", "old owner", "new owner", "reason"], 3)
                .scrolling();
        for m in moves.iter().take(MOVES_SHOWN) {
            let acc = accounts.get(m.account.as_str()).and_then(|&i| market.map(|mk| &mk.accounts[i]));
            t.row(vec![
                m.account.as_str().into(),
                acc.map_or("", |a| a.name.as_str()).into(),
                acc.map_or("", |a| a.segment.as_str()).into(),
                acc.map_or(String::new(), |a| num(a.potential, Unit::Money)).into(),
                rep(&m.old_owner).into(),
                rep(&m.new_owner).into(),
                m.reason.as_str().into(),
            ]);
        }
        if !t.is_empty() {
            page.table(&t);
        }
        if moves.len() > MOVES_SHOWN {
            page.note(&format!(
                "Showing {MOVES_SHOWN} of {}; all are in {}/diff.csv.",
                num(moves.len() as f64, Unit::Count),
                c.name
            ));
        }
        page.raw("</details>");
    }
}

fn maps(
    page: &mut Page,
    o: &OptimizeOutcome,
    files: &BTreeMap<String, CandidateFiles>,
    market: Option<&MarketView>,
) {
    page.h2("Maps of books");
    let Some(m) = market else {
        without_scenario(page, "the maps");
        return;
    };
    current_map(page, m);
    let Some(best) = o.candidates.first() else { return };
    let reps = m.rep_index();
    let owners = |plan: &BTreeMap<String, String>| -> Vec<Option<usize>> {
        m.accounts.iter().map(|a| plan.get(&a.id).and_then(|id| reps.get(id.as_str()).copied())).collect()
    };
    match files.get(&best.name).and_then(|f| f.plan.as_ref()) {
        Some(plan) => {
            page.h3(&format!("The best-ranked candidate: {}", name_of(best)));
            page.p("Accounts coloured by their owner in this candidate's plan (the same colour per rep as above).");
            plan_map(page, m, &owners(plan), &format!("candidate {}", best.name));
        }
        None => page.note(&format!(
            "The best candidate's plan ({}/plan.csv) was not read, so its map is not drawn.",
            best.name
        )),
    }
    for c in o.candidates.iter().filter(|c| c.county_units()) {
        page.h3(&format!("Territories by county: {}", name_of(c)));
        let Some(plan) = files.get(&c.name).and_then(|f| f.plan.as_ref()) else {
            page.note(&format!(
                "The plan of {} ({}/plan.csv) was not read, so its territories are not drawn.",
                name_of(c),
                c.name
            ));
            continue;
        };
        page.p("This candidate's territories are made of US counties: each county that holds accounts is filled in the colour of the owner who holds most of its accounts' potential in this candidate's plan (the same colour per rep as the maps above); hover a county for its owner, accounts and potential. The legend counts the counties each rep holds.");
        county_map_of(page, m, &owners(plan), &format!("candidate {}", c.name));
    }
}

/// The county fills of a plan (`owners` per account of the market view).
fn county_map_of(page: &mut Page, m: &MarketView, owners: &[Option<usize>], label: &str) {
    let mut unplaced = 0;
    let mut accounts = Vec::new();
    for (acc, owner) in m.accounts.iter().zip(owners) {
        match acc.county_fips.as_deref() {
            Some(fips) if acc.in_us && !fips.is_empty() => accounts.push((fips, *owner, acc.potential)),
            _ => unplaced += 1,
        }
    }
    let fills = county_fills(accounts);
    let mut counties = vec![0usize; m.reps.len()];
    let mut unowned = 0;
    for f in &fills {
        match f.owner {
            Some(k) => counties[k] += 1,
            None => unowned += 1,
        }
    }
    let legend = Legend {
        owners: m
            .reps
            .iter()
            .enumerate()
            .filter(|(k, _)| counties[*k] > 0)
            .map(|(k, (id, name))| (k, format!("{id} {name}"), counties[k]))
            .collect(),
        unowned,
    };
    let owner_text = |owner: Option<usize>| {
        owner.map_or_else(|| "unowned".to_string(), |k| format!("{} {}", m.reps[k].0, m.reps[k].1))
    };
    page.raw(&county_map(&fills, &legend, unplaced, label, |f| {
        format!(
            "county {}: {} holds {} of {} potential in {} accounts",
            f.fips,
            owner_text(f.owner),
            num(f.share, Unit::Share),
            num(f.potential, Unit::Money),
            num(f.accounts as f64, Unit::Count)
        )
    }));
}
