//! Outputs written all or nothing.
//!
//! A command's outputs are one set: `result.json` with its CSV tables, or `candidates.json` with a folder
//! per strategy. A reader must find the earlier complete set or the new complete set, never a mix of the
//! two, never a temporary file, and never an earlier run's file beside the new ones. [`AtomicDir::commit`]
//! stages the set in a hidden folder beside the target (same filesystem), then swaps it in by one rename.
//! A `manifest.json` in the set marks the folder as terrasim's, so that the next run may replace it
//! without deleting anything the user put there.
//!
//! Files that live among the user's own files (calibrate's `params.toml` in the current folder) cannot be
//! swapped in as a folder: [`write_files_atomic`] replaces them file by file, and [`write_changed_files`]
//! refuses to change them unless told to.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use super::manifest::{MANIFEST, Manifest, RunRecord};

/// `.{target}.terrasim-stage-{pid}`: a set being written, and after an exchange the set it replaced.
const STAGE: &str = "terrasim-stage";
/// `.{target}.terrasim-old-{pid}`: the replaced set, where the exchange rename is unsupported.
const OLD: &str = "terrasim-old";
/// `.{file}.terrasim-tmp-{pid}`: a file of [`write_files_atomic`] being written.
const TEMP: &str = "terrasim-tmp";
/// `.{file}.tmp-{pid}`: a file being written by an earlier terrasim's `write_atomic`.
const LEGACY_TEMP: &str = "tmp";
/// Foreign entries named in the refusal.
const FOREIGN_SHOWN: usize = 5;

/// Outputs that cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output path exists and is not a folder.
    #[error("{} is a file, not a folder; choose another --out or remove the file", path.display())]
    TargetIsFile {
        /// The output path.
        path: PathBuf,
    },
    /// The output folder holds entries that are not in its manifest: the user's own files, which
    /// replacing the folder would delete.
    #[error(
        "{} holds files that terrasim did not write ({}); choose another --out or empty the folder",
        path.display(),
        list(entries, *more)
    )]
    ForeignEntries {
        /// The output folder.
        path: PathBuf,
        /// The first few foreign entries, relative to the folder (folders end in `/`).
        entries: Vec<String>,
        /// Foreign entries not named.
        more: usize,
    },
    /// Files exist with other contents and overwriting was not asked for.
    #[error(
        "{}: {} would change; pass --force to overwrite them, or choose another --out",
        dir.display(),
        list(files, 0)
    )]
    WouldOverwrite {
        /// The output folder.
        dir: PathBuf,
        /// The files whose contents would change.
        files: Vec<String>,
    },
    /// The output path names no folder that could be replaced (`/`).
    #[error("{} cannot be replaced as a whole; choose an --out folder such as results/run", path.display())]
    Unnamed {
        /// The output path.
        path: PathBuf,
    },
    /// The caller asked for a file name that is not a plain relative name (a bug in the caller).
    #[error("output name \"{name}\" is not a file name or folder/file name, or is used twice")]
    BadName {
        /// The name.
        name: String,
    },
    /// The filesystem refused: full disk, permissions, I/O errors.
    #[error("cannot {action} {}{}", path.display(), hint(source))]
    Io {
        /// What was being done, e.g. "write".
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

impl OutputError {
    /// The process exit code: 2 for a choice the user can change (the output path), 1 for a failure of
    /// the environment (disk, permissions) or a bug.
    pub fn exit_code(&self) -> u8 {
        match self {
            OutputError::TargetIsFile { .. }
            | OutputError::ForeignEntries { .. }
            | OutputError::WouldOverwrite { .. }
            | OutputError::Unnamed { .. } => 2,
            OutputError::BadName { .. } | OutputError::Io { .. } => 1,
        }
    }
}

fn list(names: &[String], more: usize) -> String {
    let mut s = names.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "; the disk is full: free some space and run again (earlier outputs are unchanged)"
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "; check the folder's permissions or choose another --out"
        }
        _ => "",
    }
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> OutputError + 'a {
    move |source| OutputError::Io { action, path: path.to_path_buf(), source }
}

/// Writes a whole file or nothing: the bytes go to a temporary file beside the target, which is then
/// renamed over it, so a reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    fs::create_dir_all(dir)?;
    let tmp = temp_path(path);
    let result = write_synced(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn parent_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(hidden(&name, TEMP, std::process::id()))
}

/// `.{name}.{kind}-{pid}`.
fn hidden(name: &str, kind: &str, pid: u32) -> String {
    format!(".{name}.{kind}-{pid}")
}

