use std::path::Path;

use crate::scenario::{ParamsFile, Scenario, ScenarioError};

/// Reads, parses and validates a scenario file, then its `include_params` files (relative to it).
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::Read { file: path.to_path_buf(), reason: e.to_string() })?;
    let mut scenario = Scenario::from_toml(&text, path)?;
    for include in scenario.include_params.clone() {
        let file = scenario.resolve_path(&include);
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ScenarioError::Read { file: file.clone(), reason: e.to_string() })?;
        let parsed: ParamsFile = toml::from_str(&text)
            .map_err(|e| ScenarioError::Parse { file: file.clone(), message: e.to_string() })?;
        scenario.validate_params(&parsed.params, &format!("{} params", file.display()))?;
        scenario.validate_skills(&parsed.skills, &format!("{} skills", file.display()))?;
        scenario.merge_included(parsed.params);
        scenario.merge_included_skills(parsed.skills);
    }
    Ok(scenario)
}
