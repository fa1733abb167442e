//! Rust names from spec names: case conversion, keyword escaping and uniqueness.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Rust keywords (all editions) and names that would clash with prelude types we use.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names that would shadow items generated code relies on: generated code names
/// the Rust prelude (2021 edition) unqualified (`Option`, `Into`, `Send`, …), so a
/// spec type may not take any of those names, nor those of the generated root module.
const RESERVED_TYPES: &[&str] = &[
    // std prelude (v1 and 2021)
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "ToString",
    "Vec",
    "Box",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsRef",
    "AsMut",
    "Into",
    "From",
    "Default",
    "Iterator",
    "Extend",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "PartialEq",
    "PartialOrd",
    "Eq",
    "Ord",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "Self",
    // the generated root module's own items
    "Client",
    "ClientBuilder",
    "Error",
    "ErrorBody",
    "Types",
    // names kept free for readability of generated code
    "Response",
    "Value",
    "Nullable",
    "BTreeMap",
    "DateTime",
    "Utc",
    "NaiveDate",
    "Bytes",
];

/// Splits odd characters into word boundaries heck understands (`+1` → `plus 1`).
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '+' => out.push_str(" plus "),
            '-' if out.trim().is_empty() => out.push_str(" minus "),
            '*' => out.push_str(" star "),
            '@' => out.push_str(" at "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// A `snake_case` identifier, escaped when it is a keyword or starts with a digit.
pub fn snake(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("_{name}");
    }
    if !name.is_ascii() {
        // Hex escapes in lower case, so the result is still snake_case (`é` → `ue9`).
        name = ascii_only(&name).to_ascii_lowercase();
    }
    escape_keyword(name)
}

/// An `UpperCamelCase` identifier, prefixed when it starts with a digit.
pub fn pascal(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".into();
    }
    if !name.is_ascii() {
        name = ascii_only(&name);
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name = "SelfValue".into();
    }
    name
}

fn ascii_only(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            out.push(ch);
        } else {
            out.push_str(&format!("U{:X}", ch as u32));
        }
    }
    out
}

fn escape_keyword(name: String) -> String {
    if KEYWORDS.contains(&name.as_str()) {
        if NOT_RAW.contains(&name.as_str()) {
            format!("{name}_")
        } else {
            format!("r#{name}")
        }
    } else {
        name
    }
}

/// Hands out unique names in one namespace.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: BTreeSet<String>,
}

impl Namespace {
    /// A namespace with some names already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            used: reserved.iter().map(|name| (*name).to_owned()).collect(),
        }
    }

    /// A namespace for type names.
    pub fn for_types() -> Self {
        Self::with_reserved(RESERVED_TYPES)
    }

    /// A namespace for type names that also avoids `extra` (e.g. the names a
    /// generated file imports).
    pub fn for_types_and(extra: &[&str]) -> Self {
        let mut names = Self::for_types();
        names.used.extend(extra.iter().map(|name| (*name).to_owned()));
        names
    }

    /// Claims `name`, or `name2`, `name3`, … when taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        let base = name.trim_start_matches("r#").to_owned();
        let mut counter = 2;
        loop {
            let candidate = format!("{base}{counter}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            counter += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(snake("campaignId"), "campaign_id");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("threads.thread.messages.list"), "threads_thread_messages_list");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(pascal("campaign-status"), "CampaignStatus");
        assert_eq!(pascal("+1"), "Plus1");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(pascal("100"), "V100");
        assert_eq!(pascal(""), "Value");
        assert_eq!(snake("é"), "ue9");
        assert_eq!(snake("ñandú"), "uf1andufa");
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut names = Namespace::default();
        assert_eq!(names.claim(pascal("ASC")), "Asc");
        assert_eq!(names.claim(pascal("asc")), "Asc2");
        let mut types = Namespace::for_types();
        assert_eq!(types.claim("Error".into()), "Error2");
    }
}
