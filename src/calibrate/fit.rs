//! Fitting the model's parameters to opportunity history.
//!
//! Per node of the calibration hierarchy (size band, then segment path):
//! - **win rate**: a Beta posterior. A closed deal's win probability in the model is the segment rate ×
//!   the account's competitive factor × the vertical lift (expert owner) × the owner's skill, so each deal
//!   counts as that many "trials" of the segment rate; the prior is the parent's posterior mean with
//!   [`WIN_PRIOR_DEALS`] deals of weight, which is how thin segments borrow strength.
//! - **opportunity rate**: the monthly probability that a covered, neutral-score account opens an
//!   opportunity. History does not say which accounts were worked, so the months each account spent in the
//!   demand pool are split into covered and uncovered shares by running the model itself on the plan; the
//!   inbound rate of uncovered months is taken as given. Gamma posterior, prior from the parent.
//! - **deal size**: lognormal amount ÷ the account's potential; its sigma, and the deal size where the
//!   potential comes from it (accounts without a CRM whitespace value).
//! - **cycle**: lognormal in months, fitted by maximum likelihood to the whole-month gaps between created
//!   and close months (the model books a deal of cycle `L` `max(1, round(L))` months after it opened),
//!   with deals still open at the end of the history as censored observations.
//!
//! Rep skills: a Gamma prior of mean 1, updated by each rep's wins against the wins the segment rates predict
//! for its deals; the prior's spread and the error of each team's segment rate are integrated over (see
//! `super::skills`). A rep with a handful of closed deals stays near 1; one with hundreds moves toward its
//! own record.

use std::collections::BTreeMap;

use statrs::distribution::{Beta, ChiSquared, ContinuousCDF, Gamma};

use crate::market::{Assumption, Market, SizeBand};
use crate::scenario::{
    AccountParams, ParamOverride, ParamsFile, Scenario, SegmentParams, account_params, compile,
};
use crate::sim::inverse_normal_cdf;

use super::history::{History, Outcome, month_of};
use super::segments::Segments;
use super::skills::{Record, fit_skills};
use super::synth::{run_logged, steady_state};

/// Weight, in closed deals, of the parent's win rate in a segment's prior.
pub const WIN_PRIOR_DEALS: f64 = 20.0;
/// Weight, in opportunities, of the parent's opportunity rate in a segment's prior.
pub const OPP_PRIOR_OPPS: f64 = 5.0;
/// Weight, in deals, of the parent's deal-size and cycle fits in a segment's.
pub const SHAPE_PRIOR_DEALS: f64 = 10.0;
/// Segments with fewer closed deals are flagged as thin.
pub const THIN_DEALS: usize = 30;
/// Trials of the plan simulated to learn each account's covered share of its time in the pool.
const COVERAGE_TRIALS: u64 = 16;
/// Probability of the reported intervals.
pub const INTERVAL: f64 = 0.90;

/// A posterior mean and its central 90% interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Interval {
    /// Posterior mean (or point estimate).
    pub mean: f64,
    /// 5th percentile.
    pub lo: f64,
    /// 95th percentile.
    pub hi: f64,
}

impl Interval {
    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// What calibration found for one node of the hierarchy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SegmentFit {
    /// Parameter key (`MM`, `AMER/MM`).
    pub key: String,
    /// Parent key (empty for bands).
    pub parent: String,
    /// Opportunities of the segment's accounts.
    pub opportunities: usize,
    /// Closed deals.
    pub closed: usize,
    /// Won deals.
    pub wins: usize,
    /// Account-months in the demand pool.
    pub pool_months: f64,
    /// Win rate (segment base, before skill, lift and competition): Beta posterior.
    pub win_rate: Interval,
    /// Beta α written to the params file.
    pub win_rate_alpha: f64,
    /// Beta β written to the params file.
    pub win_rate_beta: f64,
    /// Monthly opportunity probability of a covered neutral account.
    pub opp_rate: Interval,
    /// Deals with an amount.
    pub sized: usize,
    /// Mean amount ÷ potential (1 when the potentials are right).
    pub amount_to_potential: Interval,
    /// Lognormal sigma of deal value.
    pub deal_sigma: Interval,
    /// Deal size written for accounts whose potential comes from it, when the segment has any.
    pub deal_size: Option<f64>,
    /// Median cycle in months.
    pub cycle_median: Interval,
    /// Lognormal sigma of the cycle.
    pub cycle_sigma: Interval,
    /// Fewer than [`THIN_DEALS`] closed deals: the fit leans on the parent.
    pub thin: bool,
    /// With no closed deal at all, the win rate is the nearest ancestor's that has some: its key (empty for
    /// the whole market). `None` when the segment has closed deals of its own.
    pub win_rate_borrowed_from: Option<String>,
}

