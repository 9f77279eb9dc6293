//! Won and lost cycles, fitted together by maximum likelihood.
//!
//! The model decides a deal's fate when it opens and draws its cycle from the won or the lost
//! distribution, a lognormal in months booked `max(1, round(L))` months after the opening. A closed deal
//! says which distribution it came from, so its whole-month gap is an observation of that one. A deal still
//! open at the end of the history, at age `t`, says only that it has not closed: its likelihood is the
//! mixture `p·S_won(t) + (1 − p)·S_lost(t)`, with `p` its win probability, because an open deal is more
//! likely a win the older it is (lost deals close sooner). Dropping open deals would bias both cycles short;
//! counting them as censored observations of either one alone would bias the won cycle long when most open
//! deals are in fact early losses.
//!
//! The four parameters (`ln` median and `ln σ` of each) are found by argmin's Nelder–Mead and their
//! standard errors read off the inverse of the observed information (`finitediff`'s central differences),
//! so the mixture's coupling of the two fits widens both intervals as it should.

use std::collections::BTreeMap;

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::neldermead::NelderMead;

/// Whole-month cycles of one segment and motion: closed deals by outcome, and deals open at the end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CycleData {
    /// Won deals by whole-month gap (created month to close month).
    pub won: BTreeMap<i64, f64>,
    /// Lost deals by whole-month gap.
    pub lost: BTreeMap<i64, f64>,
    /// Deals open at the end, by age in months: (count, sum of their win probabilities).
    pub open: BTreeMap<i64, (f64, f64)>,
}

impl CycleData {
    /// Adds a closed deal of `gap` months.
    pub fn closed(&mut self, won: bool, gap: i64) {
        *if won { &mut self.won } else { &mut self.lost }.entry(gap).or_default() += 1.0;
    }

    /// Adds a deal open at the end at `age` months with win probability `p`.
    #[cfg(test)]
    pub fn open(&mut self, age: i64, p: f64) {
        let e = self.open.entry(age).or_default();
        e.0 += 1.0;
        e.1 += p;
    }

    /// Closed deals of each outcome.
    pub fn counts(&self) -> (f64, f64) {
        (self.won.values().sum(), self.lost.values().sum())
    }
}

/// A lognormal cycle fit: `ln` median and `ln σ`, with their standard errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogFit {
    /// ln of the median, in months.
    pub mu: f64,
    /// ln of the lognormal sigma.
    pub ln_sigma: f64,
    /// Standard error of `mu`.
    pub se_mu: f64,
    /// Standard error of `ln_sigma`.
    pub se_ln_sigma: f64,
}

fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// `P(round(L) ≤ k)`, i.e. the lognormal's distribution function at `k + ½`, for `k` in `0..=max`.
fn rounded_cdf(mu: f64, ln_sigma: f64, max: i64) -> Vec<f64> {
    let sigma = ln_sigma.exp();
    (0..=max.max(1)).map(|k| normal_cdf(((k as f64 + 0.5).ln() - mu) / sigma)).collect()
}

/// Log-likelihood of whole-month `gaps` (`max(1, round(L))`: a gap of 0 reads as 1) under the cycle whose
/// rounded distribution function is `cdf`.
fn gaps_log_likelihood(gaps: &BTreeMap<i64, f64>, cdf: &[f64]) -> f64 {
    gaps.iter()
        .map(|(&k, &count)| {
            let k = k.clamp(1, cdf.len() as i64 - 1) as usize;
            let p = if k <= 1 { cdf[1] } else { cdf[k] - cdf[k - 1] };
            count * p.max(1e-300).ln()
        })
        .sum()
}

/// Largest gap or age in `data` (the length the distribution tables need).
fn longest(data: &CycleData) -> i64 {
    let keys = data.won.keys().chain(data.lost.keys()).chain(data.open.keys());
    keys.copied().max().unwrap_or(1).max(1)
}

/// Log-likelihood of `data` at `x = [mu_won, ln_sigma_won, mu_lost, ln_sigma_lost]`.
pub fn log_likelihood(data: &CycleData, x: [f64; 4]) -> f64 {
    let max = longest(data);
    let won = rounded_cdf(x[0], x[1], max);
    let lost = rounded_cdf(x[2], x[3], max);
    let mut ll = gaps_log_likelihood(&data.won, &won) + gaps_log_likelihood(&data.lost, &lost);
    for (&age, &(count, p_sum)) in &data.open {
        if age < 1 || count <= 0.0 {
            continue;
        }
        // Open at `age` means round(L) > age: survival at age + ½.
        let a = age as usize;
        let p = (p_sum / count).clamp(0.0, 1.0);
        let survive = p * (1.0 - won[a]) + (1.0 - p) * (1.0 - lost[a]);
        ll += count * survive.max(1e-300).ln();
    }
    ll
}

