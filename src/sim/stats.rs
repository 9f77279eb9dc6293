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
    /// An empty distribution with room for `values` positive values (see [`Sketch::with_room`]).
    pub fn with_room(values: usize) -> Self {
        Distribution { moments: Welford::default(), sketch: Sketch::with_room(values) }
    }

    /// Adds one trial's value.
    pub fn push(&mut self, x: f64) {
        self.moments.push(x);
        self.sketch.push(x);
    }

    /// Empties the distribution, keeping the sketch's buffers.
    pub fn clear(&mut self) {
        self.moments = Welford::default();
        self.sketch.clear();
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

    /// Quantile order statistics that fell into a compacted tail (see [`Sketch::unresolved`]).
    pub fn unresolved(&self) -> u64 {
        self.sketch.unresolved()
    }

    /// The `p`-quantile (see [`Sketch::quantile`]).
    pub fn quantile(&mut self, p: f64) -> Quantile {
        // The sketch compacts its tails clear of these ranks only: another p may read a bound.
        debug_assert!(RESOLVED_QUANTILES.contains(&p), "p = {p} is not among RESOLVED_QUANTILES");
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

/// The count a [`Store`] bucket holds from which it keeps its count apart (`u16::MAX`).
const WIDE: u16 = u16::MAX;

/// Keys a store holds uncounted before it counts them into its buckets.
const PENDING_KEYS: usize = 256;

/// Spare buckets added on each side when a store grows, so a slowly widening range does not reallocate at
/// every flush.
const GROWTH_SLACK: usize = 32;

/// A store grows by at least this fraction of its width on the side that grows.
const GROWTH_FRACTION: usize = 8;

/// Sparse buckets a frozen store holds before it considers moving them into its dense range.
const SPARSE_KEYS: usize = 64;

/// The quantiles a [`Sketch`] keeps resolved once it compacts: the only ones `simulate` reports
/// (`p05`…`p95` of a result, with the ranks of their standard errors). Any other `p` is answered too, but may
/// fall into a compacted tail, which [`Sketch::unresolved`] then counts.
pub const RESOLVED_QUANTILES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Values (NaN aside) a sketch holds before it compacts its tails. Below it a sketch is exact up to α at
/// every rank. Every sketch compacts when it first holds this many (see `Sketch::compaction_due`); 768 is a
/// multiple of the runner's chunk of 32 trials below 1,000, so a 1,000-trial run compacts at the same point
/// as a longer one and the longest run holds no wider stores.
pub const SKETCH_COMPACT_FROM: u64 = 768;

/// Standard deviations of margin between a compacted tail and the nearest resolved rank (see
/// [`collapsible`]).
const COMPACT_SIGMAS: f64 = 6.0;

/// A mergeable quantile sketch with relative accuracy [`SKETCH_RELATIVE_ACCURACY`] (DDSketch: logarithmic
/// buckets, integer counts). Its size depends on the range of the values (about `ln(max/min) / 2α`
/// buckets), not on how many there are. Zeros, infinities and NaN (ranked last) are counted apart; the
/// smallest and largest values are kept exactly.
///
/// **Compaction.** Once it holds [`SKETCH_COMPACT_FROM`] values, a sketch collapses the ends of its two
/// stores (the tails of the distribution, and the ends next to zero) into unordered counts wherever those
/// ranks are far from every rank a [`RESOLVED_QUANTILES`] quantile reads, so its width stops following the
/// extremes. Counts stay exact. Every order statistic whose rank is outside the collapsed mass is the same
/// bits as without compaction; one inside it is not resolved: [`Sketch::quantile`] then reports a bound
/// (the collapsed edge) and counts it in [`Sketch::unresolved`], never silently a wrong value.
///
/// Merging adds counts, so a merge of uncompacted sketches is the sketch of all their values; merging into
/// a compacted one collapses what falls outside its edges, which is what pushing the values would do; two
/// compacted sketches merge to the tighter edges of the two (see `docs/result-contract.md`).
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
    /// Whether the tails were compacted once.
    compacted: bool,
    /// Order statistics asked that fell into a collapsed tail.
    unresolved: u64,
}

/// Counts per logarithmic bucket key, between two edges beyond which values are counted unordered.
#[derive(Debug, Clone)]
struct Store {
    /// Keys not yet counted: a chunk's few values stay here, so merging a chunk costs its number of values,
    /// not its range of buckets.
    pending: Vec<i32>,
    /// Key of `counts[0]`.
    offset: i32,
    /// Counts per bucket, from `offset`: `u16`, half the memory of `u32` (the buckets are most of what
    /// `simulate` holds); a bucket of [`WIDE`] values or more holds `WIDE` and its count is in `wide`.
    counts: Vec<u16>,
    /// `(key, count)` of the buckets holding `WIDE` or more, sorted by key. Counts saturate at `u32::MAX`
    /// per bucket, which no run reaches (trials are at most `u32::MAX`).
    wide: Vec<(i32, u32)>,
    /// Values held, counted or pending.
    total: u64,
    /// Keys below `lo_edge` are counted in `below`; keys above `hi_edge` (and not below) in `above`; only
    /// keys in `lo_edge..=hi_edge` have buckets. `i32::MIN..=i32::MAX` until compaction.
    lo_edge: i32,
    hi_edge: i32,
    below: u64,
    above: u64,
    /// Once set (at the sketch's first compaction), `counts` no longer grows: keys within the edges but
    /// outside it are counted here, sorted, one entry per key, unless they become dense enough to join it
    /// (see [`SPARSE_KEYS`]).
    frozen: bool,
    sparse: Vec<(i32, u32)>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            pending: Vec::new(),
            offset: 0,
            counts: Vec::new(),
            wide: Vec::new(),
            total: 0,
            lo_edge: i32::MIN,
            hi_edge: i32::MAX,
            below: 0,
            above: 0,
            frozen: false,
            sparse: Vec::new(),
        }
    }
}

