//! The manifest of an output set: the marker that the folder is terrasim's (which files belong to it), and
//! the run that wrote it: version, command line, seed, trials, threads, start time, and the SHA-256 of the
//! scenario and of every input file it read.
//!
//! The inputs are recorded where they are read ([`record_read`], from the TOML and CSV readers of this
//! module), from the bytes that were parsed: a file cannot be read by the run and missed by the manifest,
//! and a file changed after it was read is recorded as the run saw it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name in an output set.
pub const MANIFEST: &str = "manifest.json";

/// The manifest of an output set (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always "terrasim".
    pub written_by: String,
    /// The version that wrote the set.
    pub terrasim_version: String,
    /// The set's files, `name` or `folder/name`.
    pub files: Vec<String>,
    /// The run that wrote the set; absent in sets written by terrasim before 0.1's run records, and in a set
    /// committed without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunRecord>,
}

impl Manifest {
    /// The value of [`Manifest::written_by`].
    pub const WRITER: &str = "terrasim";

    /// The manifest of a set of `files`, by this version, with the run that wrote it.
    pub fn new(files: Vec<String>, run: Option<RunRecord>) -> Self {
        Manifest {
            written_by: Self::WRITER.to_string(),
            terrasim_version: env!("CARGO_PKG_VERSION").to_string(),
            files,
            run,
        }
    }

    /// `dir`'s manifest, or `None` when it has none of ours (absent, unreadable, or another program's).
    pub fn read(dir: &Path) -> Option<Self> {
        let bytes = std::fs::read(dir.join(MANIFEST)).ok()?;
        let manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
        (manifest.written_by == Self::WRITER).then_some(manifest)
    }
}

/// The run that wrote an output set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// The command line after the program's name, as given (`["simulate", "s.toml", "--seed", "7"]`).
    pub command: Vec<String>,
    /// When the run started, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub started: String,
    /// The working folder the run's relative paths are relative to.
    pub working_dir: String,
    /// The scenario file, as given.
    pub scenario: Option<String>,
    /// The seed the run used (`None` for a command without random numbers, such as diff).
    pub seed: Option<u64>,
    /// The trials run per plan, shock or candidate.
    pub trials: Option<u64>,
    /// The worker threads (results are identical for any count).
    pub threads: Option<usize>,
    /// Every input file the run read, in the order first read.
    pub inputs: Vec<InputFile>,
}

impl RunRecord {
    /// Where a path the run opened is now: as recorded when this process runs in the run's working folder
    /// (or the path is absolute), else joined to that folder.
    pub fn locate(&self, path: &str) -> PathBuf {
        let here = std::env::current_dir().ok();
        if Path::new(path).is_absolute() || here.is_some_and(|h| h == Path::new(&self.working_dir)) {
            PathBuf::from(path)
        } else {
            Path::new(&self.working_dir).join(path)
        }
    }

    /// The input files whose bytes are not those the run read (changed, moved away or unreadable), by their
    /// paths as located now.
    pub fn changed_inputs(&self) -> Vec<PathBuf> {
        self.inputs
            .iter()
            .map(|input| self.locate(&input.path))
            .zip(&self.inputs)
            .filter(|(path, input)| {
                std::fs::read(path).map_or(true, |bytes| sha256_hex(&bytes) != input.sha256)
            })
            .map(|(path, _)| path)
            .collect()
    }
}

/// An input file of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    /// What the file is: `scenario`, `params` (an included params file), or the table read from it
    /// (`reps`, `accounts`, `territories`, `history`, `plan`, ...).
    pub role: String,
    /// The path as the run opened it: as given, or the scenario's relative path joined to its folder.
    pub path: String,
    /// The SHA-256 of its bytes as read, lowercase hex.
    pub sha256: String,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// The files read by this process so far, for the manifest of the run it makes.
static READS: Mutex<Vec<InputFile>> = Mutex::new(Vec::new());

/// Records that `path` was read as `role` with these bytes; a file read again with the same bytes (the
/// scenario by each of several steps) is recorded once.
pub(crate) fn record_read(role: &str, path: &Path, bytes: &[u8]) {
    let file =
        InputFile { role: role.to_string(), path: path.display().to_string(), sha256: sha256_hex(bytes) };
    let mut reads = READS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if !reads.iter().any(|r| r.path == file.path && r.sha256 == file.sha256) {
        reads.push(file);
    }
}

/// Every input file this process has read, in the order first read.
pub fn inputs_read() -> Vec<InputFile> {
    READS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
}

/// `time` in UTC as `YYYY-MM-DDTHH:MM:SSZ`; a clock before 1970 reads as 1970.
pub fn utc_timestamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn sha256_of_known_strings() {
        // FIPS 180-2 appendix B.1 and the empty message.
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(sha256_hex(b""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    #[test]
    fn timestamps_are_utc_calendar_dates() {
        let at = |secs| utc_timestamp(UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        // As `date -u -d @SECS` prints them: the last second of a leap day in a century leap year, a new year,
        // and the day after February in a century year that is not a leap year.
        assert_eq!(at(951_868_799), "2000-02-29T23:59:59Z");
        assert_eq!(at(1_798_761_600), "2027-01-01T00:00:00Z");
        assert_eq!(at(4_107_542_400), "2100-03-01T00:00:00Z");
    }

    #[test]
    fn a_file_read_twice_with_the_same_bytes_is_recorded_once() {
        let path = Path::new("manifest-test/only-here.csv");
        record_read("reps", path, b"abc");
        record_read("reps", path, b"abc");
        record_read("reps", path, b"abd");
        let mine: Vec<_> =
            inputs_read().into_iter().filter(|f| f.path == path.display().to_string()).collect();
        assert_eq!(mine.len(), 2, "{mine:?}");
        assert_eq!(mine[0].sha256, sha256_hex(b"abc"));
    }
}
