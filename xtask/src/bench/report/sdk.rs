//! §3 of the report: SDK overhead against hand-written `reqwest`, both latency
//! measures, and why the interleaved one decides the targets.

use super::super::measure::Report;
use super::{cell, ratio, size};
use std::fmt::Write as _;

/// Writes §3.
pub fn render(md: &mut String, report: &Report) {
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
        "\n**Criterion** (median time per call; throughput for the 1,000-campaign list; all SDK iterations run, \
         then all hand-written ones):\n\n\
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
    let _ = writeln!(
        md,
        "\n**Which latency counts.** The targets are judged by the interleaved pass: its SDK and hand-written \
         requests alternate, so whatever else the machine is doing at a given moment slows both alike. Criterion \
         times all SDK iterations and then, seconds later, all hand-written ones, so on a shared machine a change \
         in load between the two batches shows up as a difference between SDK and hand-written code. Both are in \
         the Targets table; where they disagree, rerun on a quiet machine before trusting either.\n"
    );
}
