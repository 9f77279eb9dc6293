//! Scores of a predictive distribution given by samples against what happened.

/// The continuous ranked probability score of the empirical distribution of `sorted` (ascending) at `y`:
/// `E|X − y| − ½ E|X − X'|`, in the units of `y`. Lower is better; for a point forecast it is the
/// absolute error.
pub fn crps_samples(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let nf = n as f64;
    let abs_err = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / nf;
    // E|X − X'| over ordered samples: (2 / n²) Σ (2i − n − 1) x_(i), i = 1..n.
    let spread = sorted.iter().enumerate().map(|(i, x)| (2.0 * (i + 1) as f64 - nf - 1.0) * x).sum::<f64>()
        * 2.0
        / (nf * nf);
    abs_err - 0.5 * spread
}

/// The range of the randomized probability integral transform of `y` under the samples `sorted`
/// (ascending): `(P(X < y), P(X ≤ y))`. The randomized PIT is uniform on that range; for a calibrated
/// forecast it is uniform on [0, 1] even when the distribution has atoms (counts, a quarter without a
/// win), where the PIT itself is not.
pub fn pit_range(sorted: &[f64], y: f64) -> (f64, f64) {
    let n = sorted.len();
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let below = sorted.partition_point(|&x| x < y);
    let at_or_below = sorted.partition_point(|&x| x <= y);
    (below as f64 / n as f64, at_or_below as f64 / n as f64)
}

/// The mid probability integral transform of `y` under the samples `sorted` (ascending):
/// `P(X < y) + ½ P(X = y)`, the middle of [`pit_range`]. It is a point to show; coverage is read from the
/// whole range ([`share_inside`]), because the mid-PIT of a count piles up near ½.
pub fn pit(sorted: &[f64], y: f64) -> f64 {
    let (lo, hi) = pit_range(sorted, y);
    0.5 * (lo + hi)
}

/// The probability that the randomized PIT, uniform on `range`, falls inside `[lo, hi]`: the check's
/// expected coverage. With a point range it is 1 or 0. Under a calibrated forecast its mean over checks is
/// `hi − lo` exactly, atoms or not: counting a tie at an interval's end by its probability mass share.
pub fn share_inside(range: (f64, f64), lo: f64, hi: f64) -> f64 {
    let (a, b) = range;
    if b > a {
        ((b.min(hi) - a.max(lo)).max(0.0) / (b - a)).min(1.0)
    } else if (lo..=hi).contains(&a) {
        1.0
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crps_of_a_point_is_the_absolute_error() {
        assert!((crps_samples(&[3.0], 5.0) - 2.0).abs() < 1e-12);
    }

    #[test]
    fn crps_of_a_uniform_sample_matches_the_closed_form() {
        // CRPS of U(0, 1) at y: y² − y + 1/3 (for y in [0, 1]).
        let n = 10_000;
        let sorted: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        for y in [0.1, 0.5, 0.9] {
            let exact = y * y - y + 1.0 / 3.0;
            assert!((crps_samples(&sorted, y) - exact).abs() < 1e-4, "y = {y}");
        }
    }

    /// A calibrated forecast of a count: each outcome weighted by its probability under the forecast
    /// itself. The randomized PIT's expected share inside the central 50% and 80% intervals is nominal
    /// exactly; the mid-PIT's is not (for a 60/40 zero-or-one count it puts every zero inside the 50%
    /// interval and every outcome inside the 80% one).
    #[test]
    fn randomized_pit_coverage_of_a_calibrated_count_is_nominal_and_mid_pit_is_not() {
        // Poisson(1.2) by its quantiles on a fine grid, and a zero-or-one count.
        let poisson = |u: f64| {
            let (mut k, mut p, mut cdf) = (0.0, (-1.2f64).exp(), (-1.2f64).exp());
            while cdf < u {
                k += 1.0;
                p *= 1.2 / k;
                cdf += p;
            }
            k
        };
        let n = 100_000;
        let grid: Vec<f64> = (0..n).map(|i| poisson((i as f64 + 0.5) / n as f64)).collect();
        let bernoulli: Vec<f64> = (0..10).map(|i| f64::from(u8::from(i >= 6))).collect();
        for forecast in [grid, bernoulli] {
            let mut atoms: Vec<f64> = forecast.clone();
            atoms.dedup();
            let mass = |y: f64| forecast.iter().filter(|&&x| x == y).count() as f64 / forecast.len() as f64;
            let expected = |lo: f64, hi: f64| {
                atoms.iter().map(|&y| mass(y) * share_inside(pit_range(&forecast, y), lo, hi)).sum::<f64>()
            };
            assert!((expected(0.25, 0.75) - 0.5).abs() < 1e-12, "{}", expected(0.25, 0.75));
            assert!((expected(0.10, 0.90) - 0.8).abs() < 1e-12, "{}", expected(0.10, 0.90));
        }
        let zero_or_one = [0.0, 0.0, 0.0, 1.0, 1.0];
        let mid = |lo: f64, hi: f64| {
            let inside = |y: f64| f64::from(u8::from((lo..=hi).contains(&pit(&zero_or_one, y))));
            0.6 * inside(0.0) + 0.4 * inside(1.0)
        };
        assert_eq!((mid(0.25, 0.75), mid(0.10, 0.90)), (0.6, 1.0));
    }

    #[test]
    fn share_inside_counts_the_part_of_the_range_in_the_interval() {
        assert_eq!(share_inside((0.2, 0.6), 0.25, 0.75), 0.875);
        assert_eq!(share_inside((0.0, 1.0), 0.10, 0.90), 0.8);
        assert_eq!(share_inside((0.8, 0.8), 0.25, 0.75), 0.0);
        assert_eq!(share_inside((0.5, 0.5), 0.25, 0.75), 1.0);
    }

    #[test]
    fn pit_splits_ties() {
        let s = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(pit(&s, 2.0), 0.5);
        assert_eq!(pit(&s, 0.0), 0.0);
        assert_eq!(pit(&s, 9.0), 1.0);
        assert_eq!(pit_range(&s, 2.0), (0.25, 0.75));
    }
}
