//! §5–§7 of the report and the chart: generated lines per operation and per type,
//! the feature-group check, the release build of a one-call binary, and the SVG of
//! `cargo check` time and memory against spec size.

use super::super::chart::{self, Panel, Series};
use super::super::cli::Options;
use super::super::features::{GroupCheck, GROUP_SPECS, NOT_GROUPS};
use super::super::measure::{Check, Report};
use super::super::release::{Flavour, Release, OPERATION, RELEASE_SPEC};
use super::super::tools::Interface;
use super::{cell, mb};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The feature-group target: one group's check at most this share of the full crate's.
pub const GROUP_TARGET: f64 = 0.25;

/// Writes §5: lines of apigen's generated files per operation and per type.
pub fn render_volume(md: &mut String, report: &Report) {
    let _ = writeln!(
        md,
        "## 5. Generated lines per operation and per type\n\n\
         Lines of apigen's generated files for each spec (`src/generated/`): *per operation* is \
         `operations.rs` + `builders.rs` (the client methods and request builders) over the operations generated; \
         *mock* is `mock.rs` over the same count (behind the crate's `mock` feature, so not in a default build or \
         check); *per type* is `types.rs` over the named types generated (the counts are the generator's summary \
         line). *Other* is everything else (`mod.rs`, `webhooks.rs`).\n"
    );
    let _ = writeln!(
        md,
        "| spec | operations | types | operations.rs + builders.rs | per operation | mock.rs | mock per operation | types.rs | per type | other |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in &report.rows {
        let Some(v) = &row.volume else {
            let _ = writeln!(md, "| {} | did not generate | | | | | | | | |", row.spec);
            continue;
        };
        let count = |n: Option<usize>| n.map_or_else(|| "?".to_owned(), |n| n.to_string());
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.spec,
            count(v.operations),
            count(v.types),
            v.operation_lines,
            per(v.per_operation()),
            v.mock_lines,
            per(v.mock_per_operation()),
            v.type_lines,
            per(v.per_type()),
            v.other_lines
        );
    }
    md.push('\n');
}

/// Lines per item with one decimal, or `—`.
fn per(value: Option<f64>) -> String {
    value.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// The feature-group check of `spec`, with the full crate's check, when both exist:
/// (group, group check, full check).
pub fn group_and_full<'a>(report: &'a Report, spec: &str) -> Result<(&'a str, &'a Check, &'a Check), String> {
    let Some(row) = report.rows.iter().find(|row| row.spec == spec) else {
        return Err(format!("{spec} not in this run"));
    };
    let ours = row
        .ours
        .as_ref()
        .map_err(|err| format!("apigen failed: {}", cell(err)))?;
    let full = ours
        .check
        .as_ref()
        .map_err(|err| format!("full crate not checked: {}", cell(err)))?;
    match &row.group {
        None => Err("feature groups not checked in this run".into()),
        Some(GroupCheck::NoGroups) => Err("no feature groups in the generated crate".into()),
        Some(GroupCheck::Failed(reason)) => Err(format!("failed: {}", cell(reason))),
        Some(GroupCheck::Checked { group, check, .. }) => match check {
            Ok(check) => Ok((group.as_str(), check, full)),
            Err(err) => Err(format!("`{group}` failed: {}", cell(err))),
        },
    }
}

