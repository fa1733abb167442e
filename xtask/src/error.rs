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
    /// `apigen` could not generate a client for a spec.
    #[error("{spec}: generation failed: {source}")]
    Generate {
        /// The spec's file name.
        spec: String,
        /// The generator's error.
        source: apigen::GenerateError,
    },
    /// The generator panicked on a spec.
    #[error("{spec}: the generator panicked")]
    GeneratorPanicked {
        /// The spec's file name.
        spec: String,
    },
    /// Generated code could not be packaged as a standalone crate.
    #[error(transparent)]
    Crate(#[from] apigen::standalone::CrateError),
    /// A spec (or a generated file) is not valid JSON/YAML/OpenAPI/Rust.
    #[error("{file}: cannot read: {message}")]
    Parse {
        /// The file's name.
        file: String,
        /// The parser's message.
        message: String,
    },
    /// A child program could not be started.
    #[error("cannot run {program}: {source}")]
    Spawn {
        /// The program (`cargo`, a generator binary…).
        program: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A child program ran and failed.
    #[error("{command} failed: {detail}")]
    Command {
        /// What was run (`cargo check -p NAME`, `the example harness of NAME`…).
        command: String,
        /// Its exit status and/or the tail of its output.
        detail: String,
    },
    /// The shared corpus directory is missing under CI.
    #[error("{command}: the corpus {} is missing (CI=true); set {} to the shared directory", dir.display(), crate::corpus::SHARED_DIR_VAR)]
    CorpusMissing {
        /// `cargo xtask conformance` or `cargo xtask bench`.
        command: &'static str,
        /// The directory looked for.
        dir: PathBuf,
    },
    /// No spec in the corpus matched.
    #[error("no specs{} found in {}", only.as_ref().map(|name| format!(" named {name}")).unwrap_or_default(), dir.display())]
    NoSpecs {
        /// The corpus directory.
        dir: PathBuf,
        /// The `--only` file name, if any.
        only: Option<String>,
    },
    /// Work on one spec failed.
    #[error("{spec}: {source}")]
    Spec {
        /// The spec's file name.
        spec: String,
        /// What went wrong.
        source: Box<XtaskError>,
    },
    /// Some generated conformance crates do not compile (their errors are printed above).
    #[error("{failed} of {total} generated crates do not compile")]
    NotCompiling {
        /// How many crates failed `cargo check`.
        failed: usize,
        /// How many crates were checked.
        total: usize,
    },
    /// Schema-valid examples that do not decode or round-trip (`spec (count)` each).
    #[error("generator faults (schema-valid examples that do not decode or round-trip): {}; see tests/conformance/", .0.join(", "))]
    GeneratorFaults(Vec<String>),
    /// The committed conformance reports differ from this run's.
    #[error("conformance reports changed: {}\nrun `cargo xtask conformance` and commit tests/conformance/", list(.0))]
    StaleReports(Vec<PathBuf>),
    /// Committed conformance reports whose spec is no longer in the corpus.
    #[error("conformance reports without a corpus spec: {}\ndelete them (or restore their specs) and commit tests/conformance/", list(.0))]
    OrphanReports(Vec<PathBuf>),
    /// Some of apigen's benchmark measurements failed (the report shows them too).
    #[error("{} measurement(s) failed (the report above shows them too):\n- {}", .0.len(), .0.join("\n- "))]
    Measurements(Vec<String>),
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

    /// `source` while working on `spec`.
    pub fn in_spec(spec: impl Into<String>) -> impl FnOnce(XtaskError) -> Self {
        let spec = spec.into();
        move |source| Self::Spec {
            spec,
            source: Box::new(source),
        }
    }

    /// A child program `program` that could not be started.
    pub fn spawn(program: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let program = program.into();
        move |source| Self::Spawn { program, source }
    }
}
