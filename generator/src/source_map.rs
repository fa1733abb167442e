//! JSON pointer → line:column in the spec text, for printing diagnostics next to the
//! place they are about. Built on demand from the text (never during generation, which
//! stays as fast as before): JSON is scanned exactly; YAML block style (what specs use)
//! is scanned line by line, and inside flow collections (`{…}`, `[…]`) or multi-line
//! scalars a pointer resolves to its nearest enclosing mapping entry.

use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column (in characters), from 1.
    pub column: usize,
}

/// Where each JSON pointer of a document starts in its text.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    positions: HashMap<String, Position>,
}

impl SourceMap {
    /// Indexes `text`; `file_name`'s extension picks JSON or YAML as [`crate::generate`] does.
    pub fn new(text: &str, file_name: &str) -> Self {
        let lower = file_name.to_ascii_lowercase();
        let json = if lower.ends_with(".json") {
            true
        } else if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            false
        } else {
            text.trim_start().starts_with(['{', '['])
        };
        let positions = if json {
            json_positions(text)
        } else {
            yaml_positions(text)
        };
        Self { positions }
    }

    /// The position of `pointer`, or of its nearest ancestor that the scan located;
    /// `None` when only the document root encloses it (e.g. a missing top-level key).
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            if current.is_empty() {
                return None;
            }
            current = &current[..current.rfind('/').unwrap_or(0)];
        }
    }
}

fn escape(token: &str) -> String {
    crate::pointer::escape(token)
}

// --- JSON ----------------------------------------------------------------------------

/// A container being scanned: its pointer, and for arrays the next index.
enum Frame {
    Object { pointer: String, key: Option<String> },
    Array { pointer: String, next: usize },
}

/// Walks the JSON text once, recording where each member's key (or each array
/// element) starts. Malformed text just yields fewer positions.
fn json_positions(text: &str) -> HashMap<String, Position> {
    let mut positions = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let (mut line, mut column) = (1usize, 0usize);
    let mut chars = text.chars().peekable();
    // In an object, the next string is a key when we have seen `{` or `,` since the last value.
    let mut expecting_key = false;
    while let Some(ch) = chars.next() {
        column += 1;
        let here = Position { line, column };
        match ch {
            '\n' => {
                line += 1;
                column = 0;
            }
            '"' => {
                let mut string = String::new();
                while let Some(c) = chars.next() {
                    column += 1;
                    match c {
                        '\\' => {
                            column += 1;
                            match chars.next() {
                                Some('n') => string.push('\n'),
                                Some('t') => string.push('\t'),
                                Some('u') => {
                                    let hex: String = chars.by_ref().take(4).collect();
                                    column += 4;
                                    if let Some(decoded) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                                        string.push(decoded);
                                    }
                                }
                                Some(other) => string.push(other),
                                None => {}
                            }
                        }
                        '"' => break,
                        '\n' => {
                            line += 1;
                            column = 0;
                        }
                        other => string.push(other),
                    }
                }
                match stack.last_mut() {
                    Some(Frame::Object { pointer, key }) if expecting_key => {
                        let member = format!("{pointer}/{}", escape(&string));
                        positions.insert(member.clone(), here);
                        *key = Some(member);
                        expecting_key = false;
                    }
                    Some(Frame::Array { .. }) => {
                        element_start(&mut stack, &mut positions, here);
                    }
                    _ => {}
                }
            }
            '{' | '[' => {
                let pointer = match stack.last_mut() {
                    Some(Frame::Object { key, .. }) => key.clone().unwrap_or_default(),
                    Some(Frame::Array { .. }) => element_start(&mut stack, &mut positions, here),
                    None => String::new(),
                };
                if ch == '{' {
                    stack.push(Frame::Object { pointer, key: None });
                    expecting_key = true;
                } else {
                    stack.push(Frame::Array { pointer, next: 0 });
                }
            }
            '}' | ']' => {
                stack.pop();
                expecting_key = false;
            }
            ',' => expecting_key = matches!(stack.last(), Some(Frame::Object { .. })),
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                // A number, `true`, `false` or `null`: an array element starts here.
                if matches!(stack.last(), Some(Frame::Array { .. })) {
                    element_start(&mut stack, &mut positions, here);
                }
                while chars
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | '}' | ']' | '\n') && !c.is_whitespace())
                {
                    chars.next();
                    column += 1;
                }
            }
        }
    }
    positions
}

/// Records the next element of the array on top of the stack; returns its pointer.
fn element_start(stack: &mut [Frame], positions: &mut HashMap<String, Position>, here: Position) -> String {
    let Some(Frame::Array { pointer, next }) = stack.last_mut() else {
        return String::new();
    };
    let element = format!("{pointer}/{next}");
    *next += 1;
    positions.insert(element.clone(), here);
    element
}

// --- YAML ----------------------------------------------------------------------------

/// One open block-style node: its indent, pointer, and for sequences the next index.
struct Open {
    indent: usize,
    pointer: String,
    is_item: bool,
    next_item: usize,
}