/// Writes §6: one feature group's check next to the full crate's.
pub fn render_groups(md: &mut String, report: &Report, options: &Options) {
    let _ = writeln!(md, "## 6. `cargo check` of one feature group\n");
    if !options.check {
        let _ = writeln!(md, "Not run (`--no-check`).\n");
        return;
    }
    let rules: Vec<String> = GROUP_SPECS
        .iter()
        .map(|(spec, rule)| format!("{spec}: {}", rule.describe()))
        .collect();
    let _ = writeln!(
        md,
        "A generated crate with feature groups has one cargo feature per API tag (`default = [\"full\"]`, `full` \
         listing the groups; {} are not groups). For the specs below, apigen's crate is checked with \
         `cargo check --no-default-features --features GROUP -p CRATE` in the workspace and target directory of §2, \
         the same way (crate touched, non-incremental): one untimed run, then at least {} timed runs; the full \
         crate's time is §2's median. The group is chosen by a rule per spec ({}){}. A crate whose `Cargo.toml` \
         declares no group feature reads \"no feature groups\" (not a failure); once groups exist, a failed check \
         fails the run. Target: at most {:.0} % of the full crate's time.\n",
        NOT_GROUPS.map(|name| format!("`{name}`")).join(", "),
        options.check_runs,
        rules.join("; "),
        if options.smoke {
            "; in smoke mode the smoke spec too, with its most-mentioned group"
        } else {
            ""
        },
        GROUP_TARGET * 100.0
    );
    let _ = writeln!(
        md,
        "| spec | group | why this group | groups | runs | group check (s) | full crate (s) | group / full | group peak (MB) | full peak (MB) |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|"
    );
    let mut any = false;
    for row in &report.rows {
        let Some(group) = &row.group else {
            continue;
        };
        any = true;
        let full = row.ours.as_ref().ok().and_then(|g| g.check.as_ref().ok());
        let (full_s, full_mb) = full.map_or_else(
            || ("—".to_owned(), "—".to_owned()),
            |c| (format!("{:.2}", c.seconds), mb(c.max_rss_kb)),
        );
        match group {
            GroupCheck::NoGroups => {
                let _ = writeln!(
                    md,
                    "| {} | no feature groups | — | 0 | — | — | {full_s} | — | — | {full_mb} |",
                    row.spec
                );
            }
            GroupCheck::Failed(reason) => {
                let _ = writeln!(
                    md,
                    "| {} | failed: {} | — | — | — | — | {full_s} | — | — | {full_mb} |",
                    row.spec,
                    cell(reason)
                );
            }
            GroupCheck::Checked {
                group,
                why,
                groups,
                check,
            } => {
                let (runs, seconds, ratio, peak) = match (check, full) {
                    (Ok(c), Some(f)) => (
                        c.runs.to_string(),
                        format!("{:.2}", c.seconds),
                        format!("{:.0} %", 100.0 * c.seconds / f.seconds),
                        mb(c.max_rss_kb),
                    ),
                    (Ok(c), None) => (
                        c.runs.to_string(),
                        format!("{:.2}", c.seconds),
                        "—".into(),
                        mb(c.max_rss_kb),
                    ),
                    (Err(err), _) => ("—".into(), format!("failed: {}", cell(err)), "—".into(), "—".into()),
                };
                let _ = writeln!(
                    md,
                    "| {} | `{group}` | {} | {groups} | {runs} | {seconds} | {full_s} | {ratio} | {peak} | {full_mb} |",
                    row.spec,
                    cell(why)
                );
            }
        }
    }
    if !any {
        let specs: Vec<&str> = GROUP_SPECS.iter().map(|(spec, _)| *spec).collect();
        let _ = writeln!(md, "| {} not in this run | | | | | | | | | |", specs.join(", "));
    }
    md.push('\n');
}