/// Maximum-likelihood fit of one cycle to its closed gaps alone: the starting point of the joint fit.
fn closed_only(gaps: &BTreeMap<i64, f64>) -> [f64; 2] {
    let n: f64 = gaps.values().sum();
    let mean_log = gaps.iter().map(|(&k, &c)| c * (k.max(1) as f64).ln()).sum::<f64>() / n.max(1.0);
    let max = gaps.keys().copied().max().unwrap_or(1);
    let ll = |x: [f64; 4]| gaps_log_likelihood(gaps, &rounded_cdf(x[0], x[1], max));
    let x = maximize(&ll, [mean_log, 0.5f64.ln(), 0.0, 0.0], &[true, true, false, false]);
    [x[0], x[1]]
}

/// Bounds of `ln σ` in every fit: a σ from 0.0025 to 7.4 (far beyond any sales cycle).
const LN_SIGMA_BOUNDS: (f64, f64) = (-6.0, 2.0);
/// Nelder–Mead stops when the standard deviation of the simplex's values falls below this share of
/// `|ℓ|` at the start (`|ℓ|` at least 10): the parameters are then within about 10⁻⁶ of the maximum.
const SD_TOLERANCE: f64 = 1e-13;
/// Iteration cap of each Nelder–Mead run (a 4-parameter fit converges in a few hundred).
const MAX_ITERS: u64 = 4000;
/// Edge of the starting simplex of the first run and of the restart from its best point (a collapsed
/// simplex is the one way Nelder–Mead stops short on a smooth likelihood; the restart rebuilds it).
const SIMPLEX_EDGES: [f64; 2] = [0.5, 0.05];

/// `x` with its coordinates `free` replaced by `p`, `ln σ` (odd coordinates) held inside its bounds.
fn embed(x: [f64; 4], free: &[usize], p: &[f64]) -> [f64; 4] {
    let mut y = x;
    for (&i, &v) in free.iter().zip(p) {
        y[i] = if i % 2 == 1 { v.clamp(LN_SIGMA_BOUNDS.0, LN_SIGMA_BOUNDS.1) } else { v };
    }
    y
}

/// The negated log-likelihood over the free coordinates: argmin minimises.
struct NegLogLikelihood<'a> {
    f: &'a dyn Fn([f64; 4]) -> f64,
    at: [f64; 4],
    free: &'a [usize],
}

impl CostFunction for NegLogLikelihood<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, p: &Vec<f64>) -> Result<f64, Error> {
        let v = -(self.f)(embed(self.at, self.free, p));
        // Nelder–Mead cannot order NaN; a point where the likelihood is undefined is the worst there is.
        Ok(if v.is_finite() { v } else { f64::MAX })
    }
}

/// Maximizes `f` over the coordinates marked `free`, from `x`, by argmin's Nelder–Mead: a fixed starting
/// simplex (edge 0.5 along each free coordinate), then a restart from the best point with edge 0.05. `ln σ`
/// stays in [−6, 2]. Deterministic: no random start, fixed caps.
fn maximize(f: &dyn Fn([f64; 4]) -> f64, x: [f64; 4], free: &[bool; 4]) -> [f64; 4] {
    let idx: Vec<usize> = (0..4).filter(|&i| free[i]).collect();
    if idx.is_empty() {
        return x;
    }
    let tolerance = SD_TOLERANCE * f(x).abs().max(10.0);
    let mut best = x;
    for edge in SIMPLEX_EDGES {
        let start: Vec<f64> = idx.iter().map(|&i| best[i]).collect();
        let mut simplex = vec![start.clone()];
        for (k, &i) in idx.iter().enumerate() {
            let mut p = start.clone();
            // Step into the bounds of ln σ, so no vertex starts on the flat beyond them.
            p[k] += if i % 2 == 1 && p[k] + edge > LN_SIGMA_BOUNDS.1 { -edge } else { edge };
            simplex.push(p);
        }
        let problem = NegLogLikelihood { f, at: best, free: &idx };
        let Ok(solver) = NelderMead::new(simplex).with_sd_tolerance(tolerance) else { break };
        let run = Executor::new(problem, solver).configure(|s| s.max_iters(MAX_ITERS)).timer(false).run();
        match run.ok().and_then(|r| r.state().get_best_param().map(|p| embed(best, &idx, p))) {
            Some(y) if f(y) >= f(best) => best = y,
            _ => break,
        }
    }
    best
}

