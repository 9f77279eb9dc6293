//! The result contract of `terrasim simulate`: `result.json` is this struct serialized. Every other view
//! (CSV tables, terminal summary, HTML) is derived from it. Fields never hold run times, dates or host
//! facts, so the same scenario and seed give the same bytes on any machine and thread count.

use super::model::{Model, PlanBasis};
use super::runner::{CHUNK, Fold, RunError, run_fold};
use super::stats::{Distribution, Estimate, Quantile, Summary, Welford, spread};
use super::trial::TrialOutcome;

/// Version of this contract; bumped on any breaking change.
pub const RESULT_SCHEMA_VERSION: u32 = 1;

/// A monthly fan: percentiles of one month's value across trials.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fan {
    /// Month, 1-based.
    pub month: usize,
    /// Mean.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// Outcomes of one rep.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepResult {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team.
    pub team: String,
    /// Quota over the horizon, pro-rated by the quota policy.
    pub quota: f64,
    /// Attainment (bookings ÷ quota): mean, spread and percentiles. Absent when the quota is zero.
    pub attainment: Option<Summary>,
    /// Probability of attainment ≥ 100%.
    pub p_attainment_ge_100: Option<Estimate>,
    /// Bookings over the horizon.
    pub bookings: Summary,
    /// Opportunities opened.
    pub opportunities: Estimate,
    /// Deals won.
    pub wins: Estimate,
    /// Accounts covered in an average month (worked by prospecting or through an open opportunity).
    pub covered_accounts: Estimate,
    /// Monthly bookings fan.
    pub monthly_bookings: Vec<Fan>,
}

/// Team outcomes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TeamResult {
    /// The team plan P(team ≥ plan) is measured against: the scenario's `[plan] team_target`, else the sum
    /// of the quotas the user set (see [`PlanBasis`]). It is not the sum of the reps' `quota`, which falls
    /// when a rep departs.
    pub plan: f64,
    /// Which plan `plan` is: `team_target` or `sum_of_quotas`.
    pub plan_basis: PlanBasis,
    /// Team bookings (house bookings included).
    pub bookings: Summary,
    /// 5th, 25th, 75th and 95th percentiles of team bookings (with 10/50/90 in `bookings`, the distribution).
    pub bookings_p05: Quantile,
    /// 25th percentile of team bookings.
    pub bookings_p25: Quantile,
    /// 75th percentile of team bookings.
    pub bookings_p75: Quantile,
    /// 95th percentile of team bookings.
    pub bookings_p95: Quantile,
    /// Probability that team bookings reach the plan.
    pub p_team_ge_plan: Estimate,
    /// Expected share of quota-carrying reps at or above 100%.
    pub share_of_reps_at_quota: Estimate,
    /// Bookings on accounts without an owner at close (unowned accounts, held books).
    pub house_bookings: Estimate,
    /// Team monthly bookings fan.
    pub monthly_bookings: Vec<Fan>,
}

/// Pipeline coverage of one segment (region/size band).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentPipeline {
    /// Segment label, such as `AMER/MM`.
    pub segment: String,
    /// Quota of the reps selling to the segment.
    pub quota: f64,
    /// Value of opportunities created in the segment's accounts.
    pub pipeline_created: Estimate,
    /// Pipeline created ÷ quota (absent when the quota is zero).
    pub coverage: Option<Estimate>,
    /// True when coverage is below the flag (default 3x).
    pub below_flag: bool,
}

/// The open pipeline a run starts with.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpenPipeline {
    /// Open deals carried in.
    pub deals: usize,
    /// Their total amount (each the export's amount, or its account's potential without one).
    pub value: f64,
}

