use std::path::Path;

use crate::scenario::{ParamsFile, Scenario, ScenarioError};

/// Reads, parses and validates a scenario file, then its `include_params` files (relative to it).
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_toml(path)?;
    let mut scenario = Scenario::from_toml(&text, path)?;
    for include in scenario.include_params.clone() {
        let file = scenario.resolve_path(&include);
        let text = read_toml(&file)?;
        let parsed: ParamsFile = toml::from_str(&text)
            .map_err(|e| ScenarioError::Parse { file: file.clone(), message: e.to_string() })?;
        scenario.validate_params(&parsed.params, &format!("{} params", file.display()))?;
        scenario.validate_skills(&parsed.skills, &format!("{} skills", file.display()))?;
        scenario.merge_included(parsed.params);
        scenario.merge_included_skills(parsed.skills);
    }
    Ok(scenario)
}

/// The text of a TOML file: UTF-8, with a leading byte-order mark dropped (Windows editors write one).
/// An empty file, UTF-16, bytes that are not UTF-8 and a byte-order mark further in are named errors.
fn read_toml(path: &Path) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioError::Read { file: path.to_path_buf(), reason: e.to_string() })?;
    toml_text(path, &bytes)
}

/// [`read_toml`] on bytes already read.
pub(crate) fn toml_text(path: &Path, bytes: &[u8]) -> Result<String, ScenarioError> {
    let refuse = |reason: String| ScenarioError::Read { file: path.to_path_buf(), reason };
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(refuse(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8".into(),
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        refuse(format!(
            "line {}: byte 0x{:02X} (at byte {}) is not UTF-8; save the file as UTF-8",
            super::text::line_at(body, at),
            body[at],
            at + bytes.len() - body.len()
        ))
    })?;
    if let Some(at) = text.find('\u{feff}') {
        return Err(refuse(format!(
            "line {}: a byte-order mark (U+FEFF) inside the file (two files pasted together?); remove it",
            super::text::line_at(body, at)
        )));
    }
    if text.trim().is_empty() {
        return Err(refuse(
            "the file is empty; a scenario needs at least schema_version = 1, a name and a [data] table with \
             accounts and reps"
                .into(),
        ));
    }
    Ok(text.to_string())
}
