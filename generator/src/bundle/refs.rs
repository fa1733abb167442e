//! Reading one `$ref` string: local pointer, file (with an optional pointer), or a
//! remote URL; and resolving a file path against the file the `$ref` stands in.

/// What a `$ref` string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefTarget {
    /// `#/a/b`: a node of the file the `$ref` stands in (the pointer, decoded).
    Local(String),
    /// `other.yaml` or `other.yaml#/a/b`: a node of another file (path as written,
    /// percent-decoded; pointer decoded, empty for the whole file).
    File { path: String, pointer: String },
}

/// Why a `$ref` string cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefProblem {
    /// `https://…`, `file:…`, `//host/…`: anything with a scheme or a host.
    Remote,
    /// A fragment that is not a JSON pointer (`#foo`, a JSON Schema anchor).
    NotAPointer,
    /// The path climbs above the root document's folder (or is absolute).
    Outside,
}

impl RefProblem {
    /// A sentence for error messages.
    pub fn describe(&self) -> &'static str {
        match self {
            RefProblem::Remote => "refers to a remote URL; apigen never fetches anything, so save the file next to the description and refer to it by a relative path",
            RefProblem::NotAPointer => "has a fragment that is not a JSON pointer (`#/…`); anchors are not supported",
            RefProblem::Outside => "leaves the folder of the root document; this is refused unless allowed (`apigen … --allow-ref-outside`, or `Builder::allow_ref_outside(true)` in build.rs)",
        }
    }
}

/// Splits a `$ref` string into what it names.
pub fn parse(reference: &str) -> Result<RefTarget, RefProblem> {
    if is_remote(reference) {
        return Err(RefProblem::Remote);
    }
    let (path, fragment) = match reference.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (reference, None),
    };
    let pointer = match fragment {
        None => String::new(),
        Some(fragment) => {
            let pointer = percent_decode(fragment);
            if !pointer.is_empty() && !pointer.starts_with('/') {
                return Err(RefProblem::NotAPointer);
            }
            pointer
        }
    };
    if path.is_empty() {
        return Ok(RefTarget::Local(pointer));
    }
    Ok(RefTarget::File {
        path: percent_decode(path),
        pointer,
    })
}

/// True for `scheme:…` (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`) and
/// for network-path references (`//host/…`).
fn is_remote(reference: &str) -> bool {
    if reference.starts_with("//") {
        return true;
    }
    let before_colon = match reference.find(':') {
        Some(at) => &reference[..at],
        None => return false,
    };
    // A colon after a `/`, `?` or `#` belongs to the path or fragment, not a scheme.
    let mut chars = before_colon.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `%XX` escapes decoded (invalid ones kept as written).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                at += 3;
            }
            (byte, _) => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The path of `target` (as written in a `$ref` of the file `base`), relative to the
/// root document's folder: `/`-separated, without `.` segments, `..` only leading
/// (and only when `allow_outside`). Absolute paths are outside the root.
pub fn resolve(base: &str, target: &str, allow_outside: bool) -> Result<String, RefProblem> {
    let target = target.replace('\\', "/");
    if target.starts_with('/') {
        return if allow_outside {
            Ok(target)
        } else {
            Err(RefProblem::Outside)
        };
    }
    let mut segments: Vec<&str> = if base.starts_with('/') {
        // A file outside the root, reached by an allowed absolute path.
        vec![""]
    } else {
        Vec::new()
    };
    let base_dir = base.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
    for segment in base_dir.split('/').chain(target.split('/')) {
        match segment {
            "" | "." => {}
            ".." => match segments.last() {
                Some(&last) if last != ".." && !last.is_empty() => {
                    segments.pop();
                }
                Some(&"") => {}
                _ if allow_outside => segments.push(".."),
                _ => return Err(RefProblem::Outside),
            },
            other => segments.push(other),
        }
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_split() {
        assert_eq!(parse("#/a~1b").unwrap(), RefTarget::Local("/a~1b".into()));
        assert_eq!(
            parse("x/y.yaml#/p").unwrap(),
            RefTarget::File {
                path: "x/y.yaml".into(),
                pointer: "/p".into()
            }
        );
        assert_eq!(
            parse("my%20file.yml").unwrap(),
            RefTarget::File {
                path: "my file.yml".into(),
                pointer: String::new()
            }
        );
        for remote in [
            "https://x.io/a.yaml",
            "http://x",
            "file:///etc/passwd",
            "//host/a.yaml",
            "urn:x:y",
        ] {
            assert_eq!(parse(remote), Err(RefProblem::Remote), "{remote}");
        }
        assert_eq!(parse("a.yaml#anchor"), Err(RefProblem::NotAPointer));
        // A colon after a slash is part of the path.
        assert!(parse("dir/a:b.yaml").is_ok());
    }

    #[test]
    fn paths_resolve_against_the_referring_file() {
        assert_eq!(resolve("a/b/c.yml", "../d.yml", false).unwrap(), "a/d.yml");
        assert_eq!(resolve("a/b/c.yml", "./e/f.yml", false).unwrap(), "a/b/e/f.yml");
        assert_eq!(resolve("root.yaml", "x.json", false).unwrap(), "x.json");
        assert_eq!(resolve("a/c.yml", "../../x.yml", false), Err(RefProblem::Outside));
        assert_eq!(resolve("a/c.yml", "../../x.yml", true).unwrap(), "../x.yml");
        assert_eq!(resolve("../x.yml", "../y.yml", true).unwrap(), "../../y.yml");
        assert_eq!(resolve("root.yaml", "/etc/passwd", false), Err(RefProblem::Outside));
        assert_eq!(resolve("root.yaml", "/etc/passwd", true).unwrap(), "/etc/passwd");
        assert_eq!(resolve("/abs/a.yml", "../b.yml", true).unwrap(), "/b.yml");
    }
}
