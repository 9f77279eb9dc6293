//! Keyed random streams for common random numbers.
//!
//! A draw is a pure function of (seed, trial, entity, purpose, counter), so an account sees the same luck in
//! trial `i` whoever owns it, and results do not depend on how trials are spread over threads. The mixer is
//! SplitMix64's finaliser, which passes BigCrush as a counter-based generator.
//!
//! The functions here are the specification of every draw. The mixer and the stream keys are written once,
//! over [`Lanes64`] (a `u64`, or a vector register of them in the kernels), so the vector kernels compute
//! these bits by construction. The rest ([`neg_ln`], the uniforms, the normal quantile's central region)
//! have vector twins in `kernel.rs`, held to these bit for bit by its tests.

/// What a draw is for: separate purposes never share numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// An account's demand clocks (one exponential threshold per opportunity it may open).
    Demand = 1,
    /// An opportunity's cycle length, value, win draw and handoff draw.
    Deal = 2,
    /// A rep's monthly availability.
    Availability = 3,
    /// Per-trial parameter draws (segment win rates, market factor).
    Parameters = 4,
    /// The optimizer's local search (entity: which search; trial 0).
    Search = 5,
}

/// SplitMix64's increment: 2⁶⁴ over the golden ratio, rounded to odd. With [`mix64`] it makes the
/// sequential SplitMix64 generator any part of the crate can use (the optimizer's search, say): add
/// `GOLDEN` to the state, then return `mix64(state)`.
pub(crate) const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
/// Multipliers of `mix`, of an entity and of a purpose in a stream's salt.
const MIX_1: u64 = 0xBF58_476D_1CE4_E5B9;
const MIX_2: u64 = 0x94D0_49BB_1331_11EB;
const ENTITY: u64 = 0xD1B5_4A32_D192_ED03;
const PURPOSE: u64 = 0x8CB9_2BA7_2F3D_8DD7;

/// Lanes of 64-bit words: one `u64`, or a vector register of them (the kernels implement it for their
/// vectors). Arithmetic wraps, as `u64`'s `wrapping_*`.
///
/// # Safety
/// Every method needs the processor to have the instruction set of `Self` (none for `u64`): the callers
/// of a vector's methods are compiled for that set and run only where [`kernel::level`] found it.
///
/// [`kernel::level`]: super::kernel::level
pub(crate) trait Lanes64: Copy {
    /// Every lane `x`.
    unsafe fn splat(x: u64) -> Self;
    /// Lane by lane `self ^ other`.
    unsafe fn xor(self, other: Self) -> Self;
    /// Lane by lane `self.wrapping_add(other)`.
    unsafe fn add(self, other: Self) -> Self;
    /// Lane by lane `self.wrapping_mul(other)`.
    unsafe fn mul(self, other: Self) -> Self;
    /// Lane by lane `self >> N`.
    unsafe fn shr<const N: u32>(self) -> Self;
}

impl Lanes64 for u64 {
    #[inline(always)]
    unsafe fn splat(x: u64) -> Self {
        x
    }
    #[inline(always)]
    unsafe fn xor(self, other: Self) -> Self {
        self ^ other
    }
    #[inline(always)]
    unsafe fn add(self, other: Self) -> Self {
        self.wrapping_add(other)
    }
    #[inline(always)]
    unsafe fn mul(self, other: Self) -> Self {
        self.wrapping_mul(other)
    }
    #[inline(always)]
    unsafe fn shr<const N: u32>(self) -> Self {
        self >> N
    }
}

/// SplitMix64's finaliser of every lane: the one mixer of every stream, scalar or vector.
///
/// # Safety
/// The processor has `L`'s instruction set (see [`Lanes64`]).
#[inline(always)]
pub(crate) unsafe fn mix_lanes<L: Lanes64>(z: L) -> L {
    // SAFETY: the caller's.
    unsafe {
        let z = z.xor(z.shr::<30>()).mul(L::splat(MIX_1));
        let z = z.xor(z.shr::<27>()).mul(L::splat(MIX_2));
        z.xor(z.shr::<31>())
    }
}

