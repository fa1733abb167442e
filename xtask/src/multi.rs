//! Multi-file descriptions in the conformance corpus: every folder of `specs/multi/`
//! holds one description whose root is the single OpenAPI (or Swagger) document
//! directly in the folder; the other files are reached through its `$ref`s.

use crate::XtaskError;
use apigen::build::Builder;
use std::fs;
use std::path::{Path, PathBuf};

/// The folder of multi-file descriptions inside the corpus.
pub const MULTI_DIR: &str = "multi";

/// The root documents of `specs_dir/multi/*/`, sorted, keeping those `only` names
/// (by label `multi-<folder>`, `multi/<folder>` or the root's file name).
pub fn roots(specs_dir: &Path, only: Option<&str>) -> Result<Vec<PathBuf>, XtaskError> {
    let dir = specs_dir.join(MULTI_DIR);
    let mut folders: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(_) => return Ok(Vec::new()),
    };
    folders.sort();
    let mut roots = Vec::new();
    for folder in folders {
        let root = root_of(&folder)?;
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let wanted = only.is_none_or(|only| {
            only == format!("{MULTI_DIR}-{name}") || only == format!("{MULTI_DIR}/{name}") || only == file
        });
        if wanted {
            roots.push(root);
        }
    }
    Ok(roots)
}

/// The one file directly in `folder` whose top level says `openapi` or `swagger`.
fn root_of(folder: &Path) -> Result<PathBuf, XtaskError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(folder).map_err(XtaskError::io("read", folder))?.flatten() {
        let path = entry.path();
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !path.is_file() || !matches!(extension, "json" | "yaml" | "yml") {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(XtaskError::io("read", &path))?;
        let name = path.display().to_string();
        let is_root = apigen::load(&text, &name)
            .is_ok_and(|value| value.get("openapi").is_some() || value.get("swagger").is_some());
        if is_root {
            found.push(path);
        }
    }
    found.sort();
    match found.as_slice() {
        [root] => Ok(root.clone()),
        _ => Err(XtaskError::Usage(format!(
            "{} must hold exactly one root document (a file with `openapi` or `swagger` at the top); found {}",
            folder.display(),
            found.len()
        ))),
    }
}

/// `multi-<folder>` when `spec` is the root of a multi-file description, else `None`.
pub fn label(specs_dir: &Path, spec: &Path) -> Option<String> {
    let folder = spec.parent()?;
    if folder.parent()? != specs_dir.join(MULTI_DIR) {
        return None;
    }
    Some(format!("{MULTI_DIR}-{}", folder.file_name()?.to_string_lossy()))
}

/// Bundles and generates the description rooted at `spec`; returns the output and the
/// bundled document (where the examples are read from).
pub fn generate(spec: &Path, crate_name: &str, label: &str) -> Result<(apigen::Output, serde_json::Value), XtaskError> {
    let builder = Builder::new(spec)
        .crate_name(crate_name)
        .label(label)
        .regenerate_command(format!("cargo xtask conformance --only {label}"))
        .feature_groups(true)
        // Conformance crates share the workspace's runtime (one build for all of them).
        .vendored_runtime(false);
    let bundle = builder.bundle()?;
    let output = match std::panic::catch_unwind(|| builder.generate_from(&bundle)) {
        Ok(output) => output?,
        Err(_) => return Err(XtaskError::GeneratorPanicked { spec: label.to_owned() }),
    };
    Ok((output, bundle.document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_one_openapi_document_of_the_folder() {
        let specs = std::env::temp_dir().join(format!("apigen-multi-roots-{}", std::process::id()));
        let folder = specs.join(MULTI_DIR).join("shop");
        fs::create_dir_all(folder.join("schemas")).unwrap();
        fs::write(
            folder.join("api.yaml"),
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        fs::write(folder.join("description.yml"), "intro: text\n").unwrap();
        fs::write(folder.join("schemas/Pet.yaml"), "type: object\n").unwrap();
        let found = roots(&specs, None).unwrap();
        assert_eq!(found, [folder.join("api.yaml")]);
        assert_eq!(label(&specs, &found[0]).as_deref(), Some("multi-shop"));
        assert_eq!(label(&specs, &specs.join("petstore.yaml")), None);
        for only in ["multi-shop", "multi/shop", "api.yaml"] {
            assert_eq!(roots(&specs, Some(only)).unwrap().len(), 1, "{only}");
        }
        assert!(roots(&specs, Some("stripe.json")).unwrap().is_empty());
        // Two documents with `openapi` at the top: which is the root is ambiguous.
        fs::write(folder.join("other.json"), r#"{"openapi": "3.1.0"}"#).unwrap();
        assert!(roots(&specs, None).is_err());
        let _ = fs::remove_dir_all(&specs);
    }
}
