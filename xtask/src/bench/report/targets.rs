//! The "Targets" table: each target with what this run measured and a verdict. Where
//! progenitor is the baseline, the builder interface (the style apigen emits) decides
//! the verdict when it was measured, and the positional one is shown beside it.

use super::super::measure::{Check, Generated, Report, SpecRow};
use super::super::tools::Interface;
use super::{cell, geomean, ms, verdict};
use std::fmt::Write as _;

/// The SDK latency target: at most this much slower than hand-written code.
const LATENCY_TARGET: f64 = 1.1;

/// Writes the table.
pub fn render(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## Targets\n\n| target | measured | verdict |\n|---|---|---|");
    generation(md, report);
    stripe(md, report);
    check(md, report, "time", |check| Some(check.seconds));
    check(md, report, "peak memory", |check| check.max_rss_kb.map(|kb| kb as f64));
    latency(md, report);
    md.push('\n');
}

/// The progenitor crate a verdict compares with: the builder style when it generated,
/// else the positional one.
fn baseline(row: &SpecRow) -> Option<(Interface, &Generated)> {
    [Interface::Builder, Interface::Positional]
        .into_iter()
        .find_map(|interface| Some((interface, row.progenitor(interface).as_ref().ok()?)))
}

fn generation(md: &mut String, report: &Report) {
    const TARGET: &str = "generation ≤ 0.25× progenitor on prog-nexus.json";
    let Some(row) = report.rows.iter().find(|row| row.spec == "prog-nexus.json") else {
        let _ = writeln!(md, "| {TARGET} | not in this run | — |");
        return;
    };
    let ours = match &row.ours {
        Ok(ours) => ours,
        Err(reason) => {
            let _ = writeln!(md, "| {TARGET} | apigen failed: {} | **missed** |", cell(reason));
            return;
        }
    };
    let Some((judged_by, _)) = baseline(row) else {
        let reason = row
            .progenitor(Interface::Positional)
            .as_ref()
            .err()
            .map_or("—", String::as_str);
        let _ = writeln!(md, "| {TARGET} | progenitor: {} | not measured |", cell(reason));
        return;
    };
    let mut parts = Vec::new();
    let mut judged = f64::NAN;
    for interface in [Interface::Builder, Interface::Positional] {
        if let Ok(theirs) = row.progenitor(interface) {
            let r = ours.median_ms / theirs.median_ms;
            if interface == judged_by {
                judged = r;
            }
            parts.push(format!(
                "{} ms vs {} ms ({}) = {r:.2}×",
                ms(ours.median_ms),
                ms(theirs.median_ms),
                interface.flag()
            ));
        }
    }
    let _ = writeln!(md, "| {TARGET} | {} | {} |", parts.join("; "), verdict(judged <= 0.25));
}

fn stripe(md: &mut String, report: &Report) {
    const TARGET: &str = "stripe-spec3-2022-04.json (4.2 MB) generated in < 1 s";
    match report
        .rows
        .iter()
        .find(|row| row.spec == "stripe-spec3-2022-04.json")
        .map(|row| &row.ours)
    {
        Some(Ok(ours)) => {
            let _ = writeln!(
                md,
                "| {TARGET} | {} ms | {} |",
                ms(ours.median_ms),
                verdict(ours.median_ms < 1000.0)
            );
        }
        Some(Err(reason)) => {
            let _ = writeln!(md, "| {TARGET} | failed: {} | **missed** |", cell(reason));
        }
        None => {
            let _ = writeln!(md, "| {TARGET} | not in this run | — |");
        }
    }
}

/// Ratios of one `cargo check` measure, ours over progenitor's in one style, for every
/// spec where both crates checked: (spec, ratio).
fn check_ratios(report: &Report, interface: Interface, measure: fn(&Check) -> Option<f64>) -> Vec<(&str, f64)> {
    report
        .rows
        .iter()
        .filter_map(|row| {
            let ours = measure(row.ours.as_ref().ok()?.check.as_ref().ok()?)?;
            let theirs = measure(row.progenitor(interface).as_ref().ok()?.check.as_ref().ok()?)?;
            Some((row.spec.as_str(), ours / theirs))
        })
        .collect()
}

fn check(md: &mut String, report: &Report, what: &str, measure: fn(&Check) -> Option<f64>) {
    let target = format!("`cargo check` {what} ≤ 1.0× progenitor");
    let mut parts = Vec::new();
    let mut judged: Option<bool> = None;
    for interface in [Interface::Builder, Interface::Positional] {
        let ratios = check_ratios(report, interface, measure);
        let Some((worst_spec, worst)) = ratios.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            continue;
        };
        let values: Vec<f64> = ratios.iter().map(|(_, r)| *r).collect();
        parts.push(format!(
            "vs {}: geometric mean {:.2}× over {} specs; worst {worst:.2}× ({worst_spec})",
            interface.flag(),
            geomean(&values),
            values.len()
        ));
        judged.get_or_insert(values.iter().all(|r| *r <= 1.0));
    }
    match judged {
        Some(met) => {
            let _ = writeln!(md, "| {target} | {} | {} |", parts.join("; "), verdict(met));
        }
        None => {
            let _ = writeln!(
                md,
                "| {target} | no spec with both crates checked (and measured) in this run | — |"
            );
        }
    }
}

/// Both latency measures per call; the verdict follows the interleaved pass, for the
/// reason §3 gives, and says so when criterion disagrees.
fn latency(md: &mut String, report: &Report) {
    let sdk = match &report.sdk {
        Ok(sdk) => sdk,
        Err(reason) => {
            let _ = writeln!(
                md,
                "| SDK latency ≤ 1.1× hand-written | {} | not measured |",
                cell(reason)
            );
            return;
        }
    };
    for (name, _, ours, theirs) in sdk.scenarios.iter().filter(|s| s.0 != "list_1000_campaigns") {
        let interleaved = ours.p50_us / theirs.p50_us;
        let criterion = sdk
            .criterion
            .iter()
            .find(|(group, _, _)| group == name)
            .and_then(|(_, ours, theirs)| Some(ours.as_ref()? / theirs.as_ref()?));
        let criterion_text = match criterion {
            Some(r) => format!("criterion median {r:.2}×"),
            None => "criterion: not measured".to_owned(),
        };
        let met = interleaved <= LATENCY_TARGET;
        let disagrees = criterion.is_some_and(|r| (r <= LATENCY_TARGET) != met);
        let verdict_text = if disagrees {
            format!("{} by the interleaved pass; criterion disagrees (see §3)", verdict(met))
        } else {
            verdict(met).to_owned()
        };
        let _ = writeln!(
            md,
            "| `{name}` latency ≤ 1.1× hand-written | interleaved p50 {:.1} µs vs {:.1} µs = {interleaved:.2}× (p99 {:.2}×); {criterion_text} | {verdict_text} |",
            ours.p50_us,
            theirs.p50_us,
            ours.p99_us / theirs.p99_us,
        );
    }
}