/// The stream keys of the `entity` lanes for `purpose` in the trial of `key` ([`TrialKey::stream`]).
///
/// # Safety
/// The processor has `L`'s instruction set (see [`Lanes64`]).
#[inline(always)]
pub(crate) unsafe fn stream_key_lanes<L: Lanes64>(key: TrialKey, entity: L, purpose: Purpose) -> L {
    // SAFETY: the caller's.
    unsafe {
        let salt = entity.mul(L::splat(ENTITY)).xor(L::splat((purpose as u64).wrapping_mul(PURPOSE)));
        mix_lanes(L::splat(key.0).xor(salt))
    }
}

/// The `counter` lanes' random bits of the streams of the `stream` lanes' keys ([`Stream::bits`]).
///
/// # Safety
/// The processor has `L`'s instruction set (see [`Lanes64`]).
#[inline(always)]
pub(crate) unsafe fn stream_bits_lanes<L: Lanes64>(stream: L, counter: L) -> L {
    // SAFETY: the caller's.
    unsafe { mix_lanes(stream.add(counter.add(L::splat(1)).mul(L::splat(GOLDEN)))) }
}

/// SplitMix64's finaliser (Steele, Lea and Flood 2014; Stafford's "Mix13" constants): a bijection of
/// `u64` whose output bits each depend on every input bit. Every stream's bits are `mix64` of a key plus a
/// multiple of [`GOLDEN`]; the sequential generator is `state += GOLDEN; mix64(state)`.
#[inline]
pub(crate) fn mix64(z: u64) -> u64 {
    // SAFETY: `u64` lanes need no instruction set.
    unsafe { mix_lanes(z) }
}

/// The part of a stream key shared by every entity of one trial; hoisting it out of the per-account work
/// leaves one mix per stream.
#[derive(Debug, Clone, Copy)]
pub struct TrialKey(u64);

impl TrialKey {
    /// The key of `trial` under `seed`.
    #[inline]
    pub fn new(seed: u64, trial: u64) -> Self {
        TrialKey(mix64(mix64(seed ^ GOLDEN) ^ trial.wrapping_mul(GOLDEN)))
    }

    /// The stream of `entity` for `purpose`.
    #[inline]
    pub fn stream(self, entity: u64, purpose: Purpose) -> Stream {
        // SAFETY: `u64` lanes need no instruction set.
        Stream { key: unsafe { stream_key_lanes(self, entity, purpose) } }
    }
}

/// A stream of numbers for one (seed, trial, entity, purpose) key.
#[derive(Debug, Clone, Copy)]
pub struct Stream {
    key: u64,
}

impl Stream {
    /// The stream of `entity` (an account or rep index; 0 for trial-wide draws) for `purpose` in `trial`.
    #[inline]
    pub fn new(seed: u64, trial: u64, entity: u64, purpose: Purpose) -> Self {
        TrialKey::new(seed, trial).stream(entity, purpose)
    }

    /// The `counter`-th 64 random bits of the stream.
    #[inline]
    pub fn bits(self, counter: u64) -> u64 {
        // SAFETY: `u64` lanes need no instruction set.
        unsafe { stream_bits_lanes(self.key, counter) }
    }

    /// The `counter`-th uniform in (0, 1]: [`uniform_of_bits`] of the `counter`-th bits.
    #[inline]
    pub fn uniform(self, counter: u64) -> f64 {
        uniform_of_bits(self.bits(counter))
    }

    /// The `counter`-th standard exponential, in single precision: [`exponential_of_bits`] of the
    /// `counter`-th bits.
    #[inline(always)]
    pub fn exponential(self, counter: u64) -> f32 {
        exponential_of_bits(self.bits(counter))
    }

    /// The standard normal quantile of the `counter`-th uniform.
    #[inline]
    pub fn normal_at(self, counter: u64) -> f64 {
        inverse_normal_cdf(self.uniform(counter))
    }

