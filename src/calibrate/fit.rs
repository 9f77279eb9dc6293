//! Fitting the model's parameters to opportunity history.
//!
//! Every opportunity has a motion (new business or expansion, see `crate::io::load_history`), and each
//! motion is fitted on its own opportunities, per node of the calibration hierarchy (size band, then
//! segment path):
//! - **win rate**: a Beta posterior. A closed deal's win probability in the model is the motion's segment
//!   rate × the account's competitive factor × the vertical lift (expert owner) × the owner's skill, so
//!   each deal counts as that many "trials" of the segment rate; the prior is the parent's posterior mean
//!   with [`WIN_PRIOR_DEALS`] deals of weight, which is how thin segments borrow strength.
//! - **opportunity rate**: the monthly probability that a covered, neutral-score account in the motion
//!   opens an opportunity, over every account-month it could have opened one (`super::exposure`: a
//!   prospect's months for new business, a customer's for expansion, whatever deals came before). History
//!   does not say which accounts were worked, so those months are split into covered and uncovered shares by
//!   running the model itself on the plan; the inbound rate of uncovered months is taken as given (for
//!   expansion, scaled by the expansion rate over the new-business rate, as the model scales it).
//! - **K**: the most opportunities an account holds open at once, from the open counts at creation
//!   (`super::exposure::fit_max_open`).
//! - **deal size**: lognormal amount ÷ the account's potential; its sigma, the deal size where the
//!   potential comes from it (accounts without a CRM whitespace value), and the expansion deal size (the
//!   model's expansion deal has mean potential × expansion deal size ÷ deal size).
//! - **cycles**: won and lost lognormals in months, fitted together by maximum likelihood to the
//!   whole-month gaps of closed deals, with deals still open at the end as observations of the mixture of
//!   the two (`super::cycles`).
//!
//! A motion without a single closed deal in the history keeps the scenario's win rate, deal size and
//! cycles (declared); its opportunity rate is still fitted from the months it could have opened one.
//!
//! Rep skills: a Gamma prior of mean 1, updated by each rep's wins against the wins the segment rates predict
//! for its deals of both motions; the prior's spread and the error of each team's segment rate are
//! integrated over (see `super::skills`). A rep with a handful of closed deals stays near 1; one with
//! hundreds moves toward its own record.

use std::collections::BTreeMap;

use statrs::distribution::{Beta, ChiSquared, ContinuousCDF, Gamma};

use crate::market::{Assumption, Market, SizeBand};
use crate::scenario::{
    AccountParams, ParamError, ParamOverride, ParamsFile, ParamsModel, Scenario, SegmentParams,
    account_params, compile,
};
use crate::sim::inverse_normal_cdf;
use crate::sim::model::SalesMotion;

use super::cycles::{CycleData, LogFit, fit_won_lost};
use super::exposure::{MaxOpen, Pool, account_k, fit_max_open, pool_months};
use super::history::{History, MotionShare, Outcome, month_of};
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

