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

/// A figure's running distribution across trials: mean and spread ([`Welford`]) and quantiles ([`Sketch`]),
/// mergeable chunk by chunk.
#[derive(Debug, Clone, Default)]
pub struct Distribution {
    moments: Welford,
    sketch: Sketch,
}

impl Distribution {
    /// Adds one trial's value.
    pub fn push(&mut self, x: f64) {
        self.moments.push(x);
        self.sketch.push(x);
    }

    /// Appends a later chunk's distribution (the moments merge in this order; the sketch's counts in any).
    pub fn merge(&mut self, other: &Distribution) {
        self.moments.merge(&other.moments);
        self.sketch.merge(&other.sketch);
    }

    /// The mean and its standard error.
    pub fn estimate(&self) -> Estimate {
        Estimate::from(&self.moments)
    }

    /// The `p`-quantile (see [`Sketch::quantile`]).
    pub fn quantile(&mut self, p: f64) -> Quantile {
        self.sketch.quantile(p)
    }

    /// Mean, standard deviation and the 10th, 50th and 90th percentiles.
    pub fn summary(&mut self) -> Summary {
        Summary {
            mean: self.estimate(),
            sd: self.moments.variance().sqrt(),
            p10: self.quantile(0.10),
            p50: self.quantile(0.50),
            p90: self.quantile(0.90),
        }
    }
}

/// The `p`-quantile of sorted samples (linear interpolation between order statistics), with its standard
/// error.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Quantile {
    interpolated_quantile(sorted.len(), p, |rank| sorted[rank])
}

/// The `p`-quantile of `n` samples whose `k`-th smallest (0-based) is `order_statistic(k)`: linear
/// interpolation between order statistics, with the standard error of the order-statistic interval.
fn interpolated_quantile(n: usize, p: f64, order_statistic: impl Fn(usize) -> f64) -> Quantile {
    if n == 0 {
        return Quantile { value: 0.0, se: 0.0 };
    }
    let at = |rank: f64| -> f64 {
        let rank = rank.clamp(0.0, (n - 1) as f64);
        let lo = rank.floor() as usize;
        let hi = rank.ceil() as usize;
        let (x_lo, x_hi) = (order_statistic(lo), order_statistic(hi));
        x_lo + (x_hi - x_lo) * (rank - lo as f64)
    };
    let value = at(p * (n - 1) as f64);
    let half_width = 1.96 * (n as f64 * p * (1.0 - p)).sqrt();
    let lo = at(p * n as f64 - half_width);
    let hi = at(p * n as f64 + half_width);
    Quantile { value, se: (hi - lo) / (2.0 * 1.96) }
}

/// Relative accuracy of [`Sketch`]: every order statistic it reports is within this fraction of the exact
/// one (|reported − exact| ≤ α·|exact|), so every quantile is too (see `docs/result-contract.md`).
pub const SKETCH_RELATIVE_ACCURACY: f64 = 0.001;

/// Buckets are `(γ^(k−1), γ^k]` with `γ = (1 + α) / (1 − α)`.
const SKETCH_GAMMA: f64 = (1.0 + SKETCH_RELATIVE_ACCURACY) / (1.0 - SKETCH_RELATIVE_ACCURACY);

/// A bucket's representative, `2γ^k / (γ + 1)`, is within α of every value in the bucket.
const SKETCH_REPRESENTATIVE: f64 = 2.0 / (SKETCH_GAMMA + 1.0);

/// Keys a store holds uncounted before it counts them into its buckets.
const PENDING_KEYS: usize = 256;

/// Spare buckets added on each side when a store grows, so a slowly widening range does not reallocate at
/// every flush.
const GROWTH_SLACK: usize = 32;