/// What calibration found for one rep.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RepFit {
    /// Rep id.
    pub id: String,
    /// Closed deals owned.
    pub closed: usize,
    /// Wins.
    pub wins: usize,
    /// Wins the segment rates predict at skill 1.
    pub expected_wins: f64,
    /// Skill multiplier: Gamma posterior.
    pub skill: Interval,
    /// Weight of the rep's own record in the posterior mean (the rest is the prior mean 1).
    pub own_weight: f64,
    /// Skill in the reps file, for comparison.
    pub file_skill: f64,
}

/// Standard error, on the log scale, of the cycle's median and sigma where the history cannot bound them:
/// the widest the fit reports.
const LOG_PRIOR_SE: f64 = 1.0;

/// Diagnostics of a calibration.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diagnostics {
    /// First month of the history, `YYYY-MM`.
    pub first_month: String,
    /// Last month of the history, `YYYY-MM`.
    pub last_month: String,
    /// Usable opportunities.
    pub opportunities: usize,
    /// Rows rejected, by reason: (count, first lines).
    pub rejected: BTreeMap<String, (usize, Vec<u64>)>,
    /// Opportunities whose owner is not in the reps file.
    pub unknown_owner: usize,
    /// Per segment, bands first.
    pub segments: Vec<SegmentFit>,
    /// Per rep with closed deals.
    pub reps: Vec<RepFit>,
    /// Spread (standard deviation) of skill across reps: its posterior mean.
    pub skill_sd: f64,
    /// What the calibration rests on that is not in the history: the market's declared defaults, what
    /// reading the history decided, and segments whose win rate is borrowed from an ancestor.
    pub assumptions: Vec<Assumption>,
}

/// The result of `calibrate`: a params file a scenario includes, and the diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Per-segment parameters and rep skills.
    pub params: ParamsFile,
    /// Sample sizes, posterior means and intervals, thin-data flags.
    pub diagnostics: Diagnostics,
}

/// A history that cannot be calibrated from. The message says what the history lacks and how to fix it; the
/// caller names the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    /// No opportunity is closed, so no win rate can be learnt (every segment would sit at the prior's 50%).
    #[error(
        "the history has {opportunities} usable opportunities but no closed deal (won or lost), so no win rate \
         can be learnt from it; export closed opportunities too (Salesforce IsClosed/IsWon, HubSpot \
         hs_is_closed_won), or map the stages that mean won and lost under [data.stages]"
    )]
    NoClosedDeals {
        /// Usable opportunities in the history.
        opportunities: usize,
    },
    /// Opportunities created or closed after the date the scenario starts from.
    #[error(
        "{count} opportunities are dated after the scenario's as_of {as_of} (first: {first}), but the history is \
         what happened before the plan starts; set as_of to the export's date, or leave the later rows out"
    )]
    AfterAsOf {
        /// The scenario's `as_of`.
        as_of: String,
        /// Opportunities created or closed after it.
        count: usize,
        /// The first of them: its id and the date.
        first: String,
    },
}

/// Fits the parameters of `scenario`'s model on `market` to `history`, over the months it spans. Refuses a
/// history with no closed deal, or with deals dated after the scenario's `as_of`.
pub fn calibrate(
    history: &History,
    market: &Market,
    scenario: &Scenario,
) -> Result<Calibration, CalibrateError> {
    check_history(history, scenario)?;
    let (first, last) = history.month_span().unwrap_or((0, 0));
    Ok(calibrate_window(history, market, scenario, first, last))
}

fn check_history(history: &History, scenario: &Scenario) -> Result<(), CalibrateError> {
    if history.opportunities.iter().all(|o| o.outcome == Outcome::Open) {
        return Err(CalibrateError::NoClosedDeals { opportunities: history.opportunities.len() });
    }
    let Some((as_of, day)) =
        scenario.as_of.as_ref().and_then(|d| crate::market::parse_iso_date(d).map(|day| (d, day)))
    else {
        return Ok(());
    };
    // An open deal's close date is the CRM's expected close: only created dates and real closes count.
    let late = |o: &&super::history::Opportunity| o.created > day || o.closed.is_some_and(|c| c > day);
    let count = history.opportunities.iter().filter(late).count();
    match history.opportunities.iter().find(late) {
        None => Ok(()),
        Some(o) => {
            let (what, when) =
                if o.created > day { ("created", o.created) } else { ("closed", o.closed.unwrap_or(day)) };
            let (y, m, d) = crate::market::civil_from_days(when);
            Err(CalibrateError::AfterAsOf {
                as_of: as_of.clone(),
                count,
                first: format!("{} {what} {y:04}-{m:02}-{d:02}", o.id),
            })
        }
    }
}

