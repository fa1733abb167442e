//! Names for the components a bundle adds: readable (`schemas/Droplet.yaml` →
//! `Droplet`, `parameters.yml#/droplet_id` → `droplet_id`), stable (they depend only on
//! the set of files and pointers, not on the order they were found in), and unique
//! (clashes are told apart by folder names, then by a numeric suffix).

use std::collections::{BTreeMap, BTreeSet};

/// Folder names too generic to tell two components apart.
const GENERIC_FOLDERS: &[&str] = &[
    "models",
    "model",
    "schemas",
    "schema",
    "responses",
    "parameters",
    "examples",
    "headers",
    "requestBodies",
    "request_bodies",
    "components",
    "definitions",
    "resources",
    "shared",
    "common",
    "..",
    ".",
    "",
];

/// Pointer tokens that are OpenAPI structure, not names.
const STRUCTURAL: &[&str] = &[
    "components",
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "properties",
    "items",
    "additionalProperties",
    "content",
    "schema",
    "allOf",
    "oneOf",
    "anyOf",
    "definitions",
    "$defs",
    "value",
];

/// One component to name: its file (relative path) and pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Wanted<'a> {
    /// The file, relative to the root document's folder.
    pub file: &'a str,
    /// The pointer inside it (empty: the whole file).
    pub pointer: &'a str,
}

/// Names `wanted` (all of one section), avoiding `reserved` (names the root document
/// already uses there). Returns the names in the order of `wanted`.
pub fn assign(wanted: &[Wanted<'_>], reserved: &BTreeSet<String>) -> Vec<String> {
    let candidates: Vec<Candidate> = wanted.iter().map(Candidate::new).collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, candidate) in candidates.iter().enumerate() {
        groups.entry(candidate.base.as_str()).or_default().push(index);
    }
    let mut names: Vec<String> = candidates.iter().map(|c| c.base.clone()).collect();
    for members in groups.values() {
        let clash = members.len() > 1 || members.iter().any(|&m| reserved.contains(&names[m]));
        if !clash {
            continue;
        }
        let deepest = members
            .iter()
            .map(|&m| candidates[m].qualifiers.len())
            .max()
            .unwrap_or(0);
        // Only the levels where the members' folders differ tell them apart.
        let mut levels = Vec::new();
        for level in 0..deepest {
            let at_level: BTreeSet<Option<&String>> =
                members.iter().map(|&m| candidates[m].qualifiers.get(level)).collect();
            if at_level.len() < 2 && !(members.len() == 1 && level == 0) {
                continue;
            }
            levels.push(level);
            let qualified: Vec<String> = members.iter().map(|&m| candidates[m].qualified(&levels)).collect();
            let distinct: BTreeSet<&String> = qualified.iter().collect();
            let done = distinct.len() == qualified.len() && qualified.iter().all(|name| !reserved.contains(name));
            for (&member, name) in members.iter().zip(&qualified) {
                names[member] = name.clone();
            }
            if done {
                break;
            }
        }
    }
    // Whatever still clashes (with each other, another group or the root's names) gets
    // a suffix, in the order of (name, file, pointer).
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by(|&a, &b| (&names[a], &wanted[a]).cmp(&(&names[b], &wanted[b])));
    let mut used: BTreeSet<String> = reserved.clone();
    for index in order {
        let base = names[index].clone();
        let mut name = base.clone();
        let mut suffix = 2;
        while used.contains(&name) {
            name = format!("{base}_{suffix}");
            suffix += 1;
        }
        used.insert(name.clone());
        names[index] = name;
    }
    names
}

/// A component's base name and the qualifiers that can tell it apart, nearest first.
struct Candidate {
    base: String,
    qualifiers: Vec<String>,
}

impl Candidate {
    fn new(wanted: &Wanted<'_>) -> Self {
        let (folders, file_name) = match wanted.file.rsplit_once('/') {
            Some((folders, name)) => (folders, name),
            None => ("", wanted.file),
        };
        let stem = stem(file_name);
        let tokens: Vec<String> = wanted
            .pointer
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect();
        let named = tokens
            .iter()
            .rposition(|token| !STRUCTURAL.contains(&token.as_str()) && !token.chars().all(|c| c.is_ascii_digit()));
        let mut qualifiers = Vec::new();
        let base = match named {
            Some(at) => {
                // Outer pointer tokens, then the file's stem, then its folders.
                qualifiers.extend(
                    tokens[..at]
                        .iter()
                        .rev()
                        .filter(|t| !STRUCTURAL.contains(&t.as_str()))
                        .cloned(),
                );
                qualifiers.push(stem.to_owned());
                tokens[at].clone()
            }
            None => stem.to_owned(),
        };
        qualifiers.extend(
            folders
                .rsplit('/')
                .filter(|folder| !GENERIC_FOLDERS.contains(folder))
                .map(str::to_owned),
        );
        Self {
            base: sanitize(&base),
            qualifiers: qualifiers.iter().map(|q| sanitize(q)).collect(),
        }
    }

    /// The base name behind its qualifiers at `levels` (`apps_droplet`).
    fn qualified(&self, levels: &[usize]) -> String {
        let mut parts: Vec<&str> = levels
            .iter()
            .filter_map(|&level| self.qualifiers.get(level))
            .map(String::as_str)
            .collect();
        parts.reverse();
        parts.push(&self.base);
        parts.join("_")
    }
}

/// A file name without its `.yaml`, `.yml` or `.json` extension.
fn stem(file_name: &str) -> &str {
    let lower = file_name.to_ascii_lowercase();
    for extension in [".yaml", ".yml", ".json"] {
        if lower.ends_with(extension) {
            return &file_name[..file_name.len() - extension.len()];
        }
    }
    file_name
}

/// Only the characters OpenAPI allows in component names (`[A-Za-z0-9._-]`).
fn sanitize(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "component".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(wanted: &[(&str, &str)], reserved: &[&str]) -> Vec<String> {
        let wanted: Vec<Wanted> = wanted.iter().map(|&(file, pointer)| Wanted { file, pointer }).collect();
        assign(&wanted, &reserved.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn files_are_named_by_their_stem_and_fragments_by_their_last_name() {
        assert_eq!(
            names(
                &[
                    ("schemas/Droplet.yaml", ""),
                    ("resources/droplets/parameters.yml", "/droplet_id"),
                    ("a/params.yml", "/job_name/schema")
                ],
                &[]
            ),
            ["Droplet", "droplet_id", "job_name"]
        );
    }

    #[test]
    fn clashes_are_told_apart_by_folder_then_suffix() {
        assert_eq!(
            names(
                &[
                    ("resources/apps/models/droplet.yml", ""),
                    ("resources/droplets/models/droplet.yml", ""),
                    ("x/Pet.yaml", ""),
                    ("x/Pet.json", ""),
                ],
                &["Error"]
            ),
            ["apps_droplet", "droplets_droplet", "Pet_2", "Pet"]
        );
        // A name the root document already uses is qualified too.
        assert_eq!(names(&[("errors/Error.yaml", "")], &["Error"]), ["errors_Error"]);
        assert_eq!(names(&[("Error.yaml", "")], &["Error"]), ["Error_2"]);
    }

    #[test]
    fn names_do_not_depend_on_order() {
        let forward = names(&[("a/m/x.yml", ""), ("b/m/x.yml", "")], &[]);
        let backward = names(&[("b/m/x.yml", ""), ("a/m/x.yml", "")], &[]);
        assert_eq!(forward, ["a_x", "b_x"]);
        assert_eq!(backward, ["b_x", "a_x"]);
    }
}
