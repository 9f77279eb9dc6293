//! The vector kernels of the trial loop. Each has a portable version (which the compiler vectorizes for
//! the build's target) and, on x86-64, an AVX-512 version (and for the hazard pass an AVX2 one). They do
//! the same IEEE operations on every element in the same order, so every version gives bit-identical
//! results; the tests check that for every level the processor has.
//!
//! Which versions run is decided once per process, in one place: [`level`] detects the processor's
//! [`Level`] on the first kernel call and caches it, and every kernel dispatches on that cached value.
//! `TERRASIM_KERNELS=portable` (or `avx2`) caps the level, to compare the versions or rule them out.

use std::sync::OnceLock;

use super::rng::{Purpose, TrialKey, inverse_normal_cdf};

/// The instruction-set level the kernels run at. Levels are ordered: a processor that has a level has
/// every level below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    /// Plain Rust compiled for the build's target (the x86-64 baseline unless built with `target-cpu`).
    Portable,
    /// x86-64 with AVX2: the hazard pass eight lanes at a time; the other kernels portable.
    Avx2,
    /// x86-64 with AVX-512 F, DQ and VL, POPCNT and AVX2 (every AVX-512 processor has the last two): every
    /// kernel has a version for it.
    Avx512,
}

impl Level {
    /// Every level, lowest first.
    #[cfg(test)]
    const ALL: [Level; 3] = [Level::Portable, Level::Avx2, Level::Avx512];

    /// The highest level this processor has.
    fn detect() -> Level {
        #[cfg(target_arch = "x86_64")]
        {
            use std::is_x86_feature_detected as has;
            let avx2 = has!("avx2");
            if avx2 && has!("avx512f") && has!("avx512dq") && has!("avx512vl") && has!("popcnt") {
                return Level::Avx512;
            }
            if avx2 {
                return Level::Avx2;
            }
        }
        Level::Portable
    }

    /// The level's name, as `TERRASIM_KERNELS` takes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Level::Portable => "portable",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
        }
    }

    /// The level a run uses: `detected`, capped at the level `request` names (`TERRASIM_KERNELS`:
    /// `portable`, `avx2` or `avx512`). A request above the processor's level, or one that names no level,
    /// leaves `detected`.
    fn choose(request: Option<&str>, detected: Level) -> Level {
        request.and_then(Level::parse).map_or(detected, |requested| requested.min(detected))
    }

    /// The level `TERRASIM_KERNELS` names: `portable`, `avx2` or `avx512` (spaces around ignored).
    fn parse(request: &str) -> Option<Level> {
        match request.trim() {
            "portable" => Some(Level::Portable),
            "avx2" => Some(Level::Avx2),
            "avx512" => Some(Level::Avx512),
            _ => None,
        }
    }
}

/// The name of the level the kernels of this process run at (see [`level`]).
pub fn level_name() -> &'static str {
    level().name()
}

/// Checks `TERRASIM_KERNELS` before a run: `Err` with the fix when it names no level (the kernels would
/// ignore it), `Ok(Some(note))` when it asks for more than the processor has (the kernels run at the
/// processor's level), `Ok(None)` otherwise.
pub fn check_request() -> Result<Option<String>, String> {
    let Ok(value) = std::env::var("TERRASIM_KERNELS") else { return Ok(None) };
    let detected = Level::detect();
    let Some(asked) = Level::parse(&value) else {
        return Err(format!(
            "TERRASIM_KERNELS={value:?} names no kernel level: set it to portable, avx2 or avx512, or unset it to \
             use the processor's highest ({})",
            detected.name()
        ));
    };
    Ok((asked > detected).then(|| {
        format!(
            "TERRASIM_KERNELS={} asks for more than this processor has; the kernels run at {}",
            asked.name(),
            detected.name()
        )
    }))
}

/// The level every kernel of this process runs at: detected on the first call (and `TERRASIM_KERNELS` read),
/// then cached. Never above the processor's level, which is what makes the kernels' `unsafe` calls sound.
#[inline]
pub(crate) fn level() -> Level {
    static LEVEL: OnceLock<Level> = OnceLock::new();
    *LEVEL.get_or_init(|| Level::choose(std::env::var("TERRASIM_KERNELS").ok().as_deref(), Level::detect()))
}

/// Adds a month of hazard (`hazard[i] += add[i]`) and pushes `offset + i` for every `i` whose hazard
/// reached `threshold[i]`, in ascending order. Firing is rare (a few percent of account-months), so blocks
/// of accounts are reduced to bit masks with vector compares and only what fired is written out.
#[inline]
pub(crate) fn accumulate_fired(
    hazard: &mut [f32],
    add: &[f32],
    threshold: &[f32],
    offset: usize,
    fired: &mut Vec<u32>,
) {
    let n = hazard.len();
    assert!(add.len() == n && threshold.len() == n, "hazard, add and threshold differ in length");
    // SAFETY: `level` is never above the processor's, and the three slices have `n` elements.
    unsafe { accumulate_fired_at(level(), hazard, add, threshold, offset, fired) }
}

/// [`accumulate_fired`] at `level`.
///
/// # Safety
/// The processor has `level`; `add` and `threshold` have `hazard.len()` elements.
#[inline(always)]
unsafe fn accumulate_fired_at(
    level: Level,
    hazard: &mut [f32],
    add: &[f32],
    threshold: &[f32],
    offset: usize,
    fired: &mut Vec<u32>,
) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { x86::accumulate_fired_avx512(hazard, add, threshold, offset, fired) },
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { x86::accumulate_fired_avx2(hazard, add, threshold, offset, fired) },
        _ => accumulate_fired_portable(hazard, add, threshold, offset, fired),
    }
}

/// The first demand clocks of a trial: `out[i]` is [`demand_thresholds`]' threshold of account `entity[i]`
/// at counter 0, or infinity (out of the pool) where `customer[i]`, times `factor[i]` (a customer's
/// expansion factor). The same bits as [`demand_thresholds`] with every counter 0 and then the product,
/// without reading the counters; the trial's first pass over every account.
#[inline]
pub(crate) fn first_thresholds(
    key: TrialKey,
    entity: &[u32],
    customer: &[bool],
    factor: &[f32],
    scale: f32,
    out: &mut [f32],
) {
    let n = entity.len();
    assert!(
        [customer.len(), factor.len(), out.len()].iter().all(|&l| l == n),
        "account arrays differ in length"
    );
    // SAFETY: `level` is never above the processor's.
    unsafe { first_thresholds_at(level(), key, entity, customer, factor, scale, out) }
}

