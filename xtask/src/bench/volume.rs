//! Generated code volume: lines of apigen's generated files by kind, per operation and
//! per type, so a change in what is emitted per item shows up in the report.

use std::fs;
use std::path::Path;

/// Lines of one generated crate, split by what the files hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Volume {
    /// Operations generated (the first number of the summary's `12/34 operations`).
    pub operations: Option<usize>,
    /// Named types generated (the summary's `N types`).
    pub types: Option<usize>,
    /// `operations.rs` + `builders.rs` (or `operations/` and `builders/` when split).
    pub operation_lines: usize,
    /// `mock.rs` (or `mock/`): behind the crate's `mock` feature.
    pub mock_lines: usize,
    /// `types.rs` (or `types/`).
    pub type_lines: usize,
    /// Every other generated `.rs` file (`mod.rs`, `webhooks.rs`, …).
    pub other_lines: usize,
}

/// Which count a generated file adds to, by its first path component under
/// `src/generated/` (so a file split into a directory of the same name still counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Per-operation code: the client methods and the request builders.
    Operations,
    /// The mock server (feature `mock`).
    Mock,
    /// Request and response types.
    Types,
    /// Anything else.
    Other,
}

/// The kind of the file at `relative` (a path under `src/generated/`).
pub fn kind(relative: &Path) -> Kind {
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = first.strip_suffix(".rs").unwrap_or(&first);
    match stem {
        "operations" | "builders" => Kind::Operations,
        "mock" => Kind::Mock,
        "types" => Kind::Types,
        _ => Kind::Other,
    }
}

impl Volume {
    /// Counts the `.rs` files under `crate_dir/src/generated/`; `summary` is the
    /// generator's summary line (`…: 12/34 operations, 56 types, …`).
    pub fn measure(crate_dir: &Path, summary: Option<&str>) -> Self {
        let mut volume = Volume {
            operations: summary.and_then(operations_generated),
            types: summary.and_then(types_generated),
            ..Volume::default()
        };
        let generated = crate_dir.join("src").join("generated");
        let mut files = Vec::new();
        rs_files(&generated, &mut files);
        for file in files {
            let Ok(relative) = file.strip_prefix(&generated) else {
                continue;
            };
            let lines = fs::read_to_string(&file).map(|text| text.lines().count()).unwrap_or(0);
            match kind(relative) {
                Kind::Operations => volume.operation_lines += lines,
                Kind::Mock => volume.mock_lines += lines,
                Kind::Types => volume.type_lines += lines,
                Kind::Other => volume.other_lines += lines,
            }
        }
        volume
    }

    /// Lines of per-operation code per operation.
    pub fn per_operation(&self) -> Option<f64> {
        per(self.operation_lines, self.operations)
    }

    /// Lines of the mock per operation.
    pub fn mock_per_operation(&self) -> Option<f64> {
        per(self.mock_lines, self.operations)
    }

    /// Lines of `types.rs` per type.
    pub fn per_type(&self) -> Option<f64> {
        per(self.type_lines, self.types)
    }
}

/// `lines / count`, when there is something to divide by.
fn per(lines: usize, count: Option<usize>) -> Option<f64> {
    count.filter(|n| *n > 0).map(|n| lines as f64 / n as f64)
}

/// `12` from `spec.json: 12/34 operations, 56 types, 0 diagnostics → dir`.
pub fn operations_generated(summary: &str) -> Option<usize> {
    let before = summary.split(" operations,").next()?;
    let fraction = before.rsplit(' ').next()?;
    fraction.split('/').next()?.trim().parse().ok()
}

/// `56` from `spec.json: 12/34 operations, 56 types, 0 diagnostics → dir`.
pub fn types_generated(summary: &str) -> Option<usize> {
    let (before, _) = summary.split_once(" types,")?;
    before.rsplit(' ').next()?.trim().parse().ok()
}

/// Every `.rs` file under `dir`, recursively, sorted.
fn rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_come_from_the_summary_line() {
        let line = "/x/prog-nexus.json: 193/193 operations, 332 types, 15 diagnostics → /tmp/out";
        assert_eq!(operations_generated(line), Some(193));
        assert_eq!(types_generated(line), Some(332));
        assert_eq!(operations_generated("no summary"), None);
        assert_eq!(types_generated("1/2 operations, many types, 0 diagnostics"), None);
    }

    #[test]
    fn files_are_sorted_by_their_first_component() {
        assert_eq!(kind(Path::new("operations.rs")), Kind::Operations);
        assert_eq!(kind(Path::new("builders/instances.rs")), Kind::Operations);
        assert_eq!(kind(Path::new("mock.rs")), Kind::Mock);
        assert_eq!(kind(Path::new("types.rs")), Kind::Types);
        assert_eq!(kind(Path::new("mod.rs")), Kind::Other);
        assert_eq!(kind(Path::new("webhooks.rs")), Kind::Other);
    }

    #[test]
    fn ratios_need_a_count() {
        let volume = Volume {
            operations: Some(4),
            types: Some(0),
            operation_lines: 100,
            mock_lines: 40,
            type_lines: 7,
            other_lines: 3,
        };
        assert_eq!(volume.per_operation(), Some(25.0));
        assert_eq!(volume.mock_per_operation(), Some(10.0));
        assert_eq!(volume.per_type(), None);
        assert_eq!(Volume::default().per_operation(), None);
    }

    #[test]
    fn measures_a_crate_on_disk() {
        let dir = std::env::temp_dir().join(format!("xtask-volume-{}", std::process::id()));
        let generated = dir.join("src/generated");
        fs::create_dir_all(generated.join("builders")).expect("create dirs");
        let files = [
            ("operations.rs", "a\nb\n"),
            ("builders/x.rs", "c\n"),
            ("mock.rs", "m\n"),
            ("types.rs", "t\nt\nt\n"),
            ("mod.rs", "x\n"),
        ];
        for (name, text) in files {
            fs::write(generated.join(name), text).expect("write");
        }
        let volume = Volume::measure(&dir, Some("s: 3/3 operations, 1 types, 0 diagnostics"));
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(
            volume,
            Volume {
                operations: Some(3),
                types: Some(1),
                operation_lines: 3,
                mock_lines: 1,
                type_lines: 3,
                other_lines: 1,
            }
        );
    }
}
