//! The "Targets" table: each target with what this run measured and a verdict. Where
//! progenitor is the baseline, the builder interface (the style apigen emits) decides
//! the verdict when it was measured, and the positional one is shown beside it.

use super::super::measure::{Check, Generated, Report, SpecRow};
use super::super::tools::Interface;
use super::extras::{group_and_full, GROUP_TARGET};
use super::{cell, geomean, mb, ms, verdict};
use std::fmt::Write as _;

/// The SDK latency target: at most this much slower than hand-written code.
const LATENCY_TARGET: f64 = 1.1;

/// `cargo check` time: geometric mean of ours / progenitor's at most this…
const CHECK_TIME_TARGET: f64 = 0.8;
/// …and no spec above this.
const CHECK_TIME_WORST: f64 = 1.0;
/// `cargo check` peak memory: geometric mean of ours / progenitor's at most this.
const CHECK_MEMORY_TARGET: f64 = 0.9;
/// The largest spec.
const STRIPE: &str = "stripe-spec3-2022-04.json";
/// Its full crate's check: at most this many seconds…
const STRIPE_CHECK_SECONDS: f64 = 35.0;
/// …and this peak memory (2.5 GiB, in KB).
const STRIPE_CHECK_KB: u64 = 5 * 1024 * 1024 / 2;
/// The spec of the feature-group target.
const GROUP_SPEC: &str = "prog-nexus.json";

/// Writes the table.
pub fn render(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## Targets\n\n| target | measured | verdict |\n|---|---|---|");
    generation(md, report);
    stripe(md, report);
    check(
        md,
        report,
        CheckTarget {
            what: "time",
            mean: CHECK_TIME_TARGET,
            worst: Some(CHECK_TIME_WORST),
        },
        |check| Some(check.seconds),
    );
    check(
        md,
        report,
        CheckTarget {
            what: "peak memory",
            mean: CHECK_MEMORY_TARGET,
            worst: None,
        },
        |check| check.max_rss_kb.map(|kb| kb as f64),
    );
    stripe_check(md, report);
    group(md, report);
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
        let _ = writeln!(md, "| {TARGET} | prog-nexus.json not in this run | not measured |");
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
            let _ = writeln!(md, "| {TARGET} | {STRIPE} not in this run | not measured |");
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

/// A `cargo check` target against progenitor: the geometric mean of the ratios at
/// most `mean`, and (when given) no single spec above `worst`.
struct CheckTarget {
    what: &'static str,
    mean: f64,
    worst: Option<f64>,
}

impl CheckTarget {
    fn text(&self) -> String {
        let worst = self
            .worst
            .map(|worst| format!(", no spec above {worst:.1}×"))
            .unwrap_or_default();
        format!(
            "`cargo check` {} ≤ {:.1}× progenitor (geometric mean over the specs both generate){worst}",
            self.what, self.mean
        )
    }

    /// Whether `ratios` meet the target.
    fn met(&self, ratios: &[f64]) -> bool {
        geomean(ratios) <= self.mean && self.worst.is_none_or(|worst| ratios.iter().all(|r| *r <= worst))
    }
}

fn check(md: &mut String, report: &Report, target: CheckTarget, measure: fn(&Check) -> Option<f64>) {
    let text = target.text();
    let mut parts = Vec::new();
    let mut judged: Option<bool> = None;
    for interface in [Interface::Builder, Interface::Positional] {
        let ratios = check_ratios(report, interface, measure);
        let Some((worst_spec, worst)) = ratios.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            continue;
        };
        let values: Vec<f64> = ratios.iter().map(|(_, r)| *r).collect();
        let judging = if judged.is_none() { " (judged)" } else { "" };
        parts.push(format!(
            "vs {}{judging}: geometric mean {:.2}× over {} specs; worst {worst:.2}× ({worst_spec})",
            interface.flag(),
            geomean(&values),
            values.len()
        ));
        judged.get_or_insert(target.met(&values));
    }
    match judged {
        Some(met) => {
            let _ = writeln!(md, "| {text} | {} | {} |", parts.join("; "), verdict(met));
        }
        None => {
            let _ = writeln!(
                md,
                "| {text} | no spec with both crates checked (and measured) in this run | not measured |"
            );
        }
    }
}

