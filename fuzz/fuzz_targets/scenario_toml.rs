//! Any bytes as a scenario file: no panic, and every error names the file.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    if let Err(e) = terrasim::io::fuzz::scenario_toml(bytes) {
        assert!(e.contains(terrasim::io::fuzz::TOML_FILE), "the error does not name the file: {e}");
    }
});