/// The pid of `entry` if it is `.{name}.{kind}-{pid}`.
fn hidden_pid(entry: &str, name: &str, kind: &str) -> Option<u32> {
    let digits = entry.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?.strip_prefix(kind)?;
    let digits = digits.strip_prefix('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Flushes a folder's entries (a rename is durable only once its folder is).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Whether the process that left a hidden folder or file may still be writing it.
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        // Only a killed process that had the same pid can have left it.
        return false;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false; // 0 and negative values address process groups, not a process
    }
    // SAFETY: signal 0 sends nothing; it only asks whether `pid` exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a portable liveness check, leftovers are left alone.
#[cfg(not(unix))]
fn alive(_pid: u32) -> bool {
    true
}

/// A set of output files written all together or not at all.
///
/// Files are held in memory by [`AtomicDir::add`] and written only by [`AtomicDir::commit`], after every
/// one was produced without error.
#[derive(Debug, Default)]
pub struct AtomicDir {
    dir: PathBuf,
    files: Vec<(String, Vec<u8>)>,
    /// The run that wrote the set, for its manifest.
    run: Option<RunRecord>,
}

/// How the new set takes the target's place.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Swap {
    /// One `renameat2(RENAME_EXCHANGE)` where the system has it; two renames where it has not.
    Exchange,
    /// Always two renames: the fallback, forced by tests.
    #[cfg_attr(not(test), expect(dead_code, reason = "tests force the fallback with it"))]
    TwoRenames,
}

/// Test hooks, read from the environment by [`AtomicDir::commit`] only, so that a test can kill the
/// process inside the commit or simulate a full disk (sessions that run as root cannot make a folder
/// unwritable):
/// - `TERRASIM_TEST_COMMIT_PAUSE_MS=N` sleeps N ms after each staged file, before and after the swap, and
///   after each entry of the replaced set is removed;
/// - `TERRASIM_TEST_COMMIT_FAIL=after_stage|before_swap` fails the commit at that point with a
///   disk-full error.
#[derive(Debug, Default)]
struct Hooks {
    pause: Duration,
    fail: Option<FailPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FailPoint {
    AfterStage,
    BeforeSwap,
}

impl Hooks {
    fn from_env() -> Self {
        let pause = std::env::var("TERRASIM_TEST_COMMIT_PAUSE_MS").ok().and_then(|v| v.parse().ok());
        let fail = match std::env::var("TERRASIM_TEST_COMMIT_FAIL").as_deref() {
            Ok("after_stage") => Some(FailPoint::AfterStage),
            Ok("before_swap") => Some(FailPoint::BeforeSwap),
            _ => None,
        };
        Hooks { pause: Duration::from_millis(pause.unwrap_or(0)), fail }
    }

    fn pause(&self) {
        if !self.pause.is_zero() {
            std::thread::sleep(self.pause);
        }
    }

    fn fail_at(&self, point: FailPoint, path: &Path) -> Result<(), OutputError> {
        if self.fail == Some(point) {
            let source = io::Error::new(io::ErrorKind::StorageFull, "injected by TERRASIM_TEST_COMMIT_FAIL");
            return Err(OutputError::Io { action: "write", path: path.to_path_buf(), source });
        }
        Ok(())
    }
}

/// The output folder and the hidden siblings of a commit.
#[derive(Debug)]
struct Target {
    /// The folder the set replaces (symlinks resolved).
    path: PathBuf,
    /// Its parent, where the hidden siblings live.
    parent: PathBuf,
    /// Its file name.
    name: String,
}

impl Target {
    fn resolve(dir: &Path) -> Result<Self, OutputError> {
        let mut path = dir.to_path_buf();
        // `.` and `..` have no name to rename; a symlink (results kept on another disk) is followed, so that
        // the set replaces the folder it points to and the link stays.
        let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link || path.file_name().is_none() {
            path = fs::canonicalize(&path).map_err(io_err("find the folder", dir))?;
        }
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return Err(OutputError::Unnamed { path });
        };
        let parent = parent_of(&path).to_path_buf();
        Ok(Target { path, parent, name })
    }

    fn sibling(&self, kind: &str, pid: u32) -> PathBuf {
        self.parent.join(hidden(&self.name, kind, pid))
    }
}

impl AtomicDir {
    /// Outputs for `dir`.
    pub fn new(dir: &Path) -> Self {
        AtomicDir { dir: dir.to_path_buf(), files: Vec::new(), run: None }
    }

    /// Records in the set's manifest the run that wrote it.
    pub fn set_run(&mut self, run: RunRecord) {
        self.run = Some(run);
    }

