//! `cargo xtask bench`: generator and SDK benchmarks, side by side with the
//! alternatives, written to `BENCHMARKS.md`.
//!
//! One run measures, on this machine and against baselines taken in the same run:
//!
//! 1. generation time per corpus spec (whole process, median of `--runs`), next to the
//!    typed parse floor (read + deserialise into `openapiv3::OpenAPI`) and to
//!    `cargo-progenitor` (installed into `target/bench-tools` on first use);
//! 2. `cargo check` time and peak memory of each generated crate, ours vs progenitor's
//!    (dependencies prebuilt, crate `lib.rs` touched, `CARGO_INCREMENTAL=0`);
//! 3. SDK overhead against hand-written `reqwest` + `serde_json` (the criterion bench in
//!    `benches/`), and decode throughput of a 1,000-campaign list;
//! 4. a phase profile of the generator on the largest spec.
//!
//! `--smoke` runs one small spec once with the current (debug) binary, without
//! progenitor or criterion, so CI can keep this code from rotting.
//!
//! Two internal sub-modes run inside the release binary as the measured process:
//! `--internal-parse-floor FILE [--normalize]` and `--internal-profile FILE RUNS`.

use crate::codegen::project_root;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

/// Version of cargo-progenitor installed for comparison.
const PROGENITOR_VERSION: &str = "0.15.1";
/// The small spec the smoke mode runs.
const SMOKE_SPEC: &str = "oai-petstore.yaml";
/// Where hand-written notes live in `BENCHMARKS.md`; they survive regeneration.
const NOTES_BEGIN: &str = "<!-- notes: kept by `cargo xtask bench` when it rewrites this file -->";
const NOTES_END: &str = "<!-- end of notes -->";

struct Options {
    smoke: bool,
    runs: usize,
    check_runs: usize,
    profile_runs: usize,
    only: Option<String>,
    progenitor: bool,
    criterion: bool,
    check: bool,
    specs_dir: PathBuf,
    out: PathBuf,
}

