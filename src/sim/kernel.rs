//! The vector kernels of the trial loop. Each has a portable version (which the compiler vectorizes for
//! the baseline instruction set) and, on x86-64, AVX2 and AVX-512 versions chosen at run time when the
//! processor has them. They do the same IEEE operations on every element in the same order, so every
//! version gives bit-identical results; the tests check that.

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
    if std::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2, and the three slices have `n` elements.
        return unsafe { x86::accumulate_fired_avx2(hazard, add, threshold, offset, fired) };
    }
    accumulate_fired_portable(hazard, add, threshold, offset, fired);
}

/// Demand thresholds: `out[i]` is the `counter[i]`-th exponential of the demand stream of account
/// `entity[i]` (its market index) times `scale`, rounded to `f32`. The same draw as [`Stream::exponential`]
/// one account at a time; the trial arms every account with it at the start, and the accounts whose deals
/// were lost each month.
///
/// [`Stream::exponential`]: super::rng::Stream::exponential
#[inline]
pub(crate) fn demand_thresholds(key: TrialKey, entity: &[u32], counter: &[u32], scale: f64, out: &mut [f32]) {
    assert!(counter.len() == entity.len() && out.len() == entity.len(), "account arrays differ in length");
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512dq") && std::is_x86_feature_detected!("avx512vl") {
            // SAFETY: the processor has the features.
            return unsafe { x86::demand_thresholds_avx512(key, entity, counter, scale, out) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2.
            return unsafe { x86::demand_thresholds_avx2(key, entity, counter, scale, out) };
        }
    }
    demand_thresholds_portable(key, entity, counter, scale, out);
}

#[inline(always)]
fn demand_thresholds_portable(key: TrialKey, entity: &[u32], counter: &[u32], scale: f64, out: &mut [f32]) {
    for (t, (&m, &c)) in out.iter_mut().zip(entity.iter().zip(counter)) {
        *t = (key.stream(u64::from(m), Purpose::Demand).exponential(u64::from(c)) * scale) as f32;
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
    use super::{demand_thresholds_portable, push_bits};

    /// [`super::demand_thresholds`] compiled for AVX-512 (eight 64-bit lanes with 64-bit multiplies).
    ///
    /// # Safety
    /// The processor has AVX-512 F, DQ and VL.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl")]
    pub(super) unsafe fn demand_thresholds_avx512(
        key: TrialKey,
        entity: &[u32],
        counter: &[u32],
        scale: f64,
        out: &mut [f32],
    ) {
        demand_thresholds_portable(key, entity, counter, scale, out);
    }

    /// [`super::demand_thresholds`] compiled for AVX2.
    ///
    /// # Safety
    /// The processor has AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn demand_thresholds_avx2(
        key: TrialKey,
        entity: &[u32],
        counter: &[u32],
        scale: f64,
        out: &mut [f32],
    ) {
        demand_thresholds_portable(key, entity, counter, scale, out);
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
        let key = TrialKey::new(17, 3);
        let n = 1_037;
        let entity: Vec<u32> = (0..n as u32).map(|i| (i * 7919) % 5_000).collect();
        let counter: Vec<u32> = (0..n as u32).map(|i| (i * 31) % 7).collect();
        let scale = 1.0 / 1.07;
        let expected: Vec<f32> = (0..n)
            .map(|i| {
                let stream = key.stream(u64::from(entity[i]), Purpose::Demand);
                (stream.exponential(u64::from(counter[i])) * scale) as f32
            })
            .collect();
        let mut versions: Vec<(&str, Vec<f32>)> = Vec::new();
        let mut run = |name, f: &dyn Fn(&mut [f32])| {
            let mut t = vec![0.0; n];
            f(&mut t);
            versions.push((name, t));
        };
        run("dispatched", &|t| demand_thresholds(key, &entity, &counter, scale, t));
        run("portable", &|t| demand_thresholds_portable(key, &entity, &counter, scale, t));
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx2") {
                // SAFETY: checked just above.
                run("avx2", &|t| unsafe { x86::demand_thresholds_avx2(key, &entity, &counter, scale, t) });
            }
            if std::is_x86_feature_detected!("avx512dq") && std::is_x86_feature_detected!("avx512vl") {
                // SAFETY: checked just above.
                run("avx512", &|t| unsafe {
                    x86::demand_thresholds_avx512(key, &entity, &counter, scale, t)
                });
            }
        }
        for (name, t) in &versions {
            assert!(t.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()), "{name}");
        }
        assert!(versions.len() >= 2);
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
