//! `xtask`'s error type: what went wrong, with the file or command involved.

use std::path::PathBuf;

/// Why an `xtask` command failed.
#[derive(Debug, thiserror::Error)]
pub enum XtaskError {
    /// Wrong command-line arguments.
    #[error("{0}")]
    Usage(String),
    /// A file or directory could not be read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`read`, `write`, `create`, `remove`).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Reading, overlaying or generating a spec failed.
    #[error(transparent)]
    Build(#[from] apigen::build::BuildError),
    /// The committed generated code differs from a fresh generation.
    #[error("generated code is stale: {}\nrun `cargo xtask codegen` and commit the result", list(.0))]
    Stale(Vec<PathBuf>),
    /// Conformance found a spec that does not generate or compile, or stale reports.
    #[error("{0}")]
    Conformance(String),
    /// The benchmark run failed.
    #[error("{0}")]
    Bench(String),
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl XtaskError {
    /// An I/O error while doing `action` on `path`.
    pub fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { action, path, source }
    }
}