/// `cargo xtask bench [--smoke] [--runs N] [--check-runs N] [--only SPEC] [--no-progenitor]
/// [--no-criterion] [--no-check] [--specs DIR] [--out FILE]`.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("--internal-parse-floor") => return internal_parse_floor(&args[1..]),
        Some("--internal-profile") => return internal_profile(&args[1..]),
        _ => {}
    }
    let root = project_root();
    let mut options = Options {
        smoke: false,
        runs: 5,
        check_runs: 3,
        profile_runs: 5,
        only: None,
        progenitor: true,
        criterion: true,
        check: true,
        specs_dir: crate::corpus::specs_dir(),
        out: root.join("BENCHMARKS.md"),
    };
    let mut out_given = false;
    let mut iter = args.iter();
    let number = |value: Option<&String>, flag: &str| -> Result<usize, String> {
        value
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{flag} needs a positive number"))
    };
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--smoke" => options.smoke = true,
            "--runs" => options.runs = number(iter.next(), "--runs")?,
            "--check-runs" => options.check_runs = number(iter.next(), "--check-runs")?,
            "--profile-runs" => options.profile_runs = number(iter.next(), "--profile-runs")?,
            "--only" => options.only = Some(iter.next().ok_or("--only needs a spec file name")?.clone()),
            "--no-progenitor" => options.progenitor = false,
            "--no-criterion" => options.criterion = false,
            "--no-check" => options.check = false,
            "--specs" => options.specs_dir = PathBuf::from(iter.next().ok_or("--specs needs a directory")?),
            "--out" => {
                options.out = PathBuf::from(iter.next().ok_or("--out needs a file")?);
                out_given = true;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if options.smoke {
        options.runs = 1;
        options.check_runs = 1;
        options.profile_runs = 1;
        options.progenitor = false;
        options.criterion = false;
        options.only.get_or_insert_with(|| SMOKE_SPEC.to_owned());
        if !out_given {
            options.out = target_dir(&root).join("bench/BENCHMARKS-smoke.md");
        }
    }
    let started = Instant::now();
    if !options.specs_dir.exists() {
        let what = format!(
            "cargo xtask bench: the corpus {} is missing",
            options.specs_dir.display()
        );
        if crate::corpus::in_ci() {
            return Err(format!(
                "{what} (CI=true); set {} to the shared directory",
                crate::corpus::SHARED_DIR_VAR
            ));
        }
        eprintln!(
            "SKIPPED {what}; set {} to the shared directory",
            crate::corpus::SHARED_DIR_VAR
        );
        return Ok(());
    }
    let report = measure(&root, &options)?;
    let elapsed = started.elapsed();
    let previous = fs::read_to_string(&options.out).unwrap_or_default();
    let markdown = render(&report, &options, elapsed, &previous);
    write(&options.out, &markdown)?;
    println!("{markdown}");
    eprintln!(
        "bench: wrote {} in {:.0} s",
        options.out.display(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

// --- measurement ---------------------------------------------------------------------

/// Everything one run measured.
struct Report {
    machine: Machine,
    generator: String,
    rows: Vec<SpecRow>,
    progenitor: Tool,
    memory_method: Option<MemoryMethod>,
    sdk: Result<Sdk, String>,
    profile: Result<Profile, String>,
}

struct Machine {
    load_before: String,
    cores: usize,
    cpu: String,
    date: String,
    rustc: String,
    commit: String,
}

/// Whether progenitor could be used, and why not.
enum Tool {
    Ready(PathBuf),
    Skipped(String),
}

struct SpecRow {
    spec: String,
    bytes: u64,
    version_31: bool,
    operations: String,
    ours: Result<Generated, String>,
    floor_ms: Result<f64, String>,
    theirs: Result<Generated, String>,
}

struct Generated {
    crate_name: String,
    dir: PathBuf,
    median_ms: f64,
    /// How many runs `median_ms` is the median of.
    runs: usize,
    /// Peak memory of the generating process.
    max_rss_kb: Option<u64>,
    lines: usize,
    check: Result<Check, String>,
}

#[derive(Clone, Copy)]
struct Check {
    seconds: f64,
    runs: usize,
    max_rss_kb: Option<u64>,
}

#[derive(Clone, Copy, PartialEq)]
enum MemoryMethod {
    GnuTime,
    PythonRusage,
}

impl MemoryMethod {
    fn describe(self) -> &'static str {
        match self {
            MemoryMethod::GnuTime => {
                "`/usr/bin/time -v` \"Maximum resident set size\" of `cargo check` (the largest of cargo and the rustc it waits for)"
            }
            MemoryMethod::PythonRusage => {
                "`getrusage(RUSAGE_CHILDREN).ru_maxrss` (via python3) around `cargo check` (the largest of cargo and the rustc it waits for)"
            }
        }
    }
}

fn measure(root: &Path, options: &Options) -> Result<Report, String> {
    let target = target_dir(root);
    let bench_dir = target.join("bench");
    fs::create_dir_all(&bench_dir).map_err(|err| format!("cannot create {}: {err}", bench_dir.display()))?;
    let machine = machine(root);
    let specs = corpus(&options.specs_dir, options.only.as_deref())?;

    // The measured generator: the release build of this binary, or (smoke) this binary.
    let (generator, generator_label) = if options.smoke {
        let exe = std::env::current_exe().map_err(|err| format!("cannot find the running xtask: {err}"))?;
        (exe, "this `xtask` binary (debug build; smoke mode)".to_owned())
    } else {
        progress("building the release xtask binary");
        cargo(root, &target, &["build", "--release", "--quiet", "-p", "xtask"])
            .map_err(|err| format!("cannot build the release xtask: {err}"))?;
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

    let memory_method = memory_method();
    let ours_ws = bench_dir.join("apigen");
    let theirs_ws = bench_dir.join("progenitor");
    let mut rows = Vec::new();
    for spec in &specs {
        let file_name = file_name(spec);
        let text = fs::read_to_string(spec).map_err(|err| format!("cannot read {}: {err}", spec.display()))?;
        let version_31 = is_openapi_31(&text);
        let bytes = text.len() as u64;
        drop(text);
        let stem = crate_stem(&file_name);

        progress(&format!("{file_name}: generation (apigen, parse floor, progenitor)"));
        let crate_name = format!("apigen_{stem}");
        let dir = ours_ws.join(&crate_name);
        let _ = fs::remove_dir_all(dir.join("src"));
        let spec_arg = spec.display().to_string();
        let mut jobs = vec![Job {
            program: generator.clone(),
            args: vec![
                "generate".into(),
                "--spec".into(),
                spec_arg.clone(),
                "--out".into(),
                dir.display().to_string(),
                "--name".into(),
                crate_name.clone(),
            ],
            memory: memory_method,
        }];
        let mut floor_args = vec!["bench".into(), "--internal-parse-floor".into(), spec_arg.clone()];
        if version_31 {
            floor_args.push("--normalize".into());
        }
        jobs.push(Job {
            program: generator.clone(),
            args: floor_args,
            memory: None,
        });
        let theirs_name = format!("progenitor_{stem}");
        let theirs_dir = theirs_ws.join(&theirs_name);
        if let Tool::Ready(binary) = &progenitor {
            let _ = fs::remove_dir_all(&theirs_dir);
            jobs.push(Job {
                program: binary.clone(),
                args: [
                    "progenitor",
                    "-i",
                    &spec_arg,
                    "-o",
                    &theirs_dir.display().to_string(),
                    "-n",
                    &theirs_name,
                    "-v",
                    "0.1.0",
                ]
                .map(str::to_owned)
                .to_vec(),
                memory: memory_method,
            });
        }
        let max_runs = if options.smoke { options.runs } else { 4 * options.runs };
        let mut timed = time_jobs(&jobs, options.runs, max_runs).into_iter();
        let mut operations = "—".to_owned();
        let ours = timed.next().unwrap_or_else(|| Err("not run".into())).map(|timed| {
            operations = operations_from_output(&timed.output).unwrap_or_else(|| "?".into());
            Generated {
                crate_name: crate_name.clone(),
                lines: count_lines(&dir.join("src")),
                dir: dir.clone(),
                median_ms: timed.median_ms,
                runs: timed.runs,
                max_rss_kb: timed.max_rss_kb,
                check: Err("not checked".into()),
            }
        });
        let floor_ms = timed
            .next()
            .unwrap_or_else(|| Err("not run".into()))
            .map(|timed| timed.median_ms);
        let theirs = timed
            .next()
            .unwrap_or_else(|| Err("not run".into()))
            .map(|timed| Generated {
                crate_name: theirs_name.clone(),
                lines: count_lines(&theirs_dir.join("src")),
                dir: theirs_dir.clone(),
                median_ms: timed.median_ms,
                runs: timed.runs,
                max_rss_kb: timed.max_rss_kb,
                check: Err("not checked".into()),
            });
        rows.push(SpecRow {
            spec: file_name,
            bytes,
            version_31,
            operations,
            ours,
            floor_ms,
            theirs,
        });
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
            .filter_map(|row| Some(row.theirs.as_ref().ok()?.crate_name.clone()))
            .collect();
        prepare_workspace(root, &check_target, &theirs_ws, &theirs, false)?;
        for row in &mut rows {
            progress(&format!("{}: cargo check (apigen, progenitor)", row.spec));
            let crates: Vec<&mut Generated> = [row.ours.as_mut().ok(), row.theirs.as_mut().ok()]
                .into_iter()
                .flatten()
                .collect();
            let max_runs = if options.smoke {
                options.check_runs
            } else {
                4 * options.check_runs
            };
            time_checks(&check_target, crates, options.check_runs, max_runs, memory_method);
        }
    }

    let sdk = if options.criterion {
        progress("SDK benchmarks (criterion, `cargo bench -p benches --bench sdk`)");
        run_sdk_bench(root, &target)
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
            run_profile(&generator, &spec, options.profile_runs)
        }
        None => Err("no spec generated".into()),
    };

    Ok(Report {
        machine,
        generator: generator_label,
        rows,
        progenitor,
        memory_method,
        sdk,
        profile,
    })
}

fn progress(message: &str) {
    eprintln!("bench: {message}");
}

/// The corpus files (JSON/YAML), sorted; `only` keeps one by file name.
fn corpus(dir: &Path, only: Option<&str>) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|err| format!("cannot read {}: {err}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .filter(|path| only.is_none_or(|name| file_name(path) == name))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!(
            "no specs{} found in {}",
            only.map(|name| format!(" named {name}")).unwrap_or_default(),
            dir.display()
        ));
    }
    Ok(specs)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
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
fn is_openapi_31(text: &str) -> bool {
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

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

fn exe_name(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

fn cargo_command(dir: &Path, target: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never");
    command
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let output = cargo_command(dir, target)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(tail(&output, 15))
    }
}

/// The last `lines` lines of a failed process's stderr (or stdout); a line saying what
/// failed (progenitor prints `gen fail: ...` on stdout) comes first when there is one.
fn tail(output: &Output, lines: usize) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = stdout.lines().find(|line| line.starts_with("gen fail")) {
        return line.to_owned();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Drop what a memory wrapper (`/usr/bin/time -v`, the python helper) appended.
    let end = [
        "Command exited with non-zero status",
        "\tCommand being timed:",
        "\nMaximum resident set size",
    ]
    .iter()
    .filter_map(|marker| stderr.find(marker))
    .min()
    .unwrap_or(stderr.len());
    let stderr = std::borrow::Cow::Borrowed(&stderr[..end]);
    let mut stderr_lines = stderr.lines();
    if stderr_lines.any(|line| line.contains("panicked at")) {
        return format!("panicked: {}", stderr_lines.next().unwrap_or("").trim());
    }
    let text = if stderr.trim().is_empty() {
        String::from_utf8_lossy(&output.stdout)
    } else {
        stderr
    };
    let kept: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
    kept[kept.len().saturating_sub(lines)..].join("\n")
}

/// A process to time: `program args`, its warm-up run wrapped to measure memory.
struct Job {
    program: PathBuf,
    args: Vec<String>,
    memory: Option<MemoryMethod>,
}

/// What timing a [`Job`] found: median wall time, how many runs it is the median of,
/// peak memory of the warm-up run (when measurable), and the warm-up's output.
struct Timed {
    median_ms: f64,
    runs: usize,
    max_rss_kb: Option<u64>,
    output: Output,
}

/// Time spent per spec after which no more rounds start (once `min_runs` are done).
const ROUND_BUDGET: Duration = Duration::from_secs(3);

/// Runs every job once to warm up (and to see that it works), then in rounds, one run
/// of each working job per round, so that load changing over time hits all of them
/// alike: at least `min_runs` rounds, and more (up to `max_runs`) while they fit in
/// [`ROUND_BUDGET`]. Returns one result per job, in order.
fn time_jobs(jobs: &[Job], min_runs: usize, max_runs: usize) -> Vec<Result<Timed, String>> {
    let run_once = |job: &Job, memory: Option<MemoryMethod>| {
        let started = Instant::now();
        let output = measured_command(memory, job.program.as_os_str())
            .args(&job.args)
            .env("RUST_BACKTRACE", "0")
            .stdin(Stdio::null())
            .output()
            .map_err(|err| format!("cannot run {}: {err}", job.program.display()))?;
        let elapsed = started.elapsed();
        if output.status.success() {
            Ok((elapsed.as_secs_f64() * 1e3, output))
        } else {
            Err(tail(&output, 3))
        }
    };
    let mut results: Vec<Result<(Vec<f64>, Output), String>> = jobs
        .iter()
        .map(|job| run_once(job, job.memory).map(|(_, output)| (Vec::new(), output)))
        .collect();
    let started = Instant::now();
    let mut round = 0;
    while round < min_runs || (round < max_runs && started.elapsed() < ROUND_BUDGET) {
        for (job, result) in jobs.iter().zip(results.iter_mut()) {
            if let Ok((samples, _)) = result {
                match run_once(job, None) {
                    Ok((ms, _)) => samples.push(ms),
                    Err(err) => *result = Err(err),
                }
            }
        }
        round += 1;
    }
    results
        .into_iter()
        .map(|result| {
            result.map(|(mut samples, output)| Timed {
                runs: samples.len(),
                median_ms: median(&mut samples),
                max_rss_kb: max_rss_kb(&output),
                output,
            })
        })
        .collect()
}

/// `program`, wrapped so that its peak memory ends up on stderr (see [`max_rss_kb`]).
fn measured_command(memory: Option<MemoryMethod>, program: &std::ffi::OsStr) -> Command {
    match memory {
        Some(MemoryMethod::GnuTime) => {
            let mut command = Command::new("/usr/bin/time");
            command.arg("-v").arg(program);
            command
        }
        Some(MemoryMethod::PythonRusage) => {
            let mut command = Command::new("python3");
            command.args(["-c", PYTHON_RUSAGE]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

/// The peak memory a [`measured_command`] reported.
fn max_rss_kb(output: &Output) -> Option<u64> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|line| line.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|value| value.trim().parse::<u64>().ok())
}

/// `"12/34"` from the summary line `xtask generate` prints.
fn operations_from_output(output: &Output) -> Option<String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rev().find(|line| line.contains(" operations, "))?;
    let before = line.split(" operations, ").next()?;
    before.rsplit(' ').next().map(str::to_owned)
}

fn median(samples: &mut [f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let middle = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[middle]
    } else {
        (samples[middle - 1] + samples[middle]) / 2.0
    }
}

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

fn install_progenitor(target: &Path) -> Tool {
    let tools = target.join("bench-tools");
    let binary = tools.join("bin").join(exe_name("cargo-progenitor"));
    if binary.exists() {
        return Tool::Ready(binary);
    }
    progress(&format!(
        "installing cargo-progenitor {PROGENITOR_VERSION} into {} (once; takes a few minutes)",
        tools.display()
    ));
    let tools_arg = tools.display().to_string();
    let result = cargo(
        target,
        &tools.join("build"),
        &[
            "install",
            "cargo-progenitor",
            "--version",
            PROGENITOR_VERSION,
            "--locked",
            "--root",
            &tools_arg,
        ],
    );
    match result {
        Ok(()) if binary.exists() => Tool::Ready(binary),
        Ok(()) => Tool::Skipped("`cargo install cargo-progenitor` succeeded but left no binary".into()),
        Err(err) => Tool::Skipped(format!(
            "`cargo install cargo-progenitor` failed: {}",
            err.lines().last().unwrap_or("unknown error")
        )),
    }
}

fn memory_method() -> Option<MemoryMethod> {
    let gnu_time = Command::new("/usr/bin/time")
        .args(["-v", "true"])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stderr).contains("Maximum resident set size"));
    if gnu_time {
        return Some(MemoryMethod::GnuTime);
    }
    let python = Command::new("python3")
        .args(["-c", "import resource"])
        .output()
        .is_ok_and(|output| output.status.success());
    python.then_some(MemoryMethod::PythonRusage)
}

