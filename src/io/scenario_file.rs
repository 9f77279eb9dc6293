use std::collections::BTreeMap;
use std::path::Path;

use crate::scenario::{ParamsFile, Scenario, ScenarioError};

/// Reads, parses and validates a scenario file, then its `include_params` files (relative to it).
///
/// Precedence: the scenario's own `[params]`, `[skills]` and `[model] level_sigma` win over every included
/// file. Included files must not contradict each other: two that set the same parameter of the same key (or
/// the same rep's skill, or the level) to different values are refused, naming both, unless the scenario
/// sets it itself.
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read_toml(path, "scenario")?;
    let mut scenario = Scenario::from_toml(&text, path)?;
    let mut origins = Origins::new(&scenario);
    for (i, include) in scenario.include_params.clone().iter().enumerate() {
        let file = scenario.resolve_path(include);
        let text = read_toml(&file, "params")?;
        let parsed: ParamsFile = toml::from_str(&text)
            .map_err(|e| ScenarioError::Parse { file: file.clone(), message: e.to_string() })?;
        scenario.validate_skills(&parsed.skills, &format!("{} skills", file.display()))?;
        origins.add(&scenario.source, (i, include), &parsed)?;
        scenario.merge_included(parsed.params);
        scenario.merge_included_skills(parsed.skills);
        if let Some(m) = parsed.model
            && !origins.own_level
        {
            scenario.model.level_sigma.get_or_insert(m.level_sigma);
        }
    }
    Ok(scenario)
}

/// Which included file first set each value the scenario does not set itself, to refuse a second file that
/// sets it otherwise (merging would keep the first silently).
struct Origins {
    /// (`params` key, parameter) the scenario sets itself.
    own_params: std::collections::BTreeSet<(String, &'static str)>,
    /// Reps whose skill the scenario sets itself.
    own_skills: std::collections::BTreeSet<String>,
    /// (key, parameter) → (include index, file as written, value).
    params: BTreeMap<(String, &'static str), (usize, String, f64)>,
    /// Rep → (include index, file as written, value).
    skills: BTreeMap<String, (usize, String, f64)>,
    /// Whether the scenario sets `[model] level_sigma` itself, and which included file first set it.
    own_level: bool,
    level: Option<(usize, String, f64)>,
}

impl Origins {
    fn new(scenario: &Scenario) -> Self {
        let own_params = scenario
            .params
            .iter()
            .flat_map(|(key, o)| o.set_fields().into_iter().map(move |(name, _)| (key.clone(), name)))
            .collect();
        Origins {
            own_params,
            own_skills: scenario.skills.keys().cloned().collect(),
            params: BTreeMap::new(),
            skills: BTreeMap::new(),
            own_level: scenario.model.level_sigma.is_some(),
            level: None,
        }
    }

    /// Records the values of included file `i` (`include`, as the scenario writes it), refusing one that
    /// an earlier included file sets to another value.
    fn add(
        &mut self,
        scenario_file: &Path,
        (i, include): (usize, &Path),
        parsed: &ParamsFile,
    ) -> Result<(), ScenarioError> {
        let here = include.display().to_string();
        let conflict = |what: String, (j, first, old): &(usize, String, f64), new: f64, fix: String| {
            ScenarioError::Invalid {
                file: scenario_file.to_path_buf(),
                field: format!("include_params[{i}]"),
                message: format!(
                    "{what} is {old} in {first} (include_params[{j}]) but {new} in {here}; included files are \
                     read in order and must not contradict each other: keep the value in one file, or set \
                     {fix} in the scenario itself (the scenario's own values win over included files)"
                ),
            }
        };
        for (key, o) in &parsed.params {
            for (name, v) in o.set_fields() {
                let at = (key.clone(), name);
                if self.own_params.contains(&at) {
                    continue;
                }
                match self.params.get(&at) {
                    Some(first) if first.2 != v => {
                        let what = format!("params.\"{key}\".{name}");
                        return Err(conflict(what, first, v, format!("[params.\"{key}\"] {name}")));
                    }
                    Some(_) => {}
                    None => {
                        self.params.insert(at, (i, here.clone(), v));
                    }
                }
            }
        }
        if let Some(m) = parsed.model {
            let v = m.level_sigma;
            if !(v.is_finite() && (0.0..=2.0).contains(&v)) {
                return Err(ScenarioError::Invalid {
                    file: scenario_file.to_path_buf(),
                    field: format!("include_params[{i}]"),
                    message: format!(
                        "{here} sets [model] level_sigma = {v}, which must be a number in [0, 2] (a log-sd: \
                         0.06 for rates fitted to three years of history); fix or remove it"
                    ),
                });
            }
            match &self.level {
                Some(first) if first.2 != v && !self.own_level => {
                    return Err(conflict("model.level_sigma".into(), first, v, "[model] level_sigma".into()));
                }
                Some(_) => {}
                None => self.level = Some((i, here.clone(), v)),
            }
        }
        for (rep, &v) in &parsed.skills {
            if self.own_skills.contains(rep) {
                continue;
            }
            match self.skills.get(rep) {
                Some(first) if first.2 != v => {
                    let what = format!("skills.\"{rep}\"");
                    return Err(conflict(what, first, v, format!("[skills] \"{rep}\"")));
                }
                Some(_) => {}
                None => {
                    self.skills.insert(rep.clone(), (i, here.clone(), v));
                }
            }
        }
        Ok(())
    }
}

/// The text of a TOML file (recorded for the run's manifest as `role`): UTF-8, with a leading byte-order mark dropped (Windows editors write one).
/// An empty file, UTF-16, bytes that are not UTF-8 and a byte-order mark further in are named errors.
fn read_toml(path: &Path, role: &str) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path)
        .map_err(|e| ScenarioError::Read { file: path.to_path_buf(), reason: e.to_string() })?;
    super::manifest::record_read(role, path, &bytes);
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