impl Calibration {
    /// What the calibration rests on that is not in the history (see [`Diagnostics::assumptions`]).
    pub fn assumptions(&self) -> &[Assumption] {
        &self.diagnostics.assumptions
    }
}

/// Segments whose win rate is borrowed from an ancestor because they have no closed deal.
fn borrowed_win_rates(segments: &[SegmentFit]) -> impl Iterator<Item = Assumption> + '_ {
    segments.iter().filter_map(|s| {
        let from = s.win_rate_borrowed_from.as_ref()?;
        let whose = if from.is_empty() { "the whole market's".to_string() } else { format!("{from}'s") };
        // With no closed deal the posterior is the prior: its mean is the ancestor's rate exactly.
        let rate = s.win_rate.mean;
        Some(Assumption::new(
            "win_rate_borrowed",
            format!("segment {}", s.key),
            format!(
                "no closed deal in the history, so its win rate is {whose} ({:.1}%), not its own; add the \
                 segment's closed opportunities to the history, or set win_rate_alpha and win_rate_beta under \
                 [params.\"{}\"]",
                rate * 100.0,
                s.key
            ),
        ))
    })
}

/// Fits over months `first..=last` (numbered as by [`month_of`]): opportunities still open at the end of
/// `last` count as censored.
pub fn calibrate_window(
    history: &History,
    market: &Market,
    scenario: &Scenario,
    first: i64,
    last: i64,
) -> Calibration {
    let segs = Segments::new(scenario, market);
    let pool = pool_months(history, market, first, last);
    // Two passes: the covered shares depend on the opportunity rates and cycles (open deals take hours).
    let months = (last - first + 1).clamp(1, 120) as u32;
    let shares = covered_shares(scenario, market, months);
    let mut fits = fit_segments(history, market, scenario, &segs, &pool, &shares, last);
    let calibrated = with_params(scenario, &fits.0, &BTreeMap::new());
    let shares = covered_shares(&calibrated, market, months);
    fits = fit_segments(history, market, scenario, &segs, &pool, &shares, last);
    let (segments, reps, skill_sd) = fits;
    let mut params = ParamsFile::default();
    for s in &segments {
        params.params.insert(
            s.key.clone(),
            ParamOverride {
                win_rate_alpha: Some(round_sig(s.win_rate_alpha)),
                win_rate_beta: Some(round_sig(s.win_rate_beta)),
                opp_rate: Some(round_sig(s.opp_rate.mean)),
                deal_size_sigma: Some(round_sig(s.deal_sigma.mean)),
                deal_size: s.deal_size.map(round_sig),
                cycle_months_median: Some(round_sig(s.cycle_median.mean)),
                cycle_sigma: Some(round_sig(s.cycle_sigma.mean)),
                ..Default::default()
            },
        );
    }
    for r in &reps {
        params.skills.insert(r.id.clone(), round_sig(r.skill.mean));
    }
    let month = |m: i64| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    Calibration {
        params,
        diagnostics: Diagnostics {
            first_month: month(first),
            last_month: month(last),
            opportunities: history.opportunities.len(),
            rejected: history.rejected.by_reason.clone(),
            unknown_owner: history.unknown_owner,
            assumptions: market
                .assumptions()
                .iter()
                .chain(&history.notes)
                .cloned()
                .chain(borrowed_win_rates(&segments))
                .collect(),
            segments,
            reps,
            skill_sd,
        },
    }
}

/// `scenario` with `fitted` parameters under its own (the scenario's keys win) and `skills`, as a scenario
/// that includes the params file would read.
pub fn with_params(scenario: &Scenario, fitted: &[SegmentFit], skills: &BTreeMap<String, f64>) -> Scenario {
    let mut s = scenario.clone();
    let mut file = ParamsFile::default();
    for f in fitted {
        file.params.insert(
            f.key.clone(),
            ParamOverride {
                win_rate_alpha: Some(f.win_rate_alpha),
                win_rate_beta: Some(f.win_rate_beta),
                opp_rate: Some(f.opp_rate.mean),
                deal_size_sigma: Some(f.deal_sigma.mean),
                deal_size: f.deal_size,
                cycle_months_median: Some(f.cycle_median.mean),
                cycle_sigma: Some(f.cycle_sigma.mean),
                ..Default::default()
            },
        );
    }
    s.merge_included(file.params);
    s.merge_included_skills(skills.clone());
    s
}

