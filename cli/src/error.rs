//! The CLI's error type: every failure names the file involved.

use std::path::PathBuf;

/// Why a command failed (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The spec or an overlay file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Reading, overlaying, generating or writing failed.
    #[error(transparent)]
    Build(#[from] apigen::build::BuildError),
    /// The runtime source or crate name is unusable.
    #[error(transparent)]
    Crate(#[from] apigen::standalone::CrateError),
    /// The output directory holds a crate that apigen did not write.
    #[error("{} already has a Cargo.toml that apigen did not write; pass --force to overwrite it, or choose another --out", dir.display())]
    NotOurs {
        /// The output directory.
        dir: PathBuf,
    },
    /// The report could not be written to stdout.
    #[error("cannot write the report: {0}")]
    Report(#[from] serde_json::Error),
    /// Anything else that needs only a message (paths that share no root, …).
    #[error("{0}")]
    Other(String),
}
