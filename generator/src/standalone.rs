//! The files that make generated code a standalone, movable crate: `Cargo.toml` (with
//! the runtime dependency written as the user chooses, never as an absolute path, and
//! package metadata from the spec's `info`), `src/lib.rs`, `README.md` and
//! `.gitattributes` (marking `src/generated/` as generated).

use crate::Output;
use std::fmt::Write as _;
use std::path::{Component, Path};

/// The runtime crate's version; generated crates ask for a compatible one.
const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the generated crate gets `apigen-runtime` from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RuntimeSource {
    /// A copy of the runtime's source inside the crate (`src/generated/apigen_runtime/`,
    /// see [`crate::vendor`]): the default. The crate builds with crates.io alone, and
    /// crates generated from different specs build side by side in one binary.
    #[default]
    Vendored,
    /// A registry version requirement (e.g. `0.1`), for a runtime published to a
    /// registry you use.
    Version(String),
    /// A path relative to the generated crate's directory (e.g. `../apigen-runtime`).
    Path(String),
    /// A git repository, optionally pinned to a revision.
    Git {
        /// Repository URL.
        url: String,
        /// Commit, tag or branch passed as `rev`.
        rev: Option<String>,
    },
}

fn default_requirement() -> String {
    RUNTIME_VERSION.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

impl RuntimeSource {
    /// Parses the CLI form: `vendored`, `VERSION`, `path=REL`, `git=URL` or `git=URL#REV`.
    pub fn parse(text: &str) -> Result<Self, CrateError> {
        if text == "vendored" {
            return Ok(Self::Vendored);
        }
        if let Some(path) = text.strip_prefix("path=") {
            return Ok(Self::Path(path.to_owned()));
        }
        if let Some(git) = text.strip_prefix("git=") {
            let (url, rev) = match git.split_once('#') {
                Some((url, rev)) => (url, Some(rev.to_owned())),
                None => (git, None),
            };
            if url.is_empty() {
                return Err(CrateError::Runtime("`git=` needs a repository URL".into()));
            }
            return Ok(Self::Git {
                url: url.to_owned(),
                rev,
            });
        }
        let valid = !text.is_empty()
            && text.chars().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, '.' | '^' | '~' | '=' | '<' | '>' | '*' | ',' | ' ' | '-' | '+')
            });
        if valid {
            Ok(Self::Version(text.to_owned()))
        } else {
            Err(CrateError::Runtime(format!(
                "{text:?} is not a version requirement; use vendored, VERSION, path=REL or git=URL[#REV]"
            )))
        }
    }

    /// The TOML inline table after `apigen-runtime = ` (`None` for the vendored copy,
    /// which is no dependency).
    fn to_toml(&self) -> Result<Option<String>, CrateError> {
        let version = default_requirement();
        Ok(Some(match self {
            Self::Vendored => return Ok(None),
            Self::Version(requirement) => format!("{{ version = {} }}", toml_string(requirement)),
            Self::Path(path) => {
                let path = path.replace('\\', "/");
                if Path::new(&path).is_absolute() || path.starts_with('/') || path.get(1..3) == Some(":/") {
                    return Err(CrateError::Runtime(format!(
                        "runtime path {path:?} is absolute; give it relative to the generated crate so the crate can move"
                    )));
                }
                // The version lets `cargo package` replace the path by the registry crate.
                format!(
                    "{{ path = {}, version = {} }}",
                    toml_string(&path),
                    toml_string(&version)
                )
            }
            // As for paths, the version lets a published crate fall back to the registry.
            Self::Git { url, rev: Some(rev) } => format!(
                "{{ git = {}, rev = {}, version = {} }}",
                toml_string(url),
                toml_string(rev),
                toml_string(&version)
            ),
            Self::Git { url, rev: None } => {
                format!("{{ git = {}, version = {} }}", toml_string(url), toml_string(&version))
            }
        }))
    }

    /// Whether the crate holds its own copy of the runtime.
    pub fn is_vendored(&self) -> bool {
        matches!(self, Self::Vendored)
    }
}

