//! Generates the text-generation-inference (TGI) client from the shared corpus
//! (`specs/tgi-openapi.json`) into `OUT_DIR/tgi` for `tests/tgi_streams.rs`, and sets
//! `cfg(apigen_tgi)` when it did. Without the corpus nothing is generated and the TGI
//! tests report themselves skipped (or fail under `CI=true`) through
//! `xtask::corpus`, whose location rule (`$APIGEN_SHARED_DIR`, else `../shared` next
//! to the repository) this script follows; the test checks that both agree.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(apigen_tgi)");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=APIGEN_SHARED_DIR");
    let shared = match std::env::var_os("APIGEN_SHARED_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let spec = shared.join("specs/tgi-openapi.json");
    if !spec.exists() {
        return;
    }
    println!("cargo:rerun-if-changed={}", spec.display());
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        println!("cargo:warning=OUT_DIR is not set; the TGI client is not generated");
        return;
    };
    let generated = apigen::build::Builder::new(&spec)
        .crate_name("tgi")
        // The tests crate depends on the workspace's runtime crate.
        .vendored_runtime(false)
        .generate_to(&PathBuf::from(out_dir).join("tgi"));
    match generated {
        Ok(_) => println!("cargo:rustc-cfg=apigen_tgi"),
        Err(err) => println!("cargo:warning=the TGI client was not generated: {err}"),
    }
}