    /// Adds a file, `name` or `folder/name`; a second file of the same name replaces the first.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        match self.files.iter_mut().find(|(n, _)| n == name) {
            Some(file) => file.1 = bytes,
            None => self.files.push((name.to_string(), bytes)),
        }
    }

    /// The files added so far, in order, as (name, bytes).
    pub fn staged(&self) -> &[(String, Vec<u8>)] {
        &self.files
    }

    /// Replaces the folder with exactly the added files, all or nothing; returns the paths written.
    ///
    /// The folder may be absent, empty, or an earlier output set (every entry listed in its manifest).
    /// Anything else may be the user's and is refused, untouched, even a file named like one of the new
    /// ones: replacing the folder would delete it. A kill or a full disk at any moment leaves the earlier complete set
    /// or the new complete set, plus at most a hidden sibling folder that the next commit removes.
    pub fn commit(self) -> Result<Vec<PathBuf>, OutputError> {
        self.commit_with(Swap::Exchange, &Hooks::from_env())
    }

    fn commit_with(self, swap: Swap, hooks: &Hooks) -> Result<Vec<PathBuf>, OutputError> {
        let names = self.checked_names()?;
        let target = Target::resolve(&self.dir)?;
        sweep(&target)?;
        let exists = check_target(&target.path)?;
        fs::create_dir_all(&target.parent).map_err(io_err("create the folder", &target.parent))?;
        let staging = target.sibling(STAGE, std::process::id());
        let manifest = Manifest::new(names, self.run.clone());
        let staged = stage(&staging, &self.files, &manifest, hooks)
            .and_then(|()| hooks.fail_at(FailPoint::BeforeSwap, &staging));
        let replaced = staged.and_then(|()| {
            hooks.pause();
            swap_in(&staging, &target, exists, swap)
        });
        let replaced = match replaced {
            Ok(replaced) => replaced,
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        hooks.pause();
        let synced = sync_dir(&target.parent).map_err(io_err("flush the folder", &target.parent));
        if let Some(old) = replaced {
            // The new set is in place; an old set that cannot be removed stays hidden until the next sweep.
            let _ = remove_set(&old, hooks);
        }
        synced?;
        Ok(self.files.iter().map(|(name, _)| self.dir.join(name)).collect())
    }

    /// Writes the set into a new folder `parent/name` (or `name-002`, ... when taken), never replacing
    /// anything, and then names it in `parent/latest`; returns the folder. A failed commit leaves no folder.
    pub fn commit_new(self, parent: &Path, name: &str) -> Result<PathBuf, OutputError> {
        self.commit_new_with(parent, name, &Hooks::from_env())
    }

    fn commit_new_with(mut self, parent: &Path, name: &str, hooks: &Hooks) -> Result<PathBuf, OutputError> {
        self.checked_names()?;
        let dir = reserve_new_dir(parent, name)?;
        self.dir = dir.clone();
        if let Err(e) = self.commit_with(Swap::Exchange, hooks) {
            let _ = fs::remove_dir(&dir); // still empty: the commit swaps its set in last
            return Err(e);
        }
        let folder = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let latest = parent.join(LATEST);
        write_atomic(&latest, format!("{folder}\n").as_bytes()).map_err(io_err("write", &latest))?;
        Ok(dir)
    }

    /// The names, each `name` or `folder/name` and none a folder of another; the manifest's name is ours.
    fn checked_names(&self) -> Result<Vec<String>, OutputError> {
        let bad = |name: &str| OutputError::BadName { name: name.to_string() };
        let names: Vec<String> = self.files.iter().map(|(n, _)| n.clone()).collect();
        let folders: HashSet<&str> = names.iter().filter_map(|n| n.split_once('/').map(|(d, _)| d)).collect();
        for name in &names {
            let parts: Vec<_> = Path::new(name).components().collect();
            let plain = parts.iter().all(|c| matches!(c, Component::Normal(_)));
            let depth_ok = (1..=2).contains(&parts.len()) && parts.len() == name.split('/').count();
            if !plain || !depth_ok || name == MANIFEST || folders.contains(name.as_str()) {
                return Err(bad(name));
            }
        }
        Ok(names)
    }
}

/// Removes the leftovers of killed commits beside the target, and puts back a set that a kill left at
/// `-old-` with no target (the fallback's window between its two renames).
fn sweep(target: &Target) -> Result<(), OutputError> {
    let Ok(entries) = fs::read_dir(&target.parent) else {
        return Ok(()); // no parent yet: nothing left over
    };
    let (mut olds, mut stages) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let dead = |kind| hidden_pid(&entry_name, &target.name, kind).is_some_and(|pid| !alive(pid));
        if dead(OLD) {
            olds.push(entry.path());
        } else if dead(STAGE) {
            stages.push(entry.path());
        }
    }
    for old in olds {
        if fs::symlink_metadata(&target.path).is_err() {
            fs::rename(&old, &target.path).map_err(io_err("restore the earlier outputs from", &old))?;
        } else {
            let _ = fs::remove_dir_all(&old);
        }
    }
    for stage in stages {
        let _ = fs::remove_dir_all(&stage);
    }
    Ok(())
}