const PYTHON_RUSAGE: &str = "import resource, subprocess, sys\n\
code = subprocess.call(sys.argv[1:])\n\
sys.stderr.write('\\nMaximum resident set size (kbytes): %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
sys.exit(code)\n";

/// Writes a workspace holding `crates` and builds their dependencies once.
fn prepare_workspace(
    root: &Path,
    target: &Path,
    workspace: &Path,
    crates: &[String],
    share_lockfile: bool,
) -> Result<(), String> {
    let Some(first) = crates.first() else {
        return Ok(());
    };
    let members: Vec<String> = crates.iter().map(|name| format!("\"{name}\"")).collect();
    write(
        &workspace.join("Cargo.toml"),
        &format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")),
    )?;
    if share_lockfile {
        // Same dependency versions as the repository, so its builds are reused.
        let _ = fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock"));
    }
    progress(&format!(
        "{}: building the generated crates' dependencies",
        workspace.display()
    ));
    // A crate that does not compile still has its dependencies built first.
    let _ = cargo(workspace, target, &["check", "--quiet", "-p", first]);
    Ok(())
}

/// Time after which no more check rounds start for a spec (once `min_runs` are done).
const CHECK_BUDGET: Duration = Duration::from_secs(6);

/// Times `cargo check` of each crate (apigen's and progenitor's for one spec) in
/// alternation, the order flipped every round: at least `min_runs` rounds, more (up to
/// `max_runs`) while they fit in [`CHECK_BUDGET`]. A crate that fails stops there.
fn time_checks(
    target: &Path,
    mut crates: Vec<&mut Generated>,
    min_runs: usize,
    max_runs: usize,
    memory: Option<MemoryMethod>,
) {
    type Samples = Result<(Vec<f64>, Option<u64>), String>;
    let mut samples: Vec<Samples> = crates.iter().map(|_| Ok((Vec::new(), None))).collect();
    let started = Instant::now();
    let mut round = 0;
    while round < min_runs || (round < max_runs && started.elapsed() < CHECK_BUDGET) {
        let mut order: Vec<usize> = (0..crates.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for index in order {
            if let Ok((seconds, peak)) = &mut samples[index] {
                match check_once(target, crates[index], memory) {
                    Ok(check) => {
                        seconds.push(check.seconds);
                        *peak = (*peak).max(check.max_rss_kb);
                    }
                    Err(err) => samples[index] = Err(err),
                }
            }
        }
        round += 1;
        if samples.iter().all(Result::is_err) {
            break;
        }
    }
    for (generated, result) in crates.iter_mut().zip(samples) {
        generated.check = result.map(|(mut seconds, peak)| Check {
            runs: seconds.len(),
            seconds: median(&mut seconds),
            max_rss_kb: peak,
        });
    }
}

fn check_once(target: &Path, generated: &Generated, memory: Option<MemoryMethod>) -> Result<Check, String> {
    let workspace = generated.dir.parent().unwrap_or(&generated.dir);
    let lib = generated.dir.join("src/lib.rs");
    fs::File::options()
        .append(true)
        .open(&lib)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(|err| format!("cannot touch {}: {err}", lib.display()))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let check = [
        "check",
        "--quiet",
        "--message-format",
        "short",
        "-p",
        generated.crate_name.as_str(),
    ];
    let mut command = measured_command(memory, &cargo);
    command
        .args(check)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never");
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|err| format!("cannot run cargo check: {err}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let errors = stderr.lines().filter(|line| line.contains("error")).count();
        return Err(format!("does not compile ({errors} error lines)"));
    }
    Ok(Check {
        seconds,
        runs: 1,
        max_rss_kb: max_rss_kb(&output),
    })
}

// --- SDK benchmarks ------------------------------------------------------------------

struct Sdk {
    /// Interleaved latency pass: (name, requests, SDK stats, hand-written stats).
    scenarios: Vec<(String, u64, Latency, Latency)>,
    list_len: u64,
    list_bytes: u64,
    /// Criterion medians in nanoseconds: (group, SDK, hand-written).
    criterion: Vec<(String, Option<f64>, Option<f64>)>,
}

#[derive(Clone, Copy)]
struct Latency {
    p50_us: f64,
    p99_us: f64,
    rps: f64,
}

fn run_sdk_bench(root: &Path, target: &Path) -> Result<Sdk, String> {
    let bench_dir = target.join("bench");
    let out = bench_dir.join("sdk-latency.json");
    let criterion_home = bench_dir.join("criterion");
    let _ = fs::remove_file(&out);
    let output = cargo_command(root, target)
        .args(["bench", "--quiet", "-p", "benches", "--bench", "sdk"])
        .env("APIGEN_BENCH_OUT", &out)
        .env("CRITERION_HOME", &criterion_home)
        .output()
        .map_err(|err| format!("cannot run cargo bench: {err}"))?;
    let log = bench_dir.join("criterion.log");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let _ = fs::write(&log, text);
    if !output.status.success() {
        return Err(format!("`cargo bench -p benches` failed: {}", tail(&output, 5)));
    }
    let json: serde_json::Value = fs::read_to_string(&out)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or_else(|| format!("the SDK bench wrote no results to {}", out.display()))?;
    let latency = |value: &serde_json::Value| Latency {
        p50_us: value["p50_us"].as_f64().unwrap_or(f64::NAN),
        p99_us: value["p99_us"].as_f64().unwrap_or(f64::NAN),
        rps: value["rps"].as_f64().unwrap_or(f64::NAN),
    };
    let scenarios = json["scenarios"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        item["name"].as_str().unwrap_or("?").to_owned(),
                        item["requests"].as_u64().unwrap_or(0),
                        latency(&item["sdk"]),
                        latency(&item["hand"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let estimate = |group: &str, function: &str| -> Option<f64> {
        let path = criterion_home.join(group).join(function).join("new/estimates.json");
        let value: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).ok()?).ok()?;
        value["median"]["point_estimate"].as_f64()
    };
    let criterion = ["get_campaign", "pause_campaign", "list_1000_http"]
        .iter()
        .map(|group| (group.to_string(), estimate(group, "sdk"), estimate(group, "hand")))
        .collect();
    Ok(Sdk {
        scenarios,
        list_len: json["list_len"].as_u64().unwrap_or(0),
        list_bytes: json["list_bytes"].as_u64().unwrap_or(0),
        criterion,
    })
}

// --- phase profile -------------------------------------------------------------------

struct Profile {
    spec: String,
    runs: usize,
    /// (phase, median ms, first run's ms), in pipeline order.
    phases: Vec<(String, f64, f64)>,
}

fn run_profile(generator: &Path, spec: &Path, runs: usize) -> Result<Profile, String> {
    let output = Command::new(generator)
        .args(["bench", "--internal-profile"])
        .arg(spec)
        .arg(runs.to_string())
        .output()
        .map_err(|err| format!("cannot run {}: {err}", generator.display()))?;
    if !output.status.success() {
        return Err(tail(&output, 3));
    }
    let phases = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (name, samples) = line.split_once('\t')?;
            let mut samples: Vec<f64> = samples.split(',').filter_map(|s| s.parse().ok()).collect();
            let first = samples.first().copied().unwrap_or(f64::NAN);
            Some((name.to_owned(), median(&mut samples), first))
        })
        .collect();
    Ok(Profile {
        spec: file_name(spec),
        runs,
        phases,
    })
}

