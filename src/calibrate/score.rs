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

/// The mid probability integral transform of `y` under the samples `sorted` (ascending):
/// `P(X < y) + ½ P(X = y)`. For a calibrated forecast it is spread evenly over [0, 1]; taking the middle of
/// the jump keeps it so for counts, whose distributions have atoms.
pub fn pit(sorted: &[f64], y: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let below = sorted.partition_point(|&x| x < y);
    let at_or_below = sorted.partition_point(|&x| x <= y);
    (below as f64 + 0.5 * (at_or_below - below) as f64) / n as f64
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

    #[test]
    fn pit_splits_ties() {
        let s = [1.0, 2.0, 2.0, 3.0];
        assert_eq!(pit(&s, 2.0), 0.5);
        assert_eq!(pit(&s, 0.0), 0.0);
        assert_eq!(pit(&s, 9.0), 1.0);
    }
}