/// Four significant digits keep the params file readable without moving any estimate outside its interval.
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Each account's months in the demand pool over `first..=last`, and the opportunities it opened from it.
struct Pool {
    months: Vec<f64>,
    opened: Vec<f64>,
}

fn pool_months(history: &History, market: &Market, first: i64, last: i64) -> Pool {
    let n = market.accounts().len();
    let mut by_account: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, o) in history.opportunities.iter().enumerate() {
        by_account[o.account].push(i);
    }
    let mut months = vec![0.0; n];
    let mut opened = vec![0.0; n];
    for a in 0..n {
        let opps = &mut by_account[a];
        opps.sort_by_key(|&i| history.opportunities[i].created);
        let won = opps.iter().any(|&i| history.opportunities[i].outcome == Outcome::Won);
        // A customer with no win in the history was one before it: never in the new-business pool.
        if market.accounts()[a].is_customer && !won {
            continue;
        }
        // In the model an account is in the pool from the start, opens in some month (which counts), is out
        // while the deal is open, and is back in the month a loss is booked.
        let mut from = Some(first);
        for &i in opps.iter() {
            let o = &history.opportunities[i];
            let created = month_of(o.created);
            let Some(t) = from else { break };
            if created < first || created > last {
                continue;
            }
            months[a] += (created - t + 1).max(0) as f64;
            opened[a] += 1.0;
            from = match (o.outcome, o.closed) {
                (Outcome::Lost, Some(c)) if month_of(c) <= last => Some(month_of(c).max(created)),
                _ => None,
            };
        }
        if let Some(t) = from {
            months[a] += (last - t + 1).max(0) as f64;
        }
    }
    Pool { months, opened }
}

/// Each account's share of pool months that the model covers under `scenario` over a history of `months`
/// months (market index). The simulation starts, as the model does, with no pipeline; over a window of the
/// history's own length the opportunity hours that crowd out prospecting build up as they did in it.
fn covered_shares(scenario: &Scenario, market: &Market, months: u32) -> Vec<f64> {
    let (s, m) = steady_state(scenario, market, months);
    let Ok(model) = compile(&s, &m, m.plan(), None) else {
        return vec![1.0; market.accounts().len()];
    };
    let per_trial =
        run_logged(&model, COVERAGE_TRIALS, &|_, log| (log.pool_covered.clone(), log.pool_uncovered.clone()));
    let n = market.accounts().len();
    let (mut cov, mut unc) = (vec![0.0; n], vec![0.0; n]);
    for (c, u) in &per_trial {
        for a in 0..n {
            cov[a] += f64::from(c[a]);
            unc[a] += f64::from(u[a]);
        }
    }
    (0..n).map(|a| if cov[a] + unc[a] > 0.0 { cov[a] / (cov[a] + unc[a]) } else { 0.0 }).collect()
}

#[derive(Default, Clone)]
struct Sums {
    opportunities: usize,
    closed: usize,
    wins: f64,
    /// Σ over closed deals of the deal's multiplier on the segment rate (competition × lift × skill).
    trials: f64,
    pool_months: f64,
    opened: f64,
    /// Σ pool months × covered share × score ÷ 3.
    covered_exposure: f64,
    /// Σ pool months × uncovered share × inbound rate.
    inbound_expected: f64,
    log_ratio: Vec<f64>,
    log_ratio_own_deal: Vec<f64>,
    /// Whole-month gaps of closed deals, and ages of deals open at the end.
    gaps: BTreeMap<i64, f64>,
    censored: BTreeMap<i64, f64>,
}

type Fits = (Vec<SegmentFit>, Vec<RepFit>, f64);