/// How to lay out the standalone crate.
#[derive(Debug, Clone)]
pub struct CrateOptions {
    /// Package name (e.g. `petstore`).
    pub name: String,
    /// Where `apigen-runtime` comes from.
    pub runtime: RuntimeSource,
    /// The command that regenerates the crate, shown in its README.
    pub regenerate_command: String,
}

impl CrateOptions {
    /// A crate `name` with its own copy of the runtime.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            runtime: RuntimeSource::default(),
            regenerate_command: String::new(),
        }
    }
}

/// Why the crate files could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrateError {
    /// The runtime source is unusable (absolute path, malformed requirement).
    #[error("runtime source: {0}")]
    Runtime(String),
    /// The crate name is not a valid package name.
    #[error("{0:?} is not a valid crate name (letters, digits, `-` and `_`, starting with a letter)")]
    Name(String),
}

/// `(relative path, contents)` of every file of the standalone crate.
pub fn crate_files(output: &Output, options: &CrateOptions) -> Result<Vec<(String, String)>, CrateError> {
    let name = &options.name;
    let valid_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_name {
        return Err(CrateError::Name(name.clone()));
    }
    let lib =
        "//! Generated client crate (see README.md).\n\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n"
            .to_owned();
    let mut files = vec![
        ("Cargo.toml".to_owned(), manifest(output, options)?),
        ("README.md".to_owned(), readme(output, options)),
        (
            ".gitattributes".to_owned(),
            "# Written by apigen: regenerate, do not edit.\nsrc/generated/** linguist-generated=true\n".to_owned(),
        ),
        ("src/lib.rs".to_owned(), lib),
    ];
    for file in &output.files {
        files.push((format!("src/generated/{}", file.path), file.contents.clone()));
    }
    Ok(files)
}

fn manifest(output: &Output, options: &CrateOptions) -> Result<String, CrateError> {
    let api = &output.api;
    let description = api
        .summary
        .clone()
        .unwrap_or_else(|| format!("Rust client for the {}, generated by apigen.", api_name(&api.title)));
    let mut text = String::new();
    let _ = writeln!(text, "[package]");
    let _ = writeln!(text, "name = {}", toml_string(&options.name));
    let _ = writeln!(text, "version = \"0.1.0\"");
    let _ = writeln!(text, "edition = \"2021\"");
    let _ = writeln!(text, "description = {}", toml_string(&description));
    if let Some(license) = api.license.as_deref().filter(|license| is_spdx(license)) {
        let _ = writeln!(text, "license = {}", toml_string(license));
    }
    if let Some(repository) = &api.repository {
        let _ = writeln!(text, "repository = {}", toml_string(repository));
    }
    if let Some(homepage) = &api.homepage {
        let _ = writeln!(text, "homepage = {}", toml_string(homepage));
    }
    let _ = writeln!(text, "readme = \"README.md\"");
    let _ = writeln!(text, "\n[dependencies]");
    match options.runtime.to_toml()? {
        Some(runtime) => {
            let _ = writeln!(text, "apigen-runtime = {runtime}");
            let _ = writeln!(text, "serde = {{ version = \"1\", features = [\"derive\"] }}");
            let _ = writeln!(
                text,
                "serde_json = {{ version = \"1\", features = [\"float_roundtrip\"] }}"
            );
        }
        None => {
            let _ = writeln!(
                text,
                "# What the runtime copy in src/generated/apigen_runtime/ needs (apigen-runtime {}'s dependencies).",
                crate::vendor::RUNTIME_VERSION
            );
            for (name, table) in crate::vendor::dependencies() {
                let _ = writeln!(text, "{name} = {table}");
            }
        }
    }
    let _ = writeln!(text, "\n[features]");
    text.push_str(&features_table(&output.feature_groups));
    // The typed mock server (`mock` module) compiles only when asked for; it encodes
    // response bodies, so it needs `serialize-responses`.
    let _ = writeln!(
        text,
        "## A typed mock server (`mock` module) for tests of code calling the client."
    );
    let _ = writeln!(
        text,
        "mock = [{}]",
        runtime_feature(&options.runtime, "mock", &["serialize-responses"])
    );
    let _ = writeln!(
        text,
        "## One `tracing` span per request and per attempt (method, path template, status, attempts)."
    );
    let _ = writeln!(
        text,
        "tracing = [{}]",
        runtime_feature(&options.runtime, "tracing", &[])
    );
    Ok(text)
}