/// [`first_thresholds`] at `level`.
///
/// # Safety
/// The processor has `level`.
#[inline(always)]
unsafe fn first_thresholds_at(
    level: Level,
    key: TrialKey,
    entity: &[u32],
    customer: &[bool],
    factor: &[f32],
    scale: f32,
    out: &mut [f32],
) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { x86::first_thresholds_avx512(key, entity, customer, factor, scale, out) },
        _ => first_thresholds_portable(key, entity, customer, factor, scale, out),
    }
}

#[inline(always)]
fn first_thresholds_portable(
    key: TrialKey,
    entity: &[u32],
    customer: &[bool],
    factor: &[f32],
    scale: f32,
    out: &mut [f32],
) {
    for (t, ((&m, &c), &f)) in out.iter_mut().zip(entity.iter().zip(customer).zip(factor)) {
        let clock = demand_clock(key, m, 0, scale);
        // A select, not a branch: customers are scattered through the books.
        *t = if c { f32::INFINITY } else { clock } * f;
    }
}

/// The draws of a book-month's closings, in one pass: `win[i]` is the `win_counter[i]`-th uniform of the
/// deal stream of account `entity[i]` (as [`uniforms`]), and `clock[i]` the demand clock the account gets
/// if the deal is lost, the `clock_counter[i]`-th exponential of its demand stream times `scale` (as
/// [`demand_thresholds`]). Drawing the clock for every closing wastes it on the wins (a minority), and
/// saves a second pass over the losses.
#[inline]
pub(crate) fn closing_draws(
    key: TrialKey,
    entity: &[u32],
    win_counter: &[u32],
    clock_counter: &[u32],
    scale: f32,
    win: &mut [f64],
    clock: &mut [f32],
) {
    let n = entity.len();
    assert!(
        [win_counter.len(), clock_counter.len(), win.len(), clock.len()].iter().all(|&l| l == n),
        "draw arrays differ in length"
    );
    // SAFETY: `level` is never above the processor's, and the slices have `n` elements.
    unsafe { closing_draws_at(level(), key, entity, win_counter, clock_counter, scale, win, clock) }
}

/// [`closing_draws`] at `level`.
///
/// # Safety
/// The processor has `level`; the slices have `entity.len()` elements.
#[inline(always)]
#[expect(clippy::too_many_arguments, reason = "closing_draws' arguments and the level")]
unsafe fn closing_draws_at(
    level: Level,
    key: TrialKey,
    entity: &[u32],
    win_counter: &[u32],
    clock_counter: &[u32],
    scale: f32,
    win: &mut [f64],
    clock: &mut [f32],
) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe {
            x86::closing_draws_avx512(key, entity, win_counter, clock_counter, scale, win, clock)
        },
        _ => {
            uniforms_portable(key, Purpose::Deal, entity, win_counter, win);
            demand_thresholds(key, entity, clock_counter, scale, clock);
        }
    }
}

/// Uniforms: `out[i]` is the `counter[i]`-th uniform of the `purpose` stream of entity `entity[i]` (an
/// account's market index), as [`Stream::uniform`] draws it one at a time. The trial draws a book-month's
/// cycles and win draws with it: a few at a time, in one vector step instead of a hashing chain each.
///
/// [`Stream::uniform`]: super::rng::Stream::uniform
#[inline]
pub(crate) fn uniforms(key: TrialKey, purpose: Purpose, entity: &[u32], counter: &[u32], out: &mut [f64]) {
    assert!(counter.len() == entity.len() && out.len() == entity.len(), "draw arrays differ in length");
    // SAFETY: `level` is never above the processor's.
    unsafe { uniforms_at(level(), key, purpose, entity, counter, out) }
}

/// [`uniforms`] at `level`.
///
/// # Safety
/// The processor has `level`; the slices have `entity.len()` elements.
#[inline(always)]
unsafe fn uniforms_at(
    level: Level,
    key: TrialKey,
    purpose: Purpose,
    entity: &[u32],
    counter: &[u32],
    out: &mut [f64],
) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { x86::uniforms_avx512(key, purpose, entity, counter, out) },
        _ => uniforms_portable(key, purpose, entity, counter, out),
    }
}

/// Cycle lengths: `out[i]` is one more than the number of entries of `table(i)` (a
/// [`CycleModel::cdf`], whole blocks of [`CYCLE_BLOCK`]) at or below `u[i]`, as
/// [`CycleModel::months`] counts them. A block of the table is one vector compare.
///
/// [`CycleModel::cdf`]: super::model::CycleModel::cdf
/// [`CycleModel::months`]: super::model::CycleModel::months
#[inline]
pub(crate) fn cycle_months<'t>(u: &[f64], table: impl Fn(usize) -> &'t [f64], out: &mut [u32]) {
    assert_eq!(u.len(), out.len(), "draw arrays differ in length");
    // SAFETY: `level` is never above the processor's.
    unsafe { cycle_months_at(level(), u, table, out) }
}

/// [`cycle_months`] at `level`.
///
/// # Safety
/// The processor has `level`; `u` and `out` have equal lengths.
#[inline(always)]
unsafe fn cycle_months_at<'t>(level: Level, u: &[f64], table: impl Fn(usize) -> &'t [f64], out: &mut [u32]) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { x86::cycle_months_avx512(u, table, out) },
        _ => cycle_months_portable(u, table, out),
    }
}

fn cycle_months_portable<'t>(u: &[f64], table: impl Fn(usize) -> &'t [f64], out: &mut [u32]) {
    for (i, (o, &u)) in out.iter_mut().zip(u).enumerate() {
        *o = 1 + table(i).iter().filter(|&&p| u >= p).count() as u32;
    }
}

/// Standard normal quantiles in place: `p[i]` becomes [`inverse_normal_cdf`]`(p[i])`, to the bit. The
/// trial turns the value draws of its won deals with it: the central region (95% of draws) a vector at a
/// time, operation for operation as the scalar code, and the tails one at a time.
#[inline]
pub(crate) fn inverse_normal_cdfs(p: &mut [f64]) {
    // SAFETY: `level` is never above the processor's.
    unsafe { inverse_normal_cdfs_at(level(), p) }
}

/// [`inverse_normal_cdfs`] at `level`.
///
/// # Safety
/// The processor has `level`.
#[inline(always)]
unsafe fn inverse_normal_cdfs_at(level: Level, p: &mut [f64]) {
    match level {
        // SAFETY: the caller's.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { x86::inverse_normal_cdfs_avx512(p) },
        _ => p.iter_mut().for_each(|x| *x = inverse_normal_cdf(*x)),
    }
}