fn fit_segments(
    history: &History,
    market: &Market,
    scenario: &Scenario,
    segs: &Segments,
    pool: &Pool,
    covered: &[f64],
    last: i64,
) -> Fits {
    let params = account_params(scenario, market);
    let accounts = market.accounts();
    let reps = market.reps();
    // Each closed deal's multiplier on the segment rate, before skill.
    let deal_factor = |i: usize| {
        let o = &history.opportunities[i];
        let a = o.account;
        let p = &params[a].0;
        let difficulty = f64::from(accounts[a].score_inputs.competitive_difficulty);
        let mut f = 1.0 + p.competitive_strength * (3.0 - difficulty) / 2.0;
        if let Some(r) = o.owner
            && reps[r].expert_verticals.iter().any(|v| v.eq_ignore_ascii_case(&accounts[a].vertical))
        {
            f *= p.vertical_lift;
        }
        f
    };
    let closed: Vec<usize> = (0..history.opportunities.len())
        .filter(|&i| history.opportunities[i].outcome != Outcome::Open)
        .collect();
    let factors: Vec<f64> = (0..history.opportunities.len()).map(deal_factor).collect();

    let mut skill = vec![1.0; reps.len()];
    let mut fits = Vec::new();
    let (mut records, mut count, mut posteriors, mut skill_sd) = (Vec::new(), Vec::new(), Vec::new(), 0.0);
    for _round in 0..3 {
        let mut sums = vec![Sums::default(); segs.nodes.len()];
        for a in 0..accounts.len() {
            let score = accounts[a].score / 3.0;
            for n in segs.chain(a) {
                let s = &mut sums[n];
                s.pool_months += pool.months[a];
                s.opened += pool.opened[a];
                s.covered_exposure += pool.months[a] * covered[a] * score;
                s.inbound_expected += pool.months[a] * (1.0 - covered[a]) * params[a].0.inbound_rate;
            }
        }
        for o in &history.opportunities {
            let a = o.account;
            let created = month_of(o.created);
            for n in segs.chain(a) {
                let s = &mut sums[n];
                s.opportunities += 1;
                if let Some(amount) = o.amount.filter(|&x| x > 0.0) {
                    let potential = accounts[a].potential.get();
                    if potential > 0.0 {
                        let l = (amount / potential).ln();
                        s.log_ratio.push(l);
                        if accounts[a].whitespace_value.is_none() {
                            s.log_ratio_own_deal.push(l);
                        }
                    }
                }
                match o.closed {
                    Some(c) if o.outcome != Outcome::Open => {
                        *s.gaps.entry(month_of(c) - created).or_default() += 1.0;
                    }
                    _ => *s.censored.entry(last - created).or_default() += 1.0,
                }
            }
        }
        for &i in &closed {
            let o = &history.opportunities[i];
            let k = o.owner.map_or(1.0, |r| skill[r]);
            for n in segs.chain(o.account) {
                let s = &mut sums[n];
                s.closed += 1;
                s.trials += factors[i] * k;
                if o.outcome == Outcome::Won {
                    s.wins += 1.0;
                }
            }
        }
        fits = fit_nodes(segs, &sums, &params);

        // Skills against the segment rates just fitted.
        let rate: Vec<f64> = segs.leaf.iter().map(|&n| fits[n].win_rate.mean).collect();
        records = vec![Record { wins: 0.0, expected: 0.0, home: 0 }; reps.len()];
        count = vec![0usize; reps.len()];
        let mut expected_by_leaf = vec![vec![0.0; segs.nodes.len()]; reps.len()];
        for &i in &closed {
            let o = &history.opportunities[i];
            if let Some(r) = o.owner {
                count[r] += 1;
                let e = rate[o.account] * factors[i];
                records[r].expected += e;
                expected_by_leaf[r][segs.leaf[o.account]] += e;
                if o.outcome == Outcome::Won {
                    records[r].wins += 1.0;
                }
            }
        }
        for (record, by_leaf) in records.iter_mut().zip(&expected_by_leaf) {
            record.home =
                (0..by_leaf.len()).fold(0, |best, n| if by_leaf[n] > by_leaf[best] { n } else { best });
        }
        (posteriors, skill_sd) = fit_skills(&records);
        for (k, p) in skill.iter_mut().zip(&posteriors) {
            *k = p.mean();
        }
        // Skills are relative: keep their deal-weighted mean at 1 so that the segment rates carry the level.
        let total: f64 = records.iter().map(|r| r.expected).sum();
        let weighted: f64 = records.iter().zip(&skill).map(|(r, k)| r.expected * k).sum();
        if total > 0.0 && weighted > 0.0 {
            for k in &mut skill {
                *k *= total / weighted;
            }
        }
    }
    let rep_fits = (0..reps.len())
        .filter(|&r| count[r] > 0)
        .map(|r| RepFit {
            id: reps[r].id.to_string(),
            closed: count[r],
            wins: records[r].wins as usize,
            expected_wins: records[r].expected,
            skill: posteriors[r].interval(),
            own_weight: posteriors[r].own_weight(),
            file_skill: reps[r].skill,
        })
        .collect();
    (fits.into_iter().skip(1).collect(), rep_fits, skill_sd)
}

