//! Paired comparisons of runs that share common random numbers (stress tests, candidate plans): the team's
//! headline figures, and who wins and who loses (each rep's and each segment's bookings).

use super::model::Model;
use super::result::{HEADLINE_NAMES, Headline, headline};
use super::runner::{Fold, RunError, run_fold};
use super::stats::{Estimate, Welford};
use super::trial::TrialOutcome;

/// What a paired comparison keeps of one run, trial by trial: the headline figures and the breakdown, a few
/// numbers per rep and segment (no months, no whole outcomes).
#[derive(Debug, Clone, PartialEq)]
pub struct PairedRun {
    /// One per trial.
    pub headlines: Vec<Headline>,
    /// Per trial, each rep's bookings, each segment's pipeline and the house's.
    pub breakdown: RunBreakdown,
}

/// The bytes a [`PairedRun`] of `model` holds per trial: its headline figures, each rep's bookings, each
/// pipeline segment's pipeline and the house bookings. A paired command holds one such run per plan or
/// shock until it pairs them.
pub fn paired_bytes(model: &Model) -> u64 {
    std::mem::size_of::<Headline>() as u64 + 8 * (model.reps.len() + model.pipeline_segments.len() + 1) as u64
}

/// Runs `model` for a paired comparison, keeping of each trial only what [`PairedRun`] holds.
pub fn run_paired(
    model: &Model,
    trials: u64,
    threads: Option<usize>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PairedRun, RunError> {
    let fold = Fold {
        init: || PairedRun { headlines: Vec::new(), breakdown: RunBreakdown::new(model) },
        fold: |run: &mut PairedRun, _, o: &TrialOutcome| {
            run.headlines.push(headline(model, o));
            run.breakdown.push(o);
        },
        merge: |run: &mut PairedRun, later: &mut PairedRun| {
            run.headlines.append(&mut later.headlines);
            run.breakdown.append(&mut later.breakdown);
        },
    };
    run_fold(model, trials, threads, progress, fold)
}

/// The paired difference of one headline figure.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PairedDifference {
    /// Headline name (see [`HEADLINE_NAMES`]).
    pub metric: String,
    /// Mean in the baseline.
    pub baseline: f64,
    /// Mean in the alternative.
    pub shocked: f64,
    /// Mean of the per-trial differences (alternative − baseline) and its standard error.
    pub difference: Estimate,
    /// Lower end of the 95% confidence interval of the difference.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the difference.
    pub ci_high: f64,
}

/// Paired differences of every headline figure; trial `i` of each run must share its random numbers.
pub fn paired_differences(baseline: &[Headline], alternative: &[Headline]) -> Vec<PairedDifference> {
    HEADLINE_NAMES
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let base: Welford = baseline.iter().map(|h| h.values()[k]).collect();
            let alt: Welford = alternative.iter().map(|h| h.values()[k]).collect();
            let diff: Welford =
                baseline.iter().zip(alternative).map(|(b, a)| a.values()[k] - b.values()[k]).collect();
            let d = Estimate::from(&diff);
            PairedDifference {
                metric: name.to_string(),
                baseline: base.mean(),
                shocked: alt.mean(),
                difference: d,
                ci_low: d.mean - 1.96 * d.se,
                ci_high: d.mean + 1.96 * d.se,
            }
        })
        .collect()
}

/// A paired difference (alternative − baseline, per trial) and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Paired {
    /// Mean of the per-trial differences and its standard error.
    pub difference: Estimate,
    /// Lower end of the 95% interval of the difference.
    pub ci_low: f64,
    /// Upper end of the 95% interval of the difference.
    pub ci_high: f64,
}

impl Paired {
    fn of(differences: impl Iterator<Item = f64>) -> Self {
        let d = Estimate::from(&differences.collect::<Welford>());
        Paired { difference: d, ci_low: d.mean - 1.96 * d.se, ci_high: d.mean + 1.96 * d.se }
    }
}

/// Which of the two runs a rep or segment is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// In both runs: the difference is paired trial by trial.
    Both,
    /// Only in the alternative (a hire, a backfill): it has no baseline, and its difference is its own
    /// figure (against nothing).
    Added,
    /// Only in the baseline (a rep the alternative does not have): its difference is its loss.
    Removed,
}

