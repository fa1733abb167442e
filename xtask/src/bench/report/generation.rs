//! §1 and §2 of the report: generation time and `cargo check` of the generated crates,
//! apigen next to progenitor's positional and builder styles.

use super::super::check::CHECK_BUDGET;
use super::super::cli::Options;
use super::super::measure::{Check, Generated, Report, NOT_RUN};
use super::super::process::{MaxRss, ROUND_BUDGET};
use super::super::tools::Interface;
use super::{cell, mb, ms, ratio, size};
use std::fmt::Write as _;

/// Writes §1.
pub fn render_generation(md: &mut String, report: &Report, options: &Options) {
    let _ = writeln!(
        md,
        "## 1. Generation time\n\nWhole process (spawn, read, generate, write the crate). After one warm-up run \
         each, apigen, the parse floor and progenitor (both styles) run once per round, in rotating order, for at \
         least {} rounds (up to 4× as many while a spec's rounds fit in {} s); the table gives the median and the \
         number of runs. *Parse floor*: the same binary only reading the file and deserialising it into \
         `openapiv3::OpenAPI` (3.1 documents: `load` + `normalize` first, as `openapiv3` needs) — what any typed \
         generator pays before doing anything. Progenitor is run on every spec; where it fails, its error is shown. \
         *pos.* is `--interface positional` (its default), *builder* is `--interface builder`. Peak MB: maximum \
         resident set size of the warm-up run; lines: of the generated `.rs` files.\n",
        options.runs,
        ROUND_BUDGET.as_secs()
    );
    let _ = writeln!(
        md,
        "| spec | size | OpenAPI | operations | runs | apigen (ms) | parse floor (ms) | apigen / floor | progenitor pos. (ms) | apigen / pos. | progenitor builder (ms) | apigen / builder | peak MB: apigen / pos. / builder | lines: apigen / pos. / builder |\n\
         |---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
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
        let mut theirs_cells = Vec::new();
        let mut theirs_mb = Vec::new();
        let mut theirs_lines = Vec::new();
        for interface in Interface::ALL {
            let (time, vs, peak, lines) = theirs_columns(row.ours.as_ref().ok(), row.progenitor(interface));
            theirs_cells.push(format!("{time} | {vs}"));
            theirs_mb.push(peak);
            theirs_lines.push(lines);
        }
        let _ =
            writeln!(
            md,
            "| {} | {} | {} | {} | {} | {ours_ms} | {floor} | {over_floor} | {} | {ours_mb} / {} | {ours_lines} / {} |",
            row.spec,
            size(row.bytes),
            if row.version_31 { "3.1" } else { "3.0" },
            row.operations,
            row.ours.as_ref().map(|g| g.runs.to_string()).unwrap_or_else(|_| "—".into()),
            theirs_cells.join(" | "),
            theirs_mb.join(" / "),
            theirs_lines.join(" / ")
        );
    }
    md.push('\n');
}

/// (time, apigen / progenitor, peak MB, lines) cells of one progenitor style.
fn theirs_columns(ours: Option<&Generated>, theirs: &Result<Generated, String>) -> (String, String, String, String) {
    match theirs {
        Ok(t) => (
            ms(t.median_ms),
            ours.map_or_else(|| "—".into(), |o| ratio(o.median_ms, t.median_ms)),
            mb(t.max_rss_kb),
            t.lines.to_string(),
        ),
        Err(err) if err == NOT_RUN => (NOT_RUN.into(), "—".into(), "—".into(), "—".into()),
        Err(err) => (format!("fails: {}", cell(err)), "—".into(), "—".into(), "—".into()),
    }
}

/// Writes §2.
pub fn render_check(md: &mut String, report: &Report, options: &Options) {
    let _ = writeln!(md, "## 2. `cargo check` of the generated crate\n");
    if !options.check {
        let _ = writeln!(md, "Not run (`--no-check`).\n");
        return;
    }
    let memory = match &report.memory {
        Some(_) => MaxRss::DESCRIPTION,
        None => "not measurable on this platform",
    };
    let _ = writeln!(
        md,
        "Each generated crate sits in a scratch workspace (`target/bench/apigen`, sharing the repository's \
         `Cargo.lock`; `target/bench/progenitor` for both of progenitor's styles, resolved fresh). Dependencies are \
         built once (in `target/bench/check-target`; the shared target directory in smoke mode). \
         Then, per spec, the crates are checked once per round in rotating order, \
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
        "| spec | runs | apigen (s) | pos. (s) | apigen / pos. | builder (s) | apigen / builder | apigen peak (MB) | pos. peak (MB) | apigen / pos. | builder peak (MB) | apigen / builder |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for row in &report.rows {
        let ours = row
            .ours
            .as_ref()
            .map_err(String::as_str)
            .and_then(|g| g.check.as_ref().map_err(String::as_str));
        let (ours_s, ours_mb) = show(&ours);
        let mut times = Vec::new();
        let mut peaks = Vec::new();
        for interface in Interface::ALL {
            let theirs = match row.progenitor(interface) {
                Ok(g) => g.check.as_ref().map_err(String::as_str),
                Err(err) if err == NOT_RUN => Err(NOT_RUN),
                Err(_) => Err("did not generate"),
            };
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
            times.push(format!("{theirs_s} | {time_ratio}"));
            peaks.push(format!("{theirs_mb} | {memory_ratio}"));
        }
        let _ = writeln!(
            md,
            "| {} | {} | {ours_s} | {} | {ours_mb} | {} |",
            row.spec,
            ours.map(|c| c.runs.to_string()).unwrap_or_else(|_| "—".into()),
            times.join(" | "),
            peaks.join(" | ")
        );
    }
    md.push('\n');
}

/// (seconds, peak MB) cells of one check, or the reason it has none.
fn show(check: &Result<&Check, &str>) -> (String, String) {
    match check {
        Ok(c) => (format!("{:.2}", c.seconds), mb(c.max_rss_kb)),
        Err(err) => (cell(err), "—".into()),
    }
}
