use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes a whole file or nothing: the bytes go to a temporary file beside the target, which is then
/// renamed over it, so a reader never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = temp_name(path);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn temp_name(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// A set of output files written all together or not at all: files are staged in memory and only
/// written, each atomically, by [`AtomicDir::commit`], after every one was produced without error.
#[derive(Debug, Default)]
pub struct AtomicDir {
    dir: PathBuf,
    files: Vec<(String, Vec<u8>)>,
}

impl AtomicDir {
    /// Outputs for `dir`.
    pub fn new(dir: &Path) -> Self {
        AtomicDir { dir: dir.to_path_buf(), files: Vec::new() }
    }

    /// Stages a file.
    pub fn add(&mut self, name: &str, bytes: Vec<u8>) {
        self.files.push((name.to_string(), bytes));
    }

    /// Writes every staged file; returns the paths written.
    pub fn commit(self) -> std::io::Result<Vec<PathBuf>> {
        let mut written = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let path = self.dir.join(name);
            write_atomic(&path, bytes)?;
            written.push(path);
        }
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out/result.json");
        write_atomic(&target, b"{}").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"{}");
        let leftovers: Vec<_> = fs::read_dir(target.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
