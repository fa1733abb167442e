//! Printing diagnostics: text (`FILE:LINE:COLUMN: #POINTER: MESSAGE`) or JSON. For a
//! description split over several files, FILE is the file the construct is written in.

use apigen::build::Locator;
use apigen::Diagnostic;
use serde_json::{json, Value};

/// A diagnostic with the file and position of its pointer, when the text tells.
pub struct Located<'a> {
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    /// The file the construct is written in (the spec, or a file it refers to).
    pub file: String,
    /// 1-based line and column.
    pub position: Option<apigen::Position>,
}

/// Locates every diagnostic (files are indexed only when there is one to print).
pub fn locate<'a>(locator: &Locator, diagnostics: &'a [Diagnostic]) -> Vec<Located<'a>> {
    diagnostics
        .iter()
        .map(|diagnostic| {
            let (file, position) = locator.position(&diagnostic.pointer);
            Located {
                diagnostic,
                file,
                position,
            }
        })
        .collect()
}

/// One line per diagnostic, compiler-style so editors can jump to it.
pub fn text_line(located: &Located<'_>) -> String {
    let place = match located.position {
        Some(at) => format!("{}:{}:{}", located.file, at.line, at.column),
        None => located.file.clone(),
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
        "file": located.file,
        "line": located.position.map(|at| at.line),
        "column": located.position.map(|at| at.column),
    })
}