/// The result of a simulation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SimResult {
    /// Version of this contract.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// The shock applied, if any.
    pub shock: Option<String>,
    /// Seed.
    pub seed: u64,
    /// Trials run.
    pub trials: u64,
    /// Months simulated.
    pub horizon_months: usize,
    /// Per rep.
    pub reps: Vec<RepResult>,
    /// Team.
    pub team: TeamResult,
    /// Mean over trials of the cross-rep variance of attainment (quota-carrying reps).
    pub attainment_variance: Estimate,
    /// Mean over trials of the cross-rep standard deviation of attainment.
    pub attainment_sd: Estimate,
    /// Mean over trials of the coefficient of variation of attainment across reps (cross-rep standard
    /// deviation ÷ cross-rep mean): the spread without the level, so a shock that lowers everyone's
    /// attainment does not read as fairer. Zero in a trial where no rep books.
    pub attainment_cv: Estimate,
    /// Mean over trials of the Gini coefficient of attainment across reps.
    pub attainment_gini: Estimate,
    /// Share of target accounts (tiers 1–2 by default) covered at least once per quarter, averaged over
    /// account-quarters.
    pub coverage_rate: Estimate,
    /// Pipeline coverage per segment.
    pub pipeline: Vec<SegmentPipeline>,
    /// Pipeline coverage flag threshold.
    pub pipeline_coverage_flag: f64,
    /// The deals open at the start that the run carried in (the scenario's `[data] pipeline` or history at
    /// `as_of`).
    pub open_pipeline: OpenPipeline,
    /// What the run rests on that is not the user's data (defaults standing in for a missing column, file or
    /// calibration); also printed as warnings on stderr. See [`crate::scenario::declared`].
    pub assumptions: Vec<crate::market::Assumption>,
}

/// Per-trial headline figures, used for paired comparisons (stress tests, optimizer ranking).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    /// Team bookings.
    pub team_bookings: f64,
    /// Team bookings ≥ plan (1 or 0).
    pub team_at_plan: f64,
    /// Cross-rep variance of attainment.
    pub attainment_variance: f64,
    /// Cross-rep coefficient of variation of attainment (sd ÷ mean).
    pub attainment_cv: f64,
    /// Gini of attainment.
    pub attainment_gini: f64,
    /// Coverage rate.
    pub coverage_rate: f64,
    /// Share of reps at quota.
    pub share_at_quota: f64,
}

/// Headline names, in the order of [`Headline::values`].
pub const HEADLINE_NAMES: [&str; 7] = [
    "team_bookings",
    "p_team_ge_plan",
    "attainment_variance",
    "attainment_cv",
    "attainment_gini",
    "coverage_rate",
    "share_of_reps_at_quota",
];

impl Headline {
    /// The figures in the order of [`HEADLINE_NAMES`].
    pub fn values(&self) -> [f64; 7] {
        [
            self.team_bookings,
            self.team_at_plan,
            self.attainment_variance,
            self.attainment_cv,
            self.attainment_gini,
            self.coverage_rate,
            self.share_at_quota,
        ]
    }
}

/// Per-trial headline figures of an outcome.
pub fn headline(model: &Model, o: &TrialOutcome) -> Headline {
    let attainments: Vec<f64> =
        model.reps.iter().zip(&o.bookings).filter(|(r, _)| r.quota > 0.0).map(|(r, b)| b / r.quota).collect();
    let (variance, gini) = spread(&attainments);
    let at_quota = attainments.iter().filter(|&&x| x >= 1.0).count();
    let mean = attainments.iter().sum::<f64>() / attainments.len().max(1) as f64;
    let team = o.team_bookings();
    Headline {
        team_bookings: team,
        team_at_plan: f64::from(u8::from(team >= model.team_plan.value)),
        attainment_variance: variance,
        // Attainments are not negative: a zero mean is a trial where nobody books, with no spread.
        attainment_cv: if mean > 0.0 { variance.sqrt() / mean } else { 0.0 },
        attainment_gini: gini,
        coverage_rate: o.coverage_rate,
        share_at_quota: if attainments.is_empty() { 0.0 } else { at_quota as f64 / attainments.len() as f64 },
    }
}

/// Aggregates trial outcomes (in trial order) into the result contract, chunk by chunk as the runner does
/// ([`SimAccumulator`]), so the result is the same bytes as a streamed run's.
pub fn aggregate(model: &Model, scenario: &str, shock: Option<&str>, outcomes: &[TrialOutcome]) -> SimResult {
    let mut total = SimAccumulator::new(model);
    for chunk in outcomes.chunks(CHUNK) {
        let mut acc = SimAccumulator::new(model);
        for o in chunk {
            acc.push(model, o);
        }
        total.merge(&acc);
    }
    total.finish(model, scenario, shock)
}

/// Runs `trials` trials of `model` and streams them into the result contract: each chunk of trials folds into
/// its own [`SimAccumulator`] and the chunks merge in trial order, so nothing per trial is kept and the result
/// is the same for any thread count (and the same bytes as [`aggregate`] of the collected outcomes).
pub fn simulate(
    model: &Model,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
    scenario: &str,
) -> Result<SimResult, RunError> {
    let fold = Fold {
        init: || SimAccumulator::new(model),
        fold: |acc: &mut SimAccumulator, _, outcome: &TrialOutcome| acc.push(model, outcome),
        merge: |acc: &mut SimAccumulator, later: &mut SimAccumulator| {
            acc.merge(later);
            later.clear();
        },
    };
    Ok(run_fold(model, trials, threads, progress, fold)?.finish(model, scenario, None))
}