/// Runs in one second that give their folder the same name: more is surely a bug of the caller.
const MAX_SAME_NAME: u32 = 999;

/// The file beside a parent's new folders that names the last one written: a text file, not a link, so that
/// it reads the same on every system.
pub const LATEST: &str = "latest";

/// Creates a new, empty folder `parent/name`, or `name-002`, `name-003`, ... when that name is taken (an
/// earlier run in the same second, or one going on beside this one: creating the folder is what claims
/// it, so two runs never share one). Returns the folder, which a commit may then fill.
fn reserve_new_dir(parent: &Path, name: &str) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(parent).map_err(io_err("create the folder", parent))?;
    let mut candidate = parent.join(name);
    for k in 2..=MAX_SAME_NAME + 1 {
        match fs::create_dir(&candidate) {
            Ok(()) => return Ok(candidate),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                candidate = parent.join(format!("{name}-{k:03}"));
            }
            Err(e) => return Err(io_err("create the folder", &candidate)(e)),
        }
    }
    let source =
        io::Error::new(io::ErrorKind::AlreadyExists, format!("{MAX_SAME_NAME} folders of that name"));
    Err(io_err("create a new folder in", parent)(source))
}

/// Checks, before a long run, that new folders can be made in `parent`: it is a folder or does not exist.
pub fn check_parent_dir(parent: &Path) -> Result<(), OutputError> {
    match fs::metadata(parent) {
        Ok(m) if !m.is_dir() => Err(OutputError::TargetIsFile { path: parent.to_path_buf() }),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            let file = parent.ancestors().skip(1).find(|a| a.is_file()).unwrap_or(parent);
            Err(OutputError::TargetIsFile { path: file.to_path_buf() })
        }
        _ => Ok(()),
    }
}

/// Checks, before a long run, that a set could be committed to `dir`: it is new, empty or an earlier
/// terrasim output, and not a file. [`AtomicDir::commit`] checks again when it writes.
pub fn check_output_dir(dir: &Path) -> Result<(), OutputError> {
    let target = match Target::resolve(dir) {
        // A symlink that cannot be followed yet is reported by the commit, with its reason.
        Err(OutputError::Io { .. }) => return Ok(()),
        other => other?,
    };
    check_target(&target.path).map(|_| ())
}

/// Whether the target exists, after checking that it may be replaced.
fn check_target(path: &Path) -> Result<bool, OutputError> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        // `taken/sub` where `taken` is a file: the file is what the user must change.
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            let file = path.ancestors().skip(1).find(|a| a.is_file()).unwrap_or(path);
            Err(OutputError::TargetIsFile { path: file.to_path_buf() })
        }
        Err(e) => Err(io_err("inspect", path)(e)),
        Ok(m) if !m.is_dir() => Err(OutputError::TargetIsFile { path: path.to_path_buf() }),
        Ok(_) => {
            let mut foreign = foreign_entries(path).map_err(io_err("list", path))?;
            if foreign.is_empty() {
                return Ok(true);
            }
            foreign.sort();
            let more = foreign.len().saturating_sub(FOREIGN_SHOWN);
            foreign.truncate(FOREIGN_SHOWN);
            Err(OutputError::ForeignEntries { path: path.to_path_buf(), entries: foreign, more })
        }
    }
}

/// The entries of an existing folder that its manifest does not list: the user's, or the leftovers of a
/// program that wrote no manifest (terrasim before 0.1's output sets), which the user should look at.
fn foreign_entries(dir: &Path) -> io::Result<Vec<String>> {
    let listed = Manifest::read(dir).map(|m| m.files);
    let has_manifest = listed.is_some();
    let ours: HashSet<String> = listed.into_iter().flatten().collect();
    let folders: HashSet<&str> = ours.iter().filter_map(|n| n.split_once('/').map(|(d, _)| d)).collect();
    let mut foreign = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type()?.is_dir();
        if (name == MANIFEST && has_manifest) || (!is_dir && ours.contains(&name)) {
            continue;
        }
        if !is_dir || !folders.contains(name.as_str()) {
            foreign.push(if is_dir { format!("{name}/") } else { name });
            continue;
        }
        for child in fs::read_dir(entry.path())? {
            let child = child?;
            let path = format!("{name}/{}", child.file_name().to_string_lossy());
            if child.file_type()?.is_dir() {
                foreign.push(format!("{path}/"));
            } else if !ours.contains(&path) {
                foreign.push(path);
            }
        }
    }
    Ok(foreign)
}

