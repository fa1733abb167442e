//! §4 of the report: the generator's phase profile on the largest spec.

use super::super::measure::Report;
use super::super::profile::PIPELINE_PHASES;
use super::{cell, ms};
use std::fmt::Write as _;

/// Writes §4.
pub fn render(md: &mut String, report: &Report) {
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
         whole file at a time (`emit::types::emit`, `emit::client::emit` for operations.rs and builders.rs), to split it by file and step; they are \
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
