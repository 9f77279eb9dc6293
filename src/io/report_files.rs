//! The files of `terrasim report`: reading a result folder (which command wrote it, its result contract,
//! an optimize run's `diff.csv` and `plan.csv` files) and writing the report into it.
//!
//! A report written into a result folder joins the folder's output set: the set is committed again with
//! the report added, through [`AtomicDir`], so the manifest lists it, a later run into the folder replaces
//! it with the rest (a report of an earlier run does not outlive that run), and a reader sees the folder
//! before or after, never half of it.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Failure, INTERNAL, USER};
use crate::report::html::ResultSet;
use crate::report::html::contract::{CandidateFiles, Move};

use super::atomic::{AtomicDir, OutputError, write_files_atomic};
use super::manifest::{MANIFEST, Manifest};

/// The result file of each kind of folder, in the order they are looked for.
const RESULT_FILES: [(&str, &str); 5] = [
    ("result.json", "simulate"),
    ("stress.json", "stress"),
    ("compare.json", "compare"),
    ("candidates.json", "optimize"),
    ("backtest.json", "backtest"),
];

/// Why a result folder cannot be reported on.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The folder does not exist or is a file.
    #[error("{}: {reason}; give a result folder written by simulate, stress, compare, optimize or backtest", path.display())]
    NotAFolder {
        /// The path given.
        path: PathBuf,
        /// What it is instead.
        reason: &'static str,
    },
    /// No result file of any kind is in the folder.
    #[error(
        "{} is not a terrasim result folder: it holds none of result.json (simulate), stress.json, compare.json, \
         candidates.json (optimize) or backtest.json{}; give the --out folder of one of those commands",
        path.display(),
        if *has_manifest { " (its manifest.json lists none)" } else { "" }
    )]
    Unknown {
        /// The folder.
        path: PathBuf,
        /// Whether it holds a terrasim manifest.
        has_manifest: bool,
    },
    /// Two kinds of result in one folder.
    #[error("{} holds both {first} and {second}; a result folder holds one command's output: move one away", path.display())]
    Ambiguous {
        /// The folder.
        path: PathBuf,
        /// The first result file found.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
    /// A result file that does not read as its contract.
    #[error(
        "{}: not a valid {kind} result ({reason}); it was changed or cut short: run `terrasim {kind}` again to \
         write it",
        file.display()
    )]
    Broken {
        /// The file.
        file: PathBuf,
        /// The command that writes it.
        kind: &'static str,
        /// What is wrong, with line and column.
        reason: String,
    },
    /// A file the result needs is missing.
    #[error("{}: missing, but {listed_in} names it; run `terrasim {kind}` again to write the whole set", file.display())]
    Missing {
        /// The file.
        file: PathBuf,
        /// The file that names it.
        listed_in: String,
        /// The command that writes it.
        kind: &'static str,
    },
    /// The scenario given is not the one the result was run on.
    #[error(
        "{}: the scenario is named \"{scenario}\" but the result was run on \"{result}\"; give the scenario file \
         the result was run on (or omit --scenario)",
        file.display()
    )]
    ScenarioMismatch {
        /// The scenario file.
        file: PathBuf,
        /// Its name.
        scenario: String,
        /// The name in the result.
        result: String,
    },
    /// The report would replace a file of the result set.
    #[error("{}: is a file of the result set, not a report; choose another -o", path.display())]
    WouldReplaceResult {
        /// The path given.
        path: PathBuf,
    },
    /// The filesystem refused a read.
    #[error("cannot read {}", path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl Failure for ReportError {
    fn exit_code(&self) -> u8 {
        match self {
            ReportError::Read { source, .. }
                if !matches!(source.kind(), io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied) =>
            {
                INTERNAL
            }
            _ => USER,
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, ReportError> {
    fs::read(path).map_err(|source| ReportError::Read { path: path.to_path_buf(), source })
}

/// The files a terrasim manifest in `dir` lists, or `None` without one.
fn manifest_files(dir: &Path) -> Option<Vec<String>> {
    Manifest::read(dir).map(|m| m.files)
}

fn parse<T: serde::de::DeserializeOwned>(file: &Path, kind: &'static str) -> Result<T, ReportError> {
    let bytes = read(file)?;
    serde_json::from_slice(&bytes).map_err(|e| ReportError::Broken {
        file: file.to_path_buf(),
        kind,
        reason: e.to_string(),
    })
}

/// Reads the result folder `dir`: which command wrote it and its contract; for an optimize run, every
/// candidate's `diff.csv` and, with `best_plan`, the `plan.csv` of the best-ranked candidate and of every
/// candidate whose territories are county units.
pub fn read_result_set(dir: &Path, best_plan: bool) -> Result<ResultSet, ReportError> {
    match fs::metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ReportError::NotAFolder { path: dir.to_path_buf(), reason: "no such folder" });
        }
        Err(source) => return Err(ReportError::Read { path: dir.to_path_buf(), source }),
        Ok(m) if !m.is_dir() => {
            return Err(ReportError::NotAFolder { path: dir.to_path_buf(), reason: "a file, not a folder" });
        }
        Ok(_) => {}
    }
    let found: Vec<(&str, &str)> =
        RESULT_FILES.iter().copied().filter(|(f, _)| dir.join(f).is_file()).collect();
    let (file, kind) = match found[..] {
        [] => {
            return Err(ReportError::Unknown {
                path: dir.to_path_buf(),
                has_manifest: manifest_files(dir).is_some(),
            });
        }
        [one] => one,
        [a, b, ..] => {
            return Err(ReportError::Ambiguous { path: dir.to_path_buf(), first: a.0, second: b.0 });
        }
    };
    let path = dir.join(file);
    Ok(match kind {
        "simulate" => ResultSet::Simulate(Box::new(parse(&path, kind)?)),
        "stress" => ResultSet::Stress(parse(&path, kind)?),
        "compare" => ResultSet::Compare(parse(&path, kind)?),
        "backtest" => ResultSet::Backtest(Box::new(parse(&path, kind)?)),
        _ => {
            let outcome: crate::report::html::contract::OptimizeOutcome = parse(&path, kind)?;
            let mut files = BTreeMap::new();
            for (k, c) in outcome.candidates.iter().enumerate() {
                let folder = dir.join(&c.name);
                let moves = read_moves(&folder.join("diff.csv"))?;
                // The best candidate's plan for its map, and a county-unit candidate's for its county fills.
                let plan = if best_plan && (k == 0 || c.county_units()) {
                    Some(read_plan(&folder.join("plan.csv"))?)
                } else {
                    None
                };
                files.insert(c.name.clone(), CandidateFiles { moves, plan });
            }
            ResultSet::Optimize(outcome, files)
        }
    })
}