/// A mergeable quantile sketch with relative accuracy [`SKETCH_RELATIVE_ACCURACY`] (DDSketch: logarithmic
/// buckets, integer counts). Its size depends on the range of the values (about `ln(max/min) / 2α`
/// buckets), not on how many there are; since counts are integers, merging is exact and order-free: a
/// merge of sketches is the sketch of all their values. Zeros, infinities and NaN (ranked last) are
/// counted apart; the smallest and largest values are kept exactly.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    /// Values pushed, NaN included.
    n: u64,
    /// Smallest and largest non-NaN value (meaningful when `n > nan`).
    min: f64,
    max: f64,
    zeros: u64,
    nan: u64,
    neg_inf: u64,
    pos_inf: u64,
    /// Magnitudes of the negative values.
    negative: Store,
    positive: Store,
}

/// Counts per logarithmic bucket key.
#[derive(Debug, Clone, Default)]
struct Store {
    /// Keys not yet counted: a chunk's few values stay here, so merging a chunk costs its number of values,
    /// not its range of buckets.
    pending: Vec<i32>,
    /// Key of `counts[0]`.
    offset: i32,
    /// Counts saturate at `u32::MAX` per bucket, which no run reaches (trials are at most `u32::MAX`); half
    /// the memory of `u64` counts, and the buckets are most of what `simulate` holds.
    counts: Vec<u32>,
    /// Values held, counted or pending.
    total: u64,
}

impl Store {
    fn push(&mut self, magnitude: f64) {
        // The key of a positive finite f64 lies within ±(1075·ln 2 / ln γ) ≈ ±373,000.
        let key = (magnitude.ln() / SKETCH_GAMMA.ln()).ceil() as i32;
        if self.pending.capacity() == 0 {
            // A chunk's worth at once rather than four reallocations on the way.
            self.pending.reserve(32);
        }
        self.pending.push(key);
        self.total += 1;
        if self.pending.len() >= PENDING_KEYS {
            self.flush();
        }
    }

    fn merge(&mut self, other: &Store) {
        if other.total == 0 {
            return;
        }
        self.pending.extend_from_slice(&other.pending);
        if !other.counts.is_empty() {
            let last = other.offset + other.counts.len() as i32 - 1;
            self.cover(other.offset, last);
            let start = (other.offset - self.offset) as usize;
            for (mine, theirs) in self.counts[start..].iter_mut().zip(&other.counts) {
                *mine = mine.saturating_add(*theirs);
            }
        }
        self.total += other.total;
        if self.pending.len() >= PENDING_KEYS {
            self.flush();
        }
    }

    /// Counts the pending keys into the buckets.
    fn flush(&mut self) {
        let (Some(&lo), Some(&hi)) = (self.pending.iter().min(), self.pending.iter().max()) else {
            return;
        };
        self.cover(lo, hi);
        for key in self.pending.drain(..) {
            let count = &mut self.counts[(key - self.offset) as usize];
            *count = count.saturating_add(1);
        }
    }

    /// Grows the buckets to hold keys `lo..=hi`.
    fn cover(&mut self, lo: i32, hi: i32) {
        if self.counts.is_empty() {
            self.offset = lo;
            self.counts = vec![0; (hi - lo) as usize + 1];
            return;
        }
        let last = self.offset + self.counts.len() as i32 - 1;
        if lo >= self.offset && hi <= last {
            return;
        }
        let slack = GROWTH_SLACK as i32;
        let new_lo = if lo < self.offset { lo - slack } else { self.offset };
        let new_hi = if hi > last { hi + slack } else { last };
        let mut counts = vec![0; (new_hi - new_lo) as usize + 1];
        let start = (self.offset - new_lo) as usize;
        counts[start..start + self.counts.len()].copy_from_slice(&self.counts);
        self.offset = new_lo;
        self.counts = counts;
    }

    /// Key of the `rank`-th smallest magnitude (0-based, `rank < total`, no keys pending).
    fn key_at(&self, rank: u64) -> i32 {
        let mut seen = 0;
        for (i, &c) in self.counts.iter().enumerate() {
            seen += u64::from(c);
            if seen > rank {
                return self.offset + i as i32;
            }
        }
        self.offset + self.counts.len() as i32 - 1
    }
}