    /// The `counter`-th standard normal.
    #[inline]
    pub fn normal(self, counter: u64) -> f64 {
        inverse_normal_cdf(self.uniform(2 * counter))
    }

    /// A `rand` generator seeded from the stream, for distributions from `rand_distr` (Beta).
    pub fn rng(self, counter: u64) -> StreamRng {
        StreamRng { stream: self, counter: counter << 32 }
    }
}

/// The uniform in (0, 1] of 64 random bits: the top 53 bits plus one, over 2⁵³ (exact in `f64`).
#[inline(always)]
pub(crate) fn uniform_of_bits(bits: u64) -> f64 {
    ((bits >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The largest `f32` below 1.
pub(crate) const BELOW_ONE: f32 = 1.0 - f32::EPSILON / 2.0;

/// A standard exponential of 64 random bits, in single precision (demand clocks are `f32`): `−ln u` of the
/// uniform `u = y / 2³²` of the top 32 bits made odd (`y`, so the grid is the midpoints of 2³¹ cells of
/// (0, 1)), rounded to `f32` and kept below 1 (rounding can reach it). `u ≥ 2⁻³²`, so the exponential is
/// at most 32 ln 2 ≈ 22.2 (probability of more: 2⁻³²).
#[inline(always)]
pub fn exponential_of_bits(bits: u64) -> f32 {
    neg_ln(uniform_of_bits_f32(bits))
}

/// The uniform of [`exponential_of_bits`]: the top 32 bits made odd, over 2³², rounded to `f32` and kept
/// below 1.
#[inline(always)]
pub(crate) fn uniform_of_bits_f32(bits: u64) -> f32 {
    let y = (bits >> 32) as u32 | 1;
    let u = y as f32 * (1.0 / 4_294_967_296.0);
    // A select that compiles to one `min` (as the vector kernels do it).
    if u < BELOW_ONE { u } else { BELOW_ONE }
}

/// `−ln u` for `u` in (0, 1) in single precision (`u` normal), in plain arithmetic with no branch or
/// table, so that loops over it vectorize and every version (scalar or vector) gives the same bits.
/// `u = m · 2^e` with `m` in [√½, √2), and `ln m = 2 atanh(s)` with `s = (m − 1)/(m + 1)`, `|s| < 0.172`,
/// summed to `s⁹` (the series' remainder is below 3 × 10⁻⁹ of the result, under the rounding of single
/// precision).
#[inline(always)]
pub fn neg_ln(u: f32) -> f32 {
    const MANTISSA: u32 = (1 << 23) - 1;
    const ONE: u32 = 0x3F80_0000;
    let bits = u.to_bits();
    let m = f32::from_bits((bits & MANTISSA) | ONE);
    let high = m > std::f32::consts::SQRT_2;
    let m = if high { 0.5 * m } else { m };
    let e = ((bits >> 23) as i32 - 127 + i32::from(high)) as f32;
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let series = 1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0))));
    -(e * std::f32::consts::LN_2 + 2.0 * s * series)
}

/// The standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-x / std::f64::consts::SQRT_2)
}

/// The numerator coefficients of [`inverse_normal_cdf`]'s central region (shared with the vector version).
pub(crate) const NORMAL_A: [f64; 6] = [
    -3.969_683_028_665_376e1,
    2.209_460_984_245_205e2,
    -2.759_285_104_469_687e2,
    1.383_577_518_672_69e2,
    -3.066_479_806_614_716e1,
    2.506_628_277_459_239,
];
/// The denominator coefficients of [`inverse_normal_cdf`]'s central region.
pub(crate) const NORMAL_B: [f64; 5] = [
    -5.447_609_879_822_406e1,
    1.615_858_368_580_409e2,
    -1.556_989_798_598_866e2,
    6.680_131_188_771_972e1,
    -1.328_068_155_288_572e1,
];
/// [`inverse_normal_cdf`]'s central region is `[NORMAL_LOW, 1 − NORMAL_LOW]`.
pub(crate) const NORMAL_LOW: f64 = 0.024_25;

