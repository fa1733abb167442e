//! Our InboxApp spec against the vendor's own v1 spec: for every operation both
//! describe (same method and path), the success response and request body shapes are
//! flattened to `path: type` lines and compared field by field. The differences are
//! kept in `tests/conformance/vendor-drift.txt`; the test fails when they change, so
//! drift in either spec shows up in review. Accept a new report with
//! `APIGEN_ACCEPT=1 cargo test -p tests --test vendor_drift`.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch"];

fn load(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let value = apigen::load(&text, name).expect("spec loads");
    apigen::pipeline::normalize(value).expect("spec normalises").0
}

/// Follows a local `$ref` (and single-member `allOf` wrappers).
fn deref<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match root.pointer(reference.trim_start_matches('#')) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            schema = only;
        } else {
            return schema;
        }
    }
    schema
}

fn describe(schema: &Value, nullable: bool) -> String {
    let kind = if let Some(kind) = schema.get("type").and_then(Value::as_str) {
        match schema.get("format").and_then(Value::as_str) {
            Some(format) if kind == "string" && format == "date-time" => "date-time".to_owned(),
            _ => kind.to_owned(),
        }
    } else if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|values| values.first())
    {
        match first {
            Value::String(_) => "string".to_owned(),
            Value::Number(_) => "number".to_owned(),
            Value::Bool(_) => "boolean".to_owned(),
            _ => "any".to_owned(),
        }
    } else if schema.get("anyOf").is_some() || schema.get("oneOf").is_some() {
        "union".to_owned()
    } else if schema.get("properties").is_some() || schema.get("allOf").is_some() {
        "object".to_owned()
    } else {
        "any".to_owned()
    };
    let kind = match kind.as_str() {
        "number" | "integer" => "number".to_owned(),
        _ => kind,
    };
    if nullable || schema.get("nullable") == Some(&Value::Bool(true)) {
        format!("{kind} | null")
    } else {
        kind
    }
}

/// `path → "type[, required]"` for every property reachable from `schema`.
fn flatten(root: &Value, schema: &Value, path: &str, depth: usize, out: &mut BTreeMap<String, String>) {
    if depth > 6 {
        return;
    }
    let schema = deref(root, schema);
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            flatten(root, member, path, depth + 1, out);
        }
    }
    if let Some(items) = schema.get("items") {
        flatten(root, items, &format!("{path}[]"), depth + 1, out);
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        let property_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let target = deref(root, property);
        let property_nullable = property.get("nullable") == Some(&Value::Bool(true));
        let mut text = describe(target, property_nullable);
        if required.contains(&name.as_str()) {
            text.push_str(", required");
        }
        out.insert(property_path.clone(), text);
        flatten(root, target, &property_path, depth + 1, out);
    }
}

fn success_schema(operation: &Value) -> Option<&Value> {
    let responses = operation.get("responses")?.as_object()?;
    responses
        .iter()
        .filter(|(code, _)| code.starts_with('2'))
        .find_map(|(_, response)| response.pointer("/content/application~1json/schema"))
}

fn body_schema(operation: &Value) -> Option<&Value> {
    operation.pointer("/requestBody/content/application~1json/schema")
}

fn compare(report: &mut String, label: &str, ours: &BTreeMap<String, String>, theirs: &BTreeMap<String, String>) {
    for (path, kind) in theirs {
        match ours.get(path) {
            None => {
                let _ = writeln!(report, "  {label} {path}: only in vendor ({kind})");
            }
            Some(our_kind) if our_kind != kind => {
                let _ = writeln!(report, "  {label} {path}: vendor {kind} / ours {our_kind}");
            }
            Some(_) => {}
        }
    }
    for (path, kind) in ours {
        if !theirs.contains_key(path) {
            let _ = writeln!(report, "  {label} {path}: only in ours ({kind})");
        }
    }
}

#[test]
fn shared_operations_have_the_same_shapes_or_the_drift_is_recorded() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    let ours = load(&root.join("spec/inboxapp.yaml"));
    let Some(vendor) = xtask::corpus::require_for_test(
        "specs/inboxapp-v1-official.openapi.json",
        "vendor_drift: comparison with the vendor's InboxApp spec",
    ) else {
        return;
    };
    let theirs = load(&vendor);
    let mut report = String::from(
        "# Shape differences between spec/inboxapp.yaml (ours) and the vendor's inboxapp-v1-official.openapi.json\n\
         # Generated by tests/tests/vendor_drift.rs; `number` covers integer and number.\n",
    );
    let mut shared = 0;
    let mut only_vendor = Vec::new();
    let vendor_paths = theirs
        .get("paths")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (path, item) in &vendor_paths {
        for method in METHODS {
            let Some(vendor_operation) = item.get(*method) else {
                continue;
            };
            let Some(our_operation) = ours
                .get("paths")
                .and_then(|paths| paths.get(path))
                .and_then(|i| i.get(*method))
            else {
                only_vendor.push(format!("{} {path}", method.to_uppercase()));
                continue;
            };
            shared += 1;
            let mut section = String::new();
            for (label, pick) in [
                ("response", success_schema as fn(&Value) -> Option<&Value>),
                ("body", body_schema),
            ] {
                let mut our_fields = BTreeMap::new();
                let mut vendor_fields = BTreeMap::new();
                if let Some(schema) = pick(our_operation) {
                    flatten(&ours, schema, "", 0, &mut our_fields);
                }
                if let Some(schema) = pick(vendor_operation) {
                    flatten(&theirs, schema, "", 0, &mut vendor_fields);
                }
                compare(&mut section, label, &our_fields, &vendor_fields);
            }
            if !section.is_empty() {
                let _ = write!(report, "{} {path}\n{section}", method.to_uppercase());
            }
        }
    }
    let _ = writeln!(report, "# {shared} shared operations; only in vendor: {only_vendor:?}");
    assert!(
        shared >= 30,
        "expected most vendor operations to exist in our spec, found {shared}"
    );
    assert!(
        only_vendor.is_empty(),
        "vendor operations missing from our spec: {only_vendor:?}"
    );

    let snapshot = root.join("tests/conformance/vendor-drift.txt");
    if tests::accept::accepting() {
        std::fs::write(&snapshot, &report).expect("write drift report");
        return;
    }
    let committed = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(
        committed == report,
        "the drift between our spec and the vendor's changed; review the new report and accept it with \
         `APIGEN_ACCEPT=1 cargo test -p tests --test vendor_drift`\n\n{report}"
    );
}