/// Whether stripe's full crate checks within [`STRIPE_CHECK_SECONDS`] and
/// [`STRIPE_CHECK_KB`]; `None` when the peak could not be measured.
fn stripe_met(check: &Check) -> Option<bool> {
    let kb = check.max_rss_kb?;
    Some(check.seconds <= STRIPE_CHECK_SECONDS && kb <= STRIPE_CHECK_KB)
}

fn stripe_check(md: &mut String, report: &Report) {
    let text = format!("{STRIPE} full crate `cargo check` ≤ {STRIPE_CHECK_SECONDS:.0} s and ≤ 2.5 GB (2560 MB) peak");
    let check = match report.rows.iter().find(|row| row.spec == STRIPE) {
        None => Err(format!("{STRIPE} not in this run")),
        Some(row) => match &row.ours {
            Err(err) => Err(format!("apigen failed: {}", cell(err))),
            Ok(ours) => ours.check.as_ref().map_err(|err| format!("not checked: {}", cell(err))),
        },
    };
    match check {
        Ok(check) => {
            let verdict_text = match stripe_met(check) {
                Some(met) => verdict(met).to_owned(),
                None => "not measured (peak memory not measurable here)".to_owned(),
            };
            let _ = writeln!(
                md,
                "| {text} | {:.1} s, {} MB | {verdict_text} |",
                check.seconds,
                mb(check.max_rss_kb)
            );
        }
        Err(reason) => {
            let _ = writeln!(md, "| {text} | {reason} | not measured |");
        }
    }
}

/// Whether one group's check took at most [`GROUP_TARGET`] of the full crate's.
fn group_met(group_seconds: f64, full_seconds: f64) -> bool {
    full_seconds > 0.0 && group_seconds / full_seconds <= GROUP_TARGET
}

fn group(md: &mut String, report: &Report) {
    let text = format!(
        "one feature group's `cargo check` ≤ {:.0} % of the full crate's ({GROUP_SPEC}, `instances`)",
        GROUP_TARGET * 100.0
    );
    match group_and_full(report, GROUP_SPEC) {
        Ok((name, group, full)) => {
            let _ = writeln!(
                md,
                "| {text} | `{name}`: {:.2} s vs {:.2} s = {:.0} % | {} |",
                group.seconds,
                full.seconds,
                100.0 * group.seconds / full.seconds,
                verdict(group_met(group.seconds, full.seconds))
            );
        }
        Err(reason) => {
            let _ = writeln!(md, "| {text} | {reason} | not measured |");
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
                "| SDK per-call latency ≤ 1.1× hand-written `reqwest` | {} | not measured |",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(seconds: f64, kb: Option<u64>) -> Check {
        Check {
            seconds,
            runs: 1,
            max_rss_kb: kb,
        }
    }

    #[test]
    fn check_time_needs_the_mean_and_every_spec() {
        let target = CheckTarget {
            what: "time",
            mean: CHECK_TIME_TARGET,
            worst: Some(CHECK_TIME_WORST),
        };
        assert!(target.met(&[0.7, 0.8, 0.9]));
        // Mean met, one spec above 1.0×.
        assert!(!target.met(&[0.5, 0.5, 1.05]));
        // Every spec below 1.0×, mean above 0.8×.
        assert!(!target.met(&[0.9, 0.95]));
        let memory = CheckTarget {
            what: "peak memory",
            mean: CHECK_MEMORY_TARGET,
            worst: None,
        };
        assert!(memory.met(&[0.7, 1.1]));
        assert!(!memory.met(&[0.95]));
        assert!(target.text().contains("no spec above 1.0×") && !memory.text().contains("no spec"));
    }

    #[test]
    fn stripe_needs_time_and_memory() {
        assert_eq!(stripe_met(&check(30.0, Some(2_000_000))), Some(true));
        assert_eq!(stripe_met(&check(36.0, Some(2_000_000))), Some(false));
        assert_eq!(stripe_met(&check(30.0, Some(STRIPE_CHECK_KB + 1))), Some(false));
        assert_eq!(stripe_met(&check(30.0, None)), None);
    }

    #[test]
    fn a_group_within_a_quarter_of_the_full_crate() {
        assert!(group_met(1.8, 7.4));
        assert!(!group_met(2.0, 7.4));
        assert!(!group_met(1.0, 0.0));
    }
}
