//! Feature groups: a generated crate with one cargo feature per API tag (`default =
//! ["full"]`, `full = [...groups...]`) can be checked with one group only. This module
//! reads the groups from the generated `Cargo.toml`, picks the group to measure by a
//! stated rule, and times `cargo check --no-default-features --features GROUP`.
//!
//! A crate whose manifest declares no group (the generator before feature groups) is
//! reported as such, not as a failure; once groups exist, a failed check is one.

use super::check::{check_once, CHECK_BUDGET};
use super::measure::{Check, Generated};
use super::process::{median, MaxRss};
use std::fs;
use std::path::Path;
use std::time::Instant;

/// Features of a generated crate that are not groups.
pub const NOT_GROUPS: [&str; 5] = ["default", "full", "mock", "tracing", "serialize-responses"];

/// How the group to check is chosen for one spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// This group (when the crate has it; else [`Rule::MostMentioned`], said so).
    Named(&'static str, &'static str),
    /// The group named in the most `feature = "…"` attributes of the generated code.
    MostMentioned,
}

impl Rule {
    /// Why this group, for the report.
    pub fn describe(self) -> String {
        match self {
            Rule::Named(group, why) => format!("`{group}`: {why}"),
            Rule::MostMentioned => {
                "the group named in the most `feature = \"…\"` attributes of the generated code (ties: first by name)"
                    .to_owned()
            }
        }
    }
}

/// The specs whose crates get a feature-group check, and the rule for each.
pub const GROUP_SPECS: [(&str, Rule); 2] = [
    (
        "prog-nexus.json",
        Rule::Named("instances", "the tag of issue 10's target (35 of 193 operations)"),
    ),
    (
        "stripe-spec3-2022-04.json",
        Rule::Named(
            "customers",
            "the resource with the most operations (41 of 417 under `/v1/customers`; the spec has no tags)",
        ),
    ),
];

/// The rule for `spec`, if its crate gets a group check. In smoke mode the smoke spec
/// gets one too (its largest group), so CI runs this code.
pub fn rule_for(spec: &str, smoke: bool) -> Option<Rule> {
    GROUP_SPECS
        .iter()
        .find(|(name, _)| *name == spec)
        .map(|(_, rule)| *rule)
        .or(smoke.then_some(Rule::MostMentioned))
}

/// What the feature-group measurement found for one crate.
#[derive(Debug, Clone)]
pub enum GroupCheck {
    /// The generated `Cargo.toml` declares no group feature.
    NoGroups,
    /// The manifest could not be read, or the crate has groups but the check could
    /// not be set up: a failure.
    Failed(String),
    /// A group was checked (or its check failed).
    Checked {
        /// The group.
        group: String,
        /// How it was chosen (and whether the rule fell back).
        why: String,
        /// How many groups the crate has.
        groups: usize,
        /// The timed check (a failure once groups exist).
        check: Result<Check, String>,
    },
}

impl GroupCheck {
    /// The failure to report, if this is one.
    pub fn failure(&self) -> Option<String> {
        match self {
            GroupCheck::NoGroups => None,
            GroupCheck::Failed(reason) => Some(reason.clone()),
            GroupCheck::Checked { group, check, .. } => check
                .as_ref()
                .err()
                .map(|err| format!("cargo check --no-default-features --features {group}: {err}")),
        }
    }
}

/// The `[features]` table of a `Cargo.toml`: (name, members) in order. Handles the
/// subset of TOML manifests use there: `name = [ "a", "b" ]`, arrays over several lines,
/// quoted keys and `#` comments.
pub fn manifest_features(manifest: &str) -> Vec<(String, Vec<String>)> {
    let mut features = Vec::new();
    let mut in_table = false;
    let mut pending: Option<(String, String)> = None;
    for raw in manifest.lines() {
        let line = strip_comment(raw).trim();
        if let Some((name, mut text)) = pending.take() {
            text.push_str(line);
            text.push(' ');
            if line.contains(']') {
                features.push((name, array_items(&text)));
            } else {
                pending = Some((name, text));
            }
            continue;
        }
        if line.starts_with('[') && !line.contains('=') {
            in_table = line == "[features]";
            continue;
        }
        if !in_table {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let name = key.trim().trim_matches('"').to_owned();
        let value = value.trim();
        if value.contains(']') {
            features.push((name, array_items(value)));
        } else if value.starts_with('[') {
            pending = Some((name, format!("{value} ")));
        }
    }
    features
}

/// `line` without a `#` comment outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    for (index, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => return &line[..index],
            _ => {}
        }
    }
    line
}