impl Store {
    /// Empties the store to its default state, keeping its buffers.
    fn clear(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        let mut counts = std::mem::take(&mut self.counts);
        let mut wide = std::mem::take(&mut self.wide);
        let mut sparse = std::mem::take(&mut self.sparse);
        pending.clear();
        counts.clear();
        wide.clear();
        sparse.clear();
        *self = Store { pending, counts, wide, sparse, ..Store::default() };
    }

    /// Queues a magnitude; true when the pending keys should be counted.
    fn push(&mut self, magnitude: f64) -> bool {
        // The key of a positive finite f64 lies within ±(1075·ln 2 / ln γ) ≈ ±373,000.
        let key = (magnitude.ln() / SKETCH_GAMMA.ln()).ceil() as i32;
        if self.pending.capacity() == 0 {
            // A chunk's worth at once rather than four reallocations on the way.
            self.pending.reserve(32);
        }
        self.pending.push(key);
        self.total += 1;
        self.pending.len() >= PENDING_KEYS
    }

    /// Adds another store's values; true when the pending keys should be counted.
    fn merge(&mut self, other: &Store) -> bool {
        if other.total == 0 {
            return false;
        }
        // What the other store collapsed is collapsed here too.
        self.restrict(self.lo_edge.max(other.lo_edge), self.hi_edge.min(other.hi_edge));
        let need = self.pending.len() + other.pending.len();
        if need > self.pending.capacity() {
            // Room for a flush's worth, not a doubling past it (the running total keeps this buffer).
            self.pending.reserve_exact(need.max(PENDING_KEYS) - self.pending.len());
        }
        self.pending.extend_from_slice(&other.pending);
        self.below += other.below;
        self.above += other.above;
        if !self.frozen {
            let keys =
                other.buckets().map(|(key, _)| key).filter(|&k| k >= self.lo_edge && k <= self.hi_edge);
            let (lo, hi) = keys.fold((i32::MAX, i32::MIN), |(lo, hi), k| (lo.min(k), hi.max(k)));
            if lo <= hi {
                self.cover(lo, hi, self.growth_slack());
            }
        }
        for (key, c) in other.buckets() {
            self.add(key, c);
        }
        self.settle();
        self.frozen |= other.frozen;
        self.total += other.total;
        self.pending.len() >= PENDING_KEYS
    }

    /// Counts `count` values of bucket `key` (its bucket exists when the key is within the edges, unless the
    /// store is frozen: then it goes to `sparse`, unordered until [`Self::settle`]).
    fn add(&mut self, key: i32, count: u32) {
        if key < self.lo_edge {
            self.below += u64::from(count);
        } else if key > self.hi_edge {
            self.above += u64::from(count);
        } else if let Some(c) = usize::try_from(key - self.offset).ok().and_then(|i| self.counts.get_mut(i)) {
            if *c == WIDE {
                let at = self.wide.binary_search_by_key(&key, |&(k, _)| k).expect("a wide bucket is listed");
                self.wide[at].1 = self.wide[at].1.saturating_add(count);
            } else if u32::from(*c).saturating_add(count) < u32::from(WIDE) {
                *c += count as u16;
            } else {
                let sum = u32::from(*c).saturating_add(count);
                *c = WIDE;
                let at = self.wide.binary_search_by_key(&key, |&(k, _)| k).unwrap_err();
                self.wide.insert(at, (key, sum));
            }
        } else {
            debug_assert!(self.frozen, "bucket {key} not covered");
            self.sparse.push((key, count));
        }
    }

    /// Sorts `sparse` by key and sums the counts of equal keys.
    fn settle(&mut self) {
        if self.sparse.is_sorted_by(|a, b| a.0 < b.0) {
            return;
        }
        self.sparse.sort_unstable_by_key(|&(key, _)| key);
        let mut kept = 0;
        for i in 0..self.sparse.len() {
            let (key, c) = self.sparse[i];
            if kept > 0 && self.sparse[kept - 1].0 == key {
                self.sparse[kept - 1].1 = self.sparse[kept - 1].1.saturating_add(c);
            } else {
                self.sparse[kept] = (key, c);
                kept += 1;
            }
        }
        self.sparse.truncate(kept);
    }