/// Phases timed by `--internal-profile`, in the order printed; the first
/// [`PIPELINE_PHASES`] are the pipeline, run once each per iteration.
const PHASES: &[&str] = &[
    "read file",
    "`load::load` (text → serde_json::Value)",
    "`normalize::normalize`",
    "`parse::parse` (Value → openapiv3::OpenAPI)",
    "`model::build`",
    "`emit::emit` (tokens → syn::parse2 → prettyplease, 3 files)",
    "write crate files (`standalone::crate_files` + fs::write)",
    "`apigen::generate`, whole (load → emit, drops included)",
    "· types.rs: token building (`emit::types::emit`)",
    "· types.rs: `syn::parse2`",
    "· types.rs: `prettyplease::unparse`",
    "· operations.rs: token building (`emit::client::emit`)",
    "· operations.rs: `syn::parse2`",
    "· operations.rs: `prettyplease::unparse`",
    "· both files: dropping the `syn::File`s",
    "· floor: text → openapiv3::OpenAPI directly",
    "· `parse` alternative: `OpenAPI::deserialize(&Value)` (no clone, no path tracking)",
];
const PIPELINE_PHASES: usize = 7;

/// `--internal-profile FILE RUNS`: prints `phase<TAB>ms,ms,...` per phase.
fn internal_profile(args: &[String]) -> Result<(), String> {
    let [spec, runs] = args else {
        return Err("usage: xtask bench --internal-profile FILE RUNS".into());
    };
    let runs: usize = runs.parse().map_err(|_| "RUNS must be a number")?;
    let spec = PathBuf::from(spec);
    let label = file_name(&spec);
    let out_dir = target_dir(&project_root()).join("bench/profile-out");
    let settings = apigen::Settings::new("profiled", &label);
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); PHASES.len()];
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1e3;
    for _ in 0..runs {
        let mut times = Vec::with_capacity(PHASES.len());
        let started = Instant::now();
        let text = fs::read_to_string(&spec).map_err(|err| format!("cannot read {}: {err}", spec.display()))?;
        times.push(ms(started));
        let started = Instant::now();
        let value = apigen::load::load(&text, &label).map_err(|err| err.to_string())?;
        times.push(ms(started));
        let started = Instant::now();
        let (value, normalizations) = apigen::normalize::normalize(value).map_err(|err| err.to_string())?;
        times.push(ms(started));
        let pointed = apigen::model::refs::pointed_schemas(&value);
        let started = Instant::now();
        let document = apigen::parse::parse(value).map_err(|err| err.to_string())?;
        times.push(ms(started));
        let mut diagnostics = Vec::new();
        let started = Instant::now();
        let model = apigen::model::build(&document, &pointed, &mut diagnostics).map_err(|err| err.to_string())?;
        times.push(ms(started));
        let started = Instant::now();
        let files = apigen::emit::emit(&model, &settings);
        times.push(ms(started));
        let output = apigen::Output {
            files,
            diagnostics,
            normalizations,
            operation_counts: (model.operations.len(), model.operation_total),
            type_count: model.types.len(),
            operations: apigen::manifest::operations(&model),
            types: apigen::manifest::types(&model),
            // Not measured in the phase profile (only `cargo xtask conformance` reports it).
            typedness: apigen::typedness::Typedness::default(),
        };
        let started = Instant::now();
        let _ = fs::remove_dir_all(&out_dir);
        for (path, contents) in apigen::standalone::crate_files("profiled", &project_root().join("runtime"), &output) {
            write(&out_dir.join(path), &contents)?;
        }
        times.push(ms(started));

        let started = Instant::now();
        let whole = apigen::generate(&text, &label, &settings).map_err(|err| err.to_string())?;
        drop(whole);
        times.push(ms(started));

        let mut drop_ms = 0.0;
        for file in ["types.rs", "operations.rs"] {
            let started = Instant::now();
            let tokens = if file == "types.rs" {
                apigen::emit::types::emit(&model)
            } else {
                apigen::emit::client::emit(&model)
            };
            times.push(ms(started));
            let started = Instant::now();
            let parsed: syn::File =
                syn::parse2(tokens).map_err(|err| format!("generated {file} does not parse: {err}"))?;
            times.push(ms(started));
            let started = Instant::now();
            let formatted = prettyplease::unparse(&parsed);
            times.push(ms(started));
            std::hint::black_box(formatted.len());
            let started = Instant::now();
            drop(parsed);
            drop_ms += ms(started);
        }
        times.push(drop_ms);

        let started = Instant::now();
        let floor = typed_floor(&text, &label, is_openapi_31(&text))?;
        times.push(ms(started));
        drop(floor);

        let value = apigen::load::load(&text, &label).map_err(|err| err.to_string())?;
        let (value, _) = apigen::normalize::normalize(value).map_err(|err| err.to_string())?;
        let started = Instant::now();
        let document =
            <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&value).map_err(|err| err.to_string())?;
        times.push(ms(started));
        drop((document, value));

        for (phase, time) in samples.iter_mut().zip(times) {
            phase.push(time);
        }
    }
    let _ = fs::remove_dir_all(&out_dir);
    for (name, times) in PHASES.iter().zip(samples) {
        let times: Vec<String> = times.iter().map(|t| format!("{t:.3}")).collect();
        println!("{name}\t{}", times.join(","));
    }
    Ok(())
}

