//! The vector kernels of the trial loop. Each has a portable version and, on x86-64, versions with SSE2
//! (always there) and AVX2 (chosen at run time when the processor has it). They do the same IEEE operations
//! on every element in the same order, so every version gives bit-identical results; the tests check that.

use super::rng::{Purpose, TrialKey};

/// Adds a month of hazard (`hazard[i] += add[i]`) and pushes `offset + i` for every `i` whose hazard
/// reached `threshold[i]`, in ascending order. Firing is rare (a few percent of account-months), so each
/// block of 64 accounts is reduced to a bit mask with vector compares and only its set bits are walked.
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
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, and the three slices have `n` elements.
            unsafe { x86::accumulate_fired_avx2(hazard, add, threshold, offset, fired) };
        } else {
            // SAFETY: SSE2 is part of x86-64, and the three slices have `n` elements.
            unsafe { x86::accumulate_fired_sse2(hazard, add, threshold, offset, fired) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    accumulate_fired_portable(hazard, add, threshold, offset, fired);
}

/// Arms every account's first demand clock: `threshold[i]` is the first exponential of account `i`'s demand
/// stream (keyed by `market_index[i]`) times `scale`, or `out_of_pool` for a customer; `draws[i]` counts the
/// draws taken (1, or 0 for a customer). The same draw as [`Stream::exponential`] one account at a time.
#[inline]
pub(crate) fn arm_all(
    key: TrialKey,
    market_index: &[u32],
    customer: &[bool],
    scale: f64,
    out_of_pool: f32,
    threshold: &mut [f32],
    draws: &mut [u32],
) {
    let n = market_index.len();
    assert!(
        customer.len() == n && threshold.len() == n && draws.len() == n,
        "account arrays differ in length"
    );
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512dq") && std::is_x86_feature_detected!("avx512vl") {
            // SAFETY: the processor has the features.
            return unsafe {
                x86::arm_all_avx512(key, market_index, customer, scale, out_of_pool, threshold, draws)
            };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2.
            return unsafe {
                x86::arm_all_avx2(key, market_index, customer, scale, out_of_pool, threshold, draws)
            };
        }
    }
    arm_all_portable(key, market_index, customer, scale, out_of_pool, threshold, draws);
}

#[inline(always)]
fn arm_all_portable(
    key: TrialKey,
    market_index: &[u32],
    customer: &[bool],
    scale: f64,
    out_of_pool: f32,
    threshold: &mut [f32],
    draws: &mut [u32],
) {
    for ((t, d), (&m, &c)) in
        threshold.iter_mut().zip(draws.iter_mut()).zip(market_index.iter().zip(customer))
    {
        let armed = (key.stream(u64::from(m), Purpose::Demand).exponential(0) * scale) as f32;
        *t = if c { out_of_pool } else { armed };
        *d = u32::from(!c);
    }
}

/// Pushes `offset + base + bit` for each set bit of `mask`, lowest first.
#[inline(always)]
fn push_bits(mut mask: u64, offset: usize, base: usize, fired: &mut Vec<u32>) {
    while mask != 0 {
        fired.push((offset + base + mask.trailing_zeros() as usize) as u32);
        mask &= mask - 1;
    }
}

