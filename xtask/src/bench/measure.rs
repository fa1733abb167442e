//! One bench run: which processes are timed for each corpus spec, in which order, and
//! what the run found ([`Report`]), including the list of what failed.

use super::check::{prepare_workspace, time_checks};
use super::cli::Options;
use super::features::{check_group, rule_for, GroupCheck};
use super::machine::{machine, Machine};
use super::process::{cargo, exe_name, target_dir, time_jobs, Job, MaxRss};
use super::profile::{run_profile, Profile};
use super::release::{run_release, Inputs, Release, RELEASE_SPEC};
use super::sdk::{run_sdk_bench, Sdk};
use super::tools::{install_progenitor, progenitor_args, Interface, Tool};
use super::volume::Volume;
use super::{file_name, progress};
use crate::XtaskError;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Why a measurement has no result when it was not attempted (progenitor absent).
pub const NOT_RUN: &str = "not run";

/// Everything one run measured.
pub struct Report {
    /// Where and when.
    pub machine: Machine,
    /// How apigen was run (release binary, or the debug one in smoke mode).
    pub generator: String,
    /// One row per corpus spec.
    pub rows: Vec<SpecRow>,
    /// Whether progenitor was available.
    pub progenitor: Tool,
    /// How peak memory was measured, when it could be.
    pub memory: Option<MaxRss>,
    /// The SDK benchmarks.
    pub sdk: Result<Sdk, String>,
    /// The phase profile.
    pub profile: Result<Profile, String>,
    /// The release build of a one-call binary (prog-nexus).
    pub release: Release,
}

/// The measurements of one spec.
pub struct SpecRow {
    /// File name of the spec.
    pub spec: String,
    /// Its size.
    pub bytes: u64,
    /// Whether it declares OpenAPI 3.1.
    pub version_31: bool,
    /// `generated/found` operations, from apigen's summary line.
    pub operations: String,
    /// apigen's crate.
    pub ours: Result<Generated, String>,
    /// The typed parse floor's median time.
    pub floor_ms: Result<f64, String>,
    /// progenitor's crates, in [`Interface::ALL`] order.
    pub progenitor: [Result<Generated, String>; 2],
    /// Lines of apigen's generated files, by kind (when it generated).
    pub volume: Option<Volume>,
    /// The feature-group check of apigen's crate, for the specs that get one.
    pub group: Option<GroupCheck>,
}

impl SpecRow {
    /// progenitor's crate in the given interface style.
    pub fn progenitor(&self, interface: Interface) -> &Result<Generated, String> {
        match interface {
            Interface::Positional => &self.progenitor[0],
            Interface::Builder => &self.progenitor[1],
        }
    }
}

/// A generated crate and what was measured of it.
pub struct Generated {
    /// Package name.
    pub crate_name: String,
    /// Crate directory.
    pub dir: PathBuf,
    /// Median generation time.
    pub median_ms: f64,
    /// How many runs `median_ms` is the median of.
    pub runs: usize,
    /// Peak memory of the generating process.
    pub max_rss_kb: Option<u64>,
    /// Lines of the generated `.rs` files.
    pub lines: usize,
    /// The timed `cargo check`.
    pub check: Result<Check, String>,
}

/// The timed `cargo check` of one crate.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Median seconds.
    pub seconds: f64,
    /// Number of runs.
    pub runs: usize,
    /// Highest peak memory over the runs.
    pub max_rss_kb: Option<u64>,
}