/// Writes the set and its manifest into a new `staging` folder, every file and folder flushed to disk.
fn stage(
    staging: &Path,
    files: &[(String, Vec<u8>)],
    manifest: &Manifest,
    hooks: &Hooks,
) -> Result<(), OutputError> {
    fs::create_dir(staging).map_err(io_err("create the staging folder", staging))?;
    let mut folders = vec![staging.to_path_buf()];
    for (name, bytes) in files {
        let path = staging.join(name);
        if let Some(folder) = path.parent().filter(|f| !folders.iter().any(|s| s == f)) {
            fs::create_dir(folder).map_err(io_err("create the folder", folder))?;
            folders.push(folder.to_path_buf());
        }
        write_synced(&path, bytes).map_err(io_err("write", &path))?;
        hooks.pause();
    }
    let path = staging.join(MANIFEST);
    let bytes = serde_json::to_vec_pretty(manifest).map_err(|e| io_err("write", &path)(e.into()))?;
    write_synced(&path, &bytes).map_err(io_err("write", &path))?;
    hooks.pause();
    for folder in folders.iter().rev() {
        sync_dir(folder).map_err(io_err("flush the folder", folder))?;
    }
    hooks.fail_at(FailPoint::AfterStage, staging)
}

/// Puts the staged set in the target's place; returns where the replaced set now is, to be removed.
fn swap_in(
    staging: &Path,
    target: &Target,
    exists: bool,
    swap: Swap,
) -> Result<Option<PathBuf>, OutputError> {
    let replace = io_err("move the new outputs to", &target.path);
    if !exists {
        return fs::rename(staging, &target.path).map(|()| None).map_err(replace);
    }
    if swap == Swap::Exchange {
        match exchange(staging, &target.path) {
            Ok(()) => return Ok(Some(staging.to_path_buf())),
            Err(e) if !exchange_unsupported(&e) => return Err(replace(e)),
            Err(_) => {}
        }
    }
    // Two renames: a kill between them leaves no target and the earlier set at `-old-`, which the next
    // commit's sweep puts back. Only where the exchange is unsupported (not Linux, or a filesystem
    // without it).
    let old = target.sibling(OLD, std::process::id());
    fs::rename(&target.path, &old).map_err(io_err("move the earlier outputs aside from", &target.path))?;
    if let Err(e) = fs::rename(staging, &target.path) {
        let _ = fs::rename(&old, &target.path);
        return Err(replace(e));
    }
    Ok(Some(old))
}

/// Swaps two paths in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // The raw system call rather than glibc's wrapper, which older glibc lacks; an old kernel says ENOSYS.
    // SAFETY: both paths are NUL-terminated and live across the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 { Ok(()) } else { Err(io::Error::last_os_error()) }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

fn exchange_unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)) {
        return true;
    }
    e.kind() == io::ErrorKind::Unsupported
}

/// Removes a replaced set, entry by entry so that the pause hook can land a kill in the middle.
fn remove_set(dir: &Path, hooks: &Hooks) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
        hooks.pause();
    }
    fs::remove_dir(dir)
}

/// Replaces files in a folder that also holds other files (calibrate's `params.toml` and its
/// diagnostics beside the user's scenario): each file is written whole to a hidden temporary file in
/// `dir`, all are flushed, then each is renamed over its target. Returns the paths written.
///
/// Each file is all or nothing, but the files are not a set: a kill between two renames can leave a new
/// first file beside an old second one. Callers that write several files make them carry the same source
/// (calibrate's diagnostics name the history they came from), so a reader can tell. On an error before the
/// renames no file is changed; no temporary file is left behind.
pub fn write_files_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, OutputError> {
    for (name, _) in files {
        let plain = matches!(Path::new(name).components().collect::<Vec<_>>()[..], [Component::Normal(_)]);
        if !plain || name.contains('/') || files.iter().filter(|(n, _)| n == name).count() > 1 {
            return Err(OutputError::BadName { name: name.clone() });
        }
    }
    fs::create_dir_all(dir).map_err(io_err("create the folder", dir))?;
    sweep_temps(dir, files);
    let finals: Vec<PathBuf> = files.iter().map(|(name, _)| dir.join(name)).collect();
    let temps: Vec<PathBuf> = finals.iter().map(|p| temp_path(p)).collect();
    let remove_temps = |from: usize| {
        for temp in &temps[from..] {
            let _ = fs::remove_file(temp);
        }
    };
    for ((_, bytes), temp) in files.iter().zip(&temps) {
        if let Err(e) = write_synced(temp, bytes) {
            remove_temps(0);
            return Err(io_err("write", temp)(e));
        }
    }
    for (k, (temp, path)) in temps.iter().zip(&finals).enumerate() {
        if let Err(e) = fs::rename(temp, path) {
            remove_temps(k);
            return Err(io_err("replace", path)(e));
        }
    }
    sync_dir(dir).map_err(io_err("flush the folder", dir))?;
    Ok(finals)
}