/// What calibration found for one node of the hierarchy and one motion.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SegmentFit {
    /// Parameter key (`MM`, `AMER/MM`).
    pub key: String,
    /// Parent key (empty for bands).
    pub parent: String,
    /// The motion (`new_business`, `expansion`) these figures are of.
    pub motion: SalesMotion,
    /// Opportunities of the motion on the segment's accounts.
    pub opportunities: usize,
    /// Closed deals.
    pub closed: usize,
    /// Won deals.
    pub wins: usize,
    /// Deals still open at the end of the history (observations of the won/lost mixture of cycles).
    pub open_at_end: usize,
    /// Account-months in the motion's demand pool.
    pub pool_months: f64,
    /// Win rate (segment base, before skill, lift and competition): Beta posterior.
    pub win_rate: Interval,
    /// Beta α written to the params file.
    pub win_rate_alpha: f64,
    /// Beta β written to the params file.
    pub win_rate_beta: f64,
    /// Monthly opportunity probability of a covered neutral account in the motion.
    pub opp_rate: Interval,
    /// Most opportunities an account holds open at once (K), when the history has openings of the motion.
    pub max_open: Option<f64>,
    /// Openings made while the account already held K or more open (the model would not have made them).
    pub beyond_max_open: usize,
    /// Deals with a positive amount.
    pub sized: usize,
    /// Mean amount ÷ potential (1 for new business when the potentials are right; expansion deal size ÷
    /// deal size for expansion).
    pub amount_to_potential: Interval,
    /// Lognormal sigma of deal value.
    pub deal_sigma: Interval,
    /// Deal size written: for new business, where accounts' potentials come from it; for expansion, the
    /// expansion deal size. `None` when the segment has no such deal of its own (its parent's applies).
    pub deal_size: Option<f64>,
    /// Median cycle of a won deal in months.
    pub cycle_median: Interval,
    /// Lognormal sigma of the won cycle.
    pub cycle_sigma: Interval,
    /// Median cycle of a lost deal in months.
    pub lost_cycle_median: Interval,
    /// Lognormal sigma of the lost cycle.
    pub lost_cycle_sigma: Interval,
    /// Fewer than [`THIN_DEALS`] closed deals: the fit leans on the parent.
    pub thin: bool,
    /// With no closed deal at all, the win rate is the nearest ancestor's that has some: its key (empty for
    /// the whole market). `None` when the segment has closed deals of its own, or when the motion has none
    /// in the whole history (then nothing but the opportunity rate and K is written for it).
    pub win_rate_borrowed_from: Option<String>,
    /// The history has closed deals of the motion, so its win rate, deal size and cycles are written;
    /// otherwise the scenario's stay.
    pub learnt: bool,
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
    /// The share of the history in each motion: counts and bookings.
    pub motions: Vec<MotionShare>,
    /// Usable opportunities by the rule that gave their motion (`opportunity type`, `deal type`, `motion
    /// column`, `first won deal`).
    pub classified_by: BTreeMap<String, usize>,
    /// Rows rejected, by reason: (count, first lines).
    pub rejected: BTreeMap<String, (usize, Vec<u64>)>,
    /// Opportunities whose owner is not in the reps file.
    pub unknown_owner: usize,
    /// Per segment and motion: every node's new-business fit (bands first), then every node's expansion
    /// fit.
    pub segments: Vec<SegmentFit>,
    /// Per rep with closed deals.
    pub reps: Vec<RepFit>,
    /// Spread (standard deviation) of skill across reps: its posterior mean.
    pub skill_sd: f64,
    /// The uncertainty of the fitted rates' level, written as `[model] level_sigma`: the rates carry the
    /// average market factor of the history's years, which is the scenario's `market_factor_sigma` over
    /// √(months ÷ 12) away from the long-run level.
    pub level_sigma: f64,
    /// What the calibration rests on that is not in the history: the market's declared defaults, what
    /// reading the history decided, segments whose win rate is borrowed from an ancestor, motions with no
    /// closed deal, and what the history holds that the model cannot represent.
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
    /// A fitted value is outside its parameter's range: the history is too degenerate to fit it.
    #[error(
        "the history fits {0}; it is too sparse or degenerate to fit that parameter: set it in the \
         scenario's [params] instead (the scenario's values win over fitted ones), or export more history"
    )]
    OutOfRange(#[from] ParamError),
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
    Ok(calibrate_window(history, market, scenario, first, last)?)
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

/// The motion's name in messages.
fn motion_words(motion: SalesMotion) -> &'static str {
    match motion {
        SalesMotion::NewBusiness => "new-business",
        SalesMotion::Expansion => "expansion",
    }
}

/// Segments whose win rate is borrowed from an ancestor because they have no closed deal.
fn borrowed_win_rates(segments: &[SegmentFit]) -> impl Iterator<Item = Assumption> + '_ {
    segments.iter().filter_map(|s| {
        let from = s.win_rate_borrowed_from.as_ref()?;
        let whose = if from.is_empty() { "the whole market's".to_string() } else { format!("{from}'s") };
        // With no closed deal the posterior is the prior: its mean is the ancestor's rate exactly.
        let rate = s.win_rate.mean;
        let (alpha, beta) = match s.motion {
            SalesMotion::NewBusiness => ("win_rate_alpha", "win_rate_beta"),
            SalesMotion::Expansion => ("expansion_win_rate_alpha", "expansion_win_rate_beta"),
        };
        Some(Assumption::new(
            "win_rate_borrowed",
            format!("segment {}", s.key),
            format!(
                "no closed {} deal in the history, so its {} win rate is {whose} ({:.1}%), not its own; add \
                 the segment's closed opportunities to the history, or set {alpha} and {beta} under \
                 [params.\"{}\"]",
                motion_words(s.motion),
                motion_words(s.motion),
                rate * 100.0,
                s.key
            ),
        ))
    })
}

