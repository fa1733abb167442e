//! What keeping undeclared members costs when decoding: the same struct decoded the way
//! generated code does it with `Settings::keep_undeclared` on (`next_declared` into an
//! `Undeclared`) and off (`next_field`, unknown members skipped), over one large payload
//! of objects that carry 8 declared members and 0 or 4 undeclared ones.
//!
//! `cargo bench -p benches --bench undeclared`; the figures are in BENCHMARKS.md
//! ("Undeclared members").

use apigen_runtime::de::{next_declared, next_field, required, skip, value};
use apigen_runtime::Undeclared;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;

const FIELDS: &[&str] = &["id", "name", "email", "created", "active", "score", "tags", "owner"];

/// The struct as generated with undeclared members kept.
#[allow(dead_code)]
struct Kept {
    id: String,
    name: String,
    email: Option<String>,
    created: i64,
    active: bool,
    score: f64,
    tags: Vec<String>,
    owner: Option<String>,
    undeclared: Undeclared,
}

/// The same struct as generated with them dropped.
#[allow(dead_code)]
struct Dropped {
    id: String,
    name: String,
    email: Option<String>,
    created: i64,
    active: bool,
    score: f64,
    tags: Vec<String>,
    owner: Option<String>,
}

macro_rules! fields {
    () => {
        (
            None::<String>,
            None::<String>,
            None::<Option<String>>,
            None::<i64>,
            None::<bool>,
            None::<f64>,
            None::<Vec<String>>,
            None::<Option<String>>,
        )
    };
}

impl<'de> Deserialize<'de> for Kept {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeptVisitor;
        impl<'de> Visitor<'de> for KeptVisitor {
            type Value = Kept;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct Kept")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kept, A::Error> {
                let mut f = fields!();
                let mut undeclared = Undeclared::new();
                while let Some(index) = next_declared(&mut map, FIELDS, &mut undeclared)? {
                    match index {
                        0 => value(&mut map, &mut f.0, "id")?,
                        1 => value(&mut map, &mut f.1, "name")?,
                        2 => value(&mut map, &mut f.2, "email")?,
                        3 => value(&mut map, &mut f.3, "created")?,
                        4 => value(&mut map, &mut f.4, "active")?,
                        5 => value(&mut map, &mut f.5, "score")?,
                        6 => value(&mut map, &mut f.6, "tags")?,
                        7 => value(&mut map, &mut f.7, "owner")?,
                        _ => {}
                    }
                }
                Ok(Kept {
                    id: required(f.0, "id")?,
                    name: required(f.1, "name")?,
                    email: f.2.unwrap_or_default(),
                    created: required(f.3, "created")?,
                    active: required(f.4, "active")?,
                    score: required(f.5, "score")?,
                    tags: required(f.6, "tags")?,
                    owner: f.7.unwrap_or_default(),
                    undeclared,
                })
            }
        }
        deserializer.deserialize_struct("Kept", FIELDS, KeptVisitor)
    }
}

impl<'de> Deserialize<'de> for Dropped {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DroppedVisitor;
        impl<'de> Visitor<'de> for DroppedVisitor {
            type Value = Dropped;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct Dropped")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dropped, A::Error> {
                let mut f = fields!();
                while let Some(index) = next_field(&mut map, FIELDS)? {
                    match index {
                        Some(0) => value(&mut map, &mut f.0, "id")?,
                        Some(1) => value(&mut map, &mut f.1, "name")?,
                        Some(2) => value(&mut map, &mut f.2, "email")?,
                        Some(3) => value(&mut map, &mut f.3, "created")?,
                        Some(4) => value(&mut map, &mut f.4, "active")?,
                        Some(5) => value(&mut map, &mut f.5, "score")?,
                        Some(6) => value(&mut map, &mut f.6, "tags")?,
                        Some(7) => value(&mut map, &mut f.7, "owner")?,
                        _ => skip(&mut map)?,
                    }
                }
                Ok(Dropped {
                    id: required(f.0, "id")?,
                    name: required(f.1, "name")?,
                    email: f.2.unwrap_or_default(),
                    created: required(f.3, "created")?,
                    active: required(f.4, "active")?,
                    score: required(f.5, "score")?,
                    tags: required(f.6, "tags")?,
                    owner: f.7.unwrap_or_default(),
                })
            }
        }
        deserializer.deserialize_struct("Dropped", FIELDS, DroppedVisitor)
    }
}

const OBJECTS: usize = 10_000;

/// A JSON array of `OBJECTS` objects, each with the 8 declared members and `extra`
/// undeclared ones (a string, a number, a nested object, an array).
fn payload(extra: usize) -> String {
    let items: Vec<serde_json::Value> = (0..OBJECTS)
        .map(|i| {
            let mut object = serde_json::json!({
                "id": format!("cus_{i:08}"), "name": "Ann Example", "email": "ann@example.com",
                "created": 1_700_000_000 + i, "active": i % 2 == 0, "score": 0.5 + i as f64,
                "tags": ["a", "b"], "owner": null
            });
            let undeclared = [
                ("livemode", serde_json::json!(false)),
                ("balance", serde_json::json!(1200)),
                ("metadata", serde_json::json!({"plan": "pro", "seats": 3})),
                ("discounts", serde_json::json!(["d1", "d2"])),
            ];
            for (key, member) in undeclared.into_iter().take(extra) {
                object[key] = member;
            }
            object
        })
        .collect();
    serde_json::to_string(&items).unwrap_or_default()
}

fn decode(c: &mut Criterion) {
    for extra in [0, 4] {
        let text = payload(extra);
        let mut group = c.benchmark_group(format!("decode_{extra}_undeclared"));
        group.throughput(Throughput::Elements(OBJECTS as u64));
        group.sample_size(20);
        group.bench_function("kept", |b| {
            b.iter(|| serde_json::from_str::<Vec<Kept>>(&text).map(|v| v.len()).unwrap_or(0))
        });
        group.bench_function("dropped", |b| {
            b.iter(|| {
                serde_json::from_str::<Vec<Dropped>>(&text)
                    .map(|v| v.len())
                    .unwrap_or(0)
            })
        });
        group.finish();
    }
}

criterion_group!(benches, decode);
criterion_main!(benches);