#[inline(always)]
fn uniforms_portable(key: TrialKey, purpose: Purpose, entity: &[u32], counter: &[u32], out: &mut [f64]) {
    for (u, (&m, &c)) in out.iter_mut().zip(entity.iter().zip(counter)) {
        *u = key.stream(u64::from(m), purpose).uniform(u64::from(c));
    }
}

/// Demand thresholds: `out[i]` is the `counter[i]`-th exponential of the demand stream of account
/// `entity[i]` (its market index) times `scale`: the same draw as
/// [`Stream::exponential`] one account at a time. A plain loop (the compiler vectorizes it where it is
/// compiled for a vector instruction set); the trial draws its clocks with [`first_thresholds`] and
/// [`closing_draws`].
///
/// [`Stream::exponential`]: super::rng::Stream::exponential
#[inline(always)]
fn demand_thresholds(key: TrialKey, entity: &[u32], counter: &[u32], scale: f32, out: &mut [f32]) {
    for (t, (&m, &c)) in out.iter_mut().zip(entity.iter().zip(counter)) {
        *t = demand_clock(key, m, c, scale);
    }
}

/// One demand clock: the `counter`-th exponential of the demand stream of account `entity` (its market
/// index) times `scale`. Every kernel's clocks are this draw, lane for lane.
#[inline(always)]
pub(crate) fn demand_clock(key: TrialKey, entity: u32, counter: u32, scale: f32) -> f32 {
    key.stream(u64::from(entity), Purpose::Demand).exponential(u64::from(counter)) * scale
}

/// Pushes `offset + base + bit` for each set bit of `mask`, lowest first.
#[inline(always)]
fn push_bits(mut mask: u64, offset: usize, base: usize, fired: &mut Vec<u32>) {
    while mask != 0 {
        fired.push((offset + base + mask.trailing_zeros() as usize) as u32);
        mask &= mask - 1;
    }
}

