//! The extra files that make generated code a standalone crate (`Cargo.toml`, `lib.rs`).

use crate::Output;
use std::path::Path;

/// `(relative path, contents)` of every file of a standalone crate named `name`
/// that depends on the runtime crate at `runtime_dir`.
pub fn crate_files(name: &str, runtime_dir: &Path, output: &Output) -> Vec<(String, String)> {
    let runtime = runtime_dir.display().to_string().replace('\\', "/");
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\napigen-runtime = {{ path = \"{runtime}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = {{ version = \"1\", features = [\"float_roundtrip\"] }}\n\n\
         [features]\nmock = [\"apigen-runtime/mock\"]\n"
    );
    let lib = "//! Generated client crate.\n\n#[rustfmt::skip]\nmod generated;\npub use generated::*;\n".to_owned();
    let mut files = vec![("Cargo.toml".to_owned(), manifest), ("src/lib.rs".to_owned(), lib)];
    for file in &output.files {
        files.push((format!("src/generated/{}", file.path), file.contents.clone()));
    }
    files
}