/// A bucket's representative magnitude.
fn representative(key: i32) -> f64 {
    (f64::from(key) * SKETCH_GAMMA.ln()).exp() * SKETCH_REPRESENTATIVE
}

impl Sketch {
    /// Adds one value.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        if x.is_nan() {
            self.nan += 1;
            return;
        }
        if self.n - self.nan == 1 {
            (self.min, self.max) = (x, x);
        } else {
            (self.min, self.max) = (self.min.min(x), self.max.max(x));
        }
        if x == 0.0 {
            self.zeros += 1;
        } else if x == f64::INFINITY {
            self.pos_inf += 1;
        } else if x == f64::NEG_INFINITY {
            self.neg_inf += 1;
        } else if x > 0.0 {
            self.positive.push(x);
        } else {
            self.negative.push(-x);
        }
    }

    /// Merges another sketch into this one: the result is the sketch of both sets of values.
    pub fn merge(&mut self, other: &Sketch) {
        let (mine, theirs) = (self.n - self.nan, other.n - other.nan);
        if mine == 0 {
            (self.min, self.max) = (other.min, other.max);
        } else if theirs > 0 {
            (self.min, self.max) = (self.min.min(other.min), self.max.max(other.max));
        }
        self.n += other.n;
        self.nan += other.nan;
        self.zeros += other.zeros;
        self.neg_inf += other.neg_inf;
        self.pos_inf += other.pos_inf;
        self.negative.merge(&other.negative);
        self.positive.merge(&other.positive);
    }

    /// Values pushed.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The `p`-quantile, interpolated between order statistics as [`quantile_sorted`] does, with its
    /// standard error; each order statistic is within [`SKETCH_RELATIVE_ACCURACY`] of the exact one. Counts
    /// the values still pending first, hence `&mut`.
    pub fn quantile(&mut self, p: f64) -> Quantile {
        self.negative.flush();
        self.positive.flush();
        let n = usize::try_from(self.n).unwrap_or(usize::MAX);
        interpolated_quantile(n, p, |rank| self.order_statistic(rank as u64))
    }

    /// The `rank`-th smallest value (0-based), NaN ranked last: exact for the smallest and the largest,
    /// zeros and infinities, else its bucket's representative (kept within the exact range).
    fn order_statistic(&self, rank: u64) -> f64 {
        let ordered = self.n - self.nan;
        if rank >= ordered {
            return f64::NAN;
        }
        if rank == 0 {
            return self.min;
        }
        if rank == ordered - 1 {
            return self.max;
        }
        let mut r = rank;
        if r < self.neg_inf {
            return f64::NEG_INFINITY;
        }
        r -= self.neg_inf;
        let value = if r < self.negative.total {
            -representative(self.negative.key_at(self.negative.total - 1 - r))
        } else {
            r -= self.negative.total;
            if r < self.zeros {
                return 0.0;
            }
            r -= self.zeros;
            if r >= self.positive.total {
                return f64::INFINITY;
            }
            representative(self.positive.key_at(r))
        };
        value.clamp(self.min, self.max)
    }
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

    /// Seeded test data: lognormal-like positives spanning four decades, 20% zeros, 10% ties on a few
    /// values and 10% negatives.
    fn awkward_values(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        let mut uniform = move || {
            // SplitMix64.
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let kind = uniform();
                let x = (uniform() * 4.0 * std::f64::consts::LN_10).exp() * 100.0;
                if kind < 0.2 {
                    0.0
                } else if kind < 0.3 {
                    [1.0, 250.0, 1e4][(uniform() * 3.0) as usize]
                } else if kind < 0.4 {
                    -x
                } else {
                    x
                }
            })
            .collect()
    }

    fn sketch_of(xs: &[f64]) -> Sketch {
        let mut s = Sketch::default();
        for &x in xs {
            s.push(x);
        }
        s
    }

    #[test]
    fn sketch_order_statistics_are_within_the_stated_accuracy() {
        let xs = awkward_values(3000, 7);
        let mut sketch = sketch_of(&xs);
        sketch.quantile(0.5);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let mut exact_ties = 0;
        for (k, &exact) in sorted.iter().enumerate() {
            let got = sketch.order_statistic(k as u64);
            let bound = SKETCH_RELATIVE_ACCURACY * exact.abs() * (1.0 + 1e-12);
            assert!((got - exact).abs() <= bound, "rank {k}: {got} against exact {exact}");
            exact_ties += usize::from(got == exact);
        }
        assert_eq!(sketch.order_statistic(0), sorted[0]);
        assert_eq!(sketch.order_statistic(2999), sorted[2999]);
        assert!(exact_ties >= 600, "zeros (20%) are exact, got {exact_ties} exact ranks");
        for p in [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0] {
            let (got, exact) = (sketch.quantile(p), quantile_sorted(&sorted, p));
            let rank = p * 2999.0;
            let scale = sorted[rank.floor() as usize].abs().max(sorted[rank.ceil() as usize].abs());
            assert!(
                (got.value - exact.value).abs() <= SKETCH_RELATIVE_ACCURACY * scale * (1.0 + 1e-12),
                "p = {p}: {} against exact {}",
                got.value,
                exact.value
            );
            let largest = sorted[0].abs().max(sorted[2999].abs());
            assert!((got.se - exact.se).abs() <= SKETCH_RELATIVE_ACCURACY * largest / 1.96);
        }
    }

    #[test]
    fn sketch_merge_is_the_sketch_of_all_values() {
        let xs = awkward_values(5000, 11);
        let mut whole = sketch_of(&xs);
        // Uneven pieces, some below and some above the pending-key threshold, merged out of order.
        let cuts = [0, 17, 49, 700, 701, 2300, 2332, 5000];
        let mut pieces: Vec<Sketch> = cuts.windows(2).map(|w| sketch_of(&xs[w[0]..w[1]])).collect();
        pieces.reverse();
        let mut merged = Sketch::default();
        for piece in &pieces {
            merged.merge(piece);
        }
        assert_eq!(merged.count(), whole.count());
        for p in [0.0, 0.03, 0.1, 0.2, 0.37, 0.5, 0.9, 0.999, 1.0] {
            assert_eq!(merged.quantile(p), whole.quantile(p), "p = {p}");
        }
        for k in (0..5000).step_by(7) {
            assert_eq!(merged.order_statistic(k).to_bits(), whole.order_statistic(k).to_bits(), "rank {k}");
        }
    }

    #[test]
    fn sketch_keeps_zeros_infinities_and_nan_apart() {
        let mut s = sketch_of(&[f64::NAN, 3.0, f64::INFINITY, 0.0, -2.0, f64::NEG_INFINITY, -0.0]);
        s.quantile(0.5);
        let got: Vec<f64> = (0..7).map(|k| s.order_statistic(k)).collect();
        assert_eq!(got[0], f64::NEG_INFINITY);
        assert!((got[1] + 2.0).abs() <= 2.0 * SKETCH_RELATIVE_ACCURACY);
        assert_eq!((got[2], got[3]), (0.0, 0.0));
        assert!((got[4] - 3.0).abs() <= 3.0 * SKETCH_RELATIVE_ACCURACY);
        assert_eq!(got[5], f64::INFINITY);
        assert!(got[6].is_nan());
        let mut same = sketch_of(&[5.0; 40]);
        assert_eq!(same.quantile(0.37), Quantile { value: 5.0, se: 0.0 }, "ties of one value are exact");
        assert_eq!(Sketch::default().quantile(0.5), Quantile { value: 0.0, se: 0.0 });
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