/// `--internal-parse-floor FILE [--normalize]`: read + deserialise into
/// `openapiv3::OpenAPI`, nothing else (the floor any typed generator pays).
fn internal_parse_floor(args: &[String]) -> Result<(), String> {
    let (spec, normalize) = match args {
        [spec] => (spec, false),
        [spec, flag] if flag == "--normalize" => (spec, true),
        _ => return Err("usage: xtask bench --internal-parse-floor FILE [--normalize]".into()),
    };
    let text = fs::read_to_string(spec).map_err(|err| format!("cannot read {spec}: {err}"))?;
    let document = typed_floor(&text, spec, normalize)?;
    std::hint::black_box(document.paths.paths.len());
    Ok(())
}

/// Spec text → `openapiv3::OpenAPI`: straight from the text for 3.0 documents; for 3.1
/// ones through `load` and `normalize` (which `openapiv3` needs) first.
fn typed_floor(text: &str, file_name: &str, normalize: bool) -> Result<openapiv3::OpenAPI, String> {
    if normalize {
        let value = apigen::load::load(text, file_name).map_err(|err| err.to_string())?;
        let (value, _) = apigen::normalize::normalize(value).map_err(|err| err.to_string())?;
        return serde_json::from_value(value).map_err(|err| err.to_string());
    }
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        serde_yaml::from_str(text).map_err(|err| err.to_string())
    } else {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }
}

// --- report --------------------------------------------------------------------------

fn machine(root: &Path) -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name").and_then(|rest| rest.split_once(':')))
        .map(|(_, model)| model.trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
    let capture = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .current_dir(root)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .unwrap_or_else(|| "unknown".into())
    };
    Machine {
        load_before: load_average(),
        cores,
        cpu,
        date: utc_now(),
        rustc: capture("rustc", &["--version"]),
        commit: commit(root),
    }
}