/// Line-by-line scan of block-style YAML (the style specs are written in).
fn yaml_positions(text: &str) -> HashMap<String, Position> {
    let mut positions = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    // Lines indented deeper than this belong to a scalar or flow value: skip them.
    let mut skip_deeper_than: Option<usize> = None;
    let mut root_items = 0usize;
    for (number, raw) in text.lines().enumerate() {
        let line = number + 1;
        let content = raw.trim_start_matches(' ');
        let mut indent = raw.len() - content.len();
        if content.is_empty() || content.starts_with('#') || content.starts_with("---") || content.starts_with("...") {
            continue;
        }
        if let Some(limit) = skip_deeper_than {
            if indent > limit {
                continue;
            }
            skip_deeper_than = None;
        }
        let mut rest = content;
        // `- ` items, possibly several on one line (`- - a`), possibly holding a key.
        while rest == "-" || rest.starts_with("- ") {
            while stack
                .last()
                .is_some_and(|open| open.indent > indent || (open.indent == indent && open.is_item))
            {
                stack.pop();
            }
            let index = match stack.last_mut() {
                Some(parent) => {
                    parent.next_item += 1;
                    parent.next_item - 1
                }
                None => {
                    root_items += 1;
                    root_items - 1
                }
            };
            let parent = stack.last().map(|open| open.pointer.clone()).unwrap_or_default();
            let pointer = format!("{parent}/{index}");
            positions.insert(
                pointer.clone(),
                Position {
                    line,
                    column: indent + 1,
                },
            );
            stack.push(Open {
                indent,
                pointer,
                is_item: true,
                next_item: 0,
            });
            let after = rest[1..].trim_start_matches(' ');
            indent += rest.len() - after.len();
            rest = after;
        }
        if rest.is_empty() {
            continue;
        }
        let Some((key, value)) = split_key(rest) else {
            // A scalar item (`- foo`) or a continuation: nothing below it has a pointer.
            skip_deeper_than = Some(indent);
            continue;
        };
        while stack.last().is_some_and(|open| open.indent >= indent) {
            stack.pop();
        }
        let parent = stack.last().map(|open| open.pointer.clone()).unwrap_or_default();
        let pointer = format!("{parent}/{}", escape(&key));
        positions.insert(
            pointer.clone(),
            Position {
                line,
                column: indent + 1,
            },
        );
        let value = strip_comment(value).trim();
        let opens_block = value.is_empty() || value.starts_with(['&', '!']) && !value.contains(' ');
        if !opens_block {
            // An inline scalar, block scalar (`|`, `>`) or flow collection: its deeper
            // lines are content, not keys.
            skip_deeper_than = Some(indent);
        }
        stack.push(Open {
            indent,
            pointer,
            is_item: false,
            next_item: 0,
        });
    }
    positions
}

/// Splits `key: value` (key plain, single- or double-quoted); `None` when the line is
/// not a mapping entry.
fn split_key(text: &str) -> Option<(String, &str)> {
    if let Some(quote) = text.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = text[1..].find(quote)? + 1;
        let key = text[1..end].to_owned();
        let after = text[end + 1..].trim_start_matches(' ');
        let value = after.strip_prefix(':')?;
        return (value.is_empty() || value.starts_with(' ')).then_some((key, value));
    }
    if text.starts_with(['{', '[', '|', '>', '*', '&', '!']) {
        return None;
    }
    let colon = text.match_indices(':').find(|(at, _)| {
        let after = &text[at + 1..];
        after.is_empty() || after.starts_with(' ')
    })?;
    let key = text[..colon.0].trim_end();
    if key.contains(" #") {
        return None;
    }
    Some((key.to_owned(), &text[colon.0 + 1..]))
}

/// The value without a trailing ` # comment` (good enough for deciding if it is empty).
fn strip_comment(value: &str) -> &str {
    if value.trim_start().starts_with('#') {
        return "";
    }
    value.find(" #").map_or(value, |at| &value[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(map: &SourceMap, pointer: &str) -> (usize, usize) {
        let position = map.locate(pointer).unwrap();
        (position.line, position.column)
    }

    #[test]
    fn json_keys_and_elements_are_located() {
        let text = "{\n  \"paths\": {\n    \"/a/{id}\": {\"get\": {\"tags\": [\"x\", 2]}}\n  },\n  \"n\": 1\n}\n";
        let map = SourceMap::new(text, "spec.json");
        assert_eq!(at(&map, "/paths"), (2, 3));
        assert_eq!(at(&map, "/paths/~1a~1{id}"), (3, 5));
        assert_eq!(at(&map, "/paths/~1a~1{id}/get"), (3, 17));
        assert_eq!(at(&map, "/paths/~1a~1{id}/get/tags/1"), (3, 39));
        assert_eq!(at(&map, "/n"), (5, 3));
        // Unknown pointers fall back to the nearest located ancestor, but not to the root.
        assert_eq!(at(&map, "/paths/~1a~1{id}/get/responses"), (3, 17));
        assert_eq!(map.locate("/servers"), None);
    }

    #[test]
    fn yaml_block_style_is_located() {
        let text = "openapi: 3.1.0\npaths:\n  /pets:\n    get:\n      description: |\n        a: not a key\n      parameters:\n      - name: limit\n        in: query\n      - $ref: '#/x'\n      tags: [a, b]\n    \"post\":\n      x: 1\n";
        let map = SourceMap::new(text, "spec.yaml");
        assert_eq!(at(&map, "/paths/~1pets/get"), (4, 5));
        assert_eq!(at(&map, "/paths/~1pets/get/parameters"), (7, 7));
        assert_eq!(at(&map, "/paths/~1pets/get/parameters/0"), (8, 7));
        assert_eq!(at(&map, "/paths/~1pets/get/parameters/0/in"), (9, 9));
        assert_eq!(at(&map, "/paths/~1pets/get/parameters/1/$ref"), (10, 9));
        assert_eq!(at(&map, "/paths/~1pets/get/tags/1"), (11, 7));
        assert_eq!(at(&map, "/paths/~1pets/post/x"), (13, 7));
        assert!(!map.positions.contains_key("/paths/~1pets/get/description/a"));
    }
}