/// The members of the crate's feature `name` that turns on the runtime's feature of
/// that name: `apigen-runtime/name`, or, for the runtime copy, that feature's own
/// members; then `extra`.
fn runtime_feature(runtime: &RuntimeSource, name: &str, extra: &[&str]) -> String {
    let mut members: Vec<String> = if runtime.is_vendored() {
        crate::vendor::features()
            .filter(|(feature, _)| *feature == name)
            .flat_map(|(_, members)| members.iter().map(|member| (*member).to_owned()))
            .collect()
    } else {
        vec![format!("apigen-runtime/{name}")]
    };
    members.extend(extra.iter().map(|member| (*member).to_owned()));
    members
        .iter()
        .map(|member| toml_string(member))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The lines of a `[features]` table that apigen owns: `default` (= `full`), `full` (every
/// operation group), `serialize-responses` and one feature per group (see
/// [`Output::feature_groups`]). Every crate holding generated code with
/// [`crate::Settings::feature_groups`] on must declare them, plus `mock`
/// (`["apigen-runtime/mock", "serialize-responses"]`).
pub fn features_table(feature_groups: &[String]) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "## Every operation group. Compile a slice with `default-features = false, features = [\"<group>\", …]`."
    );
    let _ = writeln!(text, "default = [\"full\"]");
    if feature_groups.is_empty() {
        let _ = writeln!(text, "full = []");
    } else {
        let _ = writeln!(text, "full = [");
        for group in feature_groups {
            let _ = writeln!(text, "    {},", toml_string(group));
        }
        let _ = writeln!(text, "]");
    }
    let _ = writeln!(
        text,
        "## `Serialize` on types only ever received (to cache, forward or mock responses)."
    );
    let _ = writeln!(text, "serialize-responses = []");
    let _ = writeln!(
        text,
        "## Operation groups: the operations of one tag (or first path segment) and the types only they use."
    );
    for group in feature_groups {
        let _ = writeln!(text, "{} = []", toml_key(group));
    }
    text
}

/// A feature name as a TOML key (group names are kebab-case ASCII, so always bare).
fn toml_key(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        name.to_owned()
    } else {
        toml_string(name)
    }
}