fn fit_nodes(segs: &Segments, sums: &[Sums], params: &AccountParams) -> Vec<SegmentFit> {
    let mut fits: Vec<SegmentFit> = Vec::with_capacity(segs.nodes.len());
    // Defaults of a node, for priors when even the root has no data: the first account's band.
    let any = params.iter().next().map_or_else(|| SegmentParams::default_for(SizeBand::Mm), |p| p.0);
    for (n, node) in segs.nodes.iter().enumerate() {
        let s = &sums[n];
        let parent = node.parent.map(|p| fits[p].clone());

        // Win rate: Beta(prior + wins, prior + effective losses).
        let (a0, b0) = match &parent {
            Some(p) => (WIN_PRIOR_DEALS * p.win_rate.mean, WIN_PRIOR_DEALS * (1.0 - p.win_rate.mean)),
            None => (0.5, 0.5),
        };
        let alpha = a0 + s.wins;
        let beta = b0 + (s.trials - s.wins).max(0.0);
        let win_rate = beta_interval(alpha, beta);

        // Opportunity rate: Gamma on the covered part of the opportunities.
        let own = (s.opened - s.inbound_expected).max(0.0);
        let (shape, rate) = match &parent {
            Some(p) if p.opp_rate.mean > 0.0 => {
                (OPP_PRIOR_OPPS + own, OPP_PRIOR_OPPS / p.opp_rate.mean + s.covered_exposure)
            }
            _ => (0.5 + own, s.covered_exposure.max(1e-9)),
        };
        let opp_rate = gamma_interval(shape, rate);
        let opp_rate =
            Interval { mean: opp_rate.mean.min(1.0), lo: opp_rate.lo.min(1.0), hi: opp_rate.hi.min(1.0) };

        // Deal size: lognormal amount ÷ potential.
        let (m, sd, k) = mean_sd(&s.log_ratio);
        let (m, sd) = match &parent {
            Some(p) => {
                let pm = p.amount_to_potential.mean.ln() - 0.5 * p.deal_sigma.mean.powi(2);
                let w = k as f64 / (k as f64 + SHAPE_PRIOR_DEALS);
                (w * m + (1.0 - w) * pm, w * sd + (1.0 - w) * p.deal_sigma.mean)
            }
            None if k == 0 => (-0.5 * any.deal_size_sigma.powi(2), any.deal_size_sigma),
            None => (m, sd),
        };
        let deal_sigma = sigma_interval(sd, k);
        let se = sd / (k.max(1) as f64).sqrt();
        let z = inverse_normal_cdf(0.5 + INTERVAL / 2.0);
        let amount_to_potential = Interval {
            mean: (m + 0.5 * sd * sd).exp(),
            lo: (m - z * se + 0.5 * sd * sd).exp(),
            hi: (m + z * se + 0.5 * sd * sd).exp(),
        };
        let deal_size = if s.log_ratio_own_deal.is_empty() || n == 0 {
            None
        } else {
            let (m_own, _, _) = mean_sd(&s.log_ratio_own_deal);
            let typical = typical_deal(segs, n, params);
            Some(typical * (m_own + 0.5 * sd * sd).exp())
        };

        // Cycle: interval-censored lognormal.
        let closed_n: f64 = s.gaps.values().sum();
        let fit = fit_cycle(&s.gaps, &s.censored);
        let (mu, ln_sigma, se_mu, se_ls) = match (&parent, fit) {
            (Some(p), Some(f)) => {
                let w = closed_n / (closed_n + SHAPE_PRIOR_DEALS);
                let (pmu, pls) = (p.cycle_median.mean.ln(), p.cycle_sigma.mean.ln());
                (w * f.0 + (1.0 - w) * pmu, w * f.1 + (1.0 - w) * pls, f.2, f.3)
            }
            (None, Some(f)) => f,
            (Some(p), None) => (
                p.cycle_median.mean.ln(),
                p.cycle_sigma.mean.ln(),
                (p.cycle_median.hi / p.cycle_median.mean).ln() / z,
                (p.cycle_sigma.hi / p.cycle_sigma.mean).ln() / z,
            ),
            (None, None) => {
                (any.cycle_months_median.ln(), any.cycle_sigma.max(1e-3).ln(), LOG_PRIOR_SE, LOG_PRIOR_SE)
            }
        };
        // A history too thin to bound the fit (a flat likelihood gives an enormous or infinite standard error)
        // is no more certain than the prior, whose standard error on the log scale is 1 (`min` also takes
        // the bound over a NaN).
        let (se_mu, se_ls) = (se_mu.min(LOG_PRIOR_SE), se_ls.min(LOG_PRIOR_SE));
        let cycle_median =
            Interval { mean: mu.exp(), lo: (mu - z * se_mu).exp(), hi: (mu + z * se_mu).exp() };
        let cycle_sigma = Interval {
            mean: ln_sigma.exp(),
            lo: (ln_sigma - z * se_ls).exp(),
            hi: (ln_sigma + z * se_ls).exp(),
        };

        fits.push(SegmentFit {
            key: node.key.clone(),
            parent: node.parent.map(|p| segs.nodes[p].key.clone()).unwrap_or_default(),
            opportunities: s.opportunities,
            closed: s.closed,
            wins: s.wins as usize,
            pool_months: s.pool_months,
            win_rate,
            win_rate_alpha: alpha,
            win_rate_beta: beta,
            opp_rate,
            sized: k,
            amount_to_potential,
            deal_sigma,
            deal_size,
            cycle_median,
            cycle_sigma,
            thin: s.closed < THIN_DEALS,
            win_rate_borrowed_from: borrowed_from(segs, &fits, n, s.closed),
        });
    }
    fits
}