impl Report {
    /// Every measurement of apigen's side that was asked for and failed, one line each.
    /// Progenitor failing on a spec is a result (shown in the tables), not a failure of
    /// the run; progenitor being unavailable when asked for is one.
    pub fn failures(&self, options: &Options) -> Vec<String> {
        let mut failures = Vec::new();
        for row in &self.rows {
            match &row.ours {
                Err(err) => failures.push(format!("{}: apigen generation: {err}", row.spec)),
                Ok(generated) if options.check => {
                    if let Err(err) = &generated.check {
                        failures.push(format!("{}: cargo check of apigen's crate: {err}", row.spec));
                    }
                }
                Ok(_) => {}
            }
            if let Err(err) = &row.floor_ms {
                failures.push(format!("{}: parse floor: {err}", row.spec));
            }
            if let Some(failure) = row.group.as_ref().and_then(GroupCheck::failure) {
                failures.push(format!("{}: feature group: {failure}", row.spec));
            }
        }
        failures.extend(self.release.failures());
        if let (true, Tool::Skipped(reason)) = (options.progenitor, &self.progenitor) {
            failures.push(format!("progenitor: {reason}"));
        }
        if let (true, Err(err)) = (options.criterion, &self.sdk) {
            failures.push(format!("SDK benchmarks: {err}"));
        }
        if let Err(err) = &self.profile {
            failures.push(format!("phase profile: {err}"));
        }
        failures
    }
}

/// Runs every measurement `options` asks for.
pub fn measure(root: &Path, options: &Options) -> Result<Report, XtaskError> {
    let target = target_dir(root);
    let bench_dir = target.join("bench");
    fs::create_dir_all(&bench_dir).map_err(XtaskError::io("create", &bench_dir))?;
    let machine = machine(root);
    let specs = corpus(&options.specs_dir, options.only.as_deref())?;

    // The measured generator: the release build of this binary, or (smoke) this binary.
    let (generator, generator_label) = if options.smoke {
        let exe = std::env::current_exe().map_err(XtaskError::io("find", "the running xtask"))?;
        (exe, "this `xtask` binary (debug build; smoke mode)".to_owned())
    } else {
        progress("building the release xtask binary");
        cargo(root, &target, &["build", "--release", "--quiet", "-p", "xtask"])?;
        (
            target.join("release").join(exe_name("xtask")),
            "`target/release/xtask generate` (release build)".to_owned(),
        )
    };
    let progenitor = if options.progenitor {
        install_progenitor(&target)
    } else {
        Tool::Skipped("not run (`--no-progenitor` or `--smoke`)".into())
    };
    let memory = MaxRss::available();
    let ours_ws = bench_dir.join("apigen");
    let theirs_ws = bench_dir.join("progenitor");
    let mut rows = Vec::new();
    for spec in &specs {
        progress(&format!(
            "{}: generation (apigen, parse floor, progenitor ×2)",
            file_name(spec)
        ));
        rows.push(generate_spec(
            spec,
            &generator,
            &progenitor,
            memory.as_ref(),
            &ours_ws,
            &theirs_ws,
            options,
        )?);
    }

    if options.check {
        // A target directory of its own, so a concurrent `cargo` on the repository never
        // holds the build lock during a timed check (smoke mode reuses CI's builds).
        let check_target = if options.smoke {
            target.clone()
        } else {
            bench_dir.join("check-target")
        };
        let ours: Vec<String> = rows
            .iter()
            .filter_map(|row| Some(row.ours.as_ref().ok()?.crate_name.clone()))
            .collect();
        prepare_workspace(root, &check_target, &ours_ws, &ours, true)?;
        let theirs: Vec<String> = rows
            .iter()
            .flat_map(|row| row.progenitor.iter())
            .filter_map(|generated| Some(generated.as_ref().ok()?.crate_name.clone()))
            .collect();
        prepare_workspace(root, &check_target, &theirs_ws, &theirs, false)?;
        let max_runs = if options.smoke {
            options.check_runs
        } else {
            4 * options.check_runs
        };
        for row in &mut rows {
            progress(&format!("{}: cargo check (apigen, progenitor ×2)", row.spec));
            let [positional, builder] = &mut row.progenitor;
            let crates: Vec<&mut Generated> = [row.ours.as_mut().ok(), positional.as_mut().ok(), builder.as_mut().ok()]
                .into_iter()
                .flatten()
                .collect();
            time_checks(&check_target, crates, options.check_runs, max_runs, memory.as_ref());
            if let (Some(rule), Ok(ours)) = (rule_for(&row.spec, options.smoke), &row.ours) {
                if ours.check.is_ok() {
                    progress(&format!("{}: cargo check of one feature group", row.spec));
                    row.group = Some(check_group(
                        &check_target,
                        ours,
                        rule,
                        options.check_runs,
                        max_runs,
                        memory.as_ref(),
                    ));
                }
            }
        }
    }

    let release = release_binaries(root, &target, &rows, options)?;

    let sdk = if options.criterion {
        progress("SDK benchmarks (criterion, `cargo bench -p benches --bench sdk`)");
        run_sdk_bench(root, &target).map_err(|err| err.to_string())
    } else {
        Err("not run (`--no-criterion` or `--smoke`)".into())
    };

    let largest = rows
        .iter()
        .filter(|row| row.ours.is_ok())
        .max_by_key(|row| row.bytes)
        .map(|row| options.specs_dir.join(&row.spec));
    let profile = match largest {
        Some(spec) => {
            progress(&format!(
                "phase profile of {} ×{}",
                file_name(&spec),
                options.profile_runs
            ));
            run_profile(&generator, &spec, options.profile_runs).map_err(|err| err.to_string())
        }
        None => Err("no spec generated".into()),
    };

    Ok(Report {
        machine,
        generator: generator_label,
        rows,
        progenitor,
        memory,
        sdk,
        profile,
        release,
    })
}