/// Removes temporary files of [`write_files_atomic`] (and of earlier terrasims) that killed processes
/// left beside `files`.
fn sweep_temps(dir: &Path, files: &[(String, Vec<u8>)]) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let left = files.iter().any(|(name, _)| {
            [TEMP, LEGACY_TEMP]
                .iter()
                .any(|kind| hidden_pid(&entry_name, name, kind).is_some_and(|p| !alive(p)))
        });
        if left {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// What [`write_changed_files`] did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WrittenFiles {
    /// Files that were absent or had other contents, now written.
    pub written: Vec<PathBuf>,
    /// Files that already held exactly these bytes and were left alone.
    pub unchanged: Vec<PathBuf>,
}

/// Writes the files of `files` that are absent or differ, with [`write_files_atomic`]. A file that exists
/// with other contents is overwritten only with `overwrite`; otherwise nothing is written and the error
/// lists every file that would change.
pub fn write_changed_files(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    overwrite: bool,
) -> Result<WrittenFiles, OutputError> {
    let mut report = WrittenFiles::default();
    let (mut to_write, mut would_change) = (Vec::new(), Vec::new());
    for (name, bytes) in files {
        let path = dir.join(name);
        match fs::read(&path) {
            Ok(existing) if existing == *bytes => report.unchanged.push(path),
            Ok(_) => {
                would_change.push(name.clone());
                to_write.push((name.clone(), bytes.clone()));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => to_write.push((name.clone(), bytes.clone())),
            Err(e) => return Err(io_err("read", &path)(e)),
        }
    }
    if !would_change.is_empty() && !overwrite {
        return Err(OutputError::WouldOverwrite { dir: dir.to_path_buf(), files: would_change });
    }
    if !to_write.is_empty() {
        report.written = write_files_atomic(dir, &to_write)?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Never a live process: Linux pids stay below 2^22.
    const DEAD_PID: u32 = 1 << 22;

    /// Every file under `dir`, relative, with its bytes.
    fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                    out.insert(rel, fs::read(&path).unwrap());
                }
            }
        }
        out
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn set(dir: &Path, files: &[(&str, &str)]) -> AtomicDir {
        let mut out = AtomicDir::new(dir);
        for (name, bytes) in files {
            out.add(name, bytes.as_bytes().to_vec());
        }
        out
    }

    fn names(map: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
        map.keys().map(String::as_str).collect()
    }

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out/result.json");
        write_atomic(&target, b"{}").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"{}");
        assert_eq!(entries(target.parent().unwrap()), ["result.json"]);
    }

    #[test]
    fn a_new_set_creates_the_folder_with_its_manifest_and_nothing_beside_it() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("results/run");
        let written = set(&target, &[("result.json", "{}"), ("current/plan.csv", "a\n")]).commit().unwrap();
        assert_eq!(written, [target.join("result.json"), target.join("current/plan.csv")]);
        let got = contents(&target);
        assert_eq!(names(&got), ["current/plan.csv", "manifest.json", "result.json"]);
        assert_eq!(got["current/plan.csv"], b"a\n");
        let manifest: Manifest = serde_json::from_slice(&got["manifest.json"]).unwrap();
        assert_eq!(manifest.files, ["result.json", "current/plan.csv"]);
        assert_eq!(entries(&root.path().join("results")), ["run"], "a staging folder was left");
    }

    #[test]
    fn replacing_a_set_removes_the_earlier_runs_files() {
        for swap in [Swap::Exchange, Swap::TwoRenames] {
            let root = tempfile::tempdir().unwrap();
            let target = root.path().join("opt");
            let old = [("candidates.json", "old"), ("mining/plan.csv", "m"), ("current/plan.csv", "c")];
            set(&target, &old).commit_with(swap, &Hooks::default()).unwrap();
            let new = [("candidates.json", "new"), ("current/plan.csv", "c2")];
            set(&target, &new).commit_with(swap, &Hooks::default()).unwrap();
            let got = contents(&target);
            assert_eq!(names(&got), ["candidates.json", "current/plan.csv", "manifest.json"], "{swap:?}");
            assert_eq!(got["candidates.json"], b"new");
            assert_eq!(entries(root.path()), ["opt"], "{swap:?}: a hidden sibling was left");
        }
    }

    #[test]
    fn an_empty_folder_is_replaced_and_a_folder_without_manifest_refused() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("run");
        fs::create_dir(&target).unwrap();
        set(&target, &[("result.json", "1")]).commit().unwrap();
        assert_eq!(names(&contents(&target)), ["manifest.json", "result.json"]);
        // Without its manifest the folder could be anyone's, even with the same file names.
        fs::remove_file(target.join(MANIFEST)).unwrap();
        let err = set(&target, &[("result.json", "2")]).commit().unwrap_err();
        assert!(
            matches!(&err, OutputError::ForeignEntries { entries, .. } if entries == &["result.json"]),
            "{err:?}"
        );
        // A manifest of another program's is not ours either.
        fs::write(target.join(MANIFEST), r#"{"files": ["result.json"]}"#).unwrap();
        let err = set(&target, &[("result.json", "2")]).commit().unwrap_err();
        assert!(err.to_string().contains("manifest.json, result.json"), "{err}");
        assert_eq!(fs::read(target.join("result.json")).unwrap(), b"1");
    }

    #[test]
    fn a_folder_with_the_users_files_is_refused_and_untouched() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        set(&target, &[("result.json", "old"), ("vertical/plan.csv", "v")]).commit().unwrap();
        fs::write(target.join("notes.txt"), "mine").unwrap();
        fs::write(target.join("vertical/keep.csv"), "mine").unwrap();
        let before = contents(&target);
        let err = set(&target, &[("result.json", "new")]).commit().unwrap_err();
        assert_eq!(err.exit_code(), 2);
        let msg = err.to_string();
        assert!(msg.contains("notes.txt") && msg.contains("vertical/keep.csv"), "{msg}");
        assert!(msg.contains("choose another --out or empty the folder") && msg.contains("out"), "{msg}");
        assert_eq!(contents(&target), before);
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn the_refusal_names_at_most_five_entries() {
        let root = tempfile::tempdir().unwrap();
        for k in 0..8 {
            fs::write(root.path().join(format!("f{k}")), "x").unwrap();
        }
        let err = set(root.path(), &[("a.json", "1")]).commit().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("f0, f1, f2, f3, f4 and 3 more"), "{msg}");
    }

    #[test]
    fn a_target_that_is_a_file_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        fs::write(&target, "a file").unwrap();
        let err = set(&target, &[("result.json", "1")]).commit().unwrap_err();
        assert!(matches!(err, OutputError::TargetIsFile { .. }), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        assert_eq!(fs::read(&target).unwrap(), b"a file");
    }

    #[test]
    fn new_folders_never_collide_sort_in_order_and_the_last_is_named() {
        let root = tempfile::tempdir().unwrap();
        let parent = root.path().join("results/s");
        let name = "2026-12-03T141341Z-simulate";
        let got: Vec<String> = (0..3)
            .map(|k| {
                let dir = set(&parent, &[("result.json", &k.to_string())]).commit_new(&parent, name).unwrap();
                dir.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(got, [name.to_string(), format!("{name}-002"), format!("{name}-003")]);
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(sorted, got);
        assert_eq!(fs::read(parent.join(&got[1]).join("result.json")).unwrap(), b"1");
        assert_eq!(fs::read_to_string(parent.join(LATEST)).unwrap(), format!("{name}-003\n"));
        // A failed commit leaves no folder and the pointer as it was.
        let full = Hooks { fail: Some(FailPoint::AfterStage), ..Hooks::default() };
        let err = set(&parent, &[("result.json", "x")]).commit_new_with(&parent, name, &full).unwrap_err();
        assert!(err.to_string().contains("disk is full"), "{err}");
        let mut want = got.clone();
        want.push(LATEST.into());
        assert_eq!(entries(&parent), want);
    }

    #[test]
    fn a_full_disk_leaves_the_earlier_set_and_no_staging_folder() {
        for fail in [FailPoint::AfterStage, FailPoint::BeforeSwap] {
            let root = tempfile::tempdir().unwrap();
            let target = root.path().join("out");
            set(&target, &[("result.json", "old"), ("reps.csv", "r")]).commit().unwrap();
            let before = contents(&target);
            let hooks = Hooks { fail: Some(fail), ..Hooks::default() };
            let err =
                set(&target, &[("result.json", "new")]).commit_with(Swap::Exchange, &hooks).unwrap_err();
            assert_eq!(err.exit_code(), 1, "{fail:?}");
            assert!(err.to_string().contains("disk is full"), "{err}");
            assert_eq!(contents(&target), before, "{fail:?}");
            assert_eq!(entries(root.path()), ["out"], "{fail:?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn leftovers_of_dead_processes_are_swept_and_live_ones_kept() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        set(&target, &[("result.json", "old")]).commit().unwrap();
        let dead = root.path().join(hidden("out", STAGE, DEAD_PID));
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("result.json"), "half").unwrap();
        // The parent of this test process is alive: its folder may still be being written.
        let live_pid = std::os::unix::process::parent_id();
        let live = root.path().join(hidden("out", STAGE, live_pid));
        fs::create_dir(&live).unwrap();
        // Other names are not ours.
        fs::create_dir(root.path().join(hidden("output", STAGE, DEAD_PID))).unwrap();
        set(&target, &[("result.json", "new")]).commit().unwrap();
        assert_eq!(fs::read(target.join("result.json")).unwrap(), b"new");
        let mut want = vec![hidden("out", STAGE, live_pid), hidden("output", STAGE, DEAD_PID), "out".into()];
        want.sort();
        assert_eq!(entries(root.path()), want);
    }

    #[test]
    fn a_set_moved_aside_by_a_killed_fallback_is_put_back() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        set(&target, &[("result.json", "old"), ("a/plan.csv", "p")])
            .commit_with(Swap::TwoRenames, &Hooks::default())
            .unwrap();
        let old_set = contents(&target);
        // The fallback's window: the target moved to `-old-`, the new set still staged, then a kill.
        fs::rename(&target, root.path().join(hidden("out", OLD, DEAD_PID))).unwrap();
        let staged = root.path().join(hidden("out", STAGE, DEAD_PID));
        fs::create_dir(&staged).unwrap();
        fs::write(staged.join("result.json"), "new").unwrap();
        sweep(&Target::resolve(&target).unwrap()).unwrap();
        assert_eq!(contents(&target), old_set);
        assert_eq!(entries(root.path()), ["out"]);
        // An `-old-` leftover beside a present target is the replaced set: removed.
        fs::create_dir(root.path().join(hidden("out", OLD, DEAD_PID))).unwrap();
        set(&target, &[("result.json", "new")]).commit_with(Swap::TwoRenames, &Hooks::default()).unwrap();
        assert_eq!(entries(root.path()), ["out"]);
        assert_eq!(fs::read(target.join("result.json")).unwrap(), b"new");
    }

    #[test]
    fn bad_names_are_refused_before_anything_is_written() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("out");
        for bad in ["../x.json", "/abs.json", "a/b/c.csv", "manifest.json", "", "a//b.csv"] {
            let err = set(&target, &[(bad, "1")]).commit().unwrap_err();
            assert!(matches!(err, OutputError::BadName { .. }), "{bad}: {err:?}");
        }
        let err = set(&target, &[("a", "1"), ("a/b.csv", "2")]).commit().unwrap_err();
        assert!(matches!(err, OutputError::BadName { .. }), "{err:?}");
        assert!(!target.exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_target_keeps_its_link() {
        let root = tempfile::tempdir().unwrap();
        let real = root.path().join("elsewhere");
        set(&real, &[("result.json", "old")]).commit().unwrap();
        let link = root.path().join("out");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        set(&link, &[("result.json", "new")]).commit().unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(fs::read(real.join("result.json")).unwrap(), b"new");
    }

    #[test]
    fn files_among_the_users_are_replaced_whole_and_leave_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("scenario.toml"), "mine").unwrap();
        fs::write(dir.path().join("params.toml"), "old").unwrap();
        fs::write(dir.path().join(hidden("params.toml", TEMP, DEAD_PID)), "half").unwrap();
        let files = [
            ("params.toml".to_string(), b"new".to_vec()),
            ("params.diagnostics.json".into(), b"{}".to_vec()),
        ];
        let written = write_files_atomic(dir.path(), &files).unwrap();
        assert_eq!(written, [dir.path().join("params.toml"), dir.path().join("params.diagnostics.json")]);
        assert_eq!(entries(dir.path()), ["params.diagnostics.json", "params.toml", "scenario.toml"]);
        assert_eq!(fs::read(dir.path().join("params.toml")).unwrap(), b"new");
        // A rename that fails (the name is a folder) leaves no temporary file.
        fs::create_dir(dir.path().join("busy.toml")).unwrap();
        let files = [("x.toml".to_string(), b"1".to_vec()), ("busy.toml".into(), b"2".to_vec())];
        assert!(write_files_atomic(dir.path(), &files).is_err());
        assert!(!entries(dir.path()).iter().any(|e| e.starts_with('.')), "{:?}", entries(dir.path()));
    }

    #[test]
    fn changed_files_are_written_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let files =
            |a: &str| vec![("a.csv".to_string(), a.as_bytes().to_vec()), ("b.csv".into(), b"b".to_vec())];
        let first = write_changed_files(dir.path(), &files("a"), false).unwrap();
        assert_eq!(first.written.len(), 2);
        let again = write_changed_files(dir.path(), &files("a"), false).unwrap();
        assert_eq!((again.written.len(), again.unchanged.len()), (0, 2));
        let err = write_changed_files(dir.path(), &files("A"), false).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("a.csv would change; pass --force"), "{err}");
        assert!(!err.to_string().contains("b.csv"), "{err}");
        assert_eq!(fs::read(dir.path().join("a.csv")).unwrap(), b"a");
        let forced = write_changed_files(dir.path(), &files("A"), true).unwrap();
        assert_eq!((forced.written, forced.unchanged.len()), (vec![dir.path().join("a.csv")], 1));
        assert_eq!(fs::read(dir.path().join("a.csv")).unwrap(), b"A");
    }
}
