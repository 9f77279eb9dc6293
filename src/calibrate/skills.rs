//! Rep skills: a hierarchical Gamma–Poisson model whose spread is integrated over, not plugged in.
//!
//! A rep's wins are Poisson with mean `skill × g × expected`, where `expected` is the wins its segments'
//! fitted rates predict for its deals at skill 1 and `g` is how far the true rate of the rep's home segment
//! (the one that holds most of its expected wins) lies from the fitted one. Skills are Gamma(κ, κ): mean 1,
//! spread `τ = 1/√κ`. Given κ and `g` a rep's skill posterior is Gamma(κ + wins, κ + g × expected); its
//! reported posterior is the mixture of those over the posterior of (κ, `g`), on a grid.
//!
//! Why `g`: a segment's rate is fitted from the deals of the few reps who work it, so it takes in their
//! mean skill; holding it fixed reads every rep against its teammates and leaves out how uncertain the
//! team's own level is (a two-rep team's rate is as much the reps' as the segment's). Integrating over `g`
//! gives a team's level back to the skill prior, which is what pins it.

use statrs::function::gamma::{gamma_lr, ln_gamma};

use super::fit::{INTERVAL, Interval};

/// κ grid: log-spaced from 1 to 10⁴, i.e. τ from 1 (skills spread as wide as the mean) to 0.01 (no
/// spread to speak of). Wider than any plausible spread at both ends, so the prior, not the grid, decides.
const KAPPA_MIN: f64 = 1.0;
const KAPPA_MAX: f64 = 1e4;
const KAPPA_POINTS: usize = 49;
/// Scale of the half-Cauchy prior on τ. Half-Cauchy (Gelman 2006) because it is flat near τ = 0, so it
/// does not push the spread toward zero the way a prior uniform on log τ does when, with a few dozen reps,
/// the likelihood cannot rule small spreads out (that prior put 20% of true skills outside their 90%
/// intervals in the round-trip test); a scale of 0.5 says skills within ±50% of the mean are unremarkable
/// and leaves larger spreads possible.
const TAU_SCALE: f64 = 0.5;
/// `ln g` grid: uniform over ±1 (the home segment's rate within a factor e of its fit). The prior on it is
/// flat: a segment's own prior is worth 20 deals, nearly flat over the range its data leave open.
const LN_G_SPAN: f64 = 1.0;
const G_POINTS: usize = 81;
/// Mixture components lighter than this share of the heaviest are dropped before quantiles are taken.
const NEGLIGIBLE: f64 = 1e-9;

/// One rep's record against the fitted segment rates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// Closed deals won.
    pub wins: f64,
    /// Wins the fitted segment rates predict at skill 1.
    pub expected: f64,
    /// Home segment: the one whose rate error the rep shares with its teammates.
    pub home: usize,
}

/// A rep's skill posterior: a mixture of Gamma(shape, rate) with weights that sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// (weight, shape, rate), negligible weights dropped.
    components: Vec<(f64, f64, f64)>,
    /// Posterior mean of `g × expected / (κ + g × expected)`.
    own_weight: f64,
}

impl Posterior {
    /// Posterior mean.
    pub fn mean(&self) -> f64 {
        self.components.iter().map(|&(w, a, b)| w * a / b).sum()
    }

    /// Weight of the rep's own record in the posterior mean, averaged over the posterior.
    pub fn own_weight(&self) -> f64 {
        self.own_weight
    }

    /// Mean and central [`INTERVAL`] interval.
    pub fn interval(&self) -> Interval {
        Interval {
            mean: self.mean(),
            lo: self.quantile((1.0 - INTERVAL) / 2.0),
            hi: self.quantile((1.0 + INTERVAL) / 2.0),
        }
    }

    fn cdf(&self, x: f64) -> f64 {
        self.components.iter().map(|&(w, a, b)| w * gamma_lr(a, b * x)).sum()
    }