/// The release-binary measurement, when this run asks for it and has prog-nexus.
fn release_binaries(root: &Path, target: &Path, rows: &[SpecRow], options: &Options) -> Result<Release, XtaskError> {
    if options.smoke {
        return Ok(Release::Skipped(
            "not run in smoke mode (three release builds take minutes)".into(),
        ));
    }
    if !options.release {
        return Ok(Release::Skipped("not run (`--no-release`)".into()));
    }
    let Some(row) = rows.iter().find(|row| row.spec == RELEASE_SPEC) else {
        return Ok(Release::Skipped(format!("{RELEASE_SPEC} not in this run")));
    };
    let input = |generated: &Result<Generated, String>| match generated {
        Ok(g) => Ok((g.crate_name.clone(), g.dir.clone())),
        Err(err) if err == NOT_RUN => Err(NOT_RUN.to_owned()),
        Err(err) => Err(format!("did not generate: {err}")),
    };
    let inputs = Inputs {
        apigen: input(&row.ours),
        progenitor: input(row.progenitor(Interface::Builder)),
    };
    run_release(root, target, &inputs)
}

/// Times generation of one spec: apigen, the parse floor and (when installed) both
/// progenitor styles, in rotating rounds.
fn generate_spec(
    spec: &Path,
    generator: &Path,
    progenitor: &Tool,
    memory: Option<&MaxRss>,
    ours_ws: &Path,
    theirs_ws: &Path,
    options: &Options,
) -> Result<SpecRow, XtaskError> {
    let spec_name = file_name(spec);
    let text = fs::read_to_string(spec).map_err(XtaskError::io("read", spec))?;
    let version_31 = is_openapi_31(&text);
    let bytes = text.len() as u64;
    drop(text);
    let stem = crate_stem(&spec_name);
    let spec_arg = spec.display().to_string();

    let crate_name = format!("apigen_{stem}");
    let dir = ours_ws.join(&crate_name);
    let _ = fs::remove_dir_all(dir.join("src"));
    let mut jobs = vec![Job {
        program: generator.to_path_buf(),
        args: [
            "generate",
            "--spec",
            &spec_arg,
            "--out",
            &dir.display().to_string(),
            "--name",
            &crate_name,
        ]
        .map(str::to_owned)
        .to_vec(),
        memory: memory.cloned(),
    }];
    let mut floor_args = vec!["bench".into(), "--internal-parse-floor".into(), spec_arg.clone()];
    if version_31 {
        floor_args.push("--normalize".into());
    }
    jobs.push(Job {
        program: generator.to_path_buf(),
        args: floor_args,
        memory: None,
    });
    let theirs: Vec<(String, PathBuf)> = Interface::ALL
        .iter()
        .map(|interface| {
            let name = format!("{}{stem}", interface.crate_prefix());
            let dir = theirs_ws.join(&name);
            (name, dir)
        })
        .collect();
    if let Tool::Ready(binary) = progenitor {
        for (interface, (name, dir)) in Interface::ALL.iter().zip(&theirs) {
            let _ = fs::remove_dir_all(dir);
            jobs.push(Job {
                program: binary.clone(),
                args: progenitor_args(&spec_arg, dir, name, *interface),
                memory: memory.cloned(),
            });
        }
    }
    let max_runs = if options.smoke { options.runs } else { 4 * options.runs };
    let mut timed = time_jobs(&jobs, options.runs, max_runs).into_iter();
    let mut next = || timed.next().unwrap_or_else(|| Err(NOT_RUN.into()));
    let generated = |name: &str, dir: &Path, timed: super::process::Timed| Generated {
        crate_name: name.to_owned(),
        lines: count_lines(&dir.join("src")),
        dir: dir.to_path_buf(),
        median_ms: timed.median_ms,
        runs: timed.runs,
        max_rss_kb: timed.max_rss_kb,
        check: Err("not checked".into()),
    };
    let ours_timed = next();
    let summary = ours_timed.as_ref().ok().and_then(|timed| summary_line(&timed.output));
    let operations = match (&ours_timed, &summary) {
        (Ok(_), Some(line)) => operations_from_summary(line).unwrap_or_else(|| "?".into()),
        (Ok(_), None) => "?".to_owned(),
        (Err(_), _) => "—".to_owned(),
    };
    let volume = ours_timed.is_ok().then(|| Volume::measure(&dir, summary.as_deref()));
    let ours = ours_timed.map(|timed| generated(&crate_name, &dir, timed));
    let floor_ms = next().map(|timed| timed.median_ms);
    let positional = next().map(|timed| generated(&theirs[0].0, &theirs[0].1, timed));
    let builder = next().map(|timed| generated(&theirs[1].0, &theirs[1].1, timed));
    Ok(SpecRow {
        spec: spec_name,
        bytes,
        version_31,
        operations,
        ours,
        floor_ms,
        progenitor: [positional, builder],
        volume,
        group: None,
    })
}

