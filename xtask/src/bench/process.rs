//! Running and timing processes: jobs timed in rotating rounds, the peak memory of a
//! process tree, and `cargo` invocations with the bench's environment.

use crate::XtaskError;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The target directory cargo uses for this repository.
pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `name` with the platform's executable suffix.
pub fn exe_name(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The `cargo` that runs this xtask (or `cargo` from `PATH`).
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// A `cargo` command in `dir` building into `target`, non-incremental and uncoloured,
/// so timings do not depend on earlier runs' incremental state.
pub fn cargo_command(dir: &Path, target: &Path) -> Command {
    let mut command = Command::new(cargo_program());
    configure_cargo(&mut command, dir, target);
    command
}

/// Sets the working directory and environment every bench `cargo` run uses.
pub fn configure_cargo(command: &mut Command, dir: &Path, target: &Path) {
    command
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_TERM_COLOR", "never");
}

/// Runs `cargo args` and keeps the tail of its output as the error.
pub fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), XtaskError> {
    let output = cargo_command(dir, target)
        .args(args)
        .output()
        .map_err(XtaskError::spawn("cargo"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(XtaskError::Command {
            command: format!("`cargo {}`", args.join(" ")),
            detail: tail(&output, 15),
        })
    }
}

/// The line the peak-memory wrapper prints on stderr (the same wording as GNU
/// `time -v`, so either can be read).
const MAX_RSS_LINE: &str = "Maximum resident set size (kbytes):";

/// The last `lines` lines of a failed process's stderr (or stdout); a line saying what
/// failed (progenitor prints `gen fail: ...` on stdout) comes first when there is one.
pub fn tail(output: &Output, lines: usize) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(line) = stdout.lines().find(|line| line.starts_with("gen fail")) {
        return line.to_owned();
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Drop what the memory wrapper appended.
    let end = stderr.find(&format!("\n{MAX_RSS_LINE}")).unwrap_or(stderr.len());
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

/// Measures the peak memory of a process tree: the command runs under this xtask's
/// `bench --internal-max-rss`, which waits for it and reports
/// `getrusage(RUSAGE_CHILDREN).ru_maxrss`, the largest resident set of the process and
/// every descendant it waited for (for `cargo check`, the largest of cargo and rustc).
#[derive(Debug, Clone)]
pub struct MaxRss {
    wrapper: PathBuf,
}

impl MaxRss {
    /// How the report describes the measure.
    pub const DESCRIPTION: &'static str = "`getrusage(RUSAGE_CHILDREN).ru_maxrss` of a wrapper process \
        (`cargo xtask bench --internal-max-rss`) around the measured command: the largest resident set of the \
        command and of every process it waited for (for `cargo check`, the largest of cargo and the rustc it runs)";

    /// The wrapper, where the platform can measure (Unix).
    pub fn available() -> Option<Self> {
        if !cfg!(unix) {
            return None;
        }
        std::env::current_exe().ok().map(|wrapper| Self { wrapper })
    }

    /// `program` wrapped so that its peak memory ends up on stderr (see [`max_rss_kb`]).
    pub fn command(&self, program: &std::ffi::OsStr) -> Command {
        let mut command = Command::new(&self.wrapper);
        command.args(["bench", "--internal-max-rss"]).arg(program);
        command
    }
}

/// `program` run directly, or under `memory` when given.
pub fn measured_command(memory: Option<&MaxRss>, program: &std::ffi::OsStr) -> Command {
    match memory {
        Some(memory) => memory.command(program),
        None => Command::new(program),
    }
}

/// `--internal-max-rss PROGRAM ARGS…`: runs the program with this process's standard
/// streams, then prints its tree's peak memory on stderr; fails when the program does.
pub fn internal_max_rss(args: &[String]) -> Result<(), XtaskError> {
    let Some((program, rest)) = args.split_first() else {
        return Err(XtaskError::Usage(
            "usage: xtask bench --internal-max-rss PROGRAM [ARGS…]".into(),
        ));
    };
    let status = Command::new(program)
        .args(rest)
        .status()
        .map_err(XtaskError::spawn(program))?;
    if let Some(kb) = children_max_rss_kb() {
        eprintln!("\n{MAX_RSS_LINE} {kb}");
    }
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::Command {
            command: program.clone(),
            detail: format!("exited with {status}"),
        })
    }
}

