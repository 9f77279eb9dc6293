//! Any bytes as a CSV export: no panic, and every error names the file.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Err(e) = terrasim::io::fuzz::csv(bytes) {
        assert!(e.contains(terrasim::io::fuzz::CSV_FILE), "the error does not name the file: {e}");
    }
});
