//! Mergeable statistics and quantiles with Monte Carlo standard errors.

/// Running mean and variance (Welford), mergeable (Chan et al.), so chunks can be reduced in any grouping
/// with the same result up to rounding.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// Adds one observation.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Merges another accumulator into this one.
    pub fn merge(&mut self, other: &Welford) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let d = other.mean - self.mean;
        self.mean += d * other.n as f64 / n as f64;
        self.m2 += other.m2 + d * d * self.n as f64 * other.n as f64 / n as f64;
        self.n = n;
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// Sample variance (n − 1 denominator; 0 below two observations).
    pub fn variance(&self) -> f64 {
        if self.n < 2 { 0.0 } else { self.m2 / (self.n - 1) as f64 }
    }

    /// Standard error of the mean.
    pub fn std_error(&self) -> f64 {
        if self.n < 2 { 0.0 } else { (self.variance() / self.n as f64).sqrt() }
    }
}

impl FromIterator<f64> for Welford {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut w = Welford::default();
        for x in iter {
            w.push(x);
        }
        w
    }
}

/// A mean with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Estimate {
    /// The estimate.
    pub mean: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
}

impl From<&Welford> for Estimate {
    fn from(w: &Welford) -> Self {
        Estimate { mean: w.mean(), se: w.std_error() }
    }
}

impl Estimate {
    /// A probability estimated from `hits` of `n` trials, with the binomial standard error.
    pub fn proportion(hits: usize, n: usize) -> Self {
        if n == 0 {
            return Estimate { mean: 0.0, se: 0.0 };
        }
        let p = hits as f64 / n as f64;
        Estimate { mean: p, se: (p * (1.0 - p) / n as f64).sqrt() }
    }
}

/// A quantile with its Monte Carlo standard error, from the order-statistic interval: the ranks
/// `n·p ± 1.96·√(n·p·(1−p))` bracket the true quantile with 95% confidence, and half that interval over 1.96
/// is reported as the standard error.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Quantile {
    /// The quantile.
    pub value: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
}

/// The usual summary of a sampled distribution.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// Mean and its standard error.
    pub mean: Estimate,
    /// Standard deviation across trials.
    pub sd: f64,
    /// 10th percentile.
    pub p10: Quantile,
    /// Median.
    pub p50: Quantile,
    /// 90th percentile.
    pub p90: Quantile,
}

impl Summary {
    /// Summarises samples (sorted in place).
    pub fn of(samples: &mut [f64]) -> Self {
        let w: Welford = samples.iter().copied().collect();
        samples.sort_by(f64::total_cmp);
        Summary {
            mean: Estimate::from(&w),
            sd: w.variance().sqrt(),
            p10: quantile_sorted(samples, 0.10),
            p50: quantile_sorted(samples, 0.50),
            p90: quantile_sorted(samples, 0.90),
        }
    }
}

/// The `p`-quantile of sorted samples (linear interpolation between order statistics), with its standard
/// error.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Quantile {
    let n = sorted.len();
    if n == 0 {
        return Quantile { value: 0.0, se: 0.0 };
    }
    let at = |rank: f64| -> f64 {
        let rank = rank.clamp(0.0, (n - 1) as f64);
        let lo = rank.floor() as usize;
        let hi = rank.ceil() as usize;
        sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
    };
    let value = at(p * (n - 1) as f64);
    let half_width = 1.96 * (n as f64 * p * (1.0 - p)).sqrt();
    let lo = at(p * n as f64 - half_width);
    let hi = at(p * n as f64 + half_width);
    Quantile { value, se: (hi - lo) / (2.0 * 1.96) }
}

/// Population variance and Gini coefficient of a set of values (the Gini of non-negative values; 0 when
/// their mean is 0).
pub fn spread(values: &[f64]) -> (f64, f64) {
    let n = values.len();
    if n == 0 {
        return (0.0, 0.0);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
    if mean <= 0.0 {
        return (var, 0.0);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Gini = Σ (2i − n − 1) x_(i) / (n² · mean), i 1-based over sorted values.
    let weighted: f64 =
        sorted.iter().enumerate().map(|(i, x)| (2.0 * (i + 1) as f64 - n as f64 - 1.0) * x).sum();
    (var, weighted / (n as f64 * n as f64 * mean))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn merging_chunks_equals_one_pass(xs in proptest::collection::vec(-1e6f64..1e6, 1..200), cut in 0usize..200) {
            let cut = cut.min(xs.len());
            let whole: Welford = xs.iter().copied().collect();
            let mut left: Welford = xs[..cut].iter().copied().collect();
            let right: Welford = xs[cut..].iter().copied().collect();
            left.merge(&right);
            prop_assert_eq!(left.count(), whole.count());
            prop_assert!((left.mean() - whole.mean()).abs() <= 1e-9 * (1.0 + whole.mean().abs()));
            prop_assert!((left.variance() - whole.variance()).abs() <= 1e-6 * (1.0 + whole.variance()));
        }
    }

    #[test]
    fn gini_known_values() {
        assert_eq!(spread(&[1.0, 1.0, 1.0]).1, 0.0);
        // One of four holds everything: Gini = (n − 1) / n.
        let (_, g) = spread(&[0.0, 0.0, 0.0, 4.0]);
        assert!((g - 0.75).abs() < 1e-12);
        let (v, _) = spread(&[1.0, 3.0]);
        assert!((v - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quantiles_of_uniform_grid() {
        let xs: Vec<f64> = (0..=100).map(f64::from).collect();
        assert!((quantile_sorted(&xs, 0.5).value - 50.0).abs() < 1e-12);
        assert!((quantile_sorted(&xs, 0.1).value - 10.0).abs() < 1e-12);
        // Rank interval ±1.96·√(101·0.25) ≈ ±9.85 → se ≈ 5.
        assert!((quantile_sorted(&xs, 0.5).se - 5.0).abs() < 0.2);
    }
}
