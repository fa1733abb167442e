//! What the report says about where and when it was measured: CPU, cores, load,
//! date, compiler, and the commit.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, SystemTime};

/// The machine and source state of one run.
pub struct Machine {
    /// The 1-minute load average when the run started.
    pub load_before: String,
    /// Logical cores available.
    pub cores: usize,
    /// CPU model name.
    pub cpu: String,
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// `rustc --version`.
    pub rustc: String,
    /// [`commit`] when the run started.
    pub commit: String,
}

/// Reads the machine description for a run in the repository at `root`.
pub fn machine(root: &Path) -> Machine {
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
pub fn commit(root: &Path) -> String {
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
pub fn load_average() -> String {
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
        .as_secs();
    format_utc(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
fn format_utc(seconds: i64) -> String {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil-from-days (Howard Hinnant's algorithm), to avoid a date crate for one line.
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

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn formats_unix_seconds_as_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(format_utc(1_795_687_500), "2026-11-26 10:05 UTC");
    }
}