fn readme(output: &Output, options: &CrateOptions) -> String {
    let api = &output.api;
    let module = options.name.replace('-', "_");
    let mut text = String::new();
    let _ = writeln!(text, "# {}\n", options.name);
    let _ = writeln!(
        text,
        "A typed async Rust client for **{}** (API version {}, OpenAPI {}), generated by apigen.\n",
        api.title.trim(),
        api.version,
        api.openapi_version
    );
    if let Some(summary) = &api.summary {
        let _ = writeln!(text, "{summary}\n");
    }
    let _ = writeln!(
        text,
        "{} of the spec's {} operations are methods on `Client`; {} types live in `{module}::types`.\n",
        output.operation_counts.generated, output.operation_counts.total, output.type_count
    );
    if let Some(license) = &api.license {
        let _ = writeln!(text, "The API's license, as the spec states it: {license}.\n");
    }
    let _ = writeln!(text, "## Quick start\n");
    let _ = writeln!(text, "```toml\n[dependencies]\n{} = {{ path = \"…\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n```\n", options.name);
    let base_url = match &api.base_url {
        Some(url) => format!("        // Defaults to {url}.\n"),
        None => "        // The spec names no absolute server URL, so one is required.\n        .base_url(\"https://api.example.com\")\n".to_owned(),
    };
    let call = match &api.quick_start {
        Some(call) => format!(
            "    // {}\n    let response = client.{}({}).await?;\n    println!(\"{{response:?}}\");\n",
            call.endpoint,
            call.method,
            call.arguments.join(", ")
        ),
        None => "    // The spec has no operations.\n    let _ = client;\n".to_owned(),
    };
    let _ = writeln!(
        text,
        "```rust,no_run\n#[tokio::main]\nasync fn main() -> Result<(), {module}::Error> {{\n    let client = {module}::Client::builder()\n{base_url}        .build()?;\n{call}    Ok(())\n}}\n```\n"
    );
    if !output.security.is_empty() {
        let _ = writeln!(
            text,
            "## Authentication\n\nThe spec's security schemes, and the `Client::builder()` method for each (a call\nthat needs credentials you did not configure fails with `Error::MissingCredentials`\nbefore anything is sent):\n"
        );
        for scheme in &output.security {
            let _ = writeln!(
                text,
                "- `{}` ({} operations): {}{}",
                scheme.name,
                scheme.operations,
                scheme.wiring,
                if scheme.wired {
                    ""
                } else {
                    " (not wired by the client: configure it by hand, e.g. with `default_header` or your own `reqwest::Client` via `http_client`)"
                }
            );
        }
        text.push('\n');
    }
    if let Some(first) = output.feature_groups.first() {
        let _ = writeln!(
            text,
            "## Features\n\nEach operation group is a cargo feature, all on by default (`full`): {}. To compile\nonly some, e.g. `{first}`:\n\n```toml\n{} = {{ path = \"…\", default-features = false, features = [\"{first}\"] }}\n```\n\n`serialize-responses` adds `Serialize` to the types only ever received; `mock` (a typed\nmock server for tests) turns it on.\n",
            output
                .feature_groups
                .iter()
                .map(|group| format!("`{group}`"))
                .collect::<Vec<_>>()
                .join(", "),
            options.name
        );
    }
    let _ = writeln!(text, "## The runtime\n");
    match &options.runtime {
        RuntimeSource::Vendored => {
            let _ = writeln!(
                text,
                "Configuration, request execution, retries, encoding and errors come from\n`apigen-runtime` {version}, which apigen {version} copied into `src/generated/apigen_runtime/`\n(reachable as `{module}::apigen_runtime`). The copy is the same for every crate that apigen\nversion writes; regenerating with a newer apigen replaces it. Its dependencies\n(`reqwest`, `tokio`, `serde`, …) are listed in `Cargo.toml`; nothing comes from outside\ncrates.io. Crates generated from different specs each carry their copy and build side\nby side in one binary.\n",
                version = crate::vendor::RUNTIME_VERSION
            );
        }
        other => {
            let source = match other {
                RuntimeSource::Version(requirement) => format!("version `{requirement}` from your registry"),
                RuntimeSource::Path(path) => format!("the checkout at `{path}` (relative to this crate)"),
                RuntimeSource::Git { url, .. } => format!("the git repository `{url}`"),
                RuntimeSource::Vendored => String::new(),
            };
            let _ = writeln!(
                text,
                "Configuration, request execution, retries, encoding and errors come from the\n`apigen-runtime` crate: {source} (see `Cargo.toml`).\n"
            );
        }
    }
    let _ = writeln!(text, "## Regenerating\n");
    let _ = writeln!(
        text,
        "Everything under `src/generated/` is written by apigen (`.gitattributes` marks it\n`linguist-generated`); do not edit it by hand. Regenerate with:\n"
    );
    let command = if options.regenerate_command.is_empty() {
        format!("apigen generate --spec SPEC --out . --name {}", options.name)
    } else {
        options.regenerate_command.clone()
    };
    let _ = writeln!(text, "```sh\n{command}\n```");
    text
}