/// The key of the nearest ancestor of node `n` with closed deals of its own, when `n` has none (empty for
/// the root, the whole market). The root itself borrows from nothing: `calibrate` refuses a history with no
/// closed deal at all.
fn borrowed_from(segs: &Segments, fits: &[SegmentFit], n: usize, closed: usize) -> Option<String> {
    if closed > 0 {
        return None;
    }
    let mut at = segs.nodes[n].parent?;
    loop {
        let parent = segs.nodes[at].parent;
        if fits[at].closed > 0 || parent.is_none() {
            return Some(segs.nodes[at].key.clone());
        }
        at = parent?;
    }
}

/// The deal size currently behind the potentials of node `n`'s accounts (their mean, by account).
fn typical_deal(segs: &Segments, n: usize, params: &AccountParams) -> f64 {
    let (sum, count) = (0..segs.leaf.len())
        .filter(|&a| segs.chain(a).any(|x| x == n))
        .fold((0.0, 0usize), |(s, c), a| (s + params[a].0.deal_size, c + 1));
    if count > 0 { sum / count as f64 } else { 0.0 }
}

fn mean_sd(x: &[f64]) -> (f64, f64, usize) {
    let n = x.len();
    if n == 0 {
        return (0.0, 0.0, 0);
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let var = if n > 1 { x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
    (mean, var.sqrt(), n)
}

fn beta_interval(alpha: f64, beta: f64) -> Interval {
    let mean = alpha / (alpha + beta);
    match Beta::new(alpha, beta) {
        Ok(b) => Interval {
            mean,
            lo: b.inverse_cdf((1.0 - INTERVAL) / 2.0),
            hi: b.inverse_cdf((1.0 + INTERVAL) / 2.0),
        },
        Err(_) => Interval { mean, lo: mean, hi: mean },
    }
}

fn gamma_interval(shape: f64, rate: f64) -> Interval {
    let mean = shape / rate;
    if shape >= 5.0 {
        // Wilson–Hilferty: accurate to a fraction of a percent from shape 5 on, where statrs' inverse CDF
        // fails to converge for large shapes.
        let z = inverse_normal_cdf((1.0 + INTERVAL) / 2.0);
        let c = 1.0 / (9.0 * shape);
        let q = |z: f64| mean * (1.0 - c + z * c.sqrt()).powi(3);
        return Interval { mean, lo: q(-z), hi: q(z) };
    }
    match Gamma::new(shape, rate) {
        Ok(g) => Interval {
            mean,
            lo: g.inverse_cdf((1.0 - INTERVAL) / 2.0),
            hi: g.inverse_cdf((1.0 + INTERVAL) / 2.0),
        },
        Err(_) => Interval { mean, lo: mean, hi: mean },
    }
}

/// The interval of a normal sigma estimated from `n` values (chi-square).
fn sigma_interval(sd: f64, n: usize) -> Interval {
    if n < 3 {
        return Interval { mean: sd, lo: 0.0, hi: sd * 3.0 + 0.5 };
    }
    let df = (n - 1) as f64;
    match ChiSquared::new(df) {
        Ok(c) => Interval {
            mean: sd,
            lo: sd * (df / c.inverse_cdf((1.0 + INTERVAL) / 2.0)).sqrt(),
            hi: sd * (df / c.inverse_cdf((1.0 - INTERVAL) / 2.0)).sqrt(),
        },
        Err(_) => Interval { mean: sd, lo: sd, hi: sd },
    }
}

fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// Log-likelihood of a lognormal cycle `(mu, ln sigma)` given whole-month gaps (`max(1, round(L))`, a gap of
/// 0 read as 1) and ages of deals still open (`round(L) > age`).
fn cycle_log_likelihood(
    gaps: &BTreeMap<i64, f64>,
    censored: &BTreeMap<i64, f64>,
    mu: f64,
    ln_sigma: f64,
) -> f64 {
    let sigma = ln_sigma.exp();
    let cdf = |x: f64| if x <= 0.0 { 0.0 } else { normal_cdf((x.ln() - mu) / sigma) };
    let mut ll = 0.0;
    for (&k, &count) in gaps {
        let p = if k <= 1 { cdf(1.5) } else { cdf(k as f64 + 0.5) - cdf(k as f64 - 0.5) };
        ll += count * p.max(1e-300).ln();
    }
    for (&age, &count) in censored {
        if age >= 1 {
            ll += count * (1.0 - cdf(age as f64 + 0.5)).max(1e-300).ln();
        }
    }
    ll
}

/// Maximum-likelihood `(mu, ln sigma)` of the cycle with standard errors from the observed information,
/// or `None` without closed deals.
fn fit_cycle(gaps: &BTreeMap<i64, f64>, censored: &BTreeMap<i64, f64>) -> Option<(f64, f64, f64, f64)> {
    let n: f64 = gaps.values().sum();
    if n < 1.0 {
        return None;
    }
    let ll = |x: [f64; 2]| cycle_log_likelihood(gaps, censored, x[0], x[1]);
    let mean_log = gaps.iter().map(|(&k, &c)| c * (k.max(1) as f64).ln()).sum::<f64>() / n;
    // Pattern search: robust on a likelihood of a few distinct gaps, and exact enough after 60 halvings.
    let mut x = [mean_log, 0.5f64.ln()];
    let mut best = ll(x);
    let mut step = 0.5;
    for _ in 0..400 {
        let mut moved = false;
        for (dx, dy) in [
            (1.0, 0.0),
            (-1.0, 0.0),
            (0.0, 1.0),
            (0.0, -1.0),
            (1.0, 1.0),
            (-1.0, -1.0),
            (1.0, -1.0),
            (-1.0, 1.0),
        ] {
            let y = [x[0] + dx * step, (x[1] + dy * step).clamp(-6.0, 2.0)];
            let v = ll(y);
            if v > best {
                best = v;
                x = y;
                moved = true;
            }
        }
        if !moved {
            step *= 0.5;
            if step < 1e-7 {
                break;
            }
        }
    }
    // Observed information by central differences.
    let h = 1e-3;
    let d2 = |i: usize, j: usize| {
        let at = |a: f64, b: f64| {
            let mut y = x;
            y[i] += a;
            y[j] += b;
            ll(y)
        };
        (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4.0 * h * h)
    };
    let (a, b, c) = (-d2(0, 0), -d2(0, 1), -d2(1, 1));
    let det = a * c - b * b;
    let (se_mu, se_ls) =
        if det > 0.0 && a > 0.0 && c > 0.0 { ((c / det).sqrt(), (a / det).sqrt()) } else { (1.0, 1.0) };
    Some((x[0], x[1], se_mu, se_ls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycle_fit_recovers_a_rounded_lognormal() {
        // Gaps of max(1, round(L)) with L lognormal (median 3, sigma 0.5), exact expected counts.
        let (mu, sigma) = (3f64.ln(), 0.5);
        let cdf = |x: f64| normal_cdf((x.ln() - mu) / sigma);
        let mut gaps = BTreeMap::new();
        gaps.insert(1, 10_000.0 * cdf(1.5));
        for k in 2..40 {
            gaps.insert(k, 10_000.0 * (cdf(k as f64 + 0.5) - cdf(k as f64 - 0.5)));
        }
        let (m, ls, se_m, _) = fit_cycle(&gaps, &BTreeMap::new()).unwrap();
        assert!((m.exp() - 3.0).abs() < 0.01, "median {}", m.exp());
        assert!((ls.exp() - 0.5).abs() < 0.01, "sigma {}", ls.exp());
        assert!(se_m > 0.0 && se_m < 0.02);
    }

    #[test]
    fn intervals_hold_their_means() {
        let b = beta_interval(20.0, 80.0);
        assert!(b.lo < 0.2 && 0.2 < b.hi);
        let g = gamma_interval(50.0, 1000.0);
        assert!(g.lo < 0.05 && 0.05 < g.hi);
        // Wilson–Hilferty against statrs where statrs converges.
        let exact = Gamma::new(50.0, 1000.0).unwrap();
        assert!((g.lo - exact.inverse_cdf(0.05)).abs() < 1e-4, "{g:?}");
        assert!((g.hi - exact.inverse_cdf(0.95)).abs() < 1e-4, "{g:?}");
        let big = gamma_interval(5000.0, 100_000.0);
        assert!(big.lo > 0.048 && big.hi < 0.052);
        let s = sigma_interval(0.5, 100);
        assert!(s.lo < 0.5 && 0.5 < s.hi && s.hi < 0.6);
        assert_eq!(round_sig(0.123_456), 0.1235);
        assert_eq!(round_sig(123_456.0), 123_500.0);
    }
}