    /// Every bucket held, dense or sparse, by increasing key, as `(key, count)`.
    fn buckets(&self) -> impl DoubleEndedIterator<Item = (i32, u32)> + '_ {
        let (offset, len) = (self.offset, self.counts.len() as i32);
        let low = self.sparse.iter().copied().filter(move |&(key, _)| key < offset);
        let wide = &self.wide;
        let dense = self.counts.iter().enumerate().map(move |(i, &c)| {
            let key = offset + i as i32;
            (
                key,
                if c == WIDE {
                    wide[wide.binary_search_by_key(&key, |&(k, _)| k).expect("listed")].1
                } else {
                    c.into()
                },
            )
        });
        let high = self.sparse.iter().copied().filter(move |&(key, _)| key >= offset + len);
        low.chain(dense).chain(high)
    }

    /// Moves the sparse buckets into `counts` when that costs at most twice their memory (a frozen store's
    /// range filling in); true when `counts` grew.
    fn densify(&mut self) -> bool {
        let (Some(&(first, _)), Some(&(last, _))) = (self.sparse.first(), self.sparse.last()) else {
            return false;
        };
        if self.sparse.len() < SPARSE_KEYS {
            return false;
        }
        let (lo, hi) = if self.counts.is_empty() {
            (first, last)
        } else {
            (first.min(self.offset), last.max(self.offset + self.counts.len() as i32 - 1))
        };
        let extra = (hi - lo) as usize + 1 - self.counts.len();
        if extra > 2 * self.sparse.len() {
            return false;
        }
        // Exactly: a frozen store's range fills in by the few keys beyond it, so slack would be most of it.
        self.cover(lo, hi, 0);
        for (key, c) in std::mem::take(&mut self.sparse) {
            self.add(key, c);
        }
        true
    }

    /// Counts the pending keys; true when the buckets grew.
    fn flush(&mut self) -> bool {
        let (lo_edge, hi_edge) = (self.lo_edge, self.hi_edge);
        let inside = self.pending.iter().copied().filter(|&k| k >= lo_edge && k <= hi_edge);
        let (lo, hi) = inside.fold((i32::MAX, i32::MIN), |(lo, hi), k| (lo.min(k), hi.max(k)));
        let sparse = self.sparse.len();
        let mut grew = !self.frozen && lo <= hi && self.cover(lo, hi, self.growth_slack());
        let pending = std::mem::take(&mut self.pending);
        for &key in &pending {
            self.add(key, 1);
        }
        self.pending = pending;
        self.pending.clear();
        if self.sparse.len() > sparse {
            self.settle();
            grew = true;
            self.densify();
        }
        grew
    }

    /// Spare buckets for a store that grows while it is not frozen.
    fn growth_slack(&self) -> usize {
        GROWTH_SLACK.max(self.counts.len() / GROWTH_FRACTION)
    }

    /// Grows the buckets to hold keys `lo..=hi` (within the edges), with `slack` spare buckets on the side
    /// that grows; true when they grew.
    fn cover(&mut self, lo: i32, hi: i32, slack: usize) -> bool {
        if self.counts.is_empty() {
            self.offset = lo;
            self.counts = vec![0; (hi - lo) as usize + 1];
            return true;
        }
        let len = self.counts.len();
        let last = self.offset + len as i32 - 1;
        if lo >= self.offset && hi <= last {
            return false;
        }
        let slack = slack as i32;
        let new_lo = if lo < self.offset { (lo - slack).max(self.lo_edge) } else { self.offset };
        let new_hi = if hi > last { (hi + slack).min(self.hi_edge) } else { last };
        let below = (self.offset - new_lo) as usize;
        let grown = (new_hi - new_lo) as usize + 1;
        // In place where the allocator can (a realloc), not a new block and a freed one.
        self.counts.reserve_exact(grown - len);
        self.counts.resize(grown, 0);
        if below > 0 {
            self.counts.copy_within(0..len, below);
            self.counts[..below].fill(0);
        }
        self.offset = new_lo;
        true
    }

    /// Moves the edges in to `lo_edge..=hi_edge` (never out), counting the buckets left outside as collapsed
    /// and keeping only the buckets inside (in an allocation of their size).
    fn restrict(&mut self, lo_edge: i32, hi_edge: i32) {
        let (lo_edge, hi_edge) = (lo_edge.max(self.lo_edge), hi_edge.min(self.hi_edge));
        if (lo_edge, hi_edge) == (self.lo_edge, self.hi_edge) {
            return;
        }
        (self.lo_edge, self.hi_edge) = (lo_edge, hi_edge);
        let sparse = std::mem::take(&mut self.sparse);
        let counts = std::mem::take(&mut self.counts);
        let (mut keep_lo, mut keep_hi) = (usize::MAX, 0);
        for (i, &c) in counts.iter().enumerate() {
            let key = self.offset + i as i32;
            if key >= lo_edge && key <= hi_edge {
                (keep_lo, keep_hi) = (keep_lo.min(i), i);
            } else if c == WIDE {
                let at = self.wide.binary_search_by_key(&key, |&(k, _)| k).expect("a wide bucket is listed");
                self.add(key, self.wide[at].1);
            } else {
                self.add(key, c.into());
            }
        }
        self.wide.retain(|&(key, _)| key >= lo_edge && key <= hi_edge);
        if keep_lo <= keep_hi {
            // Shifted down and shrunk in place: the allocator frees the tail, no block moves.
            let mut counts = counts;
            counts.copy_within(keep_lo..=keep_hi, 0);
            counts.truncate(keep_hi - keep_lo + 1);
            counts.shrink_to_fit();
            self.counts = counts;
            self.offset += keep_lo as i32;
        }
        // The sparse buckets within the edges stay, sorted and outside the (narrower) dense range.
        let mut sparse = sparse;
        for &(key, c) in &sparse {
            if key < lo_edge {
                self.below += u64::from(c);
            } else if key > hi_edge {
                self.above += u64::from(c);
            }
        }
        sparse.retain(|&(key, _)| key >= lo_edge && key <= hi_edge);
        self.sparse = sparse;
    }

    /// Drops the empty buckets at both ends of `counts` and its spare capacity (the growth slack): done when
    /// the store freezes, since its dense range no longer grows.
    fn trim(&mut self) {
        let first = self.counts.iter().position(|&c| c != 0);
        let last = self.counts.iter().rposition(|&c| c != 0);
        let (Some(first), Some(last)) = (first, last) else {
            self.counts = Vec::new();
            return;
        };
        self.counts.copy_within(first..=last, 0);
        self.counts.truncate(last - first + 1);
        self.counts.shrink_to_fit();
        self.offset += first as i32;
    }

    /// Collapses the largest magnitudes into `above`, as many buckets as keep `above` at most `allowed`.
    fn collapse_top(&mut self, allowed: u64) {
        let mut held = self.above;
        let mut edge = self.hi_edge;
        for (key, c) in self.buckets().rev() {
            if held + u64::from(c) > allowed {
                break;
            }
            held += u64::from(c);
            // The edge moves only past values, not into the empty buckets beyond: later values there
            // would add mass the margin did not count on.
            if c > 0 {
                edge = key - 1;
            }
        }
        self.restrict(self.lo_edge, edge);
    }

    /// Collapses the smallest magnitudes into `below`, as many buckets as keep `below` at most `allowed`.
    fn collapse_bottom(&mut self, allowed: u64) {
        let mut held = self.below;
        let mut edge = self.lo_edge;
        for (key, c) in self.buckets() {
            if held + u64::from(c) > allowed {
                break;
            }
            held += u64::from(c);
            if c > 0 {
                edge = key + 1;
            }
        }
        self.restrict(edge, self.hi_edge);
    }

    /// The `rank`-th smallest magnitude (0-based, `rank < total`, no keys pending): its bucket's
    /// representative, or, inside a collapsed end, `Err` with the edge that bounds it.
    fn magnitude_at(&self, rank: u64) -> Result<f64, f64> {
        if rank < self.below {
            // Below the edge: at most the upper bound of the bucket under it.
            return Err((f64::from(self.lo_edge.saturating_sub(1)) * SKETCH_GAMMA.ln()).exp());
        }
        if rank >= self.total - self.above {
            // Above the edge: more than the upper bound of its bucket.
            return Err((f64::from(self.hi_edge) * SKETCH_GAMMA.ln()).exp());
        }
        let mut seen = self.below;
        let mut top = self.offset;
        for (key, c) in self.buckets() {
            seen += u64::from(c);
            if seen > rank {
                return Ok(representative(key));
            }
            top = key;
        }
        Ok(representative(top))
    }

    /// Buckets held (for tests of the memory bound).
    #[cfg(test)]
    fn width(&self) -> usize {
        self.counts.len() + 2 * self.sparse.len()
    }
}