/// What `simulate` keeps of its trials: per figure, running moments and a quantile sketch, so its size
/// does not grow with the trial count. Chunks are folded apart and merged in trial order ([`Self::merge`]).
#[derive(Debug, Clone)]
pub struct SimAccumulator {
    trials: u64,
    reps: Vec<RepAccumulator>,
    team_bookings: Distribution,
    team_at_plan: Welford,
    share_at_quota: Welford,
    house_bookings: Welford,
    team_monthly: Vec<Distribution>,
    attainment_variance: Welford,
    attainment_sd: Welford,
    attainment_cv: Welford,
    attainment_gini: Welford,
    coverage_rate: Welford,
    /// Quota of the reps selling to each pipeline segment.
    segment_quota: Vec<f64>,
    pipeline_created: Vec<Welford>,
    pipeline_coverage: Vec<Welford>,
}

#[derive(Debug, Clone)]
struct RepAccumulator {
    bookings: Distribution,
    /// Absent when the quota is zero.
    attainment: Option<Distribution>,
    at_quota: u64,
    opportunities: Welford,
    wins: Welford,
    covered: Welford,
    monthly: Vec<Distribution>,
}

impl SimAccumulator {
    /// An empty accumulator for runs of `model`.
    pub fn new(model: &Model) -> Self {
        // Room for a chunk's values in each distribution, made here, on the calling thread, once per chunk
        // slot (see `Sketch::with_room`).
        let room = || Distribution::with_room(CHUNK);
        let months = || (0..model.horizon).map(|_| room()).collect::<Vec<_>>();
        let segments = model.pipeline_segments.len();
        SimAccumulator {
            trials: 0,
            reps: model
                .reps
                .iter()
                .map(|rep| RepAccumulator {
                    bookings: room(),
                    attainment: (rep.quota > 0.0).then(room),
                    at_quota: 0,
                    opportunities: Welford::default(),
                    wins: Welford::default(),
                    covered: Welford::default(),
                    monthly: months(),
                })
                .collect(),
            team_bookings: room(),
            team_at_plan: Welford::default(),
            share_at_quota: Welford::default(),
            house_bookings: Welford::default(),
            team_monthly: months(),
            attainment_variance: Welford::default(),
            attainment_sd: Welford::default(),
            attainment_cv: Welford::default(),
            attainment_gini: Welford::default(),
            coverage_rate: Welford::default(),
            segment_quota: segment_quotas(model),
            pipeline_created: vec![Welford::default(); segments],
            pipeline_coverage: vec![Welford::default(); segments],
        }
    }

    /// Adds the next trial's outcome.
    pub fn push(&mut self, model: &Model, o: &TrialOutcome) {
        let h = model.horizon;
        self.trials += 1;
        for (r, (rep, acc)) in model.reps.iter().zip(&mut self.reps).enumerate() {
            let bookings = o.bookings[r];
            acc.bookings.push(bookings);
            if let Some(att) = &mut acc.attainment {
                let a = bookings / rep.quota;
                att.push(a);
                acc.at_quota += u64::from(a >= 1.0);
            }
            acc.opportunities.push(f64::from(o.opportunities[r]));
            acc.wins.push(f64::from(o.wins[r]));
            acc.covered.push(o.covered[r]);
            for (m, month) in acc.monthly.iter_mut().enumerate() {
                month.push(o.monthly[r * h + m]);
            }
        }
        let x = headline(model, o);
        self.team_bookings.push(x.team_bookings);
        self.team_at_plan.push(x.team_at_plan);
        self.share_at_quota.push(x.share_at_quota);
        self.house_bookings.push(o.house_bookings);
        for (m, month) in self.team_monthly.iter_mut().enumerate() {
            month.push((0..model.reps.len()).map(|r| o.monthly[r * h + m]).sum());
        }
        self.attainment_variance.push(x.attainment_variance);
        self.attainment_sd.push(x.attainment_variance.sqrt());
        self.attainment_cv.push(x.attainment_cv);
        self.attainment_gini.push(x.attainment_gini);
        self.coverage_rate.push(x.coverage_rate);
        for (s, created) in self.pipeline_created.iter_mut().enumerate() {
            created.push(o.pipeline[s]);
            let quota = self.segment_quota[s];
            if quota > 0.0 {
                self.pipeline_coverage[s].push(o.pipeline[s] / quota);
            }
        }
    }