/// Writes §7: the release build of a one-call binary, three ways.
pub fn render_release(md: &mut String, report: &Report) {
    let _ = writeln!(md, "## 7. Release build of a one-call binary\n");
    let bins = match &report.release {
        Release::Skipped(reason) => {
            let _ = writeln!(md, "Not measured: {}.\n", cell(reason));
            return;
        }
        Release::Ran(bins) => bins,
    };
    let _ = writeln!(
        md,
        "A binary crate making one call, {OPERATION} of {RELEASE_SPEC}, three ways: through apigen's generated \
         crate, through progenitor's (`--interface builder`), and hand-written with `reqwest` (the version and \
         features `apigen-runtime` uses) + `serde` + `serde_json` (a struct for the response, one GET). The call \
         never runs (no server); it must compile and link. Each binary is a crate of its own under \
         `target/bench/release-bins/`, all three building into one target directory \
         (`target/bench/release-target`, default release profile). **What is timed:** each binary is first built \
         once, untimed, with all its dependencies; then the generated crate's `src/lib.rs` and the binary's \
         `src/main.rs` are touched and one `cargo build --release` is timed: it compiles the generated crate and the \
         binary again and links, reusing every other dependency (for the hand-written binary: the binary alone); \
         the table lists what cargo reports compiling in that build. Each binary's timed build follows its own \
         untimed one directly (one timed run each). \
         Size: the binary as built (release profile: no debug info, symbols kept) and after `strip`. The last \
         column is the `reqwest` each call goes through, as its crate declares it: progenitor's generated \
         `Cargo.toml` picks its own `reqwest` version and features (no TLS backend), so part of a size \
         difference can be TLS, not generated code.\n"
    );
    let _ = writeln!(
        md,
        "| binary | calls through | compiled in the timed build | `cargo build --release` (s) | binary (MB) | stripped (MB) | `reqwest` dependency |\n\
         |---|---|---|---:|---:|---:|---|"
    );
    for bin in bins {
        let (compiled, time, size, stripped) = match &bin.result {
            Ok(build) => (
                if build.compiled.is_empty() {
                    "nothing (link only)".to_owned()
                } else {
                    build
                        .compiled
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                format!("{:.1}", build.seconds),
                megabytes(build.unstripped),
                match &build.stripped {
                    Ok(bytes) => megabytes(*bytes),
                    Err(err) => format!("not measured: {}", cell(err)),
                },
            ),
            Err(err) => (
                bin.flavour.rebuilt().to_owned(),
                format!("failed: {}", cell(err)),
                "—".into(),
                "—".into(),
            ),
        };
        let reqwest = bin.reqwest.as_deref().map_or_else(|| "—".to_owned(), reqwest_summary);
        let _ = writeln!(
            md,
            "| `{}` | {} | {compiled} | {time} | {size} | {stripped} | {reqwest} |",
            bin.flavour.package(),
            bin.flavour.label(),
        );
    }
    // Sizes relative to the hand-written binary, when both exist.
    let hand = bins
        .iter()
        .find(|bin| bin.flavour == Flavour::Reqwest)
        .and_then(|bin| bin.result.as_ref().ok());
    if let Some(hand) = hand {
        let notes: Vec<String> = bins
            .iter()
            .filter(|bin| bin.flavour != Flavour::Reqwest)
            .filter_map(|bin| {
                let build = bin.result.as_ref().ok()?;
                let stripped = match (&build.stripped, &hand.stripped) {
                    (Ok(a), Ok(b)) => format!(", stripped {:+.2} MB", (*a as f64 - *b as f64) / 1e6),
                    _ => String::new(),
                };
                Some(format!(
                    "{}: {:+.2} MB{stripped}",
                    bin.flavour.label(),
                    (build.unstripped as f64 - hand.unstripped as f64) / 1e6
                ))
            })
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(md, "\nSize over the hand-written binary: {}.", notes.join("; "));
        }
    }
    md.push('\n');
}

/// `0.12, no default features: json, rustls-tls, http2` from a `reqwest = { … }` line
/// (the line itself, shortened, when it has another shape).
fn reqwest_summary(line: &str) -> String {
    let value = line.split_once('=').map_or(line, |(_, value)| value).trim();
    let quoted_after = |key: &str| -> Option<String> {
        let rest = &value[value.find(key)? + key.len()..];
        let rest = rest.trim_start().strip_prefix('=')?.trim_start().strip_prefix('"')?;
        rest.split('"').next().map(str::to_owned)
    };
    let version = if value.starts_with('"') {
        value.trim_matches('"').to_owned()
    } else {
        match quoted_after("version") {
            Some(version) => version,
            None => return format!("`{}`", cell(line)),
        }
    };
    let no_default = value
        .split_once("default-features")
        .and_then(|(_, rest)| rest.trim_start().strip_prefix('='))
        .is_some_and(|rest| rest.trim_start().starts_with("false"));
    let features: Vec<&str> = value
        .split_once("features = [")
        .or_else(|| value.split_once("features=["))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list.split('"').skip(1).step_by(2).collect())
        .unwrap_or_default();
    format!(
        "{version}{}{}",
        if no_default { ", no default features" } else { "" },
        if features.is_empty() {
            String::new()
        } else {
            format!(": {}", features.join(", "))
        }
    )
}

