//! Timed `cargo check` of generated crates: a scratch workspace per tool with its
//! dependencies prebuilt, then whole-crate checks in rotating rounds.

use super::measure::{Check, Generated};
use super::process::{
    cargo, cargo_program, configure_cargo, max_rss_kb, measured_command, median, round_order, MaxRss,
};
use super::{progress, write};
use crate::XtaskError;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

/// Time after which no more check rounds start for a spec (once `min_runs` are done).
pub const CHECK_BUDGET: Duration = Duration::from_secs(6);

/// Writes a workspace holding `crates` and builds their dependencies once.
pub fn prepare_workspace(
    root: &Path,
    target: &Path,
    workspace: &Path,
    crates: &[String],
    share_lockfile: bool,
) -> Result<(), XtaskError> {
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

/// Times `cargo check` of each crate (apigen's and progenitor's for one spec) in
/// [`round_order`]: at least `min_runs` rounds, more (up to `max_runs`) while they fit
/// in [`CHECK_BUDGET`]. A crate that fails stops there.
pub fn time_checks(
    target: &Path,
    mut crates: Vec<&mut Generated>,
    min_runs: usize,
    max_runs: usize,
    memory: Option<&MaxRss>,
) {
    type Samples = Result<(Vec<f64>, Option<u64>), String>;
    let mut samples: Vec<Samples> = crates.iter().map(|_| Ok((Vec::new(), None))).collect();
    let started = Instant::now();
    let mut round = 0;
    while round < min_runs || (round < max_runs && started.elapsed() < CHECK_BUDGET) {
        for index in round_order(round, crates.len()) {
            if let Ok((seconds, peak)) = &mut samples[index] {
                match check_once(target, crates[index], &[], memory) {
                    Ok(check) => {
                        seconds.push(check.seconds);
                        *peak = (*peak).max(check.max_rss_kb);
                    }
                    Err(err) => samples[index] = Err(err.to_string()),
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

/// Sets the modification time of `path` to now, so cargo rebuilds what it belongs to.
pub fn touch(path: &Path) -> Result<(), XtaskError> {
    fs::File::options()
        .append(true)
        .open(path)
        .and_then(|file| file.set_modified(SystemTime::now()))
        .map_err(XtaskError::io("touch", path))
}

/// ` ARGS…`, or nothing.
fn extra_text(extra: &[&str]) -> String {
    extra.iter().map(|arg| format!(" {arg}")).collect()
}

/// One timed whole-crate `cargo check` (with `extra` arguments, e.g. features):
/// `src/lib.rs` is touched first so cargo rechecks the crate (and only it).
pub fn check_once(
    target: &Path,
    generated: &Generated,
    extra: &[&str],
    memory: Option<&MaxRss>,
) -> Result<Check, XtaskError> {
    let workspace = generated.dir.parent().unwrap_or(&generated.dir);
    let lib = generated.dir.join("src/lib.rs");
    touch(&lib)?;
    let mut command = measured_command(memory, &cargo_program());
    command.args([
        "check",
        "--quiet",
        "--message-format",
        "short",
        "-p",
        generated.crate_name.as_str(),
    ]);
    command.args(extra);
    configure_cargo(&mut command, workspace, target);
    let started = Instant::now();
    let output = command.output().map_err(XtaskError::spawn("cargo check"))?;
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let errors = stderr.lines().filter(|line| line.contains("error")).count();
        return Err(XtaskError::Command {
            command: format!("`cargo check -p {}{}`", generated.crate_name, extra_text(extra)),
            detail: format!("does not compile ({errors} error lines)"),
        });
    }
    Ok(Check {
        seconds,
        runs: 1,
        max_rss_kb: max_rss_kb(&output),
    })
}