/// The corpus files (JSON/YAML), sorted; `only` keeps one by file name.
fn corpus(dir: &Path, only: Option<&str>) -> Result<Vec<PathBuf>, XtaskError> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(XtaskError::io("read", dir))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .filter(|path| only.is_none_or(|name| file_name(path) == name))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(XtaskError::NoSpecs {
            dir: dir.to_path_buf(),
            only: only.map(str::to_owned),
        });
    }
    Ok(specs)
}

/// `prog-nexus.json` → `prog_nexus`.
fn crate_stem(file_name: &str) -> String {
    let stem = file_name.split('.').next().unwrap_or(file_name);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Whether the document declares `openapi: 3.1.x` (a text scan, no parsing).
pub fn is_openapi_31(text: &str) -> bool {
    let Some(start) = text.find("openapi") else {
        return false;
    };
    let rest = &text[start + "openapi".len()..];
    let rest = rest.trim_start_matches(['"', '\'']).trim_start();
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    rest.trim_start().trim_start_matches(['"', '\'']).starts_with("3.1")
}

/// The summary line `xtask generate` prints (`spec: 12/34 operations, 5 types, …`).
fn summary_line(output: &Output) -> Option<String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .rev()
        .find(|line| line.contains(" operations, "))
        .map(str::to_owned)
}

/// `"12/34"` from the summary line.
fn operations_from_summary(line: &str) -> Option<String> {
    let before = line.split(" operations, ").next()?;
    before.rsplit(' ').next().map(str::to_owned)
}

/// Lines of every `.rs` file under `dir`.
fn count_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                count_lines(&path)
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                fs::read_to_string(&path).map(|text| text.lines().count()).unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