impl Presence {
    /// The name written in the contract and the CSV tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Both => "both",
            Presence::Added => "added",
            Presence::Removed => "removed",
        }
    }
}

/// One rep's figures in one run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepFigures {
    /// Quota over the horizon, pro-rated by the quota policy.
    pub quota: f64,
    /// Bookings over the horizon.
    pub bookings: Estimate,
    /// Attainment (bookings ÷ quota); absent when the quota is zero.
    pub attainment: Option<Estimate>,
    /// Probability of attainment ≥ 100%; absent when the quota is zero.
    pub p_attainment_ge_100: Option<Estimate>,
}

/// One rep against the baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepDelta {
    /// Rep id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the rep is in both runs, only the alternative or only the baseline.
    pub presence: Presence,
    /// The rep's figures in the baseline (absent for an added rep).
    pub baseline: Option<RepFigures>,
    /// The rep's figures in the alternative (absent for a removed rep).
    pub alternative: Option<RepFigures>,
    /// Bookings, alternative − baseline per trial; a run without the rep counts as zero bookings.
    pub bookings: Paired,
    /// Attainment, alternative − baseline per trial; only when the rep has a quota in both runs.
    pub attainment: Option<Paired>,
}

/// One segment's figures in one run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentFigures {
    /// Quota of the reps whose quota counts toward the segment.
    pub quota: f64,
    /// Bookings of those reps.
    pub bookings: Estimate,
    /// Value of opportunities created in the segment's accounts.
    pub pipeline_created: Estimate,
    /// Pipeline coverage: pipeline created ÷ quota; absent when the quota is zero.
    pub coverage: Option<Estimate>,
}

/// One segment (region/size band) against the baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SegmentDelta {
    /// Segment label, such as `AMER/MM`.
    pub segment: String,
    /// Whether the segment is in both runs, only the alternative or only the baseline.
    pub presence: Presence,
    /// The segment's figures in the baseline (absent for an added segment).
    pub baseline: Option<SegmentFigures>,
    /// The segment's figures in the alternative (absent for a removed segment).
    pub alternative: Option<SegmentFigures>,
    /// Bookings of the segment's reps, alternative − baseline per trial (a run without it counts zero).
    pub bookings: Paired,
    /// Pipeline coverage, alternative − baseline per trial; only when the segment has a quota in both runs.
    pub coverage: Option<Paired>,
}

/// Who wins and who loses: every rep and segment against the baseline, and the house's bookings (accounts
/// without an owner at close), so that the reps' differences and the house's add up to the team's.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Breakdown {
    /// Per rep: the baseline's reps in its order, then the reps only the alternative has.
    pub reps: Vec<RepDelta>,
    /// Per segment: the baseline's segments in its order, then those only the alternative has.
    pub segments: Vec<SegmentDelta>,
    /// House bookings, alternative − baseline per trial.
    pub house_bookings: Paired,
}

/// The items that gain the most by `key`, best first, and those that lose the most, worst first: at most
/// `n` of each, an item whose `key` is zero in neither.
pub fn gains_and_losses<T>(items: &[T], n: usize, key: impl Fn(&T) -> f64) -> (Vec<&T>, Vec<&T>) {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| key(b).total_cmp(&key(a)));
    let gains = sorted.iter().copied().filter(|x| key(x) > 0.0).take(n).collect();
    let losses = sorted.iter().rev().copied().filter(|x| key(x) < 0.0).take(n).collect();
    (gains, losses)
}

/// One rep of a run, as a paired comparison identifies it.
#[derive(Debug, Clone, PartialEq)]
struct RepKey {
    id: String,
    name: String,
    quota: f64,
    segment: usize,
}

/// What a paired comparison keeps of one run: per trial, each rep's bookings, each segment's pipeline
/// created and the house's bookings. It is much smaller than the run's outcomes (no months), so a baseline
/// can be kept while each alternative runs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunBreakdown {
    reps: Vec<RepKey>,
    /// Segment labels and the quota of the reps that count toward each.
    segments: Vec<(String, f64)>,
    trials: usize,
    /// Trial-major: `trial * reps + rep`.
    bookings: Vec<f64>,
    /// Trial-major: `trial * segments + segment`.
    pipeline: Vec<f64>,
    house: Vec<f64>,
}