/// `Petstore` → `Petstore API`; a title already ending in "API" is kept as it is.
fn api_name(title: &str) -> String {
    let title = title.trim();
    if title.to_ascii_lowercase().ends_with("api") {
        title.to_owned()
    } else {
        format!("{title} API")
    }
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `license` reads as an SPDX expression (`MIT`, `MIT OR Apache-2.0`); names
/// like "Apache 2.0" are left out of the manifest (they are still in the README).
fn is_spdx(license: &str) -> bool {
    let mut expect_id = true;
    for token in license.split_whitespace() {
        let operator = matches!(token, "OR" | "AND" | "WITH");
        let id = token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'));
        if expect_id && id && !operator {
            expect_id = false;
        } else if !expect_id && operator {
            expect_id = true;
        } else {
            return false;
        }
    }
    !expect_id
}

/// `target` written relative to `base` (both absolute), e.g. for a `path=` runtime
/// source; `None` when they share no root (different drives). `.` and `..` are resolved
/// lexically, as the directories may not exist yet.
pub fn relative_path(base: &Path, target: &Path) -> Option<String> {
    let base = lexical(base);
    let target = lexical(target);
    if base.first() != target.first() {
        return None;
    }
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); base.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// Components with `.` dropped and `..` applied.
fn lexical(path: &Path) -> Vec<Component<'_>> {
    let mut out: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_sources_parse_and_never_write_absolute_paths() {
        assert_eq!(
            RuntimeSource::parse("0.1").unwrap(),
            RuntimeSource::Version("0.1".into())
        );
        assert_eq!(
            RuntimeSource::parse("git=https://example.com/r.git#abc").unwrap(),
            RuntimeSource::Git {
                url: "https://example.com/r.git".into(),
                rev: Some("abc".into())
            }
        );
        assert!(RuntimeSource::parse("not a version!").is_err());
        assert_eq!(
            RuntimeSource::Path("../rt".into()).to_toml().unwrap().unwrap(),
            "{ path = \"../rt\", version = \"0.1\" }"
        );
        assert!(RuntimeSource::Path("/abs/rt".into()).to_toml().is_err());
        assert!(RuntimeSource::Path("C:/rt".into()).to_toml().is_err());
        assert_eq!(
            RuntimeSource::parse("git=https://h/r.git#v1")
                .unwrap()
                .to_toml()
                .unwrap()
                .unwrap(),
            "{ git = \"https://h/r.git\", rev = \"v1\", version = \"0.1\" }"
        );
        assert_eq!(RuntimeSource::parse("vendored").unwrap(), RuntimeSource::Vendored);
        assert_eq!(RuntimeSource::default(), RuntimeSource::Vendored);
        assert_eq!(RuntimeSource::Vendored.to_toml().unwrap(), None);
        assert_eq!(api_name("Keeper API"), "Keeper API");
        assert_eq!(api_name("Petstore"), "Petstore API");
    }

    #[test]
    fn spdx_detection_and_relative_paths() {
        assert!(is_spdx("MIT"));
        assert!(is_spdx("MIT OR Apache-2.0"));
        assert!(!is_spdx("Apache 2.0"));
        assert!(!is_spdx(""));
        assert_eq!(
            relative_path(Path::new("/a/b/c"), Path::new("/a/rt")).as_deref(),
            Some("../../rt")
        );
        assert_eq!(relative_path(Path::new("/a"), Path::new("/a")).as_deref(), Some("."));
        assert_eq!(
            relative_path(Path::new("/a/./b/../c"), Path::new("/x/y")).as_deref(),
            Some("../../x/y")
        );
        assert_eq!(toml_string("say \"hi\"\n"), "\"say \\\"hi\\\"\\u000A\"");
    }
}
