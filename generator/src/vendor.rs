//! The runtime copy written into generated crates ([`crate::Settings::vendor_runtime`]).
//!
//! `apigen-runtime` is not published, so a crate that depends on it by version cannot
//! build. Instead, every `.rs` file of the runtime (embedded in this generator by its
//! `build.rs`) is written into the generated module as `apigen_runtime/`, a module of
//! the generated crate, and the runtime's dependencies go into the crate's manifest
//! ([`dependencies`], [`features`]). The copy is a pure function of this apigen build:
//! byte-identical for one version, updated by regenerating with a newer one.
//!
//! The runtime's source is written for a crate root, so the copy is adjusted as it is
//! written:
//! - `crate::…` paths become `super::…` (as many as the file's depth), or `self::…`
//!   in the module root (from `lib.rs`);
//! - the `#[macro_export]` macros become module-scoped (`pub(crate) use name;` after
//!   the file, re-exported from the runtime root), and `$crate::…` in their bodies
//!   becomes `apigen_runtime::…`, which resolves at the call site, where generated
//!   modules import `apigen_runtime`;
//! - `#[cfg(test)]` modules (the runtime's own tests, which need its dev-dependencies)
//!   are left out.

include!(concat!(env!("OUT_DIR"), "/runtime_source.rs"));

/// The module name of the runtime copy inside the generated module.
pub const MODULE: &str = "apigen_runtime";

/// The version of the runtime copied (this apigen's version).
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The runtime copy's files: path relative to the generated module's directory
/// (`apigen_runtime/mod.rs`, `apigen_runtime/call.rs`, …) and contents.
pub fn files() -> Vec<(String, String)> {
    let mut macros: Vec<(String, String)> = Vec::new();
    let mut files: Vec<(String, String)> = RUNTIME_FILES
        .iter()
        .filter(|(path, _)| *path != "lib.rs")
        .map(|(path, text)| {
            let module_path = module_path(path);
            let (text, exported) = adapt(text, module_path.len());
            for name in exported {
                macros.push((module_path.join("::"), name));
            }
            (format!("{MODULE}/{path}"), with_header(&text))
        })
        .collect();
    if let Some((_, lib)) = RUNTIME_FILES.iter().find(|(path, _)| *path == "lib.rs") {
        let (text, _) = adapt(lib, 0);
        // The runtime's docs link to its macros, which are private to the crate here.
        let mut text = crate::emit::after_inner_attributes(&text, "#![allow(rustdoc::private_intra_doc_links)]\n");
        if !macros.is_empty() {
            text.push_str("\n// The runtime's macros, for the generated modules (`apigen_runtime::name!`).\n");
            for (module, name) in &macros {
                text.push_str(&format!(
                    "#[allow(unused_imports)]\npub(crate) use self::{module}::{name};\n"
                ));
            }
        }
        files.insert(0, (format!("{MODULE}/mod.rs"), with_header(&text)));
    }
    files
}

/// `[dependencies]` lines the runtime copy needs: `name = { … }`.
pub fn dependencies() -> impl Iterator<Item = (&'static str, &'static str)> {
    RUNTIME_DEPENDENCIES.iter().copied()
}

/// The runtime's features (`tracing`, `mock`) with their members, for the generated
/// crate's `[features]`.
pub fn features() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    RUNTIME_FEATURES.iter().copied()
}

fn with_header(text: &str) -> String {
    format!(
        "// Copied from apigen-runtime {RUNTIME_VERSION} by apigen {RUNTIME_VERSION} — do not edit by hand;\n// regenerating with another apigen version replaces this copy.\n\n{text}"
    )
}

/// `call.rs` → `["call"]`, `mock/mod.rs` → `["mock"]`, `mock/http.rs` → `["mock", "http"]`.
fn module_path(path: &str) -> Vec<String> {
    let without_ext = path.strip_suffix(".rs").unwrap_or(path);
    let mut parts: Vec<String> = without_ext.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|last| last == "mod") {
        parts.pop();
    }
    parts
}

/// One runtime file adjusted for a module at `depth` below the runtime root, and the
/// names of the macros it exported.
fn adapt(text: &str, depth: usize) -> (String, Vec<String>) {
    let text = strip_test_modules(text);
    let mut exported = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[macro_export]" {
            if let Some(name) = lines.peek().and_then(|next| macro_name(next)) {
                exported.push(name);
                // A generated crate may not use every macro (no open enum in its spec).
                out.push_str("#[allow(unused_macros)]\n");
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    let prefix = if depth == 0 {
        "self::".to_owned()
    } else {
        "super::".repeat(depth)
    };
    let out = without_doctests(&out);
    let mut out = out.replace("$crate::", &format!("{MODULE}::"));
    out = replace_crate_paths(&out, &prefix);
    for name in &exported {
        out.push_str(&format!("#[allow(unused_imports)]\npub(crate) use {name};\n"));
    }
    (out, exported)
}

/// Rust code blocks in doc comments become `ignore`: they are written for the
/// runtime crate (`apigen_runtime::…` as an extern crate) and would run as doctests of
/// the crate holding the copy. Blocks in other languages (`text`, `toml`) stay.
fn without_doctests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_block = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let doc = ["//! ", "/// ", "//!", "///"]
            .iter()
            .find_map(|prefix| trimmed.strip_prefix(prefix).map(|rest| (prefix, rest)));
        if let Some((prefix, rest)) = doc {
            if let Some(info) = rest.trim_end().strip_prefix("```") {
                if in_block {
                    in_block = false;
                } else {
                    in_block = true;
                    let rust = info.is_empty()
                        || info.split(',').all(|word| {
                            matches!(
                                word.trim(),
                                "rust" | "no_run" | "should_panic" | "compile_fail" | "ignore" | "edition2021"
                            )
                        });
                    if rust {
                        let indent = &line[..line.len() - trimmed.len()];
                        out.push_str(&format!("{indent}{prefix}```ignore\n"));
                        continue;
                    }
                }
            }
        }
        out.push_str(line);
    }
    out
}