impl RunBreakdown {
    /// The breakdown of `outcomes` (in trial order) of `model`.
    pub fn of(model: &Model, outcomes: &[TrialOutcome]) -> Self {
        let mut run = RunBreakdown::new(model);
        for o in outcomes {
            run.push(o);
        }
        run
    }

    /// An empty breakdown of runs of `model`.
    pub fn new(model: &Model) -> Self {
        let reps: Vec<RepKey> = model
            .reps
            .iter()
            .map(|r| RepKey {
                id: r.id.clone(),
                name: r.name.clone(),
                quota: r.quota,
                segment: usize::from(r.pipeline_segment),
            })
            .collect();
        let mut segments: Vec<(String, f64)> =
            model.pipeline_segments.iter().map(|label| (label.clone(), 0.0)).collect();
        for rep in &reps {
            segments[rep.segment].1 += rep.quota;
        }
        RunBreakdown {
            reps,
            segments,
            trials: 0,
            bookings: Vec::new(),
            pipeline: Vec::new(),
            house: Vec::new(),
        }
    }

    /// Adds the next trial's outcome.
    pub fn push(&mut self, o: &TrialOutcome) {
        self.trials += 1;
        self.bookings.extend_from_slice(&o.bookings);
        self.pipeline.extend_from_slice(&o.pipeline);
        self.house.push(o.house_bookings);
    }

    /// Moves the breakdown of the trials that follow this one's (of the same model) to the end of this one,
    /// leaving `later` empty, its buffers kept for reuse.
    pub fn append(&mut self, later: &mut RunBreakdown) {
        self.trials += std::mem::take(&mut later.trials);
        self.bookings.append(&mut later.bookings);
        self.pipeline.append(&mut later.pipeline);
        self.house.append(&mut later.house);
    }

    /// Trials held.
    pub fn trials(&self) -> usize {
        self.trials
    }

    /// Each rep's bookings in trial `t`, in the model's rep order.
    pub fn rep_bookings(&self, t: usize) -> &[f64] {
        let n = self.reps.len();
        &self.bookings[t * n..(t + 1) * n]
    }

    /// House bookings in trial `t`.
    pub fn house_bookings(&self, t: usize) -> f64 {
        self.house[t]
    }

    /// Rep `r`'s bookings per trial.
    fn rep_series(&self, r: usize) -> impl Iterator<Item = f64> + '_ {
        (0..self.trials).map(move |t| self.bookings[t * self.reps.len() + r])
    }

    /// Segment `s`'s bookings (its reps') per trial.
    fn segment_bookings(&self, s: usize) -> Vec<f64> {
        let mut out = vec![0.0; self.trials];
        for r in (0..self.reps.len()).filter(|&r| self.reps[r].segment == s) {
            for (t, b) in self.rep_series(r).enumerate() {
                out[t] += b;
            }
        }
        out
    }

    fn segment_pipeline(&self, s: usize) -> impl Iterator<Item = f64> + '_ {
        (0..self.trials).map(move |t| self.pipeline[t * self.segments.len() + s])
    }

    fn rep_figures(&self, r: usize) -> RepFigures {
        let quota = self.reps[r].quota;
        let (attainment, p100) = if quota > 0.0 {
            let hits = self.rep_series(r).filter(|b| b / quota >= 1.0).count();
            (
                Some(estimate(self.rep_series(r).map(|b| b / quota))),
                Some(Estimate::proportion(hits, self.trials)),
            )
        } else {
            (None, None)
        };
        RepFigures { quota, bookings: estimate(self.rep_series(r)), attainment, p_attainment_ge_100: p100 }
    }

    fn segment_figures(&self, s: usize) -> SegmentFigures {
        let quota = self.segments[s].1;
        SegmentFigures {
            quota,
            bookings: estimate(self.segment_bookings(s).into_iter()),
            pipeline_created: estimate(self.segment_pipeline(s)),
            coverage: (quota > 0.0).then(|| estimate(self.segment_pipeline(s).map(|p| p / quota))),
        }
    }
}