/// The portable version of [`accumulate_fired`] (and the tail of the vector versions).
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

    use super::super::rng::TrialKey;
    use super::{accumulate_fired_portable, arm_all_portable, push_bits};

    /// [`super::arm_all`] compiled for AVX-512 (eight 64-bit lanes with 64-bit multiplies).
    ///
    /// # Safety
    /// The processor has AVX-512 F, DQ and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) unsafe fn arm_all_avx512(
        key: TrialKey,
        market_index: &[u32],
        customer: &[bool],
        scale: f64,
        out_of_pool: f32,
        threshold: &mut [f32],
        draws: &mut [u32],
    ) {
        arm_all_portable(key, market_index, customer, scale, out_of_pool, threshold, draws);
    }

    /// [`super::arm_all`] compiled for AVX2.
    ///
    /// # Safety
    /// The processor has AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn arm_all_avx2(
        key: TrialKey,
        market_index: &[u32],
        customer: &[bool],
        scale: f64,
        out_of_pool: f32,
        threshold: &mut [f32],
        draws: &mut [u32],
    ) {
        arm_all_portable(key, market_index, customer, scale, out_of_pool, threshold, draws);
    }

    /// [`super::accumulate_fired`] four lanes at a time.
    ///
    /// # Safety
    /// `add` and `threshold` have at least `hazard.len()` elements.
    pub(super) unsafe fn accumulate_fired_sse2(
        hazard: &mut [f32],
        add: &[f32],
        threshold: &[f32],
        offset: usize,
        fired: &mut Vec<u32>,
    ) {
        let n = hazard.len();
        let full = n - n % 64;
        let (h, a, t) = (hazard.as_mut_ptr(), add.as_ptr(), threshold.as_ptr());
        for base in (0..full).step_by(64) {
            let mut mask = 0u64;
            for k in 0..16 {
                let i = base + 4 * k;
                // SAFETY: `i + 4 <= full <= n`.
                unsafe {
                    let sum = _mm_add_ps(_mm_loadu_ps(h.add(i)), _mm_loadu_ps(a.add(i)));
                    _mm_storeu_ps(h.add(i), sum);
                    let reached = _mm_cmpge_ps(sum, _mm_loadu_ps(t.add(i)));
                    mask |= (_mm_movemask_ps(reached) as u64) << (4 * k);
                }
            }
            push_bits(mask, offset, base, fired);
        }
        accumulate_fired_portable(
            &mut hazard[full..],
            &add[full..n],
            &threshold[full..n],
            offset + full,
            fired,
        );
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
        let full = n - n % 64;
        let (h, a, t) = (hazard.as_mut_ptr(), add.as_ptr(), threshold.as_ptr());
        for base in (0..full).step_by(64) {
            let mut mask = 0u64;
            for k in 0..8 {
                let i = base + 8 * k;
                // SAFETY: `i + 8 <= full <= n`.
                unsafe {
                    let sum = _mm256_add_ps(_mm256_loadu_ps(h.add(i)), _mm256_loadu_ps(a.add(i)));
                    _mm256_storeu_ps(h.add(i), sum);
                    let reached = _mm256_cmp_ps::<_CMP_GE_OQ>(sum, _mm256_loadu_ps(t.add(i)));
                    mask |= (_mm256_movemask_ps(reached) as u32 as u64) << (8 * k);
                }
            }
            push_bits(mask, offset, base, fired);
        }
        accumulate_fired_portable(
            &mut hazard[full..],
            &add[full..n],
            &threshold[full..n],
            offset + full,
            fired,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_version_matches_the_naive_loop() {
        for n in [0, 1, 7, 63, 64, 65, 200, 1031] {
            let (hazard, add, threshold) = case(n);
            let mut expected_hazard = hazard.clone();
            let expected = naive(&mut expected_hazard, &add, &threshold, 5);
            assert!(n < 200 || !expected.is_empty(), "the case fires somewhere");
            let mut versions: Vec<(&str, Vec<f32>, Vec<u32>)> = Vec::new();
            let mut run = |name, f: &dyn Fn(&mut [f32], &mut Vec<u32>)| {
                let (mut h, mut fired) = (hazard.clone(), Vec::new());
                f(&mut h, &mut fired);
                versions.push((name, h, fired));
            };
            run("dispatched", &|h, f| accumulate_fired(h, &add, &threshold, 5, f));
            run("portable", &|h, f| accumulate_fired_portable(h, &add, &threshold, 5, f));
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is part of x86-64; the slices have equal lengths.
                run("sse2", &|h, f| unsafe { x86::accumulate_fired_sse2(h, &add, &threshold, 5, f) });
                if std::is_x86_feature_detected!("avx2") {
                    // SAFETY: checked just above; the slices have equal lengths.
                    run("avx2", &|h, f| unsafe { x86::accumulate_fired_avx2(h, &add, &threshold, 5, f) });
                }
            }
            for (name, h, fired) in versions {
                assert_eq!(fired, expected, "{name}, n = {n}");
                assert!(h.iter().zip(&expected_hazard).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}");
            }
        }
    }
}