/// The rows of a CSV file written by optimize, by the columns `names`.
fn read_csv(file: &Path, names: &[&str]) -> Result<Vec<Vec<String>>, ReportError> {
    let bytes = match fs::read(file) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(ReportError::Missing {
                file: file.to_path_buf(),
                listed_in: "candidates.json".into(),
                kind: "optimize",
            });
        }
        other => other.map_err(|source| ReportError::Read { path: file.to_path_buf(), source })?,
    };
    let broken = |reason: String| ReportError::Broken { file: file.to_path_buf(), kind: "optimize", reason };
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().map_err(|e| broken(e.to_string()))?.clone();
    let columns: Vec<usize> = names
        .iter()
        .map(|n| header.iter().position(|h| h == *n).ok_or_else(|| broken(format!("no column {n}"))))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| broken(format!("line {}: {e}", k + 2)))?;
        rows.push(columns.iter().map(|&c| record.get(c).unwrap_or("").to_string()).collect());
    }
    Ok(rows)
}

fn read_moves(file: &Path) -> Result<Vec<Move>, ReportError> {
    let rows = read_csv(file, &["account_id", "old_owner_id", "new_owner_id", "reason"])?;
    Ok(rows
        .into_iter()
        .map(|mut r| Move {
            reason: std::mem::take(&mut r[3]),
            new_owner: std::mem::take(&mut r[2]),
            old_owner: std::mem::take(&mut r[1]),
            account: std::mem::take(&mut r[0]),
        })
        .collect())
}

fn read_plan(file: &Path) -> Result<BTreeMap<String, String>, ReportError> {
    let rows = read_csv(file, &["account_id", "owner_id"])?;
    Ok(rows
        .into_iter()
        .filter(|r| !r[1].is_empty())
        .map(|mut r| (std::mem::take(&mut r[0]), std::mem::take(&mut r[1])))
        .collect())
}

