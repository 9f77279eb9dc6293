//! Output sets are all or nothing. `simulate` and `optimize` are SIGKILLed inside the commit window (the
//! commit's test hook `TERRASIM_TEST_COMMIT_PAUSE_MS` widens it) at many points: while the new set is
//! staged, before and after the swap, while the replaced set is removed. After each kill the output folder
//! holds exactly the earlier complete set or the new complete set, and nothing else; the next run removes
//! the hidden leftovers. A full disk (the hook `TERRASIM_TEST_COMMIT_FAIL`) leaves the earlier set; a
//! folder with the user's files is refused; `generate` changes files only with `--force`.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 50;
const PAUSE_MS: &str = "2";

/// Relative path → bytes of every file under a folder; `run.json` holds timings, so only its presence
/// counts, and the manifest counts without its run record (the command line names the --out, and the start).
type Set = BTreeMap<String, Vec<u8>>;

fn read_set(dir: &Path) -> Set {
    let mut set = Set::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            // A file removed between the listing and the read (never in a folder at rest) reads as empty.
            let bytes = match rel.as_str() {
                "run.json" => Vec::new(),
                "manifest.json" => without_run_record(&std::fs::read(&path).unwrap_or_default()),
                _ => std::fs::read(&path).unwrap_or_default(),
            };
            set.insert(rel, bytes);
        }
    }
    set
}

/// A manifest without its run record, which names the command line (its --out) and the start time.
fn without_run_record(bytes: &[u8]) -> Vec<u8> {
    let Ok(mut manifest) = serde_json::from_slice::<serde_json::Value>(bytes) else { return bytes.to_vec() };
    manifest.as_object_mut().map(|m| m.remove("run"));
    serde_json::to_vec(&manifest).unwrap()
}

fn terrasim(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terrasim")).args(args).current_dir(cwd).output().unwrap()
}

