//! Benchmarks of the `inboxapp` SDK, run with `cargo bench -p benches` or, together with
//! the generator benchmarks, `cargo xtask bench`. The library is empty on purpose; see
//! `benches/sdk.rs`.