/// Where a report goes: into the result set (a file name in its folder), or anywhere else.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportTarget {
    /// A file of the result folder's set, by name.
    InSet(String),
    /// A file outside the folder.
    Elsewhere(PathBuf),
}

/// Where `output` (default `report.html` in `dir`) puts the report of the folder `dir`.
pub fn report_target(dir: &Path, output: Option<&Path>) -> Result<ReportTarget, ReportError> {
    let Some(output) = output else { return Ok(ReportTarget::InSet("report.html".into())) };
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let same = match (fs::canonicalize(parent), fs::canonicalize(dir)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    let Some(name) = output.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Err(ReportError::NotAFolder { path: output.to_path_buf(), reason: "not a file name" });
    };
    if !same {
        return Ok(ReportTarget::Elsewhere(output.to_path_buf()));
    }
    let result_files = RESULT_FILES.iter().any(|(f, _)| *f == name);
    let listed = manifest_files(dir).is_some_and(|files| files.contains(&name));
    if result_files || name == MANIFEST || (listed && !name.ends_with(".html")) {
        return Err(ReportError::WouldReplaceResult { path: output.to_path_buf() });
    }
    Ok(ReportTarget::InSet(name))
}

/// Writes the report: into the folder's output set (committed again whole with the report added, when the
/// folder holds a terrasim manifest; else as a single file), or to a file elsewhere. Returns the path.
pub fn write_report(dir: &Path, target: &ReportTarget, html: &[u8]) -> Result<PathBuf, OutputError> {
    match target {
        ReportTarget::Elsewhere(path) => {
            if path.is_dir() {
                return Err(OutputError::TargetIsFile { path: path.clone() });
            }
            super::atomic::write_atomic(path, html).map_err(|source| OutputError::Io {
                action: "write",
                path: path.clone(),
                source,
            })?;
            Ok(path.clone())
        }
        ReportTarget::InSet(name) => {
            let Some(manifest) = Manifest::read(dir) else {
                return Ok(write_files_atomic(dir, &[(name.clone(), html.to_vec())])?.remove(0));
            };
            let mut set = AtomicDir::new(dir);
            // The set is still the run's: its record stays.
            if let Some(run) = manifest.run {
                set.set_run(run);
            }
            for file in manifest.files.iter().filter(|f| *f != name) {
                let path = dir.join(file);
                let bytes =
                    fs::read(&path).map_err(|source| OutputError::Io { action: "read", path, source })?;
                set.add(file, bytes);
            }
            set.add(name, html.to_vec());
            set.commit()?;
            Ok(dir.join(name))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_a_result_is_refused_naming_what_was_expected() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let e = read_result_set(dir.path(), false).unwrap_err();
        assert_eq!(e.exit_code(), USER);
        let text = e.to_string();
        assert!(text.contains("not a terrasim result folder") && text.contains("candidates.json"), "{text}");
    }

    #[test]
    fn a_cut_short_result_names_its_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("stress.json"), "{\n  \"scenario\": \"x\",\n").unwrap();
        let e = read_result_set(dir.path(), false).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("stress.json") && text.contains("line 3") && text.contains("terrasim stress"),
            "{text}"
        );
        assert_eq!(e.exit_code(), USER);
    }

    #[test]
    fn the_report_joins_the_output_set_and_its_manifest() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("run");
        let mut set = AtomicDir::new(&dir);
        set.add("result.json", b"{}".to_vec());
        set.add("sub/plan.csv", b"a".to_vec());
        set.commit().unwrap();
        let target = report_target(&dir, None).unwrap();
        write_report(&dir, &target, b"<html>").unwrap();
        assert_eq!(fs::read(dir.join("report.html")).unwrap(), b"<html>");
        assert_eq!(fs::read(dir.join("sub/plan.csv")).unwrap(), b"a");
        let files = manifest_files(&dir).unwrap();
        assert_eq!(files, ["result.json", "sub/plan.csv", "report.html"]);
        // Again: the report is replaced, not listed twice, and the folder is still a valid output set.
        write_report(&dir, &target, b"<html>2").unwrap();
        assert_eq!(manifest_files(&dir).unwrap().iter().filter(|f| *f == "report.html").count(), 1);
        crate::io::check_output_dir(&dir).unwrap();
        let inside = report_target(&dir, Some(&dir.join("result.json"))).unwrap_err();
        assert!(matches!(inside, ReportError::WouldReplaceResult { .. }));
    }
}