/// `macro_rules! name {` → `name`.
fn macro_name(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("macro_rules!")?.trim();
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// Replaces `crate::` (a path start, not `pub(crate)` or `foo_crate::`) by `prefix`.
fn replace_crate_paths(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let starts_path = before
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '$'));
        out.push_str(before);
        if starts_path {
            out.push_str(prefix);
        } else {
            out.push_str("crate::");
        }
        rest = &rest[at + "crate::".len()..];
    }
    out.push_str(rest);
    out
}

/// Drops trailing test modules: from a `#[cfg(test)]`-like line (any `cfg` naming
/// `test`) followed by `mod …`, to the end of the file, when that tail is one
/// balanced module. Anything else is kept as it is.
fn strip_test_modules(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    for (index, line) in lines.iter().enumerate() {
        let is_test_cfg = line.starts_with("#[cfg(") && line.contains("test");
        let next_is_mod = lines
            .get(index + 1)
            .is_some_and(|next| next.starts_with("mod ") && next.trim_end().ends_with('{'));
        if is_test_cfg && next_is_mod {
            let tail = lines[index..].join("\n");
            if balanced(&tail) && lines.last().is_some_and(|last| last.trim() == "}") {
                let mut kept = lines[..index].join("\n");
                while kept.ends_with('\n') {
                    kept.pop();
                }
                kept.push('\n');
                return kept;
            }
        }
    }
    text.to_owned()
}

/// Whether braces balance (ignoring those in string and char literals only roughly:
/// good enough for a test module tail that is also checked by compiling the copy).
fn balanced(text: &str) -> bool {
    let mut depth: i64 = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
    }
    depth == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_paths_follow_the_module_depth() {
        let (text, macros) = adapt(
            "use crate::error::Error;\npub(crate) fn f() -> crate::X { my_crate::y() }\n",
            2,
        );
        assert_eq!(
            text,
            "use super::super::error::Error;\npub(crate) fn f() -> super::super::X { my_crate::y() }\n"
        );
        assert!(macros.is_empty());
        let (root, _) = adapt("pub use crate::a::B;\n", 0);
        assert_eq!(root, "pub use self::a::B;\n");
    }

    #[test]
    fn exported_macros_become_module_scoped() {
        let source = "#[macro_export]\nmacro_rules! thing {\n    () => { $crate::call::go() };\n}\n";
        let (text, macros) = adapt(source, 1);
        assert_eq!(macros, vec!["thing".to_owned()]);
        assert!(!text.contains("macro_export"));
        assert!(text.contains("apigen_runtime::call::go()"));
        assert!(text.ends_with("pub(crate) use thing;\n"));
    }

    /// The build.rs example and the README list what a crate holding the copy must
    /// depend on: every runtime dependency, by name.
    #[test]
    fn the_documented_dependency_lists_name_every_runtime_dependency() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let example = std::fs::read_to_string(format!("{root}/examples/build-rs/Cargo.toml")).unwrap_or_default();
        let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap_or_default();
        for (name, _) in dependencies() {
            let listed = |text: &str| {
                text.lines()
                    .any(|line| line.starts_with(&format!("{name} =")) || line.starts_with(&format!("{name}.")))
            };
            assert!(listed(&example), "examples/build-rs/Cargo.toml lacks {name}");
            assert!(listed(&readme), "README.md's build.rs dependency list lacks {name}");
        }
    }

    #[test]
    fn rust_doc_examples_are_not_run_as_doctests() {
        let source = "/// ```\n/// let x = 1;\n/// ```\n//! ```rust,no_run\n//! f();\n//! ```\n/// ```text\n/// raw\n/// ```\nfn f() {}\n";
        assert_eq!(
            without_doctests(source),
            "/// ```ignore\n/// let x = 1;\n/// ```\n//! ```ignore\n//! f();\n//! ```\n/// ```text\n/// raw\n/// ```\nfn f() {}\n"
        );
    }

    #[test]
    fn test_modules_are_left_out() {
        let source = "pub fn a() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { let _ = \"x\"; }\n}\n";
        assert_eq!(strip_test_modules(source), "pub fn a() {}\n");
        let unbalanced = "pub fn a() {}\n#[cfg(test)]\nmod tests {\n";
        assert_eq!(strip_test_modules(unbalanced), unbalanced);
    }

    #[test]
    fn the_copy_has_every_runtime_file_and_no_test_module() {
        let files = files();
        assert_eq!(files.len(), RUNTIME_FILES.len());
        assert_eq!(files[0].0, "apigen_runtime/mod.rs");
        for (path, text) in &files {
            assert!(!text.contains("#[cfg(test)]\nmod "), "{path} keeps a test module");
            assert!(!text.contains("$crate"), "{path} keeps $crate");
            assert!(!text.contains("#[macro_export]"), "{path} exports a macro");
        }
        assert!(files[0].1.contains("pub(crate) use self::call::request_builder;"));
        assert!(dependencies().any(|(name, _)| name == "reqwest"));
    }
}
