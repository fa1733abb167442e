//! Where the shared reference material (`../shared`, holding the conformance corpus in
//! `specs/`) lives, for every xtask command and test that reads it.
//!
//! The one place that decides: `APIGEN_SHARED_DIR` when set, else `../shared` next to
//! the repository root. When the directory is missing, callers skip what needs it and
//! say exactly what they skipped; under `CI=true` a missing corpus is an error instead,
//! so CI can never pass by skipping.

use std::path::{Path, PathBuf};

/// Environment variable naming the shared directory.
pub const SHARED_DIR_VAR: &str = "APIGEN_SHARED_DIR";

/// The shared directory: `$APIGEN_SHARED_DIR`, or `<repo root>/../shared`.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os(SHARED_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => crate::codegen::project_root().join("../shared"),
    }
}

/// The conformance corpus: `<shared>/specs`.
pub fn specs_dir() -> PathBuf {
    shared_dir().join("specs")
}

/// True when running under CI (`CI=true` or `CI=1`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

/// Resolves `relative` inside the shared directory, or explains why it cannot.
///
/// `Ok(Some(path))` when the file or directory exists. When it does not: under CI an
/// `Err` naming the path and the variable; otherwise `Ok(None)` after printing one line
/// to stderr saying that `what` was skipped and why (so `cargo test` output lists it).
pub fn require(relative: &str, what: &str) -> Result<Option<PathBuf>, String> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Ok(Some(path));
    }
    let reason = missing_reason(&path);
    if in_ci() {
        Err(format!("{what}: {reason} (CI=true, so this is an error, not a skip)"))
    } else {
        eprintln!("SKIPPED {what}: {reason}");
        Ok(None)
    }
}

/// Like [`require`], for tests: panics under CI, returns `None` (after printing the
/// skip) otherwise.
pub fn require_for_test(relative: &str, what: &str) -> Option<PathBuf> {
    match require(relative, what) {
        Ok(found) => found,
        Err(message) => panic!("{message}"),
    }
}

fn missing_reason(path: &Path) -> String {
    format!(
        "{} does not exist (set {SHARED_DIR_VAR} to the directory holding the shared corpus)",
        path.display()
    )
}
