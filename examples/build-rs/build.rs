//! Generates the Bookshelf client into `OUT_DIR` from `openapi.yaml`, with the overlay
//! in `overlays/` applied; `src/lib.rs` includes the result.

fn main() {
    let generated = apigen::build::Builder::new("openapi.yaml")
        .overlay("overlays/genres.yaml")
        .generate_to_out_dir();
    if let Err(err) = generated {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}