fn estimate(values: impl Iterator<Item = f64>) -> Estimate {
    Estimate::from(&values.collect::<Welford>())
}

fn presence<T>(base: Option<T>, alt: Option<T>) -> Presence {
    match (base, alt) {
        (Some(_), Some(_)) => Presence::Both,
        (None, _) => Presence::Added,
        (_, None) => Presence::Removed,
    }
}

/// Every rep and segment of `alternative` against `baseline`, paired by trial: trial `i` of each run must
/// share its random numbers. Reps are matched by id and segments by label; one in a single run is compared
/// with nothing (zero bookings) and marked so.
pub fn breakdown(baseline: &RunBreakdown, alternative: &RunBreakdown) -> Breakdown {
    Breakdown {
        reps: rep_deltas(baseline, alternative),
        segments: segment_deltas(baseline, alternative),
        house_bookings: Paired::of(baseline.house.iter().zip(&alternative.house).map(|(x, y)| y - x)),
    }
}

/// The baseline's items (by index) each with its match in the alternative, then the alternative's items
/// the baseline lacks; `key` names an item.
fn matched<T>(
    baseline: &[T],
    alternative: &[T],
    key: impl Fn(&T) -> &str,
) -> Vec<(Option<usize>, Option<usize>)> {
    let find = |items: &[T], k: &str| items.iter().position(|x| key(x) == k);
    let mut pairs: Vec<_> =
        baseline.iter().enumerate().map(|(b, x)| (Some(b), find(alternative, key(x)))).collect();
    pairs.extend(
        alternative
            .iter()
            .enumerate()
            .filter(|(_, x)| find(baseline, key(x)).is_none())
            .map(|(a, _)| (None, Some(a))),
    );
    pairs
}

/// A per-trial series of the run, or zeros for an item not in it.
fn or_zeros(trials: usize, series: Option<Vec<f64>>) -> Vec<f64> {
    series.unwrap_or_else(|| vec![0.0; trials])
}

fn rep_deltas(baseline: &RunBreakdown, alternative: &RunBreakdown) -> Vec<RepDelta> {
    let n = baseline.trials.min(alternative.trials);
    let series =
        |run: &RunBreakdown, r: Option<usize>| or_zeros(n, r.map(|r| run.rep_series(r).take(n).collect()));
    matched(&baseline.reps, &alternative.reps, |r| &r.id)
        .into_iter()
        .map(|(b, a)| {
            let key = b.map(|b| &baseline.reps[b]).or(a.map(|a| &alternative.reps[a]));
            let (base, alt) = (series(baseline, b), series(alternative, a));
            let quotas = b.zip(a).map(|(b, a)| (baseline.reps[b].quota, alternative.reps[a].quota));
            let attainment = quotas
                .filter(|&(qb, qa)| qb > 0.0 && qa > 0.0)
                .map(|(qb, qa)| Paired::of(base.iter().zip(&alt).map(|(x, y)| y / qa - x / qb)));
            RepDelta {
                id: key.map_or_else(String::new, |k| k.id.clone()),
                name: key.map_or_else(String::new, |k| k.name.clone()),
                presence: presence(b, a),
                baseline: b.map(|r| baseline.rep_figures(r)),
                alternative: a.map(|r| alternative.rep_figures(r)),
                bookings: Paired::of(base.iter().zip(&alt).map(|(x, y)| y - x)),
                attainment,
            }
        })
        .collect()
}

