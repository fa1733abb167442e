//! A Bookshelf API client generated at build time by `build.rs` (see README.md under
//! "build.rs"): the generated items (`Client`, `types`, `Error`, …) are included here,
//! at the crate root.

include!(concat!(env!("OUT_DIR"), "/apigen.rs"));