/// `git rev-parse --short HEAD`, marked when tracked files have uncommitted changes.
fn commit(root: &Path) -> String {
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(root).output().ok();
    let mut commit = git(&["rev-parse", "--short", "HEAD"])
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    if git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|output| !output.stdout.is_empty()) {
        commit.push_str(" + uncommitted changes");
    }
    commit
}

/// The 1-minute load average (other work on the machine skews every number).
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// The current time as `YYYY-MM-DD HH:MM UTC`.
fn utc_now() -> String {
    let seconds = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64;
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60
    )
}

fn size(bytes: u64) -> String {
    if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} KB", bytes.div_ceil(1_000))
    }
}

fn ms(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

fn ratio(ours: f64, theirs: f64) -> String {
    if theirs > 0.0 && ours.is_finite() && theirs.is_finite() {
        format!("{:.2}×", ours / theirs)
    } else {
        "—".into()
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "**met**"
    } else {
        "**missed**"
    }
}

fn mb(kb: Option<u64>) -> String {
    kb.map(|kb| format!("{:.0}", kb as f64 / 1024.0))
        .unwrap_or_else(|| "—".into())
}

/// Error text fit for a table cell.
fn cell(text: &str) -> String {
    let line = text.lines().last().unwrap_or(text).replace('|', "\\|");
    if line.chars().count() > 90 {
        format!("{}…", line.chars().take(90).collect::<String>())
    } else {
        line
    }
}

fn render(report: &Report, options: &Options, elapsed: Duration, previous: &str) -> String {
    let mut md = String::new();
    let m = &report.machine;
    let command = if options.smoke {
        "cargo xtask bench --smoke"
    } else {
        "cargo xtask bench"
    };
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by `{command}` in {:.0} s; every number below is from that one run, and every ratio is \
         against a baseline measured in the same run. Regenerate with `cargo xtask bench` (about {} minutes; \
         `--help` of `cargo xtask` lists the flags).\n",
        elapsed.as_secs_f64(),
        ((elapsed.as_secs_f64() / 60.0).ceil() as u64).max(1)
    );
    let _ = writeln!(md, "| machine | |\n|---|---|");
    let _ = writeln!(md, "| date | {} |", m.date);
    let _ = writeln!(md, "| CPU | {} |", m.cpu);
    let _ = writeln!(md, "| cores | {} |", m.cores);
    let _ = writeln!(
        md,
        "| load average (1 min) | {} at the start, {} at the end |",
        m.load_before,
        load_average()
    );
    let _ = writeln!(md, "| rustc | {} |", m.rustc);
    let _ = writeln!(md, "| commit | {} |", m.commit);
    let commit_now = commit(&project_root());
    if commit_now != m.commit {
        let _ = writeln!(
            md,
            "| commit at the end | {commit_now} — **the tree changed during the run; numbers mix both states** |"
        );
    }
    let _ = writeln!(md, "| apigen measured as | {} |", report.generator);
    let progenitor = match &report.progenitor {
        Tool::Ready(_) => format!("cargo-progenitor {PROGENITOR_VERSION} (release, `cargo install --locked`)"),
        Tool::Skipped(reason) => format!("not measured: {}", cell(reason)),
    };
    let _ = writeln!(md, "| progenitor | {progenitor} |\n");

    render_targets(&mut md, report);
    render_generation(&mut md, report, options);
    render_check(&mut md, report, options);
    render_sdk(&mut md, report);
    render_profile(&mut md, report);

    let notes = previous
        .split_once(NOTES_BEGIN)
        .and_then(|(_, rest)| rest.split_once(NOTES_END))
        .map(|(notes, _)| notes.trim().to_owned())
        .unwrap_or_else(|| {
            "(Analysis and suggestions go here; this section is kept when the file is regenerated.)".into()
        });
    let _ = writeln!(
        md,
        "## Analysis and suggestions\n\n{NOTES_BEGIN}\n{notes}\n{NOTES_END}\n"
    );
    md
}

fn render_targets(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## Targets\n\n| target | measured | verdict |\n|---|---|---|");
    let row_named = |name: &str| report.rows.iter().find(|row| row.spec == name);
    match row_named("prog-nexus.json") {
        Some(row) => match (&row.ours, &row.theirs) {
            (Ok(ours), Ok(theirs)) => {
                let r = ours.median_ms / theirs.median_ms;
                let _ = writeln!(
                    md,
                    "| generation ≤ 0.25× progenitor on prog-nexus.json | {} ms vs {} ms = {r:.2}× | {} |",
                    ms(ours.median_ms),
                    ms(theirs.median_ms),
                    verdict(r <= 0.25)
                );
            }
            (_, Err(reason)) => {
                let _ = writeln!(
                    md,
                    "| generation ≤ 0.25× progenitor on prog-nexus.json | progenitor: {} | not measured |",
                    cell(reason)
                );
            }
            (Err(reason), _) => {
                let _ = writeln!(
                    md,
                    "| generation ≤ 0.25× progenitor on prog-nexus.json | apigen failed: {} | **missed** |",
                    cell(reason)
                );
            }
        },
        None => {
            let _ = writeln!(
                md,
                "| generation ≤ 0.25× progenitor on prog-nexus.json | not in this run | — |"
            );
        }
    }
    match row_named("stripe-spec3-2022-04.json").map(|row| &row.ours) {
        Some(Ok(ours)) => {
            let _ = writeln!(
                md,
                "| stripe-spec3-2022-04.json (4.2 MB) generated in < 1 s | {} ms | {} |",
                ms(ours.median_ms),
                verdict(ours.median_ms < 1000.0)
            );
        }
        Some(Err(reason)) => {
            let _ = writeln!(
                md,
                "| stripe-spec3-2022-04.json generated in < 1 s | failed: {} | **missed** |",
                cell(reason)
            );
        }
        None => {
            let _ = writeln!(
                md,
                "| stripe-spec3-2022-04.json generated in < 1 s | not in this run | — |"
            );
        }
    }
    let pairs: Vec<(&str, Check, Check)> = report
        .rows
        .iter()
        .filter_map(|row| {
            let ours = row.ours.as_ref().ok()?.check.as_ref().ok()?;
            let theirs = row.theirs.as_ref().ok()?.check.as_ref().ok()?;
            Some((row.spec.as_str(), *ours, *theirs))
        })
        .collect();
    if pairs.is_empty() {
        let _ = writeln!(
            md,
            "| `cargo check` time and peak memory ≤ 1.0× progenitor | no spec with both crates compiling in this run | — |"
        );
    } else {
        let time_ratios: Vec<f64> = pairs.iter().map(|(_, o, t)| o.seconds / t.seconds).collect();
        let worst = pairs
            .iter()
            .zip(&time_ratios)
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(pair, r)| format!("worst {r:.2}× ({})", pair.0))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "| `cargo check` time ≤ 1.0× progenitor | geometric mean {:.2}× over {} specs; {worst} | {} |",
            geomean(&time_ratios),
            pairs.len(),
            verdict(time_ratios.iter().all(|r| *r <= 1.0))
        );
        let memory: Vec<(&str, f64)> = pairs
            .iter()
            .filter_map(|(spec, o, t)| Some((*spec, o.max_rss_kb? as f64 / t.max_rss_kb? as f64)))
            .collect();
        if memory.is_empty() {
            let _ = writeln!(
                md,
                "| `cargo check` peak memory ≤ 1.0× progenitor | not measurable here | — |"
            );
        } else {
            let ratios: Vec<f64> = memory.iter().map(|(_, r)| *r).collect();
            let (worst_spec, worst) = memory
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .copied()
                .unwrap_or(("", f64::NAN));
            let _ = writeln!(
                md,
                "| `cargo check` peak memory ≤ 1.0× progenitor | geometric mean {:.2}× over {} specs; worst {worst:.2}× ({worst_spec}) | {} |",
                geomean(&ratios),
                ratios.len(),
                verdict(ratios.iter().all(|r| *r <= 1.0))
            );
        }
    }
    match &report.sdk {
        Ok(sdk) => {
            for (name, _, ours, theirs) in sdk.scenarios.iter().filter(|s| s.0 != "list_1000_campaigns") {
                let r = ours.p50_us / theirs.p50_us;
                let _ = writeln!(
                    md,
                    "| `{name}` latency ≤ 1.1× hand-written | p50 {:.1} µs vs {:.1} µs = {r:.2}× (p99 {:.2}×) | {} |",
                    ours.p50_us,
                    theirs.p50_us,
                    ours.p99_us / theirs.p99_us,
                    verdict(r <= 1.1)
                );
            }
        }
        Err(reason) => {
            let _ = writeln!(
                md,
                "| SDK latency ≤ 1.1× hand-written | {} | not measured |",
                cell(reason)
            );
        }
    }
    md.push('\n');
}