/// Inverts a symmetric positive definite matrix of size `n` (at most 4) by Gauss–Jordan elimination;
/// `None` when it is singular or not positive definite.
fn invert(m: &[[f64; 4]; 4], n: usize) -> Option<[[f64; 4]; 4]> {
    let mut a = *m;
    let mut inv = [[0.0; 4]; 4];
    for (i, row) in inv.iter_mut().enumerate().take(n) {
        row[i] = 1.0;
    }
    for col in 0..n {
        let pivot = a[col][col];
        if !(pivot.is_finite() && pivot > 0.0) {
            return None;
        }
        for j in 0..n {
            a[col][j] /= pivot;
            inv[col][j] /= pivot;
        }
        for row in 0..n {
            if row != col {
                let factor = a[row][col];
                for j in 0..n {
                    a[row][j] -= factor * a[col][j];
                    inv[row][j] -= factor * inv[col][j];
                }
            }
        }
    }
    (0..n).all(|i| inv[i][i] > 0.0).then_some(inv)
}

/// Fits the won and the lost cycle of `data` together; a cycle given in `fixed` (as `[mu, ln σ]`, the
/// parent's when the segment has no closed deal of that outcome) is held there. `None` for a cycle without
/// closed deals and not fixed, which is then not fitted. Standard errors of a fitted cycle come from the
/// observed information of the free parameters (1 on the log scale when the history cannot bound them).
pub fn fit_won_lost(data: &CycleData, fixed: [Option<[f64; 2]>; 2]) -> [Option<LogFit>; 2] {
    let (n_won, n_lost) = data.counts();
    let start = |gaps: &BTreeMap<i64, f64>, n: f64, fixed: Option<[f64; 2]>| match (fixed, n >= 1.0) {
        (_, true) => Some((closed_only(gaps), true)),
        (Some(x), false) => Some((x, false)),
        (None, false) => None,
    };
    let (Some((won, won_free)), Some((lost, lost_free))) =
        (start(&data.won, n_won, fixed[0]), start(&data.lost, n_lost, fixed[1]))
    else {
        // Only one outcome can be fitted and the other has nothing to hold it at: fit it from its closed
        // deals, with the open ones left out (they cannot be told apart without the other cycle).
        let alone = |gaps: &BTreeMap<i64, f64>, n: f64| {
            (n >= 1.0).then(|| {
                let x = closed_only(gaps);
                let only = CycleData { won: gaps.clone(), ..CycleData::default() };
                let ll = |y: [f64; 4]| log_likelihood(&only, [y[0], y[1], 0.0, 0.0]);
                let se = standard_errors(&ll, [x[0], x[1], 0.0, 0.0], &[true, true, false, false]);
                LogFit { mu: x[0], ln_sigma: x[1], se_mu: se[0], se_ln_sigma: se[1] }
            })
        };
        return [alone(&data.won, n_won), alone(&data.lost, n_lost)];
    };
    let free = [won_free, won_free, lost_free, lost_free];
    let ll = |x: [f64; 4]| log_likelihood(data, x);
    let x = maximize(&ll, [won[0], won[1], lost[0], lost[1]], &free);
    let se = standard_errors(&ll, x, &free);
    let fit = |i: usize| LogFit { mu: x[i], ln_sigma: x[i + 1], se_mu: se[i], se_ln_sigma: se[i + 1] };
    [won_free.then(|| fit(0)), lost_free.then(|| fit(2))]
}