fn segment_deltas(baseline: &RunBreakdown, alternative: &RunBreakdown) -> Vec<SegmentDelta> {
    let n = baseline.trials.min(alternative.trials);
    let bookings = |run: &RunBreakdown, s: Option<usize>| {
        or_zeros(n, s.map(|s| run.segment_bookings(s).into_iter().take(n).collect()))
    };
    matched(&baseline.segments, &alternative.segments, |s| &s.0)
        .into_iter()
        .map(|(b, a)| {
            let label = b.map(|b| &baseline.segments[b].0).or(a.map(|a| &alternative.segments[a].0));
            let (base, alt) = (bookings(baseline, b), bookings(alternative, a));
            let coverage = b
                .zip(a)
                .filter(|&(b, a)| baseline.segments[b].1 > 0.0 && alternative.segments[a].1 > 0.0)
                .map(|(b, a)| {
                    let (qb, qa) = (baseline.segments[b].1, alternative.segments[a].1);
                    Paired::of(
                        baseline
                            .segment_pipeline(b)
                            .zip(alternative.segment_pipeline(a))
                            .map(|(x, y)| y / qa - x / qb),
                    )
                });
            SegmentDelta {
                segment: label.cloned().unwrap_or_default(),
                presence: presence(b, a),
                baseline: b.map(|s| baseline.segment_figures(s)),
                alternative: a.map(|s| alternative.segment_figures(s)),
                bookings: Paired::of(base.iter().zip(&alt).map(|(x, y)| y - x)),
                coverage,
            }
        })
        .collect()
}

/// One shock against the baseline.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShockComparison {
    /// Shock name.
    pub name: String,
    /// Paired differences of the headline figures.
    pub differences: Vec<PairedDifference>,
    /// Per rep and per segment against the baseline (empty in a `stress.json` of schema 1).
    #[serde(default)]
    pub breakdown: Breakdown,
}

/// The result of `terrasim stress`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StressResult {
    /// Version of this contract; 1 when absent.
    #[serde(default = "schema_1")]
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Each shock against the baseline.
    pub shocks: Vec<ShockComparison>,
    /// What the run rests on that is not the user's data (defaults standing in for a missing column, file or
    /// calibration); also printed as warnings on stderr. See [`crate::scenario::declared_for_stress`].
    pub assumptions: Vec<crate::market::Assumption>,
}

fn schema_1() -> u32 {
    1
}

/// Version of the `compare.json` contract.
pub const COMPARE_SCHEMA_VERSION: u32 = 2;

/// Version of the `stress.json` contract (schema 1 had no `schema_version` field).
pub const STRESS_SCHEMA_VERSION: u32 = 2;

/// One plan (or scenario variant) of a comparison against the reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlanComparison {
    /// The plan file or scenario variant, as given on the command line (`current plan` for the reference).
    pub name: String,
    /// Paired differences of the headline figures against the reference (`shocked` is this plan's mean).
    pub figures: Vec<PairedDifference>,
    /// Per rep and per segment against the reference (empty in a `compare.json` of schema 1).
    #[serde(default)]
    pub breakdown: Breakdown,
}

/// The result of `terrasim compare`: every plan on the same simulated futures as the reference.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CompareResult {
    /// Version of this contract.
    pub schema_version: u32,
    /// Scenario name.
    pub scenario: String,
    /// Seed shared by every run.
    pub seed: u64,
    /// Trials per run.
    pub trials: u64,
    /// Name of the reference run (the scenario's current plan).
    pub reference: String,
    /// The reference first (its differences are zero), then each plan and variant in command-line order.
    pub plans: Vec<PlanComparison>,
    /// What the runs rest on that is not the user's data, across the scenario and its variants (see
    /// [`crate::scenario::declared`]).
    pub assumptions: Vec<crate::market::Assumption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(x: f64) -> Headline {
        Headline {
            team_bookings: x,
            team_at_plan: 0.0,
            attainment_variance: 0.0,
            attainment_cv: 0.0,
            attainment_gini: 0.0,
            coverage_rate: 0.0,
            share_at_quota: 0.0,
        }
    }

    #[test]
    fn paired_difference_of_a_constant_shift_is_exact() {
        let base: Vec<Headline> = (0..100).map(|i| h(f64::from(i) * 10.0)).collect();
        let alt: Vec<Headline> = (0..100).map(|i| h(f64::from(i) * 10.0 - 5.0)).collect();
        let d = &paired_differences(&base, &alt)[0];
        assert_eq!(d.metric, "team_bookings");
        assert!((d.difference.mean + 5.0).abs() < 1e-9);
        assert!(d.difference.se < 1e-9, "a constant shift has no paired noise");
        assert!((d.baseline - 495.0).abs() < 1e-9);
    }
}