/// The portable version of [`accumulate_fired`]: blocks of 64 accounts, each reduced to a bit mask whose
/// set bits are walked.
#[inline]
pub(crate) fn accumulate_fired_portable(
    hazard: &mut [f32],
    add: &[f32],
    threshold: &[f32],
    offset: usize,
    fired: &mut Vec<u32>,
) {
    for (b, ((hs, ads), ts)) in
        hazard.chunks_mut(64).zip(add.chunks(64)).zip(threshold.chunks(64)).enumerate()
    {
        let mut mask = 0u64;
        for (i, ((h, a), t)) in hs.iter_mut().zip(ads).zip(ts).enumerate() {
            *h += *a;
            mask |= u64::from(*h >= *t) << i;
        }
        push_bits(mask, offset, b * 64, fired);
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::super::model::CYCLE_BLOCK;
    use super::super::rng::{BELOW_ONE, Lanes64, Purpose, TrialKey, stream_bits_lanes, stream_key_lanes};
    use super::{first_thresholds_portable, push_bits};

    /// [`super::first_thresholds`] compiled for AVX-512 (the accounts are many, so the compiled loop's
    /// sixteen-lane blocks do nearly all of them).
    ///
    /// # Safety
    /// The processor has AVX-512 F, DQ and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) unsafe fn first_thresholds_avx512(
        key: TrialKey,
        entity: &[u32],
        customer: &[bool],
        factor: &[f32],
        scale: f32,
        out: &mut [f32],
    ) {
        first_thresholds_portable(key, entity, customer, factor, scale, out);
    }

    /// [`super::closing_draws`] for AVX-512, eight lanes at a time.
    ///
    /// # Safety
    /// The processor has AVX-512 F, DQ and VL; the slices have `entity.len()` elements.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) unsafe fn closing_draws_avx512(
        key: TrialKey,
        entity: &[u32],
        win_counter: &[u32],
        clock_counter: &[u32],
        scale: f32,
        win: &mut [f64],
        clock: &mut [f32],
    ) {
        let n = entity.len();
        for i in (0..n).step_by(8) {
            let k = lanes(n - i);
            // SAFETY: `lanes` masks off every lane past the end of the slices.
            unsafe {
                let e = entity.as_ptr().add(i);
                let u = uniform8(key, Purpose::Deal, e, win_counter.as_ptr().add(i), k);
                _mm512_mask_storeu_pd(win.as_mut_ptr().add(i), k, u);
                let bits = bits8(key, Purpose::Demand, e, clock_counter.as_ptr().add(i), k);
                let t = _mm256_mul_ps(exponential8(bits), _mm256_set1_ps(scale));
                _mm256_mask_storeu_ps(clock.as_mut_ptr().add(i), k, t);
            }
        }
    }

    /// [`super::uniforms`] for AVX-512, eight lanes at a time.
    ///
    /// # Safety
    /// The processor has AVX-512 F, DQ and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) unsafe fn uniforms_avx512(
        key: TrialKey,
        purpose: Purpose,
        entity: &[u32],
        counter: &[u32],
        out: &mut [f64],
    ) {
        let n = entity.len();
        for i in (0..n).step_by(8) {
            let k = lanes(n - i);
            // SAFETY: `lanes` masks off every lane past the end of the slices.
            unsafe {
                let u = uniform8(key, purpose, entity.as_ptr().add(i), counter.as_ptr().add(i), k);
                _mm512_mask_storeu_pd(out.as_mut_ptr().add(i), k, u);
            }
        }
    }

    /// [`super::inverse_normal_cdfs`] eight lanes at a time: the central region's rational function in
    /// vector arithmetic (no fused multiply-add, the scalar code's order), the lanes in the tails by the
    /// scalar code.
    ///
    /// # Safety
    /// The processor has AVX-512 F.
    #[target_feature(enable = "avx512f")]
    pub(super) unsafe fn inverse_normal_cdfs_avx512(p: &mut [f64]) {
        use super::super::rng::{NORMAL_A as A, NORMAL_B as B, NORMAL_LOW as LOW};
        let n = p.len();
        let c = |x: f64| _mm512_set1_pd(x);
        for i in (0..n).step_by(8) {
            let k = lanes(n - i);
            // SAFETY: `lanes` masks off every lane past the end of the slice.
            let x = unsafe { _mm512_maskz_loadu_pd(k, p.as_ptr().add(i)) };
            let central = _mm512_mask_cmp_pd_mask::<_CMP_GE_OQ>(k, x, c(LOW))
                & _mm512_mask_cmp_pd_mask::<_CMP_LE_OQ>(k, x, c(1.0 - LOW));
            let q = _mm512_sub_pd(x, c(0.5));
            let r = _mm512_mul_pd(q, q);
            let mut num = c(A[0]);
            for &a in &A[1..] {
                num = _mm512_add_pd(_mm512_mul_pd(num, r), c(a));
            }
            let mut den = c(B[0]);
            for &b in B[1..].iter().chain(&[1.0]) {
                den = _mm512_add_pd(_mm512_mul_pd(den, r), c(b));
            }
            let z = _mm512_div_pd(_mm512_mul_pd(num, q), den);
            // SAFETY: as the load.
            unsafe { _mm512_mask_storeu_pd(p.as_mut_ptr().add(i), central, z) };
            let mut tails = k & !central;
            while tails != 0 {
                let j = i + tails.trailing_zeros() as usize;
                p[j] = super::inverse_normal_cdf(p[j]);
                tails &= tails - 1;
            }
        }
    }

    /// [`super::cycle_months`] a block of eight table entries at a time.
    ///
    /// # Safety
    /// The processor has AVX-512 F and POPCNT.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn cycle_months_avx512<'t>(
        u: &[f64],
        table: impl Fn(usize) -> &'t [f64],
        out: &mut [u32],
    ) {
        for (i, (o, &u)) in out.iter_mut().zip(u).enumerate() {
            let u8 = _mm512_set1_pd(u);
            let blocks = table(i).chunks_exact(CYCLE_BLOCK);
            assert!(blocks.remainder().is_empty(), "cycle tables come in whole blocks");
            let mut count = 1;
            for block in blocks {
                // SAFETY: the block has eight entries.
                let p = unsafe { _mm512_loadu_pd(block.as_ptr()) };
                count += _mm512_cmp_pd_mask::<_CMP_GE_OQ>(u8, p).count_ones();
            }
            *o = count;
        }
    }

    /// The mask of the first `min(left, 8)` lanes.
    #[inline]
    fn lanes(left: usize) -> __mmask8 {
        if left >= 8 { 0xFF } else { (1u8 << left) - 1 }
    }

    /// The uniforms of the lanes of `k`: entity and counter of lane `j` at `entity.add(j)` and `counter.add(j)`.
    /// Lanes outside `k` are neither read nor written, nor can they fault.
    ///
    /// # Safety
    /// The lanes of `k` are readable.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    unsafe fn uniform8(
        key: TrialKey,
        purpose: Purpose,
        entity: *const u32,
        counter: *const u32,
        k: __mmask8,
    ) -> __m512d {
        // SAFETY: the caller's.
        unsafe { uniform_of_bits8(bits8(key, purpose, entity, counter, k)) }
    }

    /// The random bits of the `counter` lanes of the `purpose` streams of the `entity` lanes (lanes off
    /// in `k` are not read), as `Stream::bits`.
    ///
    /// # Safety
    /// The lanes of `k` are readable.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    unsafe fn bits8(
        key: TrialKey,
        purpose: Purpose,
        entity: *const u32,
        counter: *const u32,
        k: __mmask8,
    ) -> __m512i {
        // SAFETY: the caller's.
        let (e, c) = unsafe {
            (
                _mm512_cvtepu32_epi64(_mm256_maskz_loadu_epi32(k, entity.cast())),
                _mm512_cvtepu32_epi64(_mm256_maskz_loadu_epi32(k, counter.cast())),
            )
        };
        // SAFETY: the caller's (the processor has AVX-512 F, DQ and VL, the features of `__m512i` lanes).
        unsafe { stream_bits_lanes(stream_key_lanes(key, e, purpose), c) }
    }

    /// Eight `u64` lanes for the mixer and stream keys, written once in `rng` over [`Lanes64`]. The methods
    /// are not compiled for AVX-512 themselves: always inlined into the kernels, which are (memchr's
    /// `Vector` trait does the same).
    ///
    /// Safety: the processor has AVX-512 F, DQ and VL (DQ for the 64-bit multiply).
    impl Lanes64 for __m512i {
        #[inline(always)]
        unsafe fn splat(x: u64) -> Self {
            // SAFETY: the caller's.
            unsafe { _mm512_set1_epi64(x as i64) }
        }
        #[inline(always)]
        unsafe fn xor(self, other: Self) -> Self {
            // SAFETY: the caller's.
            unsafe { _mm512_xor_si512(self, other) }
        }
        #[inline(always)]
        unsafe fn add(self, other: Self) -> Self {
            // SAFETY: the caller's.
            unsafe { _mm512_add_epi64(self, other) }
        }
        #[inline(always)]
        unsafe fn mul(self, other: Self) -> Self {
            // SAFETY: the caller's.
            unsafe { _mm512_mullo_epi64(self, other) }
        }
        #[inline(always)]
        unsafe fn shr<const N: u32>(self) -> Self {
            // SAFETY: the caller's.
            unsafe { _mm512_srli_epi64::<N>(self) }
        }
    }

    // The eight-lane twins of `rng`'s uniform and exponential: `rng` is their specification, and they follow
    // it operation for operation (no fused multiply-add), so that every lane gives the scalar bits; the
    // tests hold them to it bit for bit.

    /// [`uniform_of_bits`](super::super::rng::uniform_of_bits) of eight lanes of bits.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) fn uniform_of_bits8(bits: __m512i) -> __m512d {
        let x = _mm512_add_epi64(_mm512_srli_epi64::<11>(bits), _mm512_set1_epi64(1));
        _mm512_mul_pd(_mm512_cvtepu64_pd(x), _mm512_set1_pd(1.0 / (1u64 << 53) as f64))
    }

    /// [`exponential_of_bits`](super::super::rng::exponential_of_bits) of eight lanes of bits.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) fn exponential8(bits: __m512i) -> __m256 {
        let y = _mm256_or_si256(_mm512_cvtepi64_epi32(_mm512_srli_epi64::<32>(bits)), _mm256_set1_epi32(1));
        // (No eight-lane unsigned conversion in the standard library: the sixteen-lane one, upper half unused.)
        let y = _mm512_castps512_ps256(_mm512_cvtepu32_ps(_mm512_castsi256_si512(y)));
        let u = _mm256_mul_ps(y, _mm256_set1_ps(1.0 / 4_294_967_296.0));
        neg_ln8(_mm256_min_ps(u, _mm256_set1_ps(BELOW_ONE)))
    }

    /// [`neg_ln`](super::super::rng::neg_ln) of eight lanes, operation for operation (the scalar `if` is a
    /// masked multiply, its negation a flip of the sign bit). Kept as a twin rather than written once over a
    /// lane trait: it needs float and integer lanes, bit casts between them, a mask, a select and a
    /// conversion, and the scalar specification would no longer read as arithmetic.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) fn neg_ln8(u: __m256) -> __m256 {
        const MANTISSA: i32 = (1 << 23) - 1;
        const ONE: i32 = 0x3F80_0000;
        let bits = _mm256_castps_si256(u);
        let m = _mm256_castsi256_ps(_mm256_or_si256(
            _mm256_and_si256(bits, _mm256_set1_epi32(MANTISSA)),
            _mm256_set1_epi32(ONE),
        ));
        let high = _mm256_cmp_ps_mask::<_CMP_GT_OQ>(m, _mm256_set1_ps(std::f32::consts::SQRT_2));
        let m = _mm256_mask_mul_ps(m, high, _mm256_set1_ps(0.5), m);
        let e = _mm256_add_epi32(
            _mm256_sub_epi32(_mm256_srli_epi32::<23>(bits), _mm256_set1_epi32(127)),
            _mm256_maskz_set1_epi32(high, 1),
        );
        let e = _mm256_cvtepi32_ps(e);
        let one = _mm256_set1_ps(1.0);
        let s = _mm256_div_ps(_mm256_sub_ps(m, one), _mm256_add_ps(m, one));
        let s2 = _mm256_mul_ps(s, s);
        let c = |x: f32| _mm256_set1_ps(x);
        let mut series = _mm256_mul_ps(s2, c(1.0 / 9.0));
        for k in [7.0, 5.0, 3.0] {
            series = _mm256_mul_ps(s2, _mm256_add_ps(c(1.0 / k), series));
        }
        let series = _mm256_add_ps(one, series);
        let two_s = _mm256_mul_ps(c(2.0), s);
        let sum = _mm256_add_ps(_mm256_mul_ps(e, c(std::f32::consts::LN_2)), _mm256_mul_ps(two_s, series));
        // Negation flips the sign bit (0 − x would turn −0 into +0).
        _mm256_castsi256_ps(_mm256_xor_si256(_mm256_castps_si256(sum), _mm256_set1_epi32(i32::MIN)))
    }

    /// [`super::accumulate_fired`] sixteen lanes at a time, the last part with masked loads and stores (on
    /// whole blocks plain loads and stores are faster). The indices that fired are compressed into a
    /// register and stored whole, past the end of `fired`'s elements (its spare capacity), and the length
    /// moves by their count: no branch on which fired. (Compressing straight to memory is microcoded and slow
    /// on some processors.)
    ///
    /// # Safety
    /// The processor has AVX-512 F and POPCNT; `add` and `threshold` have at least `hazard.len()` elements.
    #[target_feature(enable = "avx512f,popcnt")]
    pub(super) unsafe fn accumulate_fired_avx512(
        hazard: &mut [f32],
        add: &[f32],
        threshold: &[f32],
        offset: usize,
        fired: &mut Vec<u32>,
    ) {
        let n = hazard.len();
        // Room for every account and one whole store past the last.
        fired.reserve(n + 16);
        let (h, a, t) = (hazard.as_mut_ptr(), add.as_ptr(), threshold.as_ptr());
        let (out, mut len) = (fired.as_mut_ptr(), fired.len());
        // The block of sixteen from `i`, lanes `k`; the others are neither read nor written. `len` is at most
        // the old length plus `i`, so the sixteen indices stored fit the capacity reserved.
        let block = |i: usize, k: __mmask16, len: usize| -> usize {
            // SAFETY: the lanes of `k` are within the slices; the store is within the capacity (above).
            unsafe {
                let sum =
                    _mm512_add_ps(_mm512_maskz_loadu_ps(k, h.add(i)), _mm512_maskz_loadu_ps(k, a.add(i)));
                _mm512_mask_storeu_ps(h.add(i), k, sum);
                let reached =
                    _mm512_mask_cmp_ps_mask::<_CMP_GE_OQ>(k, sum, _mm512_maskz_loadu_ps(k, t.add(i)));
                let lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                let index = _mm512_add_epi32(_mm512_set1_epi32((offset + i) as i32), lane);
                _mm512_storeu_si512(out.add(len).cast(), _mm512_maskz_compress_epi32(reached, index));
                len + reached.count_ones() as usize
            }
        };
        let whole = n / 16 * 16;
        for i in (0..whole).step_by(16) {
            // A constant full mask: the compiler emits plain loads and stores.
            len = block(i, 0xFFFF, len);
        }
        if whole < n {
            len = block(whole, (1u16 << (n - whole)) - 1, len);
        }
        // SAFETY: the elements up to `len` are written, and `len` is within the capacity.
        unsafe { fired.set_len(len) };
    }

    /// [`super::accumulate_fired`] eight lanes at a time.
    ///
    /// # Safety
    /// The processor has AVX2; `add` and `threshold` have at least `hazard.len()` elements.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn accumulate_fired_avx2(
        hazard: &mut [f32],
        add: &[f32],
        threshold: &[f32],
        offset: usize,
        fired: &mut Vec<u32>,
    ) {
        let n = hazard.len();
        let (groups, last) = (n / 8, n % 8);
        let (h, a, t) = (hazard.as_mut_ptr(), add.as_ptr(), threshold.as_ptr());
        // Blocks of eight groups of eight lanes: each block's bits are walked once.
        let mut mask = 0u64;
        for g in 0..groups {
            let i = 8 * g;
            // SAFETY: `i + 8 <= n`.
            unsafe {
                let sum = _mm256_add_ps(_mm256_loadu_ps(h.add(i)), _mm256_loadu_ps(a.add(i)));
                _mm256_storeu_ps(h.add(i), sum);
                let reached = _mm256_cmp_ps::<_CMP_GE_OQ>(sum, _mm256_loadu_ps(t.add(i)));
                mask |= (_mm256_movemask_ps(reached) as u32 as u64) << (8 * (g % 8));
            }
            if g % 8 == 7 {
                push_bits(mask, offset, i - 56, fired);
                mask = 0;
            }
        }
        // The part of a group that is left, with masked loads and stores (masked-off lanes are not touched,
        // nor can they fault). Books are a few hundred accounts, split in two every month, so tails are
        // many: a scalar loop for them cost more than the full blocks.
        if last > 0 {
            let i = 8 * groups;
            // SAFETY: lanes `0..last` are within the slices, and the others are masked off.
            unsafe {
                let lanes = _mm256_cmpgt_epi32(
                    _mm256_set1_epi32(last as i32),
                    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
                );
                let sum =
                    _mm256_add_ps(_mm256_maskload_ps(h.add(i), lanes), _mm256_maskload_ps(a.add(i), lanes));
                _mm256_maskstore_ps(h.add(i), lanes, sum);
                let reached = _mm256_cmp_ps::<_CMP_GE_OQ>(sum, _mm256_maskload_ps(t.add(i), lanes));
                let bits = _mm256_movemask_ps(reached) as u32 & ((1 << last) - 1);
                mask |= u64::from(bits) << (8 * (groups % 8));
            }
        }
        push_bits(mask, offset, groups / 8 * 64, fired);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every level this processor has, lowest first: the tests hold each to the scalar code.
    fn levels() -> impl Iterator<Item = Level> {
        Level::ALL.into_iter().filter(|&l| l <= Level::detect())
    }

    #[test]
    fn the_level_is_the_processors_capped_by_the_request() {
        for detected in Level::ALL {
            assert_eq!(Level::choose(None, detected), detected);
            assert_eq!(Level::choose(Some("portable"), detected), Level::Portable);
            assert_eq!(Level::choose(Some(" avx2\n"), detected), Level::Avx2.min(detected));
            assert_eq!(Level::choose(Some("avx512"), detected), detected);
            // A name that is no level (a typo, another spelling) changes nothing.
            assert_eq!(Level::choose(Some("AVX2"), detected), detected);
            assert_eq!(Level::choose(Some(""), detected), detected);
        }
        assert!(level() <= Level::detect());
    }

    /// Hazards, additions and thresholds with firings at irregular places, including infinities (out of the
    /// pool) and a length that is not a multiple of any block.
    fn case(n: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 40) as f32 / (1u64 << 24) as f32
        };
        let hazard = (0..n).map(|_| next()).collect();
        let add = (0..n).map(|_| 0.1 * next()).collect();
        let threshold = (0..n).map(|i| if i % 11 == 3 { f32::INFINITY } else { 0.2 + next() }).collect();
        (hazard, add, threshold)
    }

    fn naive(hazard: &mut [f32], add: &[f32], threshold: &[f32], offset: usize) -> Vec<u32> {
        let mut fired = Vec::new();
        for i in 0..hazard.len() {
            hazard[i] += add[i];
            if hazard[i] >= threshold[i] {
                fired.push((offset + i) as u32);
            }
        }
        fired
    }

    #[test]
    fn every_arming_version_draws_the_scalar_exponentials() {
        // Lengths around the vector widths and block sizes (a book-month's closings are a few accounts).
        for n in [0, 1, 5, 8, 13, 16, 23, 1_037] {
            arming_versions_agree(n);
        }
    }

    fn arming_versions_agree(n: usize) {
        let key = TrialKey::new(17, 3);
        let entity: Vec<u32> = (0..n as u32).map(|i| (i * 7919) % 5_000).collect();
        let win_counter: Vec<u32> = (0..n as u32).map(|i| i * 4 + 2).collect();
        let counter: Vec<u32> = (0..n as u32).map(|i| (i * 31) % 7).collect();
        let scale = (1.0 / 1.07) as f32;
        let clock = |i: usize, counter: u32| {
            let stream = key.stream(u64::from(entity[i]), Purpose::Demand);
            stream.exponential(u64::from(counter)) * scale
        };
        let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits());

        // A book-month's closings: win uniforms and the clocks of the losses, dispatched and at each level.
        let expected: Vec<f32> = (0..n).map(|i| clock(i, counter[i])).collect();
        let expected_win: Vec<f64> = (0..n)
            .map(|i| key.stream(u64::from(entity[i]), Purpose::Deal).uniform(u64::from(win_counter[i])))
            .collect();
        let (mut win, mut clocks) = (vec![0.0; n], vec![0.0; n]);
        closing_draws(key, &entity, &win_counter, &counter, scale, &mut win, &mut clocks);
        assert!(same(&clocks, &expected), "dispatched clocks, n = {n}");
        assert!(win.iter().zip(&expected_win).all(|(a, b)| a.to_bits() == b.to_bits()), "wins, n = {n}");
        for l in levels() {
            let (mut win, mut clocks) = (vec![0.0; n], vec![0.0; n]);
            // SAFETY: the processor has `l`; the slices have `n` elements.
            unsafe {
                closing_draws_at(l, key, &entity, &win_counter, &counter, scale, &mut win, &mut clocks)
            };
            assert!(same(&clocks, &expected), "{l:?} clocks, n = {n}");
            assert!(win.iter().zip(&expected_win).all(|(a, b)| a.to_bits() == b.to_bits()), "{l:?} wins");
        }

        // The first clocks: counter 0, customers out of the pool, each times its factor.
        let customer: Vec<bool> = (0..n).map(|i| i % 5 == 2).collect();
        let factor: Vec<f32> = (0..n).map(|i| if i % 3 == 1 { 0.7 + i as f32 / 16.0 } else { 1.0 }).collect();
        let expected: Vec<f32> =
            (0..n).map(|i| if customer[i] { f32::INFINITY } else { clock(i, 0) } * factor[i]).collect();
        let mut got = vec![0.0; n];
        first_thresholds(key, &entity, &customer, &factor, scale, &mut got);
        assert!(same(&got, &expected), "first clocks, n = {n}");
        for l in levels() {
            let mut got = vec![0.0; n];
            // SAFETY: the processor has `l`.
            unsafe { first_thresholds_at(l, key, &entity, &customer, &factor, scale, &mut got) };
            assert!(same(&got, &expected), "{l:?} first clocks, n = {n}");
        }
    }

    #[test]
    fn every_cycle_version_counts_the_table() {
        use super::super::model::CycleModel;
        // Short and long horizons (one block and several), a spread and a certain cycle.
        let tables = [
            CycleModel::table(3f64.ln(), 0.6, 12),
            CycleModel::table(7f64.ln(), 1.1, 40),
            CycleModel::table(2f64.ln(), 0.0, 12),
            CycleModel::table(30f64.ln(), 0.3, 9),
        ];
        // Draws across (0, 1], and every table entry exactly (a draw equal to an entry counts it).
        let key = TrialKey::new(5, 9);
        let stream = key.stream(1, Purpose::Deal);
        let mut draws: Vec<f64> = (0..997).map(|i| stream.uniform(i)).collect();
        draws.extend(tables.iter().flatten().filter(|&&p| p <= 1.0));
        draws.extend([f64::MIN_POSITIVE, 0.5, 1.0]);
        let table = |i: usize| &tables[i % tables.len()][..];
        let expected: Vec<u32> = draws
            .iter()
            .enumerate()
            .map(|(i, &u)| 1 + table(i).iter().filter(|&&p| u >= p).count() as u32)
            .collect();
        for n in [0, 1, 7, draws.len()] {
            let mut got = vec![0; n];
            cycle_months(&draws[..n], table, &mut got);
            assert_eq!(got, expected[..n], "dispatched, n = {n}");
            for l in levels() {
                let mut got = vec![0; n];
                // SAFETY: the processor has `l`; the slices have `n` elements.
                unsafe { cycle_months_at(l, &draws[..n], table, &mut got) };
                assert_eq!(got, expected[..n], "{l:?}, n = {n}");
            }
        }
        // A certain cycle of two months: every draw gives 2.
        let mut got = vec![0; draws.len()];
        cycle_months(&draws, |_| &tables[2][..], &mut got);
        assert!(got.iter().all(|&c| c == 2), "{got:?}");
    }

    #[test]
    fn every_uniforms_version_draws_the_scalar_uniforms() {
        let key = TrialKey::new(11, 5);
        for n in [0, 1, 6, 8, 9, 100] {
            let entity: Vec<u32> = (0..n as u32).map(|i| (i * 7919) % 5_000).collect();
            let counter: Vec<u32> = (0..n as u32).map(|i| i * 4 + 2).collect();
            let expected: Vec<f64> = (0..n)
                .map(|i| key.stream(u64::from(entity[i]), Purpose::Deal).uniform(u64::from(counter[i])))
                .collect();
            let mut out = vec![0.0; n];
            uniforms(key, Purpose::Deal, &entity, &counter, &mut out);
            assert!(
                out.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()),
                "dispatched, n = {n}"
            );
            for l in levels() {
                let mut out = vec![0.0; n];
                // SAFETY: the processor has `l`; the slices have `n` elements.
                unsafe { uniforms_at(l, key, Purpose::Deal, &entity, &counter, &mut out) };
                assert!(out.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()), "{l:?}, n = {n}");
            }
        }
    }

    /// The vector twins of `rng`'s functions against `rng` (their specification), bit for bit, lane for
    /// lane: on edge inputs and on random ones. On a processor without AVX-512 there is nothing to compare.
    #[cfg(target_arch = "x86_64")]
    mod twins {
        use std::arch::x86_64::*;

        use proptest::prelude::*;

        use super::super::x86;
        use super::super::{Level, inverse_normal_cdfs_at};
        use crate::sim::rng::{
            BELOW_ONE, NORMAL_LOW, Purpose, TrialKey, exponential_of_bits, inverse_normal_cdf, neg_ln,
            stream_bits_lanes, stream_key_lanes, uniform_of_bits, uniform_of_bits_f32,
        };

        fn avx512() -> bool {
            Level::detect() >= Level::Avx512
        }

        /// `neg_ln8` of eight lanes.
        #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
        fn neg_ln8(u: [f32; 8]) -> [f32; 8] {
            let mut out = [0.0; 8];
            // SAFETY: both arrays have eight lanes.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), x86::neg_ln8(_mm256_loadu_ps(u.as_ptr()))) };
            out
        }

        /// `exponential8` and `uniform_of_bits8` of eight lanes of bits.
        #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
        fn of_bits8(bits: [u64; 8]) -> ([f32; 8], [f64; 8]) {
            let (mut e, mut u) = ([0.0; 8], [0.0; 8]);
            // SAFETY: the arrays have eight lanes.
            unsafe {
                let b = _mm512_loadu_si512(bits.as_ptr().cast());
                _mm256_storeu_ps(e.as_mut_ptr(), x86::exponential8(b));
                _mm512_storeu_pd(u.as_mut_ptr(), x86::uniform_of_bits8(b));
            }
            (e, u)
        }

        /// The bits of eight streams (entities and counters in lanes), through the lane-generic functions on
        /// vectors.
        #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
        fn stream_bits8(key: TrialKey, entity: [u64; 8], counter: [u64; 8], purpose: Purpose) -> [u64; 8] {
            let mut out = [0; 8];
            // SAFETY: the arrays have eight lanes, and the processor has the features of `__m512i` lanes.
            unsafe {
                let e = _mm512_loadu_si512(entity.as_ptr().cast());
                let c = _mm512_loadu_si512(counter.as_ptr().cast());
                let bits = stream_bits_lanes(stream_key_lanes(key, e, purpose), c);
                _mm512_storeu_si512(out.as_mut_ptr().cast(), bits);
            }
            out
        }

        /// Holds `neg_ln8` to `neg_ln` on `u`, eight lanes at a time (the last chunk padded).
        fn check_neg_ln(u: &[f32]) -> Result<(), TestCaseError> {
            for chunk in u.chunks(8) {
                let mut lanes = [0.5; 8];
                lanes[..chunk.len()].copy_from_slice(chunk);
                // SAFETY: the callers check that the processor has AVX-512.
                let got = unsafe { neg_ln8(lanes) };
                for (x, g) in lanes.iter().zip(got) {
                    prop_assert_eq!(g.to_bits(), neg_ln(*x).to_bits(), "u = {:e} ({:#x})", x, x.to_bits());
                }
            }
            Ok(())
        }

        /// Holds the exponential and uniform of eight lanes of bits to the scalar ones.
        fn check_of_bits(bits: &[u64]) -> Result<(), TestCaseError> {
            for chunk in bits.chunks(8) {
                let mut lanes = [0; 8];
                lanes[..chunk.len()].copy_from_slice(chunk);
                // SAFETY: the callers check that the processor has AVX-512.
                let (e, u) = unsafe { of_bits8(lanes) };
                for (j, &b) in lanes.iter().enumerate() {
                    prop_assert_eq!(
                        e[j].to_bits(),
                        exponential_of_bits(b).to_bits(),
                        "exponential of {:#x}",
                        b
                    );
                    prop_assert_eq!(u[j].to_bits(), uniform_of_bits(b).to_bits(), "uniform of {:#x}", b);
                }
            }
            Ok(())
        }

        #[test]
        fn the_vector_twins_give_the_scalar_bits_at_the_edges() {
            if !avx512() {
                return;
            }
            // Zero, the subnormals' ends, the smallest normal, the smallest and largest uniforms drawn, powers
            // of two, the edges of the mantissa's reduction, one, and the neighbours of each.
            let u: Vec<f32> = [
                0.0,
                f32::from_bits(1),
                f32::from_bits(0x007F_FFFF),
                f32::MIN_POSITIVE,
                2f32.powi(-32),
                1e-9,
                0.25,
                0.5,
                std::f32::consts::FRAC_1_SQRT_2,
                0.7,
                BELOW_ONE,
                1.0,
            ]
            .into_iter()
            .flat_map(|u: f32| [u.next_down(), u, u.next_up()])
            .filter(|u| *u >= 0.0)
            .collect();
            check_neg_ln(&u).unwrap();
            // The uniforms those edges come from: the extremes of the top 32 bits (the largest rounds up to
            // one and is kept below it) and of the top 53.
            let top = |y: u64| y << 32;
            let bits = [
                0,
                1,
                u64::MAX,
                top(1),
                top(2),
                top(0xFFFF_FFFE),
                top(0xFFFF_FF7F),
                top(0xFFFF_FF80),
                1 << 11,
            ];
            check_of_bits(&bits).unwrap();
            assert_eq!(uniform_of_bits_f32(u64::MAX), BELOW_ONE);
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn the_vector_logarithm_is_the_scalar_one(
                below_one in proptest::collection::vec(0u32..0x3F80_0000, 8),
                any_bits in proptest::collection::vec(any::<u32>(), 8),
            ) {
                if avx512() {
                    // Every float in [0, 1), subnormals included, and any bit pattern at all: the same
                    // operations give the same bits even where the result means nothing.
                    check_neg_ln(&below_one.into_iter().map(f32::from_bits).collect::<Vec<_>>())?;
                    check_neg_ln(&any_bits.into_iter().map(f32::from_bits).collect::<Vec<_>>())?;
                }
            }

            #[test]
            fn the_vector_exponentials_and_uniforms_are_the_scalar_ones(
                bits in proptest::collection::vec(any::<u64>(), 8),
            ) {
                if avx512() {
                    check_of_bits(&bits)?;
                }
            }

            #[test]
            fn vector_streams_draw_the_scalar_bits(
                seed in any::<u64>(),
                trial in any::<u64>(),
                entity in proptest::collection::vec(any::<u64>(), 8),
                counter in proptest::collection::vec(any::<u64>(), 8),
                purpose in prop_oneof![
                    Just(Purpose::Demand), Just(Purpose::Deal), Just(Purpose::Availability),
                    Just(Purpose::Parameters),
                ],
            ) {
                if avx512() {
                    let key = TrialKey::new(seed, trial);
                    let (e, c): ([u64; 8], [u64; 8]) = (entity[..].try_into().unwrap(), counter[..].try_into().unwrap());
                    // SAFETY: the processor has AVX-512.
                    let got = unsafe { stream_bits8(key, e, c, purpose) };
                    for j in 0..8 {
                        prop_assert_eq!(got[j], key.stream(e[j], purpose).bits(c[j]), "lane {}", j);
                    }
                }
            }

            #[test]
            fn the_vector_inverse_normal_is_the_scalar_one(
                grid in proptest::collection::vec(1u64..=1 << 53, 0..20),
                near_tail in proptest::collection::vec(NORMAL_LOW * 0.99..NORMAL_LOW * 1.01, 0..20),
            ) {
                // Draws on the uniforms' grid, and reals either side of the central region's edges.
                let mut p: Vec<f64> = grid.into_iter().map(|k| k as f64 / (1u64 << 53) as f64).collect();
                p.extend(near_tail.iter().flat_map(|&x| [x, 1.0 - x]));
                let mut got = p.clone();
                // SAFETY: `Avx512` only where the processor has it.
                unsafe { inverse_normal_cdfs_at(if avx512() { Level::Avx512 } else { Level::Portable }, &mut got) };
                for (&p, &z) in p.iter().zip(&got) {
                    prop_assert_eq!(z.to_bits(), inverse_normal_cdf(p).to_bits(), "p = {:e}", p);
                }
            }
        }
    }

    #[test]
    fn the_vector_inverse_normal_gives_the_scalar_bits() {
        use crate::sim::rng::{NORMAL_LOW, inverse_normal_cdf};
        let s = TrialKey::new(5, 1).stream(9, Purpose::Deal);
        let edges = [NORMAL_LOW, 1.0 - NORMAL_LOW, 0.5, 1.0, 2f64.powi(-53), f64::MIN_POSITIVE]
            .into_iter()
            .flat_map(|p: f64| [p.next_down(), p, p.next_up().min(1.0)]);
        let p: Vec<f64> = edges.chain((0..1_000).map(|i| s.uniform(i))).collect();
        // Every length up to a few vectors, so that each lane position meets tails and a short last part.
        for n in (0..=19).chain([p.len()]) {
            let mut got = p[..n].to_vec();
            inverse_normal_cdfs(&mut got);
            for (&p, &z) in p[..n].iter().zip(&got) {
                assert_eq!(z.to_bits(), inverse_normal_cdf(p).to_bits(), "dispatched, p = {p:e}, n = {n}");
            }
            for l in levels() {
                let mut got = p[..n].to_vec();
                // SAFETY: the processor has `l`.
                unsafe { inverse_normal_cdfs_at(l, &mut got) };
                for (&p, &z) in p[..n].iter().zip(&got) {
                    assert_eq!(z.to_bits(), inverse_normal_cdf(p).to_bits(), "{l:?}, p = {p:e}, n = {n}");
                }
            }
        }
    }

    #[test]
    fn every_version_matches_the_naive_loop() {
        for n in [0, 1, 7, 63, 64, 65, 200, 1031] {
            let (hazard, add, threshold) = case(n);
            let mut expected_hazard = hazard.clone();
            // The kernels append: the trial fills one list from a book's covered part and then the rest.
            let earlier = [u32::MAX, 2];
            let expected = [&earlier[..], &naive(&mut expected_hazard, &add, &threshold, 5)].concat();
            assert!(n < 200 || expected.len() > earlier.len(), "the case fires somewhere");
            let mut versions: Vec<(String, Vec<f32>, Vec<u32>)> = Vec::new();
            let mut run = |name, f: &dyn Fn(&mut [f32], &mut Vec<u32>)| {
                let (mut h, mut fired) = (hazard.clone(), earlier.to_vec());
                f(&mut h, &mut fired);
                versions.push((name, h, fired));
            };
            run("dispatched".to_string(), &|h, f| accumulate_fired(h, &add, &threshold, 5, f));
            for l in levels() {
                // SAFETY: the processor has `l`; the slices have equal lengths.
                run(format!("{l:?}"), &|h, f| unsafe { accumulate_fired_at(l, h, &add, &threshold, 5, f) });
            }
            assert_eq!(versions.len(), 1 + levels().count());
            for (name, h, fired) in versions {
                assert_eq!(fired, expected, "{name}, n = {n}");
                assert!(h.iter().zip(&expected_hazard).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}");
            }
        }
    }
}