/// Motions with no closed deal in the whole history: their win rate, deal size and cycles stay the
/// scenario's.
fn unlearnt_motions(segments: &[SegmentFit]) -> impl Iterator<Item = Assumption> + '_ {
    SalesMotion::ALL.into_iter().filter_map(|motion| {
        let fits: Vec<&SegmentFit> = segments.iter().filter(|s| s.motion == motion).collect();
        if fits.is_empty() || fits.iter().any(|s| s.learnt) {
            return None;
        }
        let opened: usize = fits.iter().filter(|s| s.parent.is_empty()).map(|s| s.opportunities).sum();
        Some(Assumption::new(
            "motion_not_in_history",
            format!("{} parameters", motion_words(motion)),
            format!(
                "the history has no closed {} deal ({opened} opportunities in all), so the {} win rate, deal \
                 size and cycles are the scenario's (documented defaults unless it sets them), and only the \
                 opportunity rate and K are fitted; export the {} opportunities with their Type, or set \
                 the parameters under [params]",
                motion_words(motion),
                motion_words(motion),
                motion_words(motion)
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
) -> Result<Calibration, ParamError> {
    let segs = Segments::new(scenario, market);
    let params = account_params(scenario, market);
    let accounts = market.accounts();
    let since = history.customer_since(accounts.len(), &|a| accounts[a].is_customer);
    let k = fit_max_open(history, &segs, &history.open_at_creation(), first, last);
    let whitespace = |a: usize| accounts[a].potential.get() * params[a].0.whitespace_multiple.get();
    let pool = pool_months(history, &since, &account_k(&k, &segs, &params), &whitespace, first, last);
    // Two passes: the covered shares depend on the opportunity rates and cycles (open deals take hours).
    let months = (last - first + 1).clamp(1, 120) as u32;
    let shares = covered_shares(scenario, market, months);
    let input = FitInput { history, market, scenario, segs: &segs, pool: &pool, k: &k, last };
    let mut fits = fit_segments(&input, &shares);
    let calibrated = with_params(scenario, &fits.0, &BTreeMap::new())?;
    let shares = covered_shares(&calibrated, market, months);
    fits = fit_segments(&input, &shares);
    let (segments, reps, skill_sd) = fits;
    let level_sigma = round_sig(scenario.model.market_factor_sigma / (f64::from(months) / 12.0).sqrt());
    let mut params = ParamsFile {
        params: overrides(&segments, round_sig)?,
        model: Some(ParamsModel { level_sigma }),
        ..ParamsFile::default()
    };
    for r in &reps {
        params.skills.insert(r.id.clone(), round_sig(r.skill.mean));
    }
    let month = |m: i64| format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1);
    let shape = history.shape_warnings("history", &|a| accounts[a].is_customer);
    Ok(Calibration {
        params,
        diagnostics: Diagnostics {
            first_month: month(first),
            last_month: month(last),
            opportunities: history.opportunities.len(),
            motions: history.motion_shares(),
            classified_by: history.classified_by.clone(),
            rejected: history.rejected.by_reason.clone(),
            unknown_owner: history.unknown_owner,
            assumptions: market
                .assumptions()
                .iter()
                .chain(&history.notes)
                .cloned()
                .chain(borrowed_win_rates(&segments))
                .chain(unlearnt_motions(&segments))
                .chain(shape)
                .collect(),
            segments,
            reps,
            skill_sd,
            level_sigma,
        },
    })
}

/// The params-file tables of `fits`, each value passed through `round`: one table per key with both
/// motions' fields. A motion the history has no closed deal of writes only its opportunity rate and K. A
/// fitted value outside its parameter's range (a degenerate history) is an error naming the parameter.
fn overrides(
    fits: &[SegmentFit],
    round: fn(f64) -> f64,
) -> Result<BTreeMap<String, ParamOverride>, ParamError> {
    let mut out: BTreeMap<String, ParamOverride> = BTreeMap::new();
    for f in fits {
        let o = out.entry(f.key.clone()).or_default();
        let learnt = |x: f64| f.learnt.then(|| round(x));
        let (prefix, opp_rate) = match f.motion {
            SalesMotion::NewBusiness => ("", Some(round(f.opp_rate.mean))),
            SalesMotion::Expansion => ("expansion_", (f.pool_months > 0.0).then(|| round(f.opp_rate.mean))),
        };
        let values = [
            ("opp_rate", opp_rate),
            ("max_open", f.max_open),
            ("win_rate_alpha", learnt(f.win_rate_alpha)),
            ("win_rate_beta", learnt(f.win_rate_beta)),
            ("deal_size_sigma", learnt(f.deal_sigma.mean)),
            ("deal_size", f.deal_size.filter(|_| f.learnt).map(round)),
            ("cycle_months_median", learnt(f.cycle_median.mean)),
            ("cycle_sigma", learnt(f.cycle_sigma.mean)),
            ("lost_cycle_months_median", learnt(f.lost_cycle_median.mean)),
            ("lost_cycle_sigma", learnt(f.lost_cycle_sigma.mean)),
        ];
        for (name, value) in values {
            if let Some(v) = value {
                o.set(&format!("{prefix}{name}"), v)?;
            }
        }
    }
    Ok(out)
}

/// `scenario` with `fitted` parameters under its own (the scenario's keys win) and `skills`, as a scenario
/// that includes the params file would read.
pub fn with_params(
    scenario: &Scenario,
    fitted: &[SegmentFit],
    skills: &BTreeMap<String, f64>,
) -> Result<Scenario, ParamError> {
    let mut s = scenario.clone();
    s.merge_included(overrides(fitted, |x| x)?);
    s.merge_included_skills(skills.clone());
    Ok(s)
}

/// Four significant digits keep the params file readable without moving any estimate outside its interval.
fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
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

/// Sufficient statistics of one node and motion.
#[derive(Default, Clone)]
struct Sums {
    opportunities: usize,
    closed: usize,
    wins: f64,
    /// Σ over closed deals of the deal's multiplier on the segment rate (competition × lift × skill).
    trials: f64,
    pool_months: f64,
    opened: f64,
    /// Σ pool months × covered share × score ÷ 3 (for expansion, plus the uncovered months × inbound rate
    /// ÷ new-business rate: the model's expansion inbound scales with the expansion rate).
    covered_exposure: f64,
    /// Σ pool months × uncovered share × inbound rate (new business: opportunities the fit does not credit
    /// to the covered rate).
    inbound_expected: f64,
    log_ratio: Vec<f64>,
    /// New business: ln(amount ÷ potential) of accounts whose potential comes from the deal size.
    /// Expansion: ln of each deal's implied expansion deal size.
    log_ratio_own_deal: Vec<f64>,
    cycles: CycleData,
    /// Deals open at the end: Σ of their multipliers (their win probability is the rate times it).
    open_factor: BTreeMap<i64, (f64, f64)>,
    open_at_end: usize,
}

type Fits = (Vec<SegmentFit>, Vec<RepFit>, f64);

/// What [`fit_segments`] fits to.
struct FitInput<'a> {
    history: &'a History,
    market: &'a Market,
    scenario: &'a Scenario,
    segs: &'a Segments,
    pool: &'a Pool,
    k: &'a [Vec<MaxOpen>; 2],
    last: i64,
}

/// Rounds of win rates and skills: skills are read against the segment rates, and the rates against the
/// skills; three rounds settle both.
const ROUNDS: usize = 3;

fn fit_segments(input: &FitInput<'_>, covered: &[f64]) -> Fits {
    let FitInput { history, market, scenario, segs, .. } = *input;
    let params = account_params(scenario, market);
    let accounts = market.accounts();
    let reps = market.reps();
    // Each deal's multiplier on the segment rate, before skill.
    let deal_factor = |i: usize| {
        let o = &history.opportunities[i];
        let a = o.account;
        let p = &params[a].0;
        let difficulty = f64::from(accounts[a].score_inputs.competitive_difficulty);
        let mut f = 1.0 + p.competitive_strength.get() * (3.0 - difficulty) / 2.0;
        if let Some(r) = o.owner
            && reps[r].expert_verticals.iter().any(|v| v.eq_ignore_ascii_case(&accounts[a].vertical))
        {
            f *= p.vertical_lift.get();
        }
        f
    };
    let closed: Vec<usize> = (0..history.opportunities.len())
        .filter(|&i| history.opportunities[i].outcome != Outcome::Open)
        .collect();
    let factors: Vec<f64> = (0..history.opportunities.len()).map(deal_factor).collect();

    let mut skill = vec![1.0; reps.len()];
    let mut fits: [Vec<SegmentFit>; 2] = [Vec::new(), Vec::new()];
    let (mut records, mut count, mut posteriors, mut skill_sd) = (Vec::new(), Vec::new(), Vec::new(), 0.0);
    for round in 0..ROUNDS {
        let with_cycles = round + 1 == ROUNDS;
        let mut sums = motion_sums(input, &params, covered, &factors, &skill);
        fits[0] = fit_nodes(segs, &sums[0], &params, SalesMotion::NewBusiness, input.k, with_cycles);
        // The expansion exposure of uncovered months and the deal size it is read against come from the
        // new-business fit just made.
        add_expansion_exposure(input, &params, covered, &fits[0], &mut sums[1]);
        fits[1] = fit_nodes(segs, &sums[1], &params, SalesMotion::Expansion, input.k, with_cycles);

        // Skills against the segment rates just fitted.
        let rate: [Vec<f64>; 2] =
            [0, 1].map(|m| segs.leaf.iter().map(|&n| fits[m][n].win_rate.mean).collect());
        records = vec![Record { wins: 0.0, expected: 0.0, home: 0 }; reps.len()];
        count = vec![0usize; reps.len()];
        let mut expected_by_leaf = vec![vec![0.0; segs.nodes.len()]; reps.len()];
        for &i in &closed {
            let o = &history.opportunities[i];
            if let Some(r) = o.owner {
                count[r] += 1;
                let e = rate[o.motion.index()][o.account] * factors[i];
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
    let [new_business, expansion] = fits;
    let segments = new_business.into_iter().skip(1).chain(expansion.into_iter().skip(1)).collect();
    (segments, rep_fits, skill_sd)
}

/// Each node's sums per motion from the history: exposure (new business; expansion's needs the
/// new-business fit, see [`add_expansion_exposure`]), deals, amounts and cycles, with each closed deal
/// weighted by its multiplier and its owner's `skill`.
fn motion_sums(
    input: &FitInput<'_>,
    params: &AccountParams,
    covered: &[f64],
    factors: &[f64],
    skill: &[f64],
) -> [Vec<Sums>; 2] {
    let FitInput { history, market, segs, pool, last, .. } = *input;
    let accounts = market.accounts();
    let mut sums = [vec![Sums::default(); segs.nodes.len()], vec![Sums::default(); segs.nodes.len()]];
    let nb = SalesMotion::NewBusiness.index();
    for a in 0..accounts.len() {
        let score = accounts[a].score / 3.0;
        for n in segs.chain(a) {
            let s = &mut sums[nb][n];
            s.pool_months += pool.months[nb][a];
            s.opened += pool.opened[nb][a];
            s.covered_exposure += pool.months[nb][a] * covered[a] * score;
            s.inbound_expected += pool.months[nb][a] * (1.0 - covered[a]) * params[a].0.inbound_rate.get();
        }
    }
    for (i, o) in history.opportunities.iter().enumerate() {
        let a = o.account;
        let created = month_of(o.created);
        let k = factors[i] * o.owner.map_or(1.0, |r| skill[r]);
        let potential = accounts[a].potential.get();
        let log_ratio = o.amount.filter(|&x| x > 0.0 && potential > 0.0).map(|x| (x / potential).ln());
        for n in segs.chain(a) {
            let s = &mut sums[o.motion.index()][n];
            s.opportunities += 1;
            if let Some(l) = log_ratio {
                s.log_ratio.push(l);
                if o.motion == SalesMotion::NewBusiness && accounts[a].whitespace_value.is_none() {
                    s.log_ratio_own_deal.push(l);
                }
            }
            match o.closed {
                Some(c) if o.outcome != Outcome::Open => {
                    s.cycles.closed(o.outcome == Outcome::Won, month_of(c) - created);
                    s.closed += 1;
                    s.trials += k;
                    if o.outcome == Outcome::Won {
                        s.wins += 1.0;
                    }
                }
                _ => {
                    let e = s.open_factor.entry(last - created).or_default();
                    e.0 += 1.0;
                    e.1 += k;
                    s.open_at_end += 1;
                }
            }
        }
    }
    sums
}

/// Adds to the expansion sums the exposure of customer-months, and each expansion deal's implied
/// expansion deal size, both read against the new-business fit `new_business` (by node): the model's
/// expansion inbound is the inbound rate × expansion rate ÷ new-business rate, and its expansion deal has
/// mean potential × expansion deal size ÷ deal size, with the deal size the fit writes.
fn add_expansion_exposure(
    input: &FitInput<'_>,
    params: &AccountParams,
    covered: &[f64],
    new_business: &[SegmentFit],
    sums: &mut [Sums],
) {
    let FitInput { history, market, segs, pool, .. } = *input;
    let accounts = market.accounts();
    let ex = SalesMotion::Expansion.index();
    // The deal size in force for each account once the fit is included: the deepest written one.
    let deal_size = |a: usize| {
        segs.chain(a)
            .find_map(|n| new_business[n].deal_size.filter(|_| n > 0))
            .unwrap_or(params[a].0.deal_size.get())
    };
    for a in 0..accounts.len() {
        let score = accounts[a].score / 3.0;
        let opp_rate = new_business[segs.leaf[a]].opp_rate.mean;
        let inbound = if opp_rate > 0.0 { params[a].0.inbound_rate.get() / opp_rate } else { 0.0 };
        for n in segs.chain(a) {
            let s = &mut sums[n];
            s.pool_months += pool.months[ex][a];
            s.opened += pool.opened[ex][a];
            s.covered_exposure += pool.months[ex][a] * (covered[a] * score + (1.0 - covered[a]) * inbound);
        }
    }
    for o in history.opportunities.iter().filter(|o| o.motion == SalesMotion::Expansion) {
        let a = o.account;
        let potential = accounts[a].potential.get();
        let Some(amount) = o.amount.filter(|&x| x > 0.0 && potential > 0.0) else { continue };
        // An account whose potential comes from the deal size scales with it, so its implied size does
        // not depend on the fitted deal size: amount × its current deal size ÷ potential.
        let size =
            if accounts[a].whitespace_value.is_none() { params[a].0.deal_size.get() } else { deal_size(a) };
        let implied = (amount / potential * size).ln();
        for n in segs.chain(a) {
            sums[n].log_ratio_own_deal.push(implied);
        }
    }
}

/// The documented defaults of `motion` that the root falls back on when even it has no data.
struct MotionDefaults {
    win_rate: f64,
    deal_sigma: f64,
    deal_size: f64,
    won: (f64, f64),
    lost: (f64, f64),
}

fn motion_defaults(p: &SegmentParams, motion: SalesMotion) -> MotionDefaults {
    match motion {
        SalesMotion::NewBusiness => MotionDefaults {
            win_rate: p.win_rate_mean(),
            deal_sigma: p.deal_size_sigma.get(),
            deal_size: p.deal_size.get(),
            won: (p.cycle_months_median.get(), p.cycle_sigma.get()),
            lost: (p.lost_cycle_months_median.get(), p.lost_cycle_sigma.get()),
        },
        SalesMotion::Expansion => MotionDefaults {
            win_rate: p.expansion_win_rate_mean(),
            deal_sigma: p.expansion_deal_size_sigma.get(),
            deal_size: p.expansion_deal_size.get(),
            won: (p.expansion_cycle_months_median.get(), p.expansion_cycle_sigma.get()),
            lost: (p.expansion_lost_cycle_months_median.get(), p.expansion_lost_cycle_sigma.get()),
        },
    }
}

fn fit_nodes(
    segs: &Segments,
    sums: &[Sums],
    params: &AccountParams,
    motion: SalesMotion,
    k: &[Vec<MaxOpen>; 2],
    with_cycles: bool,
) -> Vec<SegmentFit> {
    let mut fits: Vec<SegmentFit> = Vec::with_capacity(segs.nodes.len());
    // Defaults of a node, for priors when even the root has no data: the first account's band.
    let any = params.iter().next().map_or_else(|| SegmentParams::default_for(SizeBand::Mm), |p| p.0);
    let defaults = motion_defaults(&any, motion);
    let learnt = sums.first().is_some_and(|s| s.closed > 0);
    for (n, node) in segs.nodes.iter().enumerate() {
        let s = &sums[n];
        let parent = node.parent.map(|p| fits[p].clone());

        // Win rate: Beta(prior + wins, prior + effective losses). A root without closed deals (a motion the
        // history does not have) starts from the scenario's rate rather than a flat prior.
        let (a0, b0) = match &parent {
            Some(p) => (WIN_PRIOR_DEALS * p.win_rate.mean, WIN_PRIOR_DEALS * (1.0 - p.win_rate.mean)),
            None if s.closed == 0 => {
                (WIN_PRIOR_DEALS * defaults.win_rate, WIN_PRIOR_DEALS * (1.0 - defaults.win_rate))
            }
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

        let (amount_to_potential, deal_sigma, deal_size, sized) =
            fit_deal_size(s, parent.as_ref(), n, &defaults, motion, || typical_deal(segs, n, params));
        let (cycle_median, cycle_sigma, lost_cycle_median, lost_cycle_sigma) = if with_cycles {
            fit_cycles(s, parent.as_ref(), win_rate.mean, &defaults)
        } else {
            let unit = Interval { mean: 1.0, lo: 1.0, hi: 1.0 };
            (unit, unit, unit, unit)
        };
        let max_open = k[motion.index()][n];

        fits.push(SegmentFit {
            key: node.key.clone(),
            parent: node.parent.map(|p| segs.nodes[p].key.clone()).unwrap_or_default(),
            motion,
            opportunities: s.opportunities,
            closed: s.closed,
            wins: s.wins as usize,
            open_at_end: s.open_at_end,
            pool_months: s.pool_months,
            win_rate,
            win_rate_alpha: alpha,
            win_rate_beta: beta,
            opp_rate,
            max_open: max_open.k,
            beyond_max_open: max_open.beyond,
            sized,
            amount_to_potential,
            deal_sigma,
            deal_size,
            cycle_median,
            cycle_sigma,
            lost_cycle_median,
            lost_cycle_sigma,
            thin: s.closed < THIN_DEALS,
            win_rate_borrowed_from: if learnt { borrowed_from(segs, &fits, n, s.closed) } else { None },
            learnt,
        });
    }
    fits
}

/// Deal size of a node: the mean amount ÷ potential with its interval, the lognormal sigma, the deal size
/// to write and the number of sized deals. New business writes a deal size only where accounts' potentials
/// come from it; expansion writes its deal size from each deal's implied size (see
/// [`add_expansion_exposure`]), shrunk toward the parent's.
fn fit_deal_size(
    s: &Sums,
    parent: Option<&SegmentFit>,
    n: usize,
    defaults: &MotionDefaults,
    motion: SalesMotion,
    typical: impl Fn() -> f64,
) -> (Interval, Interval, Option<f64>, usize) {
    let (m, sd, k) = mean_sd(&s.log_ratio);
    let w = k as f64 / (k as f64 + SHAPE_PRIOR_DEALS);
    let (m, sd) = match parent {
        Some(p) => {
            let pm = p.amount_to_potential.mean.ln() - 0.5 * p.deal_sigma.mean.powi(2);
            (w * m + (1.0 - w) * pm, w * sd + (1.0 - w) * p.deal_sigma.mean)
        }
        None if k == 0 => {
            let ratio = match motion {
                SalesMotion::NewBusiness => 1.0,
                SalesMotion::Expansion => defaults.deal_size / typical().max(1e-9),
            };
            (ratio.ln() - 0.5 * defaults.deal_sigma.powi(2), defaults.deal_sigma)
        }
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
    let own = &s.log_ratio_own_deal;
    let deal_size = match motion {
        _ if own.is_empty() => None,
        SalesMotion::NewBusiness if n == 0 => None,
        SalesMotion::NewBusiness => {
            let (m_own, _, _) = mean_sd(own);
            Some(typical() * (m_own + 0.5 * sd * sd).exp())
        }
        SalesMotion::Expansion => {
            let (m_own, _, k_own) = mean_sd(own);
            let w = k_own as f64 / (k_own as f64 + SHAPE_PRIOR_DEALS);
            let mu = match parent.and_then(|p| p.deal_size.map(|d| (d, p.deal_sigma.mean))) {
                Some((d, psd)) => w * m_own + (1.0 - w) * (d.ln() - 0.5 * psd * psd),
                None => m_own,
            };
            Some((mu + 0.5 * sd * sd).exp())
        }
    };
    (amount_to_potential, deal_sigma, deal_size, k)
}

/// Won and lost cycles of a node: fitted together where the node has closed deals (open deals weighted by
/// their win probability at `win_rate`), a path's shrunk toward its band's by [`SHAPE_PRIOR_DEALS`] deals of
/// the outcome; the parent's, or the documented defaults at the root, where it has none of an outcome.
fn fit_cycles(
    s: &Sums,
    parent: Option<&SegmentFit>,
    win_rate: f64,
    defaults: &MotionDefaults,
) -> (Interval, Interval, Interval, Interval) {
    let z = inverse_normal_cdf(0.5 + INTERVAL / 2.0);
    let mut data = s.cycles.clone();
    data.open = s.open_factor.iter().map(|(&age, &(n, f))| (age, (n, (win_rate * f).min(n)))).collect();
    let (n_won, n_lost) = data.counts();
    // Where the node has nothing of an outcome: the parent's cycle, its standard errors read back off its
    // interval; at the root, the defaults with the widest standard error.
    let inherited = |median: &Interval, sigma: &Interval, default: (f64, f64)| match parent {
        Some(_) => LogFit {
            mu: median.mean.ln(),
            ln_sigma: sigma.mean.ln(),
            se_mu: (median.hi / median.mean).ln() / z,
            se_ln_sigma: (sigma.hi / sigma.mean).ln() / z,
        },
        None => LogFit {
            mu: default.0.ln(),
            ln_sigma: default.1.max(1e-3).ln(),
            se_mu: LOG_PRIOR_SE,
            se_ln_sigma: LOG_PRIOR_SE,
        },
    };
    let unit = Interval { mean: 1.0, lo: 1.0, hi: 1.0 };
    let (pw, pws, pl, pls) = parent.map_or((unit, unit, unit, unit), |p| {
        (p.cycle_median, p.cycle_sigma, p.lost_cycle_median, p.lost_cycle_sigma)
    });
    let won_prior = inherited(&pw, &pws, defaults.won);
    let lost_prior = inherited(&pl, &pls, defaults.lost);
    let hold = |f: &LogFit| Some([f.mu, f.ln_sigma]);
    let [won, lost] = fit_won_lost(&data, [hold(&won_prior), hold(&lost_prior)]);
    // A path shrinks toward its band, which sells to companies of its size. A band keeps its own fit: its
    // parent, the whole market, mixes cycles of every size (1.5, 3 and 6 months by default), and ten
    // deals of its weight pulled an enterprise band's six-month won cycle to five in the round-trip test.
    let shrinks = parent.is_some_and(|p| !p.key.is_empty());
    let blend = |fit: Option<LogFit>, prior: LogFit, n: f64| match fit {
        None => prior,
        Some(f) if shrinks => {
            let w = n / (n + SHAPE_PRIOR_DEALS);
            LogFit {
                mu: w * f.mu + (1.0 - w) * prior.mu,
                ln_sigma: w * f.ln_sigma + (1.0 - w) * prior.ln_sigma,
                ..f
            }
        }
        Some(f) => f,
    };
    let interval = |x: f64, se: f64| {
        // A history too thin to bound the fit (a flat likelihood gives an enormous or infinite standard
        // error) is no more certain than the prior, whose standard error on the log scale is 1 (`min`
        // also takes the bound over a NaN).
        let se = se.min(LOG_PRIOR_SE);
        Interval { mean: x.exp(), lo: (x - z * se).exp(), hi: (x + z * se).exp() }
    };
    let won = blend(won, won_prior, n_won);
    let lost = blend(lost, lost_prior, n_lost);
    (
        interval(won.mu, won.se_mu),
        interval(won.ln_sigma, won.se_ln_sigma),
        interval(lost.mu, lost.se_mu),
        interval(lost.ln_sigma, lost.se_ln_sigma),
    )
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
        .fold((0.0, 0usize), |(s, c), a| (s + params[a].0.deal_size.get(), c + 1));
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

#[cfg(test)]
mod tests {
    use super::*;

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