/// `ru_maxrss` of the waited-for children, in KB.
#[cfg(unix)]
fn children_max_rss_kb() -> Option<u64> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok()?;
    let max_rss = u64::try_from(usage.max_rss()).ok()?;
    // Linux reports kilobytes, macOS bytes.
    Some(if cfg!(target_os = "macos") {
        max_rss / 1024
    } else {
        max_rss
    })
}

#[cfg(not(unix))]
fn children_max_rss_kb() -> Option<u64> {
    None
}

/// The peak memory a [`measured_command`] reported.
pub fn max_rss_kb(output: &Output) -> Option<u64> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .find_map(|line| line.trim().strip_prefix(MAX_RSS_LINE))
        .and_then(|value| value.trim().parse::<u64>().ok())
}

/// A process to time: `program args`, its warm-up run wrapped to measure memory.
pub struct Job {
    /// The executable.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Whether (and how) to measure the warm-up run's peak memory.
    pub memory: Option<MaxRss>,
}

/// What timing a [`Job`] found: median wall time, how many runs it is the median of,
/// peak memory of the warm-up run (when measurable), and the warm-up's output.
pub struct Timed {
    /// Median wall time of the timed runs.
    pub median_ms: f64,
    /// Number of timed runs.
    pub runs: usize,
    /// Peak memory of the warm-up run.
    pub max_rss_kb: Option<u64>,
    /// The warm-up run's output.
    pub output: Output,
}

/// Time spent per spec after which no more rounds start (once `min_runs` are done).
pub const ROUND_BUDGET: Duration = Duration::from_secs(3);

/// The order of `count` jobs in round `round`: rotated by one each round, so each job
/// goes first equally often and none always runs right after the same neighbour
/// (caches, CPU frequency and other load drift hit every job alike).
pub fn round_order(round: usize, count: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..count).collect();
    if count > 0 {
        order.rotate_left(round % count);
    }
    order
}

/// Runs every job once to warm up (and to see that it works), then in rounds, one run
/// of each working job per round in [`round_order`]: at least `min_runs` rounds, and
/// more (up to `max_runs`) while they fit in [`ROUND_BUDGET`]. Returns one result per
/// job, in order.
pub fn time_jobs(jobs: &[Job], min_runs: usize, max_runs: usize) -> Vec<Result<Timed, String>> {
    let run_once = |job: &Job, memory: Option<&MaxRss>| {
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
        .map(|job| run_once(job, job.memory.as_ref()).map(|(_, output)| (Vec::new(), output)))
        .collect();
    let started = Instant::now();
    let mut round = 0;
    while round < min_runs || (round < max_runs && started.elapsed() < ROUND_BUDGET) {
        for index in round_order(round, jobs.len()) {
            if let Ok((samples, _)) = &mut results[index] {
                match run_once(&jobs[index], None) {
                    Ok((ms, _)) => samples.push(ms),
                    Err(err) => results[index] = Err(err),
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

/// The median (NaN for no samples); sorts `samples`.
pub fn median(samples: &mut [f64]) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn every_job_leads_a_round_in_turn() {
        assert_eq!(round_order(0, 3), vec![0, 1, 2]);
        assert_eq!(round_order(1, 3), vec![1, 2, 0]);
        assert_eq!(round_order(2, 3), vec![2, 0, 1]);
        assert_eq!(round_order(3, 3), vec![0, 1, 2]);
        assert_eq!(round_order(5, 0), Vec::<usize>::new());
    }

    #[test]
    fn the_wrappers_memory_line_is_read_and_left_out_of_errors() {
        let stderr = b"boom\n\nMaximum resident set size (kbytes): 1234\nerror: x exited\n".to_vec();
        let output = Output {
            status: std::process::ExitStatus::default(),
            stdout: Vec::new(),
            stderr,
        };
        assert_eq!(max_rss_kb(&output), Some(1234));
        assert_eq!(tail(&output, 3), "boom");
    }
}
