//! The SDK benchmarks (`benches/benches/sdk.rs`): runs them and reads their results,
//! the interleaved latency pass and criterion's estimates.

use super::process::{cargo_command, tail};
use crate::XtaskError;
use std::fs;
use std::path::Path;

/// Results of the SDK benchmarks.
pub struct Sdk {
    /// Interleaved latency pass: (name, requests, SDK stats, hand-written stats).
    pub scenarios: Vec<(String, u64, Latency, Latency)>,
    /// Campaigns in the large list.
    pub list_len: u64,
    /// Bytes of the large list.
    pub list_bytes: u64,
    /// Criterion medians in nanoseconds: (group, SDK, hand-written).
    pub criterion: Vec<(String, Option<f64>, Option<f64>)>,
}

/// Latency statistics of one side of an interleaved scenario.
#[derive(Clone, Copy)]
pub struct Latency {
    /// Median, µs.
    pub p50_us: f64,
    /// 99th percentile, µs.
    pub p99_us: f64,
    /// Requests per second.
    pub rps: f64,
}

/// Runs `cargo bench -p benches --bench sdk` and reads both of its outputs: the
/// interleaved pass's JSON and criterion's `estimates.json` files.
pub fn run_sdk_bench(root: &Path, target: &Path) -> Result<Sdk, XtaskError> {
    let bench_dir = target.join("bench");
    let out = bench_dir.join("sdk-latency.json");
    let criterion_home = bench_dir.join("criterion");
    let _ = fs::remove_file(&out);
    let output = cargo_command(root, target)
        .args(["bench", "--quiet", "-p", "benches", "--bench", "sdk"])
        .env("APIGEN_BENCH_OUT", &out)
        .env("CRITERION_HOME", &criterion_home)
        .output()
        .map_err(XtaskError::spawn("cargo bench"))?;
    let log = bench_dir.join("criterion.log");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let _ = fs::write(&log, text);
    if !output.status.success() {
        return Err(XtaskError::Command {
            command: "`cargo bench -p benches`".into(),
            detail: tail(&output, 5),
        });
    }
    let json: serde_json::Value = fs::read_to_string(&out)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or_else(|| XtaskError::Command {
            command: "the SDK bench".into(),
            detail: format!("it wrote no results to {}", out.display()),
        })?;
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