    /// Empties the accumulator to the state [`Self::new`] gives, keeping its buffers, so the runner reuses
    /// it for a later chunk instead of allocating another. (Destructured, so a new field can't be missed.)
    pub fn clear(&mut self) {
        let SimAccumulator {
            trials,
            reps,
            team_bookings,
            team_at_plan,
            share_at_quota,
            house_bookings,
            team_monthly,
            attainment_variance,
            attainment_sd,
            attainment_cv,
            attainment_gini,
            coverage_rate,
            segment_quota: _,
            pipeline_created,
            pipeline_coverage,
        } = self;
        *trials = 0;
        for rep in reps {
            let RepAccumulator { bookings, attainment, at_quota, opportunities, wins, covered, monthly } =
                rep;
            bookings.clear();
            if let Some(attainment) = attainment {
                attainment.clear();
            }
            *at_quota = 0;
            for w in [opportunities, wins, covered] {
                *w = Welford::default();
            }
            monthly.iter_mut().for_each(Distribution::clear);
        }
        team_bookings.clear();
        team_monthly.iter_mut().for_each(Distribution::clear);
        for w in
            [team_at_plan, share_at_quota, house_bookings, attainment_variance, attainment_sd, attainment_cv]
                .into_iter()
                .chain([attainment_gini, coverage_rate])
                .chain(pipeline_created.iter_mut())
                .chain(pipeline_coverage.iter_mut())
        {
            *w = Welford::default();
        }
    }

    /// Appends the accumulator of the trials that follow this one's.
    pub fn merge(&mut self, later: &SimAccumulator) {
        self.trials += later.trials;
        for (mine, theirs) in self.reps.iter_mut().zip(&later.reps) {
            mine.bookings.merge(&theirs.bookings);
            if let (Some(mine), Some(theirs)) = (&mut mine.attainment, &theirs.attainment) {
                mine.merge(theirs);
            }
            mine.at_quota += theirs.at_quota;
            mine.opportunities.merge(&theirs.opportunities);
            mine.wins.merge(&theirs.wins);
            mine.covered.merge(&theirs.covered);
            merge_all(&mut mine.monthly, &theirs.monthly);
        }
        self.team_bookings.merge(&later.team_bookings);
        self.team_at_plan.merge(&later.team_at_plan);
        self.share_at_quota.merge(&later.share_at_quota);
        self.house_bookings.merge(&later.house_bookings);
        merge_all(&mut self.team_monthly, &later.team_monthly);
        self.attainment_variance.merge(&later.attainment_variance);
        self.attainment_sd.merge(&later.attainment_sd);
        self.attainment_cv.merge(&later.attainment_cv);
        self.attainment_gini.merge(&later.attainment_gini);
        self.coverage_rate.merge(&later.coverage_rate);
        for (mine, theirs) in self.pipeline_created.iter_mut().zip(&later.pipeline_created) {
            mine.merge(theirs);
        }
        for (mine, theirs) in self.pipeline_coverage.iter_mut().zip(&later.pipeline_coverage) {
            mine.merge(theirs);
        }
    }

