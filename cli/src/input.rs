//! Reading the spec and overlays, with progress on big specs when a person is watching.

use crate::error::CliError;
use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

/// Specs at least this big (bytes) get progress lines on a terminal: generation takes
/// long enough (a second or more in debug builds) that silence looks like a hang.
const BIG_SPEC: u64 = 1_000_000;

/// Prints phase lines to stderr, only when stderr is a terminal and the spec is big.
pub struct Progress {
    started: Instant,
    enabled: bool,
}

impl Progress {
    /// Decides from the spec's size and whether stderr is a terminal.
    pub fn for_spec(spec: &Path) -> Self {
        let size = std::fs::metadata(spec).map(|meta| meta.len()).unwrap_or(0);
        let enabled = size >= BIG_SPEC && std::io::stderr().is_terminal();
        let progress = Self {
            started: Instant::now(),
            enabled,
        };
        progress.step(&format!("reading {} ({:.1} MB)", spec.display(), size as f64 / 1e6));
        progress
    }

    /// Prints one phase line with the time elapsed so far.
    pub fn step(&self, what: &str) {
        if self.enabled {
            eprintln!("[{:>6.2} s] {what}", self.started.elapsed().as_secs_f64());
        }
    }
}

/// Fails early, with the path, when the spec or an overlay is missing.
pub fn require_file(path: &Path) -> Result<(), CliError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(_) => Err(CliError::Other(format!(
            "{} is a directory, not a spec file",
            path.display()
        ))),
        Err(source) => Err(CliError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}