/// A bucket's representative magnitude.
fn representative(key: i32) -> f64 {
    (f64::from(key) * SKETCH_GAMMA.ln()).exp() * SKETCH_REPRESENTATIVE
}

/// Which way a collapsed end extends from its fixed boundary: up from the lowest ranks of a store's range
/// (the distribution's low tail, or the values just past zero), or down from its highest.
#[derive(Clone, Copy)]
enum Towards {
    Up,
    Down,
}

/// How many values may be collapsed next to rank `boundary` (of `n`) going `towards`, so that no rank a
/// [`RESOLVED_QUANTILES`] quantile reads falls into them at `n` or at any larger count.
///
/// A quantile `p` of `n' ≥ n` values reads ranks within `p·n' ± (1.96·√(n'·p·(1−p)) + 1)` (the value and its
/// standard error's bracket, floor and ceiling): as fractions, the window `p ± w_p(n)` with
/// `w_p(n) = 1.96·√(p(1−p)/n) + 2/n`, which only narrows as `n'` grows. The collapsed mass sits between
/// two fractions of the values, each a count of values below a fixed threshold (a bucket edge, or zero), so
/// later trials move it by a binomial fraction, whose standard deviation is at most `√(x(1−x)/n)`. The
/// mass, widened on both sides by [`COMPACT_SIGMAS`] such deviations and `2/n`, must miss every window.
fn collapsible(boundary: u64, n: u64, towards: Towards) -> u64 {
    let nf = n as f64;
    let f0 = boundary as f64 / nf;
    let margin =
        |x: f64| COMPACT_SIGMAS * (x.clamp(0.0, 1.0) * (1.0 - x.clamp(0.0, 1.0)) / nf).sqrt() + 2.0 / nf;
    let windows = RESOLVED_QUANTILES.map(|p| {
        let w = 1.96 * (p * (1.0 - p) / nf).sqrt() + 2.0 / nf;
        (p - w, p + w)
    });
    let (from, to) = (f0 - margin(f0), f0 + margin(f0));
    if windows.iter().any(|&(lo, hi)| lo <= to && hi >= from) {
        return 0;
    }
    let limit = match towards {
        Towards::Up => windows.iter().map(|w| w.0).filter(|&lo| lo > to).reduce(f64::min),
        Towards::Down => windows.iter().map(|w| w.1).filter(|&hi| hi < from).reduce(f64::max),
    };
    let Some(limit) = limit else {
        // No resolved rank on that side: everything past the boundary may go.
        return match towards {
            Towards::Up => n - boundary,
            Towards::Down => boundary,
        };
    };
    // The widened edge of the mass, x ± margin(x), moves monotonically with x between the boundary and the
    // window (fractions within 0.03..0.97, n ≥ 768): bisect for the farthest x that stays clear.
    let clear = |x: f64| match towards {
        Towards::Up => x + margin(x) < limit,
        Towards::Down => x - margin(x) > limit,
    };
    let (mut ok, mut bad) = (f0, limit);
    for _ in 0..60 {
        let mid = 0.5 * (ok + bad);
        if clear(mid) { ok = mid } else { bad = mid }
    }
    ((ok - f0).abs() * nf).floor() as u64
}