/// Standard errors of the free coordinates at the maximum `x`: square roots of the diagonal of the inverse
/// observed information, 1 where it is not positive definite. The information is `finitediff`'s central
/// Hessian of its central gradient (steps of ε^⅓ ≈ 6·10⁻⁶, a rounding error of about 6·10⁻⁶ |ℓ|); its
/// forward Hessian without a gradient steps by √(2ε), whose rounding error is |ℓ|/2: useless on a
/// log-likelihood of thousands.
fn standard_errors(f: &dyn Fn([f64; 4]) -> f64, x: [f64; 4], free: &[bool; 4]) -> [f64; 4] {
    let idx: Vec<usize> = (0..4).filter(|&i| free[i]).collect();
    let mut se = [1.0; 4];
    if idx.is_empty() {
        return se;
    }
    // Unclamped: the likelihood is defined on both sides of the bounds of ln σ.
    let ll = |p: &Vec<f64>| -> Result<f64, Error> {
        let mut y = x;
        for (&i, &v) in idx.iter().zip(p) {
            y[i] = v;
        }
        Ok(f(y))
    };
    let gradient = finitediff::vec::central_diff(&ll);
    let at: Vec<f64> = idx.iter().map(|&i| x[i]).collect();
    let Ok(hessian) = finitediff::vec::central_hessian(&gradient)(&at) else { return se };
    let mut info = [[0.0; 4]; 4];
    for (p, row) in hessian.iter().enumerate() {
        for (q, &h) in row.iter().enumerate() {
            info[p][q] = -h;
        }
    }
    if let Some(inv) = invert(&info, idx.len()) {
        for (p, &i) in idx.iter().enumerate() {
            se[i] = inv[p][p].sqrt();
        }
    }
    se
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Purpose, Stream};

    /// Deals opened uniformly over `months` months, won with probability `p`, with lognormal won and lost
    /// cycles: the closed ones by gap, the ones still open at the end by age.
    fn sample(p: f64, won: (f64, f64), lost: (f64, f64), deals: usize, months: i64, seed: u64) -> CycleData {
        let draws = Stream::new(seed, 0, 0, Purpose::Deal);
        let mut data = CycleData::default();
        for i in 0..deals {
            let opened = (i as i64 * months) / deals as i64;
            let k = 2 * i as u64;
            let is_won = draws.uniform(k) < p;
            let (median, sigma) = if is_won { won } else { lost };
            let length = (median.ln() + sigma * draws.normal_at(k + 1)).exp();
            let gap = (length.round() as i64).max(1);
            let age = months - 1 - opened;
            if gap <= age {
                data.closed(is_won, gap);
            } else {
                data.open(age, p);
            }
        }
        data
    }

    #[test]
    fn won_and_lost_medians_are_recovered_within_their_sampling_error() {
        // Lost deals close much sooner than won ones (the history: 14 days against 57).
        let (won, lost) = ((3.0, 0.5), (1.0, 0.6));
        for seed in 1..=4 {
            let data = sample(0.3, won, lost, 6000, 36, seed);
            let (n_won, n_lost) = data.counts();
            let [Some(w), Some(l)] = fit_won_lost(&data, [None, None]) else { panic!("both fitted") };
            // The error of a lognormal median estimated from n draws is about σ/√n on the log scale;
            // rounding to whole months costs some information, so allow four times that, and ask the
            // reported standard error to be of that size too.
            for (fit, (median, sigma), n, what) in [(w, won, n_won, "won"), (l, lost, n_lost, "lost")] {
                let bound = 4.0 * sigma / n.sqrt();
                assert!(
                    (fit.mu - median.ln()).abs() < bound.max(4.0 * fit.se_mu),
                    "seed {seed} {what}: median {} vs {median} (n {n}, se {})",
                    fit.mu.exp(),
                    fit.se_mu
                );
                assert!(fit.se_mu < 3.0 * sigma / n.sqrt() + 0.05, "{what} se {}", fit.se_mu);
                assert!((fit.ln_sigma.exp() - sigma).abs() < 0.15, "{what} sigma {}", fit.ln_sigma.exp());
            }
        }
    }

    #[test]
    fn open_deals_count_as_the_mixture_not_as_either_cycle() {
        // A short history: many deals are still open, most of them wins (losses close sooner).
        let data = sample(0.3, (6.0, 0.5), (1.0, 0.6), 3000, 8, 7);
        let [Some(w), _] = fit_won_lost(&data, [None, None]) else { panic!() };
        // Closed wins alone are the short ones: their fit lands well below the true median.
        let closed = closed_only(&data.won);
        assert!(closed[0].exp() < 5.0, "closed-only median {}", closed[0].exp());
        assert!((w.mu.exp() - 6.0).abs() < 1.0, "joint median {}", w.mu.exp());
    }

    #[test]
    fn a_fixed_cycle_is_held_and_a_missing_one_is_not_invented() {
        let mut data = CycleData::default();
        for gap in [1, 1, 2, 1, 3] {
            data.closed(false, gap);
        }
        data.open(4, 0.3);
        let [won, lost] = fit_won_lost(&data, [Some([2f64.ln(), 0.5f64.ln()]), None]);
        assert!(won.is_none(), "held at the parent's: not reported as fitted");
        assert!(lost.is_some());
        let [won, lost] = fit_won_lost(&data, [None, None]);
        assert!(won.is_none() && lost.is_some());
    }

    #[test]
    fn the_closed_only_fit_recovers_a_rounded_lognormal() {
        // Exact expected counts of max(1, round(L)), L lognormal (median 3, sigma 0.5).
        let (mu, sigma) = (3f64.ln(), 0.5);
        let cdf = |x: f64| normal_cdf((x.ln() - mu) / sigma);
        let mut data = CycleData::default();
        data.won.insert(1, 10_000.0 * cdf(1.5));
        for k in 2..40 {
            data.won.insert(k, 10_000.0 * (cdf(k as f64 + 0.5) - cdf(k as f64 - 0.5)));
        }
        let x = closed_only(&data.won);
        assert!((x[0].exp() - 3.0).abs() < 0.01, "median {}", x[0].exp());
        assert!((x[1].exp() - 0.5).abs() < 0.01, "sigma {}", x[1].exp());
        let [Some(w), None] = fit_won_lost(&data, [None, None]) else { panic!() };
        assert!(w.se_mu > 0.0 && w.se_mu < 0.02);
    }
}
