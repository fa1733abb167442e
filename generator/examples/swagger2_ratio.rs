//! Generation time of a Swagger 2.0 document against the same API written as
//! OpenAPI 3.0 (the converter's own output, saved as YAML like the original, so both
//! pay the same kind of parsing).
//!
//! ```sh
//! cargo run --release -p apigen --example swagger2_ratio -- ../shared/specs/swagger2/docker-engine-swagger2.yaml [ROUNDS]
//! ```
//!
//! Rounds alternate which document goes first; the medians and their ratio are
//! printed. The 3.0 document is written to `target/swagger2-ratio/` for inspection.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(spec) = args.next().map(PathBuf::from) else {
        return Err("usage: swagger2_ratio SWAGGER2_SPEC [ROUNDS]".into());
    };
    let rounds: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(15);
    if !spec.exists() {
        println!("SKIPPED swagger2_ratio: {} does not exist", spec.display());
        return Ok(());
    }
    let original = std::fs::read_to_string(&spec)?;
    let loaded = apigen::load(&original, "swagger.yaml")?;
    let conversion = apigen::swagger2::convert(&loaded)?;
    let converted = serde_yaml::to_string(&conversion.document)?;
    let out_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/swagger2-ratio");
    std::fs::create_dir_all(&out_dir)?;
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    std::fs::write(out_dir.join(format!("{stem}.openapi3.yaml")), &converted)?;
    let settings = apigen::Settings::new("ratio", "spec.yaml");
    let time = |text: &str| -> Result<Duration, apigen::GenerateError> {
        let started = Instant::now();
        let output = apigen::generate(text, "spec.yaml", &settings)?;
        let elapsed = started.elapsed();
        std::hint::black_box(output);
        Ok(elapsed)
    };
    // One untimed run of each warms caches and the allocator.
    time(&original)?;
    time(&converted)?;
    let (mut swagger, mut openapi) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            swagger.push(time(&original)?);
            openapi.push(time(&converted)?);
        } else {
            openapi.push(time(&converted)?);
            swagger.push(time(&original)?);
        }
    }
    let conversion_started = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(apigen::swagger2::convert(&loaded)?);
    }
    let convert_each = conversion_started.elapsed() / rounds.max(1) as u32;
    let (swagger, openapi) = (median(&mut swagger), median(&mut openapi));
    println!("{}: {rounds} rounds, medians", spec.display());
    println!("  Swagger 2.0 document:        {:>8.1} ms", ms(swagger));
    println!("  same API as OpenAPI 3.0:     {:>8.1} ms", ms(openapi));
    println!("  conversion alone (in-memory): {:>7.1} ms", ms(convert_each));
    println!("  ratio 2.0 / 3.0:             {:>8.3}", ms(swagger) / ms(openapi));
    Ok(())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