impl Sketch {
    /// An empty sketch with room for `values` positive values before it counts them. An accumulator made
    /// once and reused for chunk after chunk of `values` trials then allocates nothing while it runs: made
    /// at a figure's first non-zero value, the room would come at a later trial the longer the run, for a
    /// figure that is rarely non-zero (a month's bookings), and memory would creep up with the trials.
    /// Negative values, which the figures kept in chunks do not take, make their room when they come.
    pub fn with_room(values: usize) -> Self {
        let mut sketch = Sketch::default();
        sketch.positive.pending.reserve_exact(values);
        sketch
    }

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
        let full = if x == 0.0 {
            self.zeros += 1;
            false
        } else if x == f64::INFINITY {
            self.pos_inf += 1;
            false
        } else if x == f64::NEG_INFINITY {
            self.neg_inf += 1;
            false
        } else if x > 0.0 {
            self.positive.push(x)
        } else {
            self.negative.push(-x)
        };
        if full || self.compaction_due() {
            self.flush(true);
        }
    }

    /// Whether the sketch has reached [`SKETCH_COMPACT_FROM`] values and never compacted: then it compacts
    /// now, whether or not a store's pending keys are full (a store that fills slowly, next to a large share
    /// of zeros, would otherwise compact later in a longer run, and grow wider first).
    fn compaction_due(&self) -> bool {
        !self.compacted && self.n - self.nan >= SKETCH_COMPACT_FROM
    }

    /// Empties the sketch to its default state, keeping the stores' buffers.
    pub fn clear(&mut self) {
        let (mut negative, mut positive) =
            (std::mem::take(&mut self.negative), std::mem::take(&mut self.positive));
        negative.clear();
        positive.clear();
        *self = Sketch { negative, positive, ..Sketch::default() };
    }

    /// Merges another sketch into this one: the result is the sketch of both sets of values (compacted to the
    /// tighter edges of the two, see [`Sketch`]).
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
        self.compacted |= other.compacted;
        self.unresolved += other.unresolved;
        let negative = self.negative.merge(&other.negative);
        let positive = self.positive.merge(&other.positive);
        if negative || positive || self.compaction_due() {
            self.flush(true);
        }
    }

    /// Counts the pending keys of both stores, then, when `compact` and the sketch holds enough values,
    /// compacts its tails if a store grew or they were never compacted.
    fn flush(&mut self, compact: bool) {
        let grew = self.negative.flush() | self.positive.flush();
        if compact && self.n - self.nan >= SKETCH_COMPACT_FROM && (grew || !self.compacted) {
            self.compact();
        }
    }

    /// Collapses what [`collapsible`] allows at the four ends of the stores. In rank order the values are
    /// −∞, the negatives (largest magnitude first), zeros, the positives, +∞.
    fn compact(&mut self) {
        self.compacted = true;
        (self.negative.frozen, self.positive.frozen) = (true, true);
        let n = self.n - self.nan;
        let neg_start = self.neg_inf;
        let neg_end = neg_start + self.negative.total;
        let pos_start = neg_end + self.zeros;
        let pos_end = pos_start + self.positive.total;
        let neg = &mut self.negative;
        neg.collapse_top(collapsible(neg_start, n, Towards::Up).min(neg.total));
        neg.collapse_bottom(collapsible(neg_end, n, Towards::Down).min(neg.total - neg.above));
        let pos = &mut self.positive;
        pos.collapse_bottom(collapsible(pos_start, n, Towards::Up).min(pos.total));
        pos.collapse_top(collapsible(pos_end, n, Towards::Down).min(pos.total - pos.below));
        self.negative.trim();
        self.positive.trim();
    }

    /// Values pushed.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Order statistics asked so far that fell into a compacted tail (reported as a bound, see [`Sketch`]).
    /// Zero for every [`RESOLVED_QUANTILES`] quantile unless a tail's mass drifted more than
    /// [`COMPACT_SIGMAS`] standard deviations after compaction.
    pub fn unresolved(&self) -> u64 {
        self.unresolved
    }

    /// The `p`-quantile, interpolated between order statistics as [`quantile_sorted`] does, with its
    /// standard error; each order statistic is within [`SKETCH_RELATIVE_ACCURACY`] of the exact one unless it
    /// falls into a compacted tail (then the tail's edge, a bound, counted in [`Self::unresolved`]). Counts
    /// the values still pending first, hence `&mut`.
    pub fn quantile(&mut self, p: f64) -> Quantile {
        self.flush(false);
        let n = usize::try_from(self.n).unwrap_or(usize::MAX);
        let missed = std::cell::Cell::new(0);
        let q = interpolated_quantile(n, p, |rank| {
            self.order_statistic(rank as u64).unwrap_or_else(|bound| {
                missed.set(missed.get() + 1);
                bound
            })
        });
        self.unresolved += missed.get();
        q
    }

    /// The `rank`-th smallest value (0-based), NaN ranked last: exact for the smallest and the largest,
    /// zeros and infinities, else its bucket's representative (kept within the exact range); `Err` with a
    /// bound (the collapsed edge, kept within the exact range) when it lies in a compacted tail.
    fn order_statistic(&self, rank: u64) -> Result<f64, f64> {
        let ordered = self.n - self.nan;
        if rank >= ordered {
            return Ok(f64::NAN);
        }
        if rank == 0 {
            return Ok(self.min);
        }
        if rank == ordered - 1 {
            return Ok(self.max);
        }
        let mut r = rank;
        if r < self.neg_inf {
            return Ok(f64::NEG_INFINITY);
        }
        r -= self.neg_inf;
        let value = if r < self.negative.total {
            self.negative.magnitude_at(self.negative.total - 1 - r).map(|m| -m).map_err(|m| -m)
        } else {
            r -= self.negative.total;
            if r < self.zeros {
                return Ok(0.0);
            }
            r -= self.zeros;
            if r >= self.positive.total {
                return Ok(f64::INFINITY);
            }
            self.positive.magnitude_at(r)
        };
        value.map(|v| v.clamp(self.min, self.max)).map_err(|v| v.clamp(self.min, self.max))
    }

    /// Buckets held by both stores (for tests of the memory bound).
    #[cfg(test)]
    fn width(&self) -> usize {
        self.negative.width() + self.positive.width()
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
    /// Successive uniforms of the engine's own stream for `seed`, in (0, 1) (the logarithm of one is
    /// finite).
    fn test_uniforms(seed: u64) -> impl FnMut() -> f64 {
        let stream = crate::sim::rng::Stream::new(seed, 0, 0, crate::sim::rng::Purpose::Parameters);
        let mut counter = 0;
        move || {
            counter += 1;
            stream.uniform(counter).max(f64::MIN_POSITIVE)
        }
    }

    fn awkward_values(n: usize, seed: u64) -> Vec<f64> {
        let mut uniform = test_uniforms(seed);
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
        // Fewer values than compaction starts at: every rank is resolved.
        let xs = awkward_values(700, 7);
        let mut sketch = sketch_of(&xs);
        sketch.quantile(0.5);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let mut exact_ties = 0;
        for (k, &exact) in sorted.iter().enumerate() {
            let got = sketch.order_statistic(k as u64).unwrap();
            let bound = SKETCH_RELATIVE_ACCURACY * exact.abs() * (1.0 + 1e-12);
            assert!((got - exact).abs() <= bound, "rank {k}: {got} against exact {exact}");
            exact_ties += usize::from(got == exact);
        }
        assert_eq!(sketch.order_statistic(0).unwrap(), sorted[0]);
        assert_eq!(sketch.order_statistic(699).unwrap(), sorted[699]);
        assert!(exact_ties >= 140, "zeros (20%) are exact, got {exact_ties} exact ranks");
        for p in [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0] {
            let (got, exact) = (sketch.quantile(p), quantile_sorted(&sorted, p));
            let rank = p * 699.0;
            let scale = sorted[rank.floor() as usize].abs().max(sorted[rank.ceil() as usize].abs());
            assert!(
                (got.value - exact.value).abs() <= SKETCH_RELATIVE_ACCURACY * scale * (1.0 + 1e-12),
                "p = {p}: {} against exact {}",
                got.value,
                exact.value
            );
            let largest = sorted[0].abs().max(sorted[699].abs());
            assert!((got.se - exact.se).abs() <= SKETCH_RELATIVE_ACCURACY * largest / 1.96);
        }
    }

    #[test]
    fn sketch_merge_is_the_sketch_of_all_values() {
        // Fewer values than compaction starts at (see the compaction tests for more).
        let xs = awkward_values(760, 11);
        let mut whole = sketch_of(&xs);
        // Uneven pieces, some below and some above the pending-key threshold, merged out of order.
        let cuts = [0, 17, 49, 300, 301, 600, 632, 760];
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
        for k in (0..760).step_by(7) {
            assert_eq!(
                merged.order_statistic(k).unwrap().to_bits(),
                whole.order_statistic(k).unwrap().to_bits(),
                "rank {k}"
            );
        }
    }

    #[test]
    fn sketch_keeps_zeros_infinities_and_nan_apart() {
        let mut s = sketch_of(&[f64::NAN, 3.0, f64::INFINITY, 0.0, -2.0, f64::NEG_INFINITY, -0.0]);
        s.quantile(0.5);
        let got: Vec<f64> = (0..7).map(|k| s.order_statistic(k).unwrap()).collect();
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

    /// Seeded heavy-tailed data: 20% zeros, 10% negatives, the rest ±lognormal with σ = 2 (ten decades
    /// between its 1st and 99th percentiles); `shift` multiplies the values after the first `from` ones.
    fn heavy_values(n: usize, seed: u64) -> Vec<f64> {
        let mut uniform = test_uniforms(seed);
        (0..n)
            .map(|_| {
                let kind = uniform();
                // Box–Muller.
                let normal = (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
                let x = (2.0 * normal).exp() * 1000.0;
                if kind < 0.2 {
                    0.0
                } else if kind < 0.3 {
                    -x
                } else {
                    x
                }
            })
            .collect()
    }

    /// What an uncompacted sketch reports for rank `k` of sorted finite values: exact at the ends and for
    /// zeros, else the representative of the value's bucket, within the range.
    fn uncompacted_statistic(sorted: &[f64], k: usize) -> f64 {
        let x = sorted[k];
        if k == 0 || k == sorted.len() - 1 || x == 0.0 {
            return x;
        }
        let key = (x.abs().ln() / SKETCH_GAMMA.ln()).ceil() as i32;
        (representative(key) * x.signum()).clamp(sorted[0], sorted[sorted.len() - 1])
    }

    /// Buckets an uncompacted sketch of sorted finite values holds at least: each store's key range.
    fn uncompacted_width(sorted: &[f64]) -> usize {
        let key = |x: f64| (x.abs().ln() / SKETCH_GAMMA.ln()).ceil() as i64;
        let range = |xs: Vec<f64>| match (xs.first(), xs.last()) {
            (Some(&a), Some(&b)) => (key(a) - key(b)).unsigned_abs() as usize + 1,
            _ => 0,
        };
        range(sorted.iter().copied().filter(|&x| x < 0.0).collect())
            + range(sorted.iter().copied().filter(|&x| x > 0.0).collect())
    }

    #[test]
    fn compacted_sketch_resolves_every_reported_quantile_and_flags_the_rest() {
        let xs = heavy_values(200_000, 3);
        let mut sketch = sketch_of(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        for p in RESOLVED_QUANTILES {
            let got = sketch.quantile(p);
            // The same bits as without compaction…
            let uncompacted = interpolated_quantile(n, p, |k| uncompacted_statistic(&sorted, k));
            assert_eq!(got, uncompacted, "p = {p}");
            // …hence within α of the exact sample quantile (both order statistics have one sign here).
            let exact = quantile_sorted(&sorted, p);
            let rank = p * (n - 1) as f64;
            let scale = sorted[rank.floor() as usize].abs().max(sorted[rank.ceil() as usize].abs());
            assert!(
                (got.value - exact.value).abs() <= SKETCH_RELATIVE_ACCURACY * scale * (1.0 + 1e-12),
                "p = {p}"
            );
        }
        assert_eq!(sketch.unresolved(), 0, "no reported quantile reads a compacted tail");
        // The compaction bought something: the tails no longer stretch the stores.
        let (compacted, full) = (sketch.width(), uncompacted_width(&sorted));
        assert!(compacted * 2 < full, "{compacted} buckets against {full} uncompacted");
        // Any other quantile is within α of the exact one, or flagged: never silently wrong.
        let mut flagged = 0;
        for i in 1..=99 {
            let p = f64::from(i) / 100.0;
            let before = sketch.unresolved();
            let (got, exact) = (sketch.quantile(p), quantile_sorted(&sorted, p));
            let rank = p * (n - 1) as f64;
            let scale = sorted[rank.floor() as usize].abs().max(sorted[rank.ceil() as usize].abs());
            let within = (got.value - exact.value).abs() <= SKETCH_RELATIVE_ACCURACY * scale * (1.0 + 1e-12);
            let value_flagged = sketch.unresolved() > before;
            assert!(within || value_flagged, "p = {p}: {} against {} unflagged", got.value, exact.value);
            flagged += usize::from(value_flagged);
        }
        // p = 0.01 and 0.99 lie in the collapsed tails, so the guard is exercised.
        assert!(flagged >= 2, "{flagged} flagged");
    }

    #[test]
    fn a_quantile_in_a_collapsed_tail_is_flagged_and_reported_as_its_bound() {
        // Positive values only: after compaction the lowest ~1% and highest ~1% are collapsed.
        let xs: Vec<f64> = heavy_values(20_000, 5).into_iter().map(f64::abs).filter(|&x| x > 0.0).collect();
        let mut sketch = sketch_of(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let (low, high) = (sketch.quantile(0.002), sketch.quantile(0.998));
        // Each quantile reads three interpolated ranks (its value and its standard error's bracket), each at
        // its floor and ceiling: all six in the collapsed tail.
        assert_eq!(sketch.unresolved(), 12);
        // The bound is on the resolved side of the true value: above it in the low tail, below in the high.
        let (exact_low, exact_high) = (quantile_sorted(&sorted, 0.002), quantile_sorted(&sorted, 0.998));
        assert!(low.value >= exact_low.value, "{} against {}", low.value, exact_low.value);
        assert!(high.value <= exact_high.value, "{} against {}", high.value, exact_high.value);
        // The values arriving after compaction drift upwards: 10% now land beyond the high edge, more mass
        // than the margin allows, so the 95th percentile's ranks fall into it and are flagged.
        let mut drifted = sketch_of(&xs);
        let big = sorted[sorted.len() - 1] * 10.0;
        for _ in 0..xs.len() / 5 {
            drifted.push(big);
        }
        let before = drifted.unresolved();
        let q = drifted.quantile(0.95);
        assert!(drifted.unresolved() > before, "the drifted tail is flagged");
        assert!(q.value < big, "reported as the edge, a bound below the true {big}");
        // Below the compaction threshold nothing is collapsed, so the same quantile is resolved.
        let mut small = sketch_of(&xs[..700]);
        small.quantile(0.002);
        assert_eq!(small.unresolved(), 0);
    }

    #[test]
    fn a_frozen_store_keeps_values_beyond_its_range_exact_and_sparse() {
        // Half zeros, so the median's window holds the smallest positives and that end cannot collapse; the
        // positives arriving after compaction (at 1,024 values, the first flush past 768) reach ever further
        // down (1/i), beyond the dense range.
        let xs: Vec<f64> = (1..=4000)
            .map(|i| match i % 2 {
                0 => 0.0,
                _ if i > 1600 => 1.0 / f64::from(i),
                _ => 1000.0 + f64::from(i),
            })
            .collect();
        let mut sketch = sketch_of(&xs);
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        assert!(!sketch.positive.sparse.is_empty(), "the later values are held sparse");
        assert!(sketch.positive.sparse.is_sorted_by(|a, b| a.0 < b.0));
        // (Not iid: what the high end collapsed at compaction later holds the high percentiles, which may
        // then be flagged; the ones checked read zeros and the sparse values.)
        for p in [0.05, 0.25, 0.5, 0.501, 0.51, 0.55, 0.6, 0.75] {
            let uncompacted = interpolated_quantile(xs.len(), p, |k| uncompacted_statistic(&sorted, k));
            assert_eq!(sketch.quantile(p), uncompacted, "p = {p}");
        }
        assert_eq!(sketch.unresolved(), 0);
        // Dense buckets plus sparse ones cost well under the full range of keys.
        assert!(sketch.width() * 2 < uncompacted_width(&sorted), "{}", sketch.width());
    }

    #[test]
    fn a_sketch_compacts_at_its_threshold_even_when_its_stores_fill_slowly() {
        // 95% zeros, merged chunk by chunk as the runner does: the positive store's pending keys would not
        // fill (256) before ~5,000 values, yet the sketch compacts, and freezes, at 768.
        let xs: Vec<f64> = (0..1_000).map(|i| if i % 20 == 0 { 1.0 + f64::from(i) } else { 0.0 }).collect();
        let mut total = Sketch::default();
        for (c, chunk) in xs.chunks(32).enumerate() {
            total.merge(&sketch_of(chunk));
            let held = 32 * (c as u64 + 1);
            assert_eq!(total.compacted, held >= SKETCH_COMPACT_FROM, "after {held} values");
            assert_eq!(total.positive.frozen, total.compacted);
        }
    }

    #[test]
    fn a_cleared_sketch_is_a_new_one_with_its_buffers_kept() {
        let xs = heavy_values(3_000, 11);
        let mut reused = sketch_of(&xs);
        let capacity = reused.positive.pending.capacity() + reused.positive.counts.capacity();
        reused.clear();
        assert!(reused.positive.pending.capacity() + reused.positive.counts.capacity() == capacity);
        assert_eq!((reused.n, reused.compacted, reused.positive.total), (0, false, 0));
        let ys = heavy_values(2_000, 12);
        for &y in &ys {
            reused.push(y);
        }
        let mut fresh = sketch_of(&ys);
        for p in RESOLVED_QUANTILES.into_iter().chain([0.01, 0.99]) {
            assert_eq!(reused.quantile(p), fresh.quantile(p), "p = {p}");
        }
        assert_eq!((reused.min, reused.max, reused.unresolved()), (fresh.min, fresh.max, fresh.unresolved()));
    }

    #[test]
    fn a_bucket_past_u16_keeps_its_exact_count() {
        // 70% of the values are 7.0: its bucket holds more than a `u16`, alone or after a merge of halves.
        let xs: Vec<f64> = (0..100_000)
            .map(|i| if i % 10 < 7 { 7.0 } else { 1.0 + f64::from(i * 7919 % 997) / 10.0 })
            .collect();
        let mut whole = sketch_of(&xs);
        let mut halves = sketch_of(&xs[..50_000]);
        halves.merge(&sketch_of(&xs[50_000..]));
        let key = |x: f64| (x.ln() / SKETCH_GAMMA.ln()).ceil() as i32;
        let sevens = xs.iter().filter(|&&x| key(x) == key(7.0)).count() as u32;
        assert!(sevens > u32::from(WIDE));
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for p in RESOLVED_QUANTILES.into_iter().chain([0.2, 0.3, 0.8, 0.85]) {
            let uncompacted = interpolated_quantile(xs.len(), p, |k| uncompacted_statistic(&sorted, k));
            assert_eq!(whole.quantile(p), uncompacted, "p = {p}");
            assert_eq!(halves.quantile(p), uncompacted, "p = {p}");
        }
        // (After a quantile, which counts the pending keys.)
        assert_eq!(whole.positive.wide, vec![(key(7.0), sevens)]);
        assert_eq!(halves.positive.wide, vec![(key(7.0), sevens)]);
    }

    #[test]
    fn merging_compacted_sketches_keeps_every_reported_quantile() {
        let xs = heavy_values(100_000, 9);
        let mut whole = sketch_of(&xs);
        // As the runner does: chunks of 32 values merged in order into a running total.
        let mut streamed = Sketch::default();
        for chunk in xs.chunks(32) {
            streamed.merge(&sketch_of(chunk));
        }
        // Two compacted halves: the merge takes the tighter edges of the two.
        let mut halves = sketch_of(&xs[..50_000]);
        halves.merge(&sketch_of(&xs[50_000..]));
        for p in RESOLVED_QUANTILES {
            let q = whole.quantile(p);
            assert_eq!(streamed.quantile(p), q, "p = {p}");
            assert_eq!(halves.quantile(p), q, "p = {p}");
        }
        assert_eq!((whole.unresolved(), streamed.unresolved(), halves.unresolved()), (0, 0, 0));
        assert_eq!((streamed.count(), halves.count()), (whole.count(), whole.count()));
        // The counts are exact: the same values lie beyond the resolved ranks, wherever the edges are.
        let mass = |s: &Sketch| s.negative.total + s.positive.total + s.zeros;
        assert_eq!((mass(&streamed), mass(&halves)), (mass(&whole), mass(&whole)));
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
