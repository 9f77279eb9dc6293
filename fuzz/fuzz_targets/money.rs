//! Any text as a number or an amount, under both decimal marks: no panic, and only finite values.
#![no_main]

libfuzzer_sys::fuzz_target!(|raw: &str| {
    for v in terrasim::io::fuzz::money(raw).into_iter().flatten() {
        assert!(v.is_finite(), "{raw:?} read as {v}");
    }
});