    /// Bisection on the mixture CDF, bracketed by the components' own means ± 10 sd.
    fn quantile(&self, p: f64) -> f64 {
        let mut lo = f64::INFINITY;
        let mut hi: f64 = 0.0;
        for &(_, a, b) in &self.components {
            lo = lo.min((a - 10.0 * a.sqrt()) / b);
            hi = hi.max((a + 10.0 * a.sqrt() + 10.0) / b);
        }
        let mut lo = lo.max(0.0);
        while hi - lo > 1e-9 * hi {
            let mid = 0.5 * (lo + hi);
            if self.cdf(mid) < p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// Skill posteriors of `records` (in order), and the posterior mean of τ.
pub fn fit_skills(records: &[Record]) -> (Vec<Posterior>, f64) {
    let kappas: Vec<f64> = (0..KAPPA_POINTS)
        .map(|k| (KAPPA_MIN.ln() + (KAPPA_MAX / KAPPA_MIN).ln() * k as f64 / (KAPPA_POINTS - 1) as f64).exp())
        .collect();
    let gs: Vec<f64> =
        (0..G_POINTS).map(|h| (LN_G_SPAN * (2.0 * h as f64 / (G_POINTS - 1) as f64 - 1.0)).exp()).collect();
    let homes = records.iter().map(|r| r.home + 1).max().unwrap_or(0);

    // ln p(wins of home segment s's reps | κ, g) for every (κ, g, s): negative binomials, up to terms
    // that depend on neither.
    let mut team = vec![0.0; KAPPA_POINTS * G_POINTS * homes];
    let at = |k: usize, h: usize, s: usize| (k * G_POINTS + h) * homes + s;
    for (k, &kappa) in kappas.iter().enumerate() {
        for r in records {
            let fixed = ln_gamma(kappa + r.wins) - ln_gamma(kappa) + kappa * kappa.ln();
            for (h, &g) in gs.iter().enumerate() {
                let mean = g * r.expected;
                let own = if r.wins > 0.0 { r.wins * mean.ln() } else { 0.0 };
                team[at(k, h, r.home)] += fixed + own - (kappa + r.wins) * (kappa + mean).ln();
            }
        }
    }
    // Each segment's likelihood given κ, summed over g (flat prior on ln g), and the posterior of κ.
    let mut marginal = vec![0.0; KAPPA_POINTS * homes];
    let mut ln_post: Vec<f64> = kappas.iter().map(|&kappa| ln_tau_prior(kappa)).collect();
    for k in 0..KAPPA_POINTS {
        for s in 0..homes {
            let m = log_sum_exp((0..G_POINTS).map(|h| team[at(k, h, s)]));
            marginal[k * homes + s] = m;
            ln_post[k] += m;
        }
    }
    let top = ln_post.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut post: Vec<f64> = ln_post.iter().map(|l| (l - top).exp()).collect();
    let total: f64 = post.iter().sum();
    post.iter_mut().for_each(|p| *p /= total);
    let tau = kappas.iter().zip(&post).map(|(k, p)| p / k.sqrt()).sum();

    let posteriors = records
        .iter()
        .map(|r| {
            let mut components = Vec::with_capacity(KAPPA_POINTS * G_POINTS);
            for (k, &kappa) in kappas.iter().enumerate() {
                for (h, &g) in gs.iter().enumerate() {
                    let w = post[k] * (team[at(k, h, r.home)] - marginal[k * homes + r.home]).exp();
                    components.push((w, kappa + r.wins, kappa + g * r.expected));
                }
            }
            let heaviest = components.iter().map(|c| c.0).fold(0.0, f64::max);
            components.retain(|c| c.0 > NEGLIGIBLE * heaviest);
            let total: f64 = components.iter().map(|c| c.0).sum();
            components.iter_mut().for_each(|c| c.0 /= total);
            // shape − κ = wins and rate − κ = g × expected, so the own weight is 1 − κ / rate.
            let own_weight = components.iter().map(|&(w, a, b)| w * (1.0 - (a - r.wins) / b)).sum();
            Posterior { components, own_weight }
        })
        .collect();
    (posteriors, tau)
}

/// Half-Cauchy density of τ = 1/√κ at scale [`TAU_SCALE`], times τ for the log-spaced grid (d ln τ).
fn ln_tau_prior(kappa: f64) -> f64 {
    let tau = 1.0 / kappa.sqrt();
    -(1.0 + (tau / TAU_SCALE).powi(2)).ln() + tau.ln()
}

fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let top = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    top + xs.map(|x| (x - top).exp()).sum::<f64>().ln()
}

#[cfg(test)]
mod tests {
    use statrs::distribution::{ContinuousCDF, Gamma};

    use super::*;

    #[test]
    fn a_single_gamma_has_its_own_quantiles() {
        let p = Posterior { components: vec![(1.0, 30.0, 25.0)], own_weight: 0.0 };
        let exact = Gamma::new(30.0, 25.0).unwrap();
        let i = p.interval();
        assert!((i.mean - 1.2).abs() < 1e-12);
        assert!((i.lo - exact.inverse_cdf(0.05)).abs() < 1e-6, "{i:?}");
        assert!((i.hi - exact.inverse_cdf(0.95)).abs() < 1e-6, "{i:?}");
    }

    #[test]
    fn long_records_earn_weight_and_identical_records_are_pooled() {
        // Forty reps in four teams, every one exactly on its expected wins: no sign of any spread.
        let same: Vec<Record> = (0..40)
            .map(|i| {
                let expected = 5.0 + 2.0 * i as f64;
                Record { wins: expected.round(), expected, home: i % 4 }
            })
            .collect();
        let (posteriors, tau) = fit_skills(&same);
        assert!(tau < 0.15, "{tau}");
        let weights: Vec<f64> = posteriors.iter().map(Posterior::own_weight).collect();
        assert!(weights.windows(4).all(|w| w[3] > w[0]), "{weights:?}");
        // Records ±30% off, high and low within every team (a whole team off would be its segment's rate):
        // a real spread, and more weight at every length.
        let spread: Vec<Record> = same
            .iter()
            .enumerate()
            .map(|(i, r)| Record {
                wins: (r.expected * if i / 4 % 2 == 0 { 1.3 } else { 0.7 }).round(),
                ..*r
            })
            .collect();
        let (wide, wide_tau) = fit_skills(&spread);
        assert!(wide_tau > 0.2 && wide_tau > 2.0 * tau, "{wide_tau} {tau}");
        for (a, b) in wide.iter().zip(&posteriors) {
            assert!(a.own_weight() > b.own_weight());
            let i = a.interval();
            assert!(i.lo < i.mean && i.mean < i.hi, "{i:?}");
        }
    }
}
