//! Command-line options of `cargo xtask bench`.

use super::process::target_dir;
use crate::XtaskError;
use std::path::{Path, PathBuf};

/// A usage error for `cargo xtask bench`.
fn usage(message: &str) -> XtaskError {
    XtaskError::Usage(message.to_owned())
}

/// The small spec the smoke mode runs.
const SMOKE_SPEC: &str = "oai-petstore.yaml";

/// What one run measures, and where it writes.
pub struct Options {
    /// One small spec, once, debug binary, no progenitor or criterion.
    pub smoke: bool,
    /// Minimum timed generation rounds per spec.
    pub runs: usize,
    /// Minimum timed `cargo check` rounds per spec.
    pub check_runs: usize,
    /// In-process runs of the phase profile.
    pub profile_runs: usize,
    /// Only the corpus spec with this file name.
    pub only: Option<String>,
    /// Whether to compare with cargo-progenitor.
    pub progenitor: bool,
    /// Whether to run the criterion SDK bench.
    pub criterion: bool,
    /// Whether to time `cargo check` of the generated crates.
    pub check: bool,
    /// Whether to time the release build of the one-call binaries (prog-nexus).
    pub release: bool,
    /// The corpus directory.
    pub specs_dir: PathBuf,
    /// The Markdown file written.
    pub out: PathBuf,
}

/// Parses the arguments after `bench` (`--smoke` implies one run of [`SMOKE_SPEC`],
/// no progenitor, no criterion, and a report under `target/bench/`).
pub fn parse(args: &[String], root: &Path) -> Result<Options, XtaskError> {
    let mut options = Options {
        smoke: false,
        runs: 5,
        check_runs: 3,
        profile_runs: 5,
        only: None,
        progenitor: true,
        criterion: true,
        check: true,
        release: true,
        specs_dir: crate::corpus::specs_dir(),
        out: root.join("BENCHMARKS.md"),
    };
    let mut out_given = false;
    let mut iter = args.iter();
    let number = |value: Option<&String>, flag: &str| -> Result<usize, XtaskError> {
        value
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| XtaskError::Usage(format!("{flag} needs a positive number")))
    };
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--smoke" => options.smoke = true,
            "--runs" => options.runs = number(iter.next(), "--runs")?,
            "--check-runs" => options.check_runs = number(iter.next(), "--check-runs")?,
            "--profile-runs" => options.profile_runs = number(iter.next(), "--profile-runs")?,
            "--only" => {
                options.only = Some(
                    iter.next()
                        .ok_or_else(|| usage("--only needs a spec file name"))?
                        .clone(),
                )
            }
            "--no-progenitor" => options.progenitor = false,
            "--no-criterion" => options.criterion = false,
            "--no-check" => options.check = false,
            "--no-release" => options.release = false,
            "--specs" => {
                options.specs_dir = PathBuf::from(iter.next().ok_or_else(|| usage("--specs needs a directory"))?)
            }
            "--out" => {
                options.out = PathBuf::from(iter.next().ok_or_else(|| usage("--out needs a file"))?);
                out_given = true;
            }
            other => return Err(XtaskError::Usage(format!("unknown argument {other:?}"))),
        }
    }
    if options.smoke {
        options.runs = 1;
        options.check_runs = 1;
        options.profile_runs = 1;
        options.progenitor = false;
        options.criterion = false;
        options.release = false;
        options.only.get_or_insert_with(|| SMOKE_SPEC.to_owned());
        if !out_given {
            options.out = target_dir(root).join("bench/BENCHMARKS-smoke.md");
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn smoke_narrows_the_run() {
        let options = parse(&args(&["--smoke"]), Path::new("/repo")).expect("parses");
        assert!(options.smoke && !options.progenitor && !options.criterion && !options.release);
        assert_eq!((options.runs, options.check_runs), (1, 1));
        assert_eq!(options.only.as_deref(), Some(SMOKE_SPEC));
        assert!(options.out.ends_with("bench/BENCHMARKS-smoke.md"));
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(parse(&args(&["--runs", "0"]), Path::new("/repo")).is_err());
        assert!(parse(&args(&["--only"]), Path::new("/repo")).is_err());
        assert!(parse(&args(&["--fast"]), Path::new("/repo")).is_err());
    }
}
