//! Printing diagnostics: text (`FILE:LINE:COLUMN: #POINTER: MESSAGE`) or JSON.

use apigen::{Diagnostic, SourceMap};
use serde_json::{json, Value};
use std::path::Path;

/// A diagnostic with the spec position of its pointer, when the text tells.
pub struct Located<'a> {
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    /// 1-based line and column.
    pub position: Option<apigen::Position>,
}

/// Locates every diagnostic; the source map is only built when there is one to print.
pub fn locate<'a>(spec: &Path, text: &str, diagnostics: &'a [Diagnostic]) -> Vec<Located<'a>> {
    if diagnostics.is_empty() {
        return Vec::new();
    }
    let map = SourceMap::new(text, &spec.display().to_string());
    diagnostics
        .iter()
        .map(|diagnostic| Located {
            diagnostic,
            position: map.locate(&diagnostic.pointer),
        })
        .collect()
}

/// One line per diagnostic, compiler-style so editors can jump to it.
pub fn text_line(spec: &Path, located: &Located<'_>) -> String {
    let place = match located.position {
        Some(at) => format!("{}:{}:{}", spec.display(), at.line, at.column),
        None => spec.display().to_string(),
    };
    format!(
        "{place}: #{}: {}",
        located.diagnostic.pointer, located.diagnostic.message
    )
}

/// The JSON form of one diagnostic.
pub fn json_value(located: &Located<'_>) -> Value {
    json!({
        "pointer": located.diagnostic.pointer,
        "message": located.diagnostic.message,
        "line": located.position.map(|at| at.line),
        "column": located.position.map(|at| at.column),
    })
}