    /// The result contract of the trials accumulated.
    pub fn finish(mut self, model: &Model, scenario: &str, shock: Option<&str>) -> SimResult {
        let n = usize::try_from(self.trials).unwrap_or(usize::MAX);
        let reps = model
            .reps
            .iter()
            .zip(&mut self.reps)
            .map(|(rep, acc)| RepResult {
                id: rep.id.clone(),
                name: rep.name.clone(),
                team: rep.team.clone(),
                quota: rep.quota,
                attainment: acc.attainment.as_mut().map(Distribution::summary),
                p_attainment_ge_100: acc
                    .attainment
                    .is_some()
                    .then(|| Estimate::proportion(usize::try_from(acc.at_quota).unwrap_or(usize::MAX), n)),
                bookings: acc.bookings.summary(),
                opportunities: Estimate::from(&acc.opportunities),
                wins: Estimate::from(&acc.wins),
                covered_accounts: Estimate::from(&acc.covered),
                monthly_bookings: fans(&mut acc.monthly),
            })
            .collect();
        let tb = &mut self.team_bookings;
        let team = TeamResult {
            plan: model.team_plan.value,
            plan_basis: model.team_plan.basis,
            bookings: tb.summary(),
            bookings_p05: tb.quantile(0.05),
            bookings_p25: tb.quantile(0.25),
            bookings_p75: tb.quantile(0.75),
            bookings_p95: tb.quantile(0.95),
            p_team_ge_plan: Estimate::from(&self.team_at_plan),
            share_of_reps_at_quota: Estimate::from(&self.share_at_quota),
            house_bookings: Estimate::from(&self.house_bookings),
            monthly_bookings: fans(&mut self.team_monthly),
        };
        let quotas = &self.segment_quota;
        let pipeline = model
            .pipeline_segments
            .iter()
            .enumerate()
            .map(|(s, label)| {
                let coverage = (quotas[s] > 0.0).then(|| Estimate::from(&self.pipeline_coverage[s]));
                SegmentPipeline {
                    segment: label.clone(),
                    quota: quotas[s],
                    pipeline_created: Estimate::from(&self.pipeline_created[s]),
                    below_flag: coverage.is_some_and(|c| c.mean < model.pipeline_coverage_flag),
                    coverage,
                }
            })
            .collect();
        let assumptions = self.unresolved_quantiles(model);
        SimResult {
            schema_version: RESULT_SCHEMA_VERSION,
            scenario: scenario.to_string(),
            shock: shock.map(str::to_string),
            seed: model.seed,
            trials: self.trials,
            horizon_months: model.horizon,
            reps,
            team,
            attainment_variance: Estimate::from(&self.attainment_variance),
            attainment_sd: Estimate::from(&self.attainment_sd),
            attainment_cv: Estimate::from(&self.attainment_cv),
            attainment_gini: Estimate::from(&self.attainment_gini),
            coverage_rate: Estimate::from(&self.coverage_rate),
            pipeline,
            pipeline_coverage_flag: model.pipeline_coverage_flag,
            open_pipeline: OpenPipeline {
                deals: model.carry_in.len(),
                value: model.carry_in.iter().map(|c| c.value).sum(),
            },
            // The model does not know which of its inputs were defaults: the caller, which has the scenario
            // and the market, adds them (`scenario::declared`). The run adds only a percentile that its
            // sketch could not resolve (none in practice, see `Sketch`).
            assumptions,
        }
    }

    /// A `quantile_bound` note per figure whose percentiles read a compacted tail of its sketch: such a
    /// percentile is the tail's edge, a bound, not an estimate within the sketch's accuracy.
    fn unresolved_quantiles(&self, model: &Model) -> Vec<crate::market::Assumption> {
        let mut figures: Vec<(String, &Distribution)> = vec![("team.bookings".into(), &self.team_bookings)];
        figures.extend(
            self.team_monthly.iter().enumerate().map(|(m, d)| (format!("team.monthly_bookings[{m}]"), d)),
        );
        for (rep, acc) in model.reps.iter().zip(&self.reps) {
            figures.push((format!("reps[{}].bookings", rep.id), &acc.bookings));
            if let Some(att) = &acc.attainment {
                figures.push((format!("reps[{}].attainment", rep.id), att));
            }
            figures.extend(
                acc.monthly
                    .iter()
                    .enumerate()
                    .map(|(m, d)| (format!("reps[{}].monthly_bookings[{m}]", rep.id), d)),
            );
        }
        figures
            .into_iter()
            .filter(|(_, d)| d.unresolved() > 0)
            .map(|(subject, _)| {
                crate::market::Assumption::new(
                    "quantile_bound",
                    subject,
                    "a percentile fell into the compacted tail of its sketch and is reported as the tail's \
                     edge, a bound rather than an estimate within 0.1%; run again with another seed or trial \
                     count, and report this",
                )
            })
            .collect()
    }
}

/// Quota of the reps selling to each pipeline segment.
fn segment_quotas(model: &Model) -> Vec<f64> {
    let mut quotas = vec![0.0; model.pipeline_segments.len()];
    for rep in &model.reps {
        quotas[usize::from(rep.pipeline_segment)] += rep.quota;
    }
    quotas
}

fn merge_all(mine: &mut [Distribution], later: &[Distribution]) {
    for (m, l) in mine.iter_mut().zip(later) {
        m.merge(l);
    }
}

fn fans(months: &mut [Distribution]) -> Vec<Fan> {
    months
        .iter_mut()
        .enumerate()
        .map(|(m, d)| Fan {
            month: m + 1,
            mean: d.estimate().mean,
            p10: d.quantile(0.1).value,
            p50: d.quantile(0.5).value,
            p90: d.quantile(0.9).value,
        })
        .collect()
}