fn geomean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    (values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp()
}

fn render_generation(md: &mut String, report: &Report, options: &Options) {
    let _ = writeln!(
        md,
        "## 1. Generation time\n\nWhole process (spawn, read, generate, write the crate). After one warm-up run \
         each, apigen, the parse floor and progenitor run in alternation, one of each per round, for at least {} \
         rounds (up to 4× as many while a spec's rounds fit in {} s); the table gives the median and the number of \
         runs. *Parse floor*: the same binary only reading the file and deserialising it into \
         `openapiv3::OpenAPI` (3.1 documents: `load` + `normalize` first, as `openapiv3` needs) — what any typed \
         generator pays before doing anything. Progenitor is run on every spec; where it fails, its error is shown. \
         Peak MB: maximum resident set size of the warm-up run; lines: of the generated `.rs` files.\n",
        options.runs,
        ROUND_BUDGET.as_secs()
    );
    let _ = writeln!(
        md,
        "| spec | size | OpenAPI | operations | runs | apigen (ms) | parse floor (ms) | apigen / floor | progenitor (ms) | apigen / progenitor | peak MB: apigen / progenitor | lines: apigen / progenitor |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in &report.rows {
        let (ours_ms, ours_lines, ours_mb) = match &row.ours {
            Ok(g) => (ms(g.median_ms), g.lines.to_string(), mb(g.max_rss_kb)),
            Err(err) => (format!("failed: {}", cell(err)), "—".into(), "—".into()),
        };
        let floor = match &row.floor_ms {
            Ok(value) => ms(*value),
            Err(err) => format!("failed: {}", cell(err)),
        };
        let over_floor = match (&row.ours, &row.floor_ms) {
            (Ok(g), Ok(f)) => ratio(g.median_ms, *f),
            _ => "—".into(),
        };
        let (theirs_ms, vs, theirs_lines, theirs_mb) = match (&row.ours, &row.theirs) {
            (Ok(o), Ok(t)) => (
                ms(t.median_ms),
                ratio(o.median_ms, t.median_ms),
                t.lines.to_string(),
                mb(t.max_rss_kb),
            ),
            (_, Ok(t)) => (ms(t.median_ms), "—".into(), t.lines.to_string(), mb(t.max_rss_kb)),
            (_, Err(err)) => (format!("fails: {}", cell(err)), "—".into(), "—".into(), "—".into()),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {ours_ms} | {floor} | {over_floor} | {theirs_ms} | {vs} | {ours_mb} / {theirs_mb} | {ours_lines} / {theirs_lines} |",
            row.spec,
            size(row.bytes),
            if row.version_31 { "3.1" } else { "3.0" },
            row.operations,
            row.ours.as_ref().map(|g| g.runs.to_string()).unwrap_or_else(|_| "—".into())
        );
    }
    md.push('\n');
}

fn render_check(md: &mut String, report: &Report, options: &Options) {
    let _ = writeln!(md, "## 2. `cargo check` of the generated crate\n");
    if !options.check {
        let _ = writeln!(md, "Not run (`--no-check`).\n");
        return;
    }
    let memory = report
        .memory_method
        .map(MemoryMethod::describe)
        .unwrap_or("not measurable here (neither `/usr/bin/time -v` nor python3 available)");
    let _ = writeln!(
        md,
        "Each generated crate sits in a scratch workspace (`target/bench/apigen`, sharing the repository's \
         `Cargo.lock`; `target/bench/progenitor`, resolved fresh). Dependencies are built once (in `target/bench/check-target`; \
         the shared target directory in smoke mode). \
         Then, per spec, apigen's and progenitor's crates are checked in alternation (order flipped every round), \
         at least {} rounds and up to 4× as many while a spec's rounds fit in {} s: each run touches the crate's \
         `src/lib.rs` and times `cargo check -p CRATE` with `CARGO_INCREMENTAL=0`, so each run checks the whole \
         crate. The table gives the median and the number of runs. Peak memory: {memory}, the highest over the \
         runs. Crates that check in well under a second are dominated by cargo's own start-up (~0.15 s) and swing \
         by tens of percent between runs.\n",
        options.check_runs,
        CHECK_BUDGET.as_secs()
    );
    let _ = writeln!(
        md,
        "| spec | runs | apigen check (s) | progenitor check (s) | time ratio | apigen peak (MB) | progenitor peak (MB) | memory ratio |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in &report.rows {
        let ours = row
            .ours
            .as_ref()
            .map_err(String::as_str)
            .and_then(|g| g.check.as_ref().map_err(String::as_str));
        let theirs = match &row.theirs {
            Ok(g) => g.check.as_ref().map_err(|err| err.as_str()),
            Err(_) => Err("did not generate"),
        };
        let show = |check: &Result<&Check, &str>| match check {
            Ok(c) => (format!("{:.2}", c.seconds), mb(c.max_rss_kb)),
            Err(err) => (cell(err), "—".into()),
        };
        let (ours_s, ours_mb) = show(&ours);
        let (theirs_s, theirs_mb) = show(&theirs);
        let (time_ratio, memory_ratio) = match (ours, theirs) {
            (Ok(o), Ok(t)) => (
                ratio(o.seconds, t.seconds),
                match (o.max_rss_kb, t.max_rss_kb) {
                    (Some(a), Some(b)) => ratio(a as f64, b as f64),
                    _ => "—".into(),
                },
            ),
            _ => ("—".into(), "—".into()),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {ours_s} | {theirs_s} | {time_ratio} | {ours_mb} | {theirs_mb} | {memory_ratio} |",
            row.spec,
            ours.map(|c| c.runs.to_string()).unwrap_or_else(|_| "—".into())
        );
    }
    md.push('\n');
}