/// Starts `terrasim ARGS` in `cwd` with its commit slowed down, so that a kill can land inside it.
fn spawn_paused<S: AsRef<std::ffi::OsStr>>(args: &[S], cwd: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_terrasim"))
        .args(args)
        .env("TERRASIM_TEST_COMMIT_PAUSE_MS", PAUSE_MS)
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn succeeds(args: &[&str], cwd: &Path) {
    let o = terrasim(args, cwd);
    assert!(o.status.success(), "terrasim {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The small fixture in a temporary folder as `s.toml`, with `extra` appended.
fn fixture(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small");
    for f in ["accounts.csv", "reps.csv"] {
        std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
    }
    let scenario = std::fs::read_to_string(src.join("scenario.toml")).unwrap();
    std::fs::write(dir.path().join("s.toml"), format!("{scenario}\n{extra}")).unwrap();
    dir
}

/// Hidden entries beside the output folder `name` in `dir`: leftovers of a commit.
fn hidden_siblings(dir: &Path, name: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

/// Whether every file of `part` is a file of `whole` or the start of one (a kill mid-write).
fn is_part_of(part: &Set, whole: &Set) -> bool {
    part.iter().all(|(name, bytes)| whole.get(name).is_some_and(|w| w.starts_with(bytes)))
}

/// Where the kills landed, told from the folder and the killed run's staging folder.
#[derive(Debug, Default)]
struct Landings {
    /// Old set kept: the new set was partly staged.
    staging: usize,
    /// Old set kept: the new set was wholly staged, not yet swapped in.
    staged: usize,
    /// New set in place, the replaced set still whole beside it.
    swapped: usize,
    /// New set in place, the replaced set partly removed.
    removing: usize,
    /// New set in place, nothing left beside it.
    done: usize,
    /// Runs that ended before the kill (not counted as kills).
    finished: usize,
}

impl Landings {
    fn left_old(&self) -> usize {
        self.staging + self.staged
    }
    fn left_new(&self) -> usize {
        self.swapped + self.removing + self.done
    }
}

/// `args --seed seed --out out --quiet`.
fn with<'a>(args: &[&'a str], seed: &'a str, out: &'a str) -> Vec<&'a str> {
    [args, &["--seed", seed, "--out", out, "--quiet"]].concat()
}

/// Runs `args --seed S --out D` once with each seed to get the two reference sets, then kills runs inside
/// their commit until `KILLS` kills landed, each run writing the set that D does not hold.
fn kill_inside_commits(work: &Path, args: &[&str], seeds: [&str; 2]) -> Landings {
    let refs = seeds.map(|seed| {
        let out = format!("ref-{seed}");
        succeeds(&with(args, seed, &out), work);
        read_set(&work.join(out))
    });
    assert_ne!(refs[0], refs[1], "the two seeds must give different sets");
    assert!(refs[0].contains_key("run.json") && refs[0].contains_key("manifest.json"));
    succeeds(&with(args, seeds[0], "D"), work);
    let window = commit_window(work, &with(args, seeds[1], "W"));
    let (mut holds, mut landed) = (0, Landings::default());
    for attempt in 0.. {
        if landed.left_old() + landed.left_new() >= KILLS {
            break;
        }
        // Kills land after the run when it commits faster than measured (a busy machine): try more runs.
        assert!(attempt < 8 * KILLS, "too few kills landed inside the commit: {landed:?}");
        let next = 1 - holds;
        let mut child = spawn_paused(&with(args, seeds[next], "D"), work);
        let staging = work.join(format!(".D.terrasim-stage-{}", child.id()));
        wait_for(&staging, &mut child);
        // Spread the kills over the whole window, and a little past it.
        std::thread::sleep(window.mul_f64((attempt * 37 % 53) as f64 / 48.0));
        child.kill().unwrap();
        let killed = child.wait().unwrap().signal() == Some(libc::SIGKILL);
        let now = read_set(&work.join("D"));
        let left = read_set(&staging);
        let outcome = if now == refs[holds] {
            "old"
        } else if now == refs[next] {
            "new"
        } else {
            let from = |set: &Set| {
                now.iter().filter(|(n, b)| set.get(*n) == Some(b)).map(|(n, _)| n).collect::<Vec<_>>()
            };
            panic!(
                "attempt {attempt}: D is neither the old nor the new set: it holds {:?}; of these, {:?} are the old \
                 set's and {:?} the new set's",
                now.keys().collect::<Vec<_>>(),
                from(&refs[holds]),
                from(&refs[next])
            )
        };
        match (killed, outcome) {
            (false, "old") => panic!("attempt {attempt}: a run that ended left the old set"),
            (false, _) => landed.finished += 1,
            (true, "old") if left == refs[next] => landed.staged += 1,
            (true, "old") => {
                assert!(is_part_of(&left, &refs[next]), "attempt {attempt}: staging holds other files");
                landed.staging += 1;
            }
            (true, _) if left == refs[holds] => landed.swapped += 1,
            (true, _) if left.is_empty() => landed.done += 1,
            (true, _) => {
                assert!(
                    is_part_of(&left, &refs[holds]),
                    "attempt {attempt}: the replaced set holds other files"
                );
                landed.removing += 1;
            }
        }
        if outcome == "new" {
            holds = next;
        }
    }
    // The next complete run succeeds and removes every leftover beside D.
    let next = 1 - holds;
    succeeds(&with(args, seeds[next], "D"), work);
    assert_eq!(read_set(&work.join("D")), refs[next]);
    assert_eq!(hidden_siblings(work, "D"), Vec::<String>::new(), "leftovers beside D after a complete run");
    landed
}

/// Waits until the run's staging folder appears: its commit has begun.
fn wait_for(staging: &Path, child: &mut std::process::Child) {
    let start = Instant::now();
    while !staging.exists() {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no staging folder {}", staging.display());
        std::thread::yield_now();
    }
}

/// How long a commit lasts with the pause hook, from the staging folder's appearance to the end of the run.
fn commit_window(work: &Path, args: &[&str]) -> Duration {
    let mut longest = Duration::ZERO;
    for _ in 0..3 {
        let mut child = spawn_paused(args, work);
        let out = args.iter().position(|a| *a == "--out").map(|k| args[k + 1]).unwrap();
        let staging = work.join(format!(".{out}.terrasim-stage-{}", child.id()));
        wait_for(&staging, &mut child);
        let start = Instant::now();
        assert!(child.wait().unwrap().success());
        longest = longest.max(start.elapsed());
    }
    longest
}

fn report(what: &str, landed: &Landings, started: Instant) {
    eprintln!(
        "{what}: {} kills left the old set, {} the new set ({landed:?}); {:.1} s",
        landed.left_old(),
        landed.left_new(),
        started.elapsed().as_secs_f64()
    );
    assert!(landed.left_old() > 0 && landed.left_new() > 0, "{what}: both outcomes must occur: {landed:?}");
}

#[test]
fn killed_simulate_leaves_the_old_or_the_new_set() {
    let started = Instant::now();
    let dir = fixture("");
    let landed = kill_inside_commits(dir.path(), &["simulate", "s.toml", "--trials", "20"], ["1", "2"]);
    report("simulate", &landed, started);
}

const STRATEGIES: &str = "[optimize]\nstrategies = [\"current\", \"vertical\", \"size\"]\ntrials = 20\n";

#[test]
fn killed_optimize_leaves_the_old_or_the_new_set() {
    let started = Instant::now();
    let dir = fixture(STRATEGIES);
    let landed = kill_inside_commits(dir.path(), &["optimize", "s.toml", "--trials", "20"], ["1", "2"]);
    report("optimize", &landed, started);
}

#[test]
fn optimize_with_fewer_strategies_leaves_no_earlier_strategy_folder() {
    let dir = fixture(STRATEGIES);
    succeeds(&["optimize", "s.toml", "--out", "opt", "--quiet"], dir.path());
    assert!(dir.path().join("opt/size/plan.csv").exists());
    let scenario = std::fs::read_to_string(dir.path().join("s.toml")).unwrap();
    std::fs::write(dir.path().join("two.toml"), scenario.replace(", \"size\"]", "]")).unwrap();
    succeeds(&["optimize", "two.toml", "--out", "opt", "--quiet"], dir.path());
    let names: Vec<String> = read_set(&dir.path().join("opt")).into_keys().collect();
    let mut want = ["candidates.json", "manifest.json", "rep_deltas.csv", "run.json", "segment_deltas.csv"]
        .map(String::from)
        .to_vec();
    for s in ["current", "vertical"] {
        // No rep of the fixture has a CRM id: review.csv, and no CRM file, per candidate.
        want.extend([format!("{s}/diff.csv"), format!("{s}/plan.csv"), format!("{s}/review.csv")]);
    }
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn a_full_disk_during_the_commit_leaves_the_old_set_and_no_staging_folder() {
    let dir = fixture("");
    succeeds(&["simulate", "s.toml", "--trials", "20", "--seed", "1", "--out", "D", "--quiet"], dir.path());
    let before = read_set(&dir.path().join("D"));
    for point in ["after_stage", "before_swap"] {
        let o = Command::new(env!("CARGO_BIN_EXE_terrasim"))
            .args(["simulate", "s.toml", "--trials", "20", "--seed", "2", "--out", "D", "--quiet"])
            .env("TERRASIM_TEST_COMMIT_FAIL", point)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{point}: {stderr}");
        assert!(stderr.contains("disk is full") && stderr.contains("D.terrasim-stage"), "{point}: {stderr}");
        assert_eq!(read_set(&dir.path().join("D")), before, "{point}");
        assert_eq!(hidden_siblings(dir.path(), "D"), Vec::<String>::new(), "{point}");
    }
}

#[test]
fn a_folder_with_the_users_files_is_refused_and_untouched() {
    let dir = fixture("");
    let out = dir.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    let o = terrasim(&["simulate", "s.toml", "--trials", "20", "--out", "mine", "--quiet"], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("notes.txt") && stderr.contains("choose another --out or empty the folder"),
        "{stderr}"
    );
    assert_eq!(read_set(&out).into_keys().collect::<Vec<_>>(), ["notes.txt"]);
    assert_eq!(hidden_siblings(dir.path(), "mine"), Vec::<String>::new());
}

/// The shipped data and the county table it is generated from (beside the repository, as in
/// `tests/generate_reproduces_shipped.rs`).
fn shipped_data() -> Option<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let counties = root.join("../shared/data/us_counties/us_counties.csv");
    counties.exists().then(|| (counties, root.join("scenarios/northstar/data")))
}

#[test]
fn generate_changes_files_only_with_force() {
    let Some((counties, shipped)) = shipped_data() else {
        eprintln!("skipped: the county table is not present");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for entry in std::fs::read_dir(&shipped).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, data.join(path.file_name().unwrap())).unwrap();
    }
    let before = read_set(&data);
    let generate = |extra: &[&str]| {
        let args =
            [&["generate", "--counties", counties.to_str().unwrap(), "--out", "data"][..], extra].concat();
        terrasim(&args, dir.path())
    };
    // The default seed reproduces the shipped data: nothing to write.
    let o = generate(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing written"));
    assert_eq!(read_set(&data), before);
    // Another seed would change four files (the county extract does not depend on it): refused.
    let o = generate(&["--seed", "7"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("accounts.csv") && stderr.contains("pass --force"), "{stderr}");
    assert!(!stderr.contains("counties.csv"), "{stderr}");
    assert_eq!(read_set(&data), before);
    // With --force the four are written, the rest of the folder is untouched, and no temp file is left.
    let o = generate(&["--seed", "7", "--force"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let after = read_set(&data);
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    let changed: Vec<_> = after.iter().filter(|(n, b)| before[*n] != **b).map(|(n, _)| n.as_str()).collect();
    assert_eq!(changed, ["accounts.csv", "carveouts.csv", "plan.csv", "reps.csv"]);
}
