//! Where tests and benchmarks find the real data corpus (`../shared/data`).
//!
//! The corpus is never committed to this repository. Tests reference it by
//! path: `SECFIXES_SHARED_DATA` when set, otherwise `shared/data` beside the
//! project checkout (the layout of the development and CI machines).
//!
//! A missing corpus is a hard failure, not a skip: a test that silently
//! passes without its data proves nothing.

use std::path::{Path, PathBuf};

/// The environment variable that overrides the corpus location.
pub const ENV_VAR: &str = "SECFIXES_SHARED_DATA";

/// The root of the shared data corpus.
///
/// # Panics
/// When the directory does not exist, with a message naming the path and the
/// environment variable.
pub fn shared_data() -> PathBuf {
    let dir = match std::env::var_os(ENV_VAR) {
        Some(v) => PathBuf::from(v),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    };
    assert!(
        dir.is_dir(),
        "shared data corpus not found at {} (set {ENV_VAR} to its location)",
        dir.display()
    );
    dir
}

/// A path inside the shared data corpus.
pub fn path(rel: &str) -> PathBuf {
    shared_data().join(rel)
}

/// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
pub fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(suffix))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