fn render_sdk(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## 3. SDK overhead\n");
    let sdk = match &report.sdk {
        Ok(sdk) => sdk,
        Err(reason) => {
            let _ = writeln!(md, "Not measured: {}\n", cell(reason));
            return;
        }
    };
    let _ = writeln!(
        md,
        "`benches/benches/sdk.rs`: the generated client vs a hand-written `reqwest` + `serde_json` call making the \
         same request (same `reqwest` version, one current-thread tokio runtime for both, the same keep-alive \
         loopback server on its own thread answering with `tests/fixtures/payloads/campaign-seed.json`). \
         `list_1000_campaigns` fetches a {}-campaign JSON array ({}) through the runtime's response path \
         (`RawClient::execute` + `RawResponse::json`) vs `reqwest` + `serde_json::from_slice`.\n",
        sdk.list_len,
        size(sdk.list_bytes)
    );
    let _ = writeln!(
        md,
        "**Interleaved pass** (SDK and hand-written requests alternate, order flipped every pair, each request timed \
         alone):\n\n\
         | call | requests each | SDK p50 (µs) | hand p50 (µs) | p50 ratio | SDK p99 (µs) | hand p99 (µs) | p99 ratio | SDK req/s | hand req/s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, requests, ours, theirs) in &sdk.scenarios {
        let _ = writeln!(
            md,
            "| `{name}` | {requests} | {:.1} | {:.1} | {} | {:.1} | {:.1} | {} | {:.0} | {:.0} |",
            ours.p50_us,
            theirs.p50_us,
            ratio(ours.p50_us, theirs.p50_us),
            ours.p99_us,
            theirs.p99_us,
            ratio(ours.p99_us, theirs.p99_us),
            ours.rps,
            theirs.rps
        );
    }
    let _ = writeln!(
        md,
        "\n**Criterion** (median time per call; throughput for the 1,000-campaign list):\n\n\
         | benchmark | SDK | hand-written | ratio | SDK throughput | hand throughput |\n|---|---:|---:|---:|---:|---:|"
    );
    for (group, ours, theirs) in &sdk.criterion {
        let show = |ns: &Option<f64>| match ns {
            Some(ns) if *ns >= 1e6 => format!("{:.2} ms", ns / 1e6),
            Some(ns) => format!("{:.1} µs", ns / 1e3),
            None => "—".into(),
        };
        let bytes = (group == "list_1000_http").then_some(sdk.list_bytes);
        let throughput = |ns: &Option<f64>| match (ns, bytes) {
            (Some(ns), Some(bytes)) => format!("{:.0} MB/s", bytes as f64 / 1e6 / (ns / 1e9)),
            _ => "—".into(),
        };
        let r = match (ours, theirs) {
            (Some(o), Some(t)) => ratio(*o, *t),
            _ => "—".into(),
        };
        let _ = writeln!(
            md,
            "| `{group}` | {} | {} | {r} | {} | {} |",
            show(ours),
            show(theirs),
            throughput(ours),
            throughput(theirs)
        );
    }
    md.push('\n');
}

fn render_profile(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## 4. Phase profile\n");
    let profile = match &report.profile {
        Ok(profile) => profile,
        Err(reason) => {
            let _ = writeln!(md, "Not measured: {}\n", cell(reason));
            return;
        }
    };
    let pipeline: f64 = profile.phases.iter().take(PIPELINE_PHASES).map(|(_, t, _)| t).sum();
    let _ = writeln!(
        md,
        "In-process timings of each stage on the largest spec, `{}`: median of {} runs in one process of the \
         binary used in §1, and the first of those runs (a fresh heap, as in a one-shot `generate`). Shares are of \
         the sum of the {PIPELINE_PHASES} pipeline rows ({} ms). Rows marked · redo the emit work on one thread, \
         whole file at a time (`emit::types::emit`, `emit::client::emit`), to split it by file and step; they are \
         CPU work, while `emit::emit` is wall time and spreads its chunks over all cores, so they do not add up to \
         it (and are not part of the sum).\n",
        profile.spec,
        profile.runs,
        ms(pipeline)
    );
    let _ = writeln!(
        md,
        "| phase | median (ms) | first run (ms) | share |\n|---|---:|---:|---:|"
    );
    for (index, (name, time, first)) in profile.phases.iter().enumerate() {
        let share = if index < PIPELINE_PHASES && pipeline > 0.0 {
            format!("{:.0} %", time / pipeline * 100.0)
        } else {
            String::new()
        };
        let _ = writeln!(md, "| {name} | {} | {} | {share} |", ms(*time), ms(*first));
    }
    let mut ranked: Vec<(&str, f64)> = profile
        .phases
        .iter()
        .enumerate()
        .filter(|(index, _)| *index < PIPELINE_PHASES || (8..15).contains(index))
        .filter(|(index, _)| *index != 5)
        .map(|(_, (name, time, _))| (name.as_str(), *time))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<String> = ranked
        .iter()
        .take(4)
        .map(|(name, time)| format!("{name} ({} ms)", ms(*time)))
        .collect();
    let _ = writeln!(
        md,
        "\nTop costs in this run (`emit::emit` counted by its parts): {}.\n",
        top.join("; ")
    );
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|err| format!("cannot create {}: {err}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|err| format!("cannot write {}: {err}", path.display()))
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

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn utc_dates_are_well_formed() {
        let now = utc_now();
        assert_eq!(now.len(), "2026-01-01 00:00 UTC".len(), "{now}");
        assert!(now.starts_with("20"), "{now}");
    }
}