/// `6.12` (MB, 10⁶ bytes).
fn megabytes(bytes: u64) -> String {
    format!("{:.2}", bytes as f64 / 1e6)
}

/// Where the chart goes: next to the report, `NAME-check.svg` for `NAME.md`.
pub fn chart_path(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "BENCHMARKS".into());
    out.with_file_name(format!("{stem}-check.svg"))
}

/// The chart of §2: check time and peak memory against spec size (KB), apigen and
/// both progenitor styles; `None` when no crate was checked.
pub fn chart(report: &Report) -> Option<String> {
    type Pick = fn(&Check) -> Option<f64>;
    let time: Pick = |check| Some(check.seconds);
    let memory: Pick = |check| check.max_rss_kb.map(|kb| kb as f64 / 1024.0);
    let series = |pick: Pick| -> Vec<Series> {
        let ours = report
            .rows
            .iter()
            .filter_map(|row| {
                let check = row.ours.as_ref().ok()?.check.as_ref().ok()?;
                Some((row.bytes as f64 / 1e3, pick(check)?))
            })
            .collect();
        let theirs = |interface: Interface| {
            report
                .rows
                .iter()
                .filter_map(|row| {
                    let check = row.progenitor(interface).as_ref().ok()?.check.as_ref().ok()?;
                    Some((row.bytes as f64 / 1e3, pick(check)?))
                })
                .collect()
        };
        vec![
            Series {
                name: "apigen".into(),
                color: "#1f77b4",
                dashed: false,
                points: ours,
            },
            Series {
                name: "progenitor --interface builder".into(),
                color: "#d62728",
                dashed: false,
                points: theirs(Interface::Builder),
            },
            Series {
                name: "progenitor --interface positional".into(),
                color: "#ff7f0e",
                dashed: true,
                points: theirs(Interface::Positional),
            },
        ]
    };
    let panels = [
        Panel {
            title: "cargo check time (s, median)".into(),
            y_label: "seconds".into(),
            series: series(time),
        },
        Panel {
            title: "cargo check peak memory (MB)".into(),
            y_label: "MB".into(),
            series: series(memory),
        },
    ];
    if panels
        .iter()
        .all(|panel| panel.series.iter().all(|s| s.points.is_empty()))
    {
        return None;
    }
    Some(chart::render(
        "cargo check of the generated crate vs spec size (log-log)",
        "spec size (KB)",
        &panels,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_sits_next_to_the_report() {
        assert_eq!(
            chart_path(Path::new("/repo/BENCHMARKS.md")),
            Path::new("/repo/BENCHMARKS-check.svg")
        );
        assert_eq!(
            chart_path(Path::new("/tmp/nexus-bench.md")),
            Path::new("/tmp/nexus-bench-check.svg")
        );
    }

    use super::super::super::features::GroupCheck;
    use super::super::super::measure::fixtures::{check, generated, report, row};
    use super::super::super::release::{BinBuild, ReleaseBin};
    use super::super::super::volume::Volume;

    fn options() -> Options {
        super::super::super::cli::parse(&["--no-criterion".to_owned()], Path::new("/repo")).expect("parses")
    }

    #[test]
    fn group_rows_say_why_and_give_the_ratio() {
        let mut nexus = row(
            "prog-nexus.json",
            437_000,
            Ok(generated("apigen_n", Ok(check(8.0, 600)))),
        );
        nexus.group = Some(GroupCheck::Checked {
            group: "instances".into(),
            why: "the tag".into(),
            groups: 15,
            check: Ok(check(1.6, 200)),
        });
        let mut stripe = row(
            "stripe-spec3-2022-04.json",
            4_200_000,
            Ok(generated("apigen_s", Ok(check(70.0, 4000)))),
        );
        stripe.group = Some(GroupCheck::NoGroups);
        let report = report(vec![nexus, stripe, row("other.yaml", 1, Err("x".into()))]);
        let mut md = String::new();
        render_groups(&mut md, &report, &options());
        assert!(
            md.contains("| prog-nexus.json | `instances` | the tag | 15 | 3 | 1.60 | 8.00 | 20 % | 200 | 600 |"),
            "{md}"
        );
        assert!(md.contains("| stripe-spec3-2022-04.json | no feature groups |"), "{md}");
        assert!(!md.contains("other.yaml"));
        let (group, g, full) = group_and_full(&report, "prog-nexus.json").expect("measured");
        assert_eq!((group, g.seconds, full.seconds), ("instances", 1.6, 8.0));
        let reason = group_and_full(&report, "stripe-spec3-2022-04.json").err();
        assert_eq!(reason.as_deref(), Some("no feature groups in the generated crate"));
    }

    #[test]
    fn release_rows_side_by_side_with_the_size_over_hand_written() {
        let build = |seconds, unstripped, stripped| {
            Ok(BinBuild {
                seconds,
                unstripped,
                stripped: Ok(stripped),
                compiled: vec!["apigen_x".into(), "nexus_call_apigen".into()],
            })
        };
        let mut report = report(Vec::new());
        report.release = Release::Ran(vec![
            ReleaseBin {
                flavour: Flavour::Apigen,
                reqwest: Some("reqwest = { version = \"0.12\" }".into()),
                result: build(41.25, 9_000_000, 6_000_000),
            },
            ReleaseBin {
                flavour: Flavour::Progenitor,
                reqwest: None,
                result: Err("not run".into()),
            },
            ReleaseBin {
                flavour: Flavour::Reqwest,
                reqwest: None,
                result: build(3.0, 8_000_000, 5_500_000),
            },
        ]);
        let mut md = String::new();
        render_release(&mut md, &report);
        assert!(
            md.contains(
                "| `nexus_call_apigen` | apigen's crate | `apigen_x`, `nexus_call_apigen` | 41.2 | 9.00 | 6.00 | 0.12 |"
            ),
            "{md}"
        );
        assert!(md.contains("| `nexus_call_progenitor` |") && md.contains("failed: not run"));
        assert!(md.contains("apigen's crate: +1.00 MB, stripped +0.50 MB"), "{md}");
        let mut skipped = String::new();
        render_release(
            &mut skipped,
            &super::super::super::measure::fixtures::report(Vec::new()),
        );
        assert!(skipped.contains("Not measured: smoke."), "{skipped}");
    }

    #[test]
    fn volume_rows() {
        let mut r = row("a.yaml", 1, Ok(generated("apigen_a", Ok(check(1.0, 1)))));
        r.volume = Some(Volume {
            operations: Some(4),
            types: Some(10),
            operation_lines: 300,
            mock_lines: 100,
            type_lines: 250,
            other_lines: 60,
        });
        let mut md = String::new();
        render_volume(&mut md, &report(vec![r, row("b.yaml", 1, Err("boom".into()))]));
        assert!(
            md.contains("| a.yaml | 4 | 10 | 300 | 75.0 | 100 | 25.0 | 250 | 25.0 | 60 |"),
            "{md}"
        );
        assert!(md.contains("| b.yaml | did not generate |"), "{md}");
    }

    #[test]
    fn the_chart_needs_a_checked_crate() {
        assert!(chart(&report(vec![row("a.yaml", 1, Err("boom".into()))])).is_none());
        let svg = chart(&report(vec![row(
            "a.yaml",
            3_000,
            Ok(generated("apigen_a", Ok(check(0.3, 150)))),
        )]));
        assert!(svg.is_some_and(|svg| svg.contains("<circle")));
    }

    #[test]
    fn reqwest_lines_are_summarised() {
        assert_eq!(
            reqwest_summary(
                "reqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\", \"http2\"] }"
            ),
            "0.12, no default features: json, rustls-tls, http2"
        );
        assert_eq!(
            reqwest_summary(
                "reqwest = { version = \"0.13\", default-features=false, features = [\"json\", \"query\"] }"
            ),
            "0.13, no default features: json, query"
        );
        assert_eq!(reqwest_summary("reqwest = \"0.12\""), "0.12");
        assert_eq!(
            reqwest_summary("reqwest = { git = \"x\" }"),
            "`reqwest = { git = \"x\" }`"
        );
    }

    #[test]
    fn per_item_cells() {
        assert_eq!(per(Some(49.75)), "49.8");
        assert_eq!(per(None), "—");
        assert_eq!(megabytes(6_123_456), "6.12");
    }
}