/// The quoted strings of `[ "a", "b" ]`.
fn array_items(text: &str) -> Vec<String> {
    text.split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

/// The group features among `features`: every feature not in [`NOT_GROUPS`], in order.
pub fn groups(features: &[(String, Vec<String>)]) -> Vec<String> {
    features
        .iter()
        .map(|(name, _)| name)
        .filter(|name| !NOT_GROUPS.contains(&name.as_str()))
        .cloned()
        .collect()
}

/// The group to check under `rule`, and why; `sources` is the generated code, searched
/// for `feature = "GROUP"` when the rule asks for the most mentioned group.
pub fn choose(rule: Rule, groups: &[String], sources: &str) -> Option<(String, String)> {
    if let Rule::Named(name, _) = rule {
        if groups.iter().any(|group| group == name) {
            return Some((name.to_owned(), rule.describe()));
        }
    }
    let mut counted: Vec<(usize, &String)> = groups
        .iter()
        .map(|group| (sources.matches(&format!("feature = \"{group}\"")).count(), group))
        .collect();
    // Most mentions first, then by name.
    counted.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let (_, group) = counted.first()?;
    let why = match rule {
        Rule::Named(name, _) => format!(
            "`{name}` is not a feature of this crate, so {}",
            Rule::MostMentioned.describe()
        ),
        Rule::MostMentioned => Rule::MostMentioned.describe(),
    };
    Some(((*group).clone(), why))
}

/// Reads the groups of `generated`, picks one by `rule` and times its check: one
/// untimed run (builds what the feature set needs), then at least `min_runs` and up to
/// `max_runs` while they fit in [`CHECK_BUDGET`].
pub fn check_group(
    target: &Path,
    generated: &Generated,
    rule: Rule,
    min_runs: usize,
    max_runs: usize,
    memory: Option<&MaxRss>,
) -> GroupCheck {
    let manifest_path = generated.dir.join("Cargo.toml");
    let manifest = match fs::read_to_string(&manifest_path) {
        Ok(text) => text,
        Err(err) => return GroupCheck::Failed(format!("cannot read {}: {err}", manifest_path.display())),
    };
    let all = groups(&manifest_features(&manifest));
    if all.is_empty() {
        return GroupCheck::NoGroups;
    }
    let mut sources = String::new();
    collect_sources(&generated.dir.join("src"), &mut sources);
    let Some((group, why)) = choose(rule, &all, &sources) else {
        return GroupCheck::NoGroups;
    };
    let features = ["--no-default-features", "--features", group.as_str()];
    let check = (|| {
        check_once(target, generated, &features, None).map_err(|err| err.to_string())?;
        let mut seconds = Vec::new();
        let mut peak = None;
        let started = Instant::now();
        while seconds.len() < min_runs || (seconds.len() < max_runs && started.elapsed() < CHECK_BUDGET) {
            let check = check_once(target, generated, &features, memory).map_err(|err| err.to_string())?;
            seconds.push(check.seconds);
            peak = peak.max(check.max_rss_kb);
        }
        Ok(Check {
            runs: seconds.len(),
            seconds: median(&mut seconds),
            max_rss_kb: peak,
        })
    })();
    GroupCheck::Checked {
        group,
        why,
        groups: all.len(),
        check,
    }
}

/// The text of every `.rs` file under `dir`.
fn collect_sources(dir: &Path, out: &mut String) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.is_dir() {
            collect_sources(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            if let Ok(text) = fs::read_to_string(&path) {
                out.push_str(&text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = "[package]\nname = \"x\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\n\n[features]\nmock = [\"apigen-runtime/mock\"]\n";

    const WITH_GROUPS: &str = "[package]\nname = \"x\"\n\n[features]\n## Compile a slice with `default-features = false, features = [\"<group>\", …]`.\ndefault = [\"full\"]\nfull = [\n    \"instances\", # tag\n    \"projects\",\n    \"vpcs\",\n]\ninstances = []\n\"projects\" = []\nvpcs = [] # comment\nmock = [\"apigen-runtime/mock\"]\ntracing = [\"apigen-runtime/tracing\"]\nserialize-responses = []\n\n[lints]\nx = [\"y\"]\n";

    #[test]
    fn todays_manifest_has_no_groups() {
        let features = manifest_features(TODAY);
        assert_eq!(
            features,
            vec![("mock".to_owned(), vec!["apigen-runtime/mock".to_owned()])]
        );
        assert!(groups(&features).is_empty());
    }

    #[test]
    fn groups_are_read_from_the_features_table() {
        let features = manifest_features(WITH_GROUPS);
        let full = features
            .iter()
            .find(|(name, _)| name == "full")
            .map(|(_, items)| items.clone());
        assert_eq!(
            full,
            Some(vec!["instances".to_owned(), "projects".into(), "vpcs".into()])
        );
        assert_eq!(groups(&features), vec!["instances", "projects", "vpcs"]);
    }

    #[test]
    fn the_named_group_wins_and_a_missing_one_falls_back_to_the_most_mentioned() {
        let all = vec!["instances".to_owned(), "projects".into(), "vpcs".into()];
        let sources = "#[cfg(feature = \"vpcs\")]\n#[cfg(feature = \"vpcs\")]\n#[cfg(feature = \"projects\")]";
        let named = Rule::Named("instances", "why");
        assert_eq!(choose(named, &all, sources).map(|c| c.0), Some("instances".to_owned()));
        let (group, why) = choose(Rule::Named("customers", "why"), &all, sources).expect("falls back");
        assert_eq!(group, "vpcs");
        assert!(why.contains("`customers` is not a feature"), "{why}");
        // Ties go to the first name.
        assert_eq!(
            choose(Rule::MostMentioned, &all, "").map(|c| c.0),
            Some("instances".to_owned())
        );
        assert_eq!(choose(Rule::MostMentioned, &[], ""), None);
    }

    #[test]
    fn rules_per_spec() {
        assert!(matches!(
            rule_for("prog-nexus.json", false),
            Some(Rule::Named("instances", _))
        ));
        assert!(matches!(
            rule_for("stripe-spec3-2022-04.json", true),
            Some(Rule::Named("customers", _))
        ));
        assert_eq!(rule_for("oai-petstore.yaml", false), None);
        assert_eq!(rule_for("oai-petstore.yaml", true), Some(Rule::MostMentioned));
    }

    #[test]
    fn only_a_failed_check_of_an_existing_group_is_a_failure() {
        assert_eq!(GroupCheck::NoGroups.failure(), None);
        let failed = GroupCheck::Checked {
            group: "instances".into(),
            why: String::new(),
            groups: 3,
            check: Err("does not compile".into()),
        };
        assert!(failed.failure().is_some_and(|f| f.contains("--features instances")));
    }

    /// A crate with groups `alpha` (compiles) and `beta` (does not), checked for real.
    #[test]
    fn groups_are_checked_with_cargo_and_a_broken_one_fails() {
        let root = std::env::temp_dir().join(format!("xtask-groups-{}", std::process::id()));
        let dir = root.join("fake_groups");
        let files = [
            (root.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\nmembers = [\"fake_groups\"]\n"),
            (
                dir.join("Cargo.toml"),
                "[package]\nname = \"fake_groups\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [features]\ndefault = [\"full\"]\nfull = [\"alpha\"]\nalpha = []\nbeta = []\nmock = []\n",
            ),
            (
                dir.join("src/lib.rs"),
                "#[cfg(feature = \"alpha\")]\npub fn alpha() {}\n#[cfg(feature = \"beta\")]\npub fn beta() -> u8 { \"no\" }\n",
            ),
        ];
        for (path, text) in files {
            fs::create_dir_all(path.parent().expect("has a parent")).expect("create");
            fs::write(&path, text).expect("write");
        }
        let generated = Generated {
            crate_name: "fake_groups".into(),
            dir: dir.clone(),
            median_ms: 1.0,
            runs: 1,
            max_rss_kb: None,
            lines: 4,
            check: Err("not checked".into()),
        };
        let target = root.join("target");
        let alpha = check_group(&target, &generated, Rule::Named("alpha", "test"), 1, 1, None);
        let beta = check_group(&target, &generated, Rule::Named("beta", "test"), 1, 1, None);
        let _ = fs::remove_dir_all(&root);
        match &alpha {
            GroupCheck::Checked {
                group, groups, check, ..
            } => {
                assert_eq!((group.as_str(), *groups), ("alpha", 2));
                assert!(check.as_ref().is_ok_and(|c| c.runs == 1), "{check:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(alpha.failure().is_none());
        assert!(
            beta.failure().is_some_and(|f| f.contains("--features beta")),
            "{beta:?}"
        );
    }
}