/// Reports and rows for the tests of the report's rendering.
#[cfg(test)]
pub mod fixtures {
    use super::*;

    /// A report of `rows`, everything else not run.
    pub fn report(rows: Vec<SpecRow>) -> Report {
        Report {
            machine: Machine {
                load_before: String::new(),
                cores: 1,
                cpu: String::new(),
                date: String::new(),
                rustc: String::new(),
                commit: String::new(),
            },
            generator: String::new(),
            rows,
            progenitor: Tool::Skipped("not asked".into()),
            memory: None,
            sdk: Err("not run".into()),
            profile: Ok(Profile {
                spec: "a.yaml".into(),
                runs: 1,
                phases: Vec::new(),
            }),
            release: Release::Skipped("smoke".into()),
        }
    }

    /// A row of `spec` with apigen's crate `ours`, progenitor failing / not run.
    pub fn row(spec: &str, bytes: u64, ours: Result<Generated, String>) -> SpecRow {
        SpecRow {
            spec: spec.into(),
            bytes,
            version_31: false,
            operations: "1/1".into(),
            ours,
            floor_ms: Ok(1.0),
            progenitor: [Err("gen fail: theirs".into()), Err(NOT_RUN.into())],
            volume: None,
            group: None,
        }
    }

    /// A generated crate `name` with the given check.
    pub fn generated(name: &str, check: Result<Check, String>) -> Generated {
        Generated {
            crate_name: name.into(),
            dir: PathBuf::from(name),
            median_ms: 1.0,
            runs: 1,
            max_rss_kb: None,
            lines: 1,
            check,
        }
    }

    /// A check of `seconds` and `mb` peak.
    pub fn check(seconds: f64, mb: u64) -> Check {
        Check {
            seconds,
            runs: 3,
            max_rss_kb: Some(mb * 1024),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_openapi_31() {
        assert!(is_openapi_31("{\n  \"openapi\": \"3.1.0\","));
        assert!(is_openapi_31("openapi: 3.1.0\ninfo:"));
        assert!(is_openapi_31("openapi: '3.1.1'"));
        assert!(!is_openapi_31("openapi: \"3.0.3\""));
        assert!(!is_openapi_31("swagger: 2.0"));
    }

    fn report(ours: Result<Generated, String>, progenitor: Tool) -> Report {
        let mut report = fixtures::report(vec![fixtures::row("a.yaml", 1, ours)]);
        report.progenitor = progenitor;
        report
    }

    fn generated(check: Result<Check, String>) -> Generated {
        fixtures::generated("apigen_a", check)
    }

    fn options(smoke: bool) -> Options {
        let mut args = vec!["--no-criterion".to_owned()];
        if smoke {
            args.push("--smoke".into());
        }
        super::super::cli::parse(&args, Path::new("/repo")).expect("options parse")
    }

    #[test]
    fn a_failed_generation_or_check_of_ours_is_a_failure_of_the_run() {
        let ok = Check {
            seconds: 1.0,
            runs: 1,
            max_rss_kb: None,
        };
        let skipped = || Tool::Skipped("not asked".into());
        assert!(report(Ok(generated(Ok(ok))), skipped())
            .failures(&options(true))
            .is_empty());
        let failures = report(Err("boom".into()), skipped()).failures(&options(true));
        assert_eq!(failures, vec!["a.yaml: apigen generation: boom".to_owned()]);
        let failures = report(Ok(generated(Err("does not compile".into()))), skipped()).failures(&options(true));
        assert_eq!(failures.len(), 1, "{failures:?}");
        // progenitor missing is a failure only when it was asked for.
        let failures = report(Ok(generated(Ok(ok))), skipped()).failures(&options(false));
        assert_eq!(failures, vec!["progenitor: not asked".to_owned()]);
    }

    #[test]
    fn crate_stems() {
        assert_eq!(crate_stem("prog-nexus.json"), "prog_nexus");
        assert_eq!(crate_stem("stripe-spec3-2022-04.json"), "stripe_spec3_2022_04");
    }
}
