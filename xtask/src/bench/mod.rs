//! `cargo xtask bench`: generator and SDK benchmarks, side by side with the
//! alternatives, written to `BENCHMARKS.md`.
//!
//! One run measures, on this machine and against baselines taken in the same run:
//!
//! 1. generation time per corpus spec (whole process, median of `--runs`), next to the
//!    typed parse floor (read + deserialise into `openapiv3::OpenAPI`) and to
//!    `cargo-progenitor` with its default positional interface and with
//!    `--interface builder` (the call style apigen emits), installed into
//!    `target/bench-tools` on first use;
//! 2. `cargo check` time and peak memory of each generated crate, ours vs both of
//!    progenitor's (dependencies prebuilt, crate `lib.rs` touched, `CARGO_INCREMENTAL=0`);
//! 3. SDK overhead against hand-written `reqwest` + `serde_json` (the criterion bench in
//!    `benches/`), and decode throughput of a 1,000-campaign list;
//! 4. a phase profile of the generator on the largest spec;
//! 5. lines of apigen's generated files per operation and per type;
//! 6. `cargo check --no-default-features --features GROUP` of one feature group
//!    (prog-nexus `instances`, stripe `customers`) next to the full crate's check;
//! 7. the release build time and binary size of a one-call binary on prog-nexus, via
//!    apigen's crate, progenitor's and hand-written `reqwest` (`--no-release` skips it).
//!
//! Besides the Markdown it writes an SVG chart of §2 next to it (`NAME-check.svg`).
//!
//! `--smoke` runs one small spec once with the current (debug) binary, without
//! progenitor, criterion or the release builds (its feature-group check runs, on the
//! smoke spec's most-mentioned group), so CI can keep this code from rotting. Any failed
//! generation, check or measurement of apigen's side makes the command exit non-zero
//! (after writing the report, so the failure can be read there).
//!
//! Rooms: `cli` (arguments), `measure` (the run: what is measured, in which order),
//! `process` (timing processes in rotating rounds, peak memory, cargo), `check`
//! (timed `cargo check`s), `features` (the feature-group check), `release` (the one-call
//! binaries), `volume` (generated lines), `tools` (installing progenitor), `sdk` (the
//! criterion bench), `profile` (the in-process phase profile), `machine` (date, commit,
//! load), `chart` (the SVG), `report` (the Markdown).
//!
//! Three internal sub-modes run as the measured process: `--internal-parse-floor FILE
//! [--normalize]`, `--internal-profile FILE RUNS` and `--internal-max-rss PROGRAM ARGS…`.

mod chart;
mod check;
mod cli;
mod features;
mod machine;
mod measure;
mod process;
mod profile;
mod release;
mod report;
mod sdk;
mod tools;
mod volume;

use crate::codegen::project_root;
use crate::XtaskError;
use std::fs;
use std::path::Path;
use std::time::Instant;

/// `cargo xtask bench [--smoke] [--runs N] [--check-runs N] [--only SPEC] [--no-progenitor]
/// [--no-criterion] [--no-check] [--no-release] [--specs DIR] [--out FILE]`.
pub fn run(args: &[String]) -> Result<(), XtaskError> {
    match args.first().map(String::as_str) {
        Some("--internal-parse-floor") => return profile::internal_parse_floor(&args[1..]),
        Some("--internal-profile") => return profile::internal_profile(&args[1..]),
        Some("--internal-max-rss") => return process::internal_max_rss(&args[1..]),
        _ => {}
    }
    let root = project_root();
    let options = cli::parse(args, &root)?;
    let started = Instant::now();
    if !options.specs_dir.exists() {
        if crate::corpus::in_ci() {
            return Err(XtaskError::CorpusMissing {
                command: "cargo xtask bench",
                dir: options.specs_dir,
            });
        }
        let what = format!(
            "cargo xtask bench: the corpus {} is missing",
            options.specs_dir.display()
        );
        eprintln!(
            "SKIPPED {what}; set {} to the shared directory",
            crate::corpus::SHARED_DIR_VAR
        );
        return Ok(());
    }
    let report = measure::measure(&root, &options)?;
    let elapsed = started.elapsed();
    let previous = fs::read_to_string(&options.out).unwrap_or_default();
    let markdown = report::render(&report, &options, elapsed, &previous);
    write(&options.out, &markdown)?;
    if let Some(svg) = report::chart(&report) {
        let path = report::chart_path(&options.out);
        write(&path, &svg)?;
        eprintln!("bench: wrote {}", path.display());
    }
    println!("{markdown}");
    eprintln!(
        "bench: wrote {} in {:.0} s",
        options.out.display(),
        elapsed.as_secs_f64()
    );
    let failures = report.failures(&options);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(XtaskError::Measurements(failures))
    }
}

/// A progress line on stderr (stdout carries the report).
fn progress(message: &str) {
    eprintln!("bench: {message}");
}

/// The last component of `path`, as text.
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes `contents` to `path`, creating parent directories.
fn write(path: &Path, contents: &str) -> Result<(), XtaskError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(XtaskError::io("create", parent))?;
    }
    fs::write(path, contents).map_err(XtaskError::io("write", path))
}