/// The standard normal quantile of `p` in (0, 1] (Acklam's rational approximation, relative error below
/// 1.2e-9). The central 95% needs no logarithm or trigonometry, which makes it several times cheaper than
/// Box–Muller; `p = 1` maps to the largest finite quantile of the (0, 1] grid.
#[inline]
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] =
        [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];
    const A: [f64; 6] = NORMAL_A;
    const B: [f64; 5] = NORMAL_B;
    const LOW: f64 = NORMAL_LOW;
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail(p)
    } else if p <= 1.0 - LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail((1.0 - p).max(f64::EPSILON / 2.0))
    }
}

/// A [`rand::RngCore`] over a keyed stream.
#[derive(Debug, Clone)]
pub struct StreamRng {
    stream: Stream,
    counter: u64,
}

impl rand::RngCore for StreamRng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        self.stream.bits(self.counter)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_pinned() {
        // Value stability, rand's way: the literal bits of each stream at three counters. A change here
        // changes every seeded result (the shipped history, the calibration, the golden files), so it must
        // be deliberate: regenerate those and say so in the commit.
        let s = Stream::new(42, 7, 3, Purpose::Demand);
        let pinned: [(u64, u64, u64, u32, u64); 3] = [
            (0, 0x1ea3_99c0_6ac8_35c3, 0x3fbe_a399_c06a_c838, 0x4007_dd9f, 0xbff2_d339_b566_f8b2),
            (1, 0x486e_4336_7469_ac93, 0x3fd2_1b90_cd9d_1a6c, 0x3fa1_9b24, 0x3feb_1d44_7c77_aeb1),
            (1000, 0xeb2f_8695_6219_4daf, 0x3fed_65f0_d2ac_432a, 0x3dad_accb, 0x3ff8_11fe_960e_76fb),
        ];
        for (counter, bits, uniform, exponential, normal) in pinned {
            assert_eq!(s.bits(counter), bits, "bits at {counter}");
            assert_eq!(s.uniform(counter).to_bits(), uniform, "uniform at {counter}");
            assert_eq!(s.exponential(counter).to_bits(), exponential, "exponential at {counter}");
            assert_eq!(s.normal(counter).to_bits(), normal, "normal quantile at {counter}");
        }
        // The normal quantile of a uniform (availability), the other purposes, the extremes of every key
        // part, and the `rand` adapter (the Beta draws).
        let quantiles =
            [(0, 0xbff2_d339_b566_f8b2), (1, 0xbfe2_5f74_0578_52da), (1000, 0x3ff6_5768_a009_4922)];
        for (counter, normal) in quantiles {
            assert_eq!(s.normal_at(counter).to_bits(), normal, "normal_at({counter})");
        }
        assert_eq!(Stream::new(42, 7, 3, Purpose::Deal).bits(0), 0xda8d_9bcf_c697_42c0);
        assert_eq!(Stream::new(42, 7, 3, Purpose::Availability).bits(0), 0x27f1_31fb_9b75_ebeb);
        assert_eq!(Stream::new(42, 7, 0, Purpose::Parameters).bits(0), 0x5aa9_2028_7759_0791);
        assert_eq!(
            Stream::new(u64::MAX, u64::MAX, u64::MAX, Purpose::Deal).bits(u64::MAX),
            0x29d1_9373_c519_f641
        );
        assert_eq!(
            rand::RngCore::next_u64(&mut Stream::new(42, 7, 3, Purpose::Parameters).rng(5)),
            0xd423_1e8f_8c1b_380c
        );
        assert_eq!(TrialKey::new(42, 7).stream(3, Purpose::Demand).bits(0), s.bits(0));
        assert_ne!(s.bits(0), Stream::new(42, 8, 3, Purpose::Demand).bits(0));
        assert_ne!(s.bits(0), Stream::new(42, 7, 4, Purpose::Demand).bits(0));
    }

    #[test]
    fn mix64_is_splitmix64() {
        // The reference SplitMix64 (Vigna's splitmix64.c) seeded with 0 starts with these outputs.
        let mut state = 0u64;
        let mut next = || {
            state = state.wrapping_add(GOLDEN);
            mix64(state)
        };
        assert_eq!(
            [next(), next(), next()],
            [0xe220_a839_7b1d_cdaf, 0x6e78_9e6a_a1b9_65f4, 0x06c4_5d18_8009_454f]
        );
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.1, -1.281_551_565_544_6),
            (0.001, -3.090_232_306_167_813),
        ] {
            assert!((inverse_normal_cdf(p) - z).abs() < 1e-8, "{p}");
        }
        assert!(inverse_normal_cdf(1.0).is_finite());
    }

    #[test]
    fn neg_ln_matches_the_logarithm() {
        let s = Stream::new(3, 0, 0, Purpose::Demand);
        let grid = (1..1000).map(|i| i as f32 / 1000.0);
        let edges = [2f32.powi(-32), 1e-9, 0.5, std::f32::consts::FRAC_1_SQRT_2, BELOW_ONE];
        let drawn = (0..100_000).map(|i| uniform_of_bits_f32(s.bits(i)));
        let mut worst = 0.0f64;
        for u in grid.chain(edges).chain(drawn) {
            let (got, want) = (f64::from(neg_ln(u)), -f64::from(u).ln());
            // Relative to the result, in units of f32's rounding (2⁻²⁴): a few roundings' worth.
            worst = worst.max((got - want).abs() / want / f64::from(f32::EPSILON / 2.0));
        }
        assert!(worst < 8.0, "{worst} half-ulps");
    }

    #[test]
    fn exponentials_stay_in_range() {
        // The extremes of the top 32 bits: the smallest odd y and the largest (which rounds up to 2³²).
        assert_eq!(exponential_of_bits(0), neg_ln(2f32.powi(-32)));
        assert!((f64::from(exponential_of_bits(0)) - 32.0 * std::f64::consts::LN_2).abs() < 1e-5);
        let top = exponential_of_bits(u64::MAX);
        assert!(top > 0.0 && top == neg_ln(BELOW_ONE), "{top}");
    }

    #[test]
    fn exponential_moments() {
        let s = Stream::new(5, 2, 1, Purpose::Demand);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|i| f64::from(s.exponential(i))).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let tail = xs.iter().filter(|&&x| x > 3.0).count() as f64 / n as f64;
        // Mean 1 with SE 1/√n; P(X > 3) = e⁻³ with SE √(p(1 − p)/n): 4 SE each.
        assert!((mean - 1.0).abs() < 4.0 / (n as f64).sqrt(), "{mean}");
        let p = (-3.0f64).exp();
        assert!((tail - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "{tail}");
    }

    #[test]
    fn uniform_moments() {
        let s = Stream::new(1, 0, 0, Purpose::Demand);
        let n = 200_000;
        let (mut sum, mut sum2) = (0.0, 0.0);
        for i in 0..n {
            let u = s.uniform(i);
            assert!(u > 0.0 && u <= 1.0);
            sum += u;
            sum2 += u * u;
        }
        let mean = sum / n as f64;
        let var = sum2 / n as f64 - mean * mean;
        // SE of the mean is sqrt(1/12 / n) ≈ 6.5e-4: allow 4 SE.
        assert!((mean - 0.5).abs() < 4.0 * (1.0 / 12.0 / n as f64).sqrt());
        assert!((var - 1.0 / 12.0).abs() < 0.002);
    }

    #[test]
    fn normal_moments() {
        let s = Stream::new(9, 1, 2, Purpose::Parameters);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|i| s.normal(i)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 4.0 / (n as f64).sqrt());
        assert!((var - 1.0).abs() < 0.02);
    }
}
