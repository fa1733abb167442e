//! Feature groups: one cargo feature per operation group, so a user can compile a slice
//! of a big API (`default-features = false, features = ["instances"]`).
//!
//! An operation's group is its first tag; an operation without tags is grouped by the
//! first path segment that is not a version (`v1`, `2010-04-01`), `api` or a
//! `{parameter}` (`/v1/customers/{id}` → `customers`; a `.json`-style suffix is
//! dropped). The name is the kebab-case of that text (lowercase ASCII letters, digits,
//! `-`), so it is stable across regenerations; tags that give the same name share the
//! group. A name equal to one of the features apigen declares itself ([`RESERVED`]) or to a
//! dependency of the runtime copy (`tokio`, `regex`, …; [`crate::vendor::dependencies`])
//! gets `-ops` appended (`default` → `default-ops`). Above [`MAX_GROUPS`] groups (crates.io
//! accepts 300 features), the smallest group (fewest operations, then name) is merged
//! into its neighbour in name order (the one before it, or after it if it is the
//! first) until the count fits; the merged group keeps the neighbour's name.
//!
//! A named type is gated by the groups of the operations that reach it (request or
//! response, transitively). It stays ungated when every group reaches it, when no
//! operation does (an unused component), when the shared error type or a webhook
//! reaches it, or when an ungated type reaches it.

use super::usage::{reachable, request_roots, response_roots, shared_response_roots};
use crate::ir::{Model, Operation, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Feature names apigen declares in every generated crate besides the groups, and the
/// names of its dependencies (cargo refuses a feature named like a dependency).
pub const RESERVED: &[&str] = &[
    "default",
    "full",
    "mock",
    "tracing",
    "serialize-responses",
    "serde",
    "serde-json",
    "apigen-runtime",
];

/// Most groups a crate gets (crates.io allows 300 features; a few are apigen's own).
pub const MAX_GROUPS: usize = 250;

/// Lowercase ASCII letters and digits, other runs become one `-`; `words` are split at
/// case changes first (`instanceNetwork` → `instance-network`).
pub fn feature_name(text: &str) -> String {
    let kebab = heck::ToKebabCase::to_kebab_case(text);
    let mut out = String::new();
    for c in kebab.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("other");
    }
    // The runtime copy's dependencies are dependencies of a standalone crate, and a
    // feature may not share a dependency's name.
    let dependency = crate::vendor::dependencies().any(|(name, _)| name == out);
    if RESERVED.contains(&out.as_str()) || dependency {
        out.push_str("-ops");
    }
    out
}

/// True for path segments that name a version or prefix rather than a resource.
fn is_prefix_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let version = lower
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.'));
    segment.is_empty()
        || segment.starts_with('{')
        || lower == "api"
        || version
        || segment.starts_with(|c: char| c.is_ascii_digit())
}

/// The group text of one operation: its first tag, else its first resource segment.
pub fn group_source(operation: &Operation) -> String {
    if let Some(tag) = operation.tag.as_deref().filter(|tag| !tag.trim().is_empty()) {
        return tag.to_owned();
    }
    operation
        .path
        .split('/')
        .find(|segment| !is_prefix_segment(segment))
        .map(|segment| segment.split('.').next().unwrap_or(segment).to_owned())
        .filter(|segment| !segment.is_empty())
        .unwrap_or_else(|| "root".to_owned())
}

/// Merges groups until at most `max` remain (see the module docs for the rule).
/// `groups` maps a name to its operation indices.
pub fn merge_groups(mut groups: BTreeMap<String, Vec<usize>>, max: usize) -> BTreeMap<String, Vec<usize>> {
    while groups.len() > max.max(1) {
        let Some(smallest) = groups
            .iter()
            .min_by(|(a_name, a), (b_name, b)| a.len().cmp(&b.len()).then(a_name.cmp(b_name)))
            .map(|(name, _)| name.clone())
        else {
            break;
        };
        let before = groups
            .range(..smallest.clone())
            .next_back()
            .map(|(name, _)| name.clone());
        let after = || groups.range(smallest.clone()..).nth(1).map(|(name, _)| name.clone());
        let Some(neighbour) = before.or_else(after) else { break };
        let moved = groups.remove(&smallest).unwrap_or_default();
        let target = groups.entry(neighbour).or_default();
        target.extend(moved);
        target.sort_unstable();
    }
    groups
}

/// Assigns every operation its feature, every named type its gate, and records the
/// feature list on the model.
pub fn apply(model: &mut Model) {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, operation) in model.operations.iter().enumerate() {
        groups
            .entry(feature_name(&group_source(operation)))
            .or_default()
            .push(index);
    }
    let groups = merge_groups(groups, MAX_GROUPS);
    let mut operation_feature = vec![String::new(); model.operations.len()];
    for (name, operations) in &groups {
        for &index in operations {
            if let Some(slot) = operation_feature.get_mut(index) {
                slot.clone_from(name);
            }
        }
    }
    let mut type_groups: Vec<BTreeSet<String>> = vec![BTreeSet::new(); model.types.len()];
    for (operation, feature) in model.operations.iter().zip(&operation_feature) {
        let roots = request_roots(operation).into_iter().chain(response_roots(operation));
        for id in reachable(model, roots) {
            if let Some(set) = type_groups.get_mut(id) {
                set.insert(feature.clone());
            }
        }
    }
    // Ungated: reached by every group or by none, by the shared error type or a
    // webhook, and everything such a type reaches.
    let seeds: Vec<TypeRef> = type_groups
        .iter()
        .enumerate()
        .filter(|(_, set)| set.is_empty() || set.len() == groups.len())
        .map(|(id, _)| TypeRef::Named(id))
        .collect();
    let ungated = reachable(model, seeds.iter().chain(shared_response_roots(model)));
    for (id, def) in model.types.iter_mut().enumerate() {
        def.features = match type_groups.get_mut(id) {
            Some(set) if !ungated.contains(&id) => std::mem::take(set).into_iter().collect(),
            _ => Vec::new(),
        };
    }
    for (operation, feature) in model.operations.iter_mut().zip(operation_feature) {
        operation.feature = Some(feature);
    }
    model.feature_groups = groups.into_keys().collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_ascii_and_avoid_apigen_features() {
        assert_eq!(feature_name("Campaigns"), "campaigns");
        assert_eq!(feature_name("instanceNetwork"), "instance-network");
        assert_eq!(feature_name("Silos & Users"), "silos-users");
        assert_eq!(feature_name("payment_intents"), "payment-intents");
        assert_eq!(feature_name("Über"), "ber");
        assert_eq!(feature_name("default"), "default-ops");
        assert_eq!(feature_name("Tokio"), "tokio-ops");
        assert_eq!(feature_name("default"), "default-ops");
        assert_eq!(feature_name("Full"), "full-ops");
        assert_eq!(feature_name("serialize responses"), "serialize-responses-ops");
        assert_eq!(feature_name("2fa"), "2fa");
        assert_eq!(feature_name("serde"), "serde-ops");
    }

    fn operation(path: &str, tag: Option<&str>) -> Operation {
        Operation {
            operation_id: String::new(),
            method_name: String::new(),
            builder_name: String::new(),
            http_method: "GET".into(),
            path: path.into(),
            pointer: String::new(),
            summary: None,
            description: None,
            deprecated: false,
            params: Vec::new(),
            body: None,
            success: crate::ir::ResponseBody::Empty,
            stream: None,
            pagination: None,
            error_enum: None,
            tag: tag.map(str::to_owned),
            feature: None,
            security: None,
        }
    }

    #[test]
    fn groups_come_from_the_first_tag_else_the_first_resource_segment() {
        assert_eq!(
            group_source(&operation("/v1/customers/{id}", Some("Customers"))),
            "Customers"
        );
        assert_eq!(
            group_source(&operation("/v1/customers/{customer}/sources", None)),
            "customers"
        );
        assert_eq!(group_source(&operation("/api/v2/{org}/projects", None)), "projects");
        assert_eq!(
            group_source(&operation("/2010-04-01/Accounts/{Sid}/Calls.json", None)),
            "Accounts"
        );
        assert_eq!(group_source(&operation("/2010-04-01/Accounts.json", None)), "Accounts");
        assert_eq!(group_source(&operation("/", None)), "root");
        assert_eq!(group_source(&operation("/v1/{id}", Some(" "))), "root");
    }

    #[test]
    fn merging_folds_the_smallest_group_into_its_neighbour_by_name() {
        let groups: BTreeMap<String, Vec<usize>> = [
            ("alpha".to_owned(), vec![0, 1]),
            ("beta".to_owned(), vec![2]),
            ("gamma".to_owned(), vec![3, 4, 5]),
            ("delta".to_owned(), vec![6]),
        ]
        .into_iter()
        .collect();
        let merged = merge_groups(groups.clone(), 3);
        // Smallest: beta and delta have one operation each; "beta" sorts first and
        // merges into "alpha", the name before it.
        assert_eq!(merged.keys().collect::<Vec<_>>(), ["alpha", "delta", "gamma"]);
        assert_eq!(merged.get("alpha"), Some(&vec![0, 1, 2]));
        let merged = merge_groups(groups.clone(), 2);
        // Then delta (one operation) merges into "alpha" (before "delta").
        assert_eq!(merged.keys().collect::<Vec<_>>(), ["alpha", "gamma"]);
        assert_eq!(merged.get("alpha"), Some(&vec![0, 1, 2, 6]));
        let first: BTreeMap<String, Vec<usize>> = [("a".to_owned(), vec![0]), ("b".to_owned(), vec![1, 2])]
            .into_iter()
            .collect();
        assert_eq!(
            merge_groups(first, 1).into_iter().collect::<Vec<_>>(),
            [("b".to_owned(), vec![0, 1, 2])]
        );
        assert_eq!(merge_groups(groups.clone(), 10), groups);
    }

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: T, version: "1" }
paths:
  /v1/pets:
    post:
      operationId: createPet
      tags: [Pets]
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/NewPet" } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Pet" } } } }
        "400": { description: bad, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /v1/stores:
    get:
      operationId: listStores
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Store" } } } }
        "400": { description: bad, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
  /v1/owners:
    get:
      operationId: listOwners
      tags: [owners]
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Owner" } } } }
        "400": { description: bad, content: { application/json: { schema: { $ref: "#/components/schemas/Problem" } } } }
components:
  schemas:
    NewPet: { type: object, properties: { name: { type: string } } }
    Pet: { type: object, properties: { name: { type: string }, owner: { $ref: "#/components/schemas/Owner" } } }
    Owner: { type: object, properties: { name: { type: string } } }
    Store: { type: object, properties: { pets: { type: array, items: { $ref: "#/components/schemas/Pet" } } } }
    Common: { type: object, properties: { a: { type: string } } }
    Problem: { type: object, properties: { detail: { type: string } } }
    Unused: { type: object, properties: { owner: { $ref: "#/components/schemas/Owner" } } }
"##;

    fn gate(model: &Model, name: &str) -> Vec<String> {
        model
            .types
            .iter()
            .find(|def| def.name == name)
            .map(|def| def.features.clone())
            .unwrap_or_else(|| panic!("no type {name}"))
    }

    #[test]
    fn types_are_gated_by_the_groups_that_reach_them() {
        let value = crate::load::load(SPEC, "spec.yaml").unwrap_or_else(|err| panic!("{err}"));
        let (mut value, _, mut diagnostics) =
            crate::normalize::normalize_lenient(value).unwrap_or_else(|err| panic!("{err}"));
        let (document, _) = crate::parse::parse_lenient(&mut value).unwrap_or_else(|err| panic!("{err}"));
        let pointed = crate::model::refs::pointed_schemas(&value);
        let mut model =
            crate::model::build(&document, &pointed, &mut diagnostics).unwrap_or_else(|err| panic!("{err}"));
        apply(&mut model);
        assert_eq!(model.feature_groups, ["owners", "pets", "stores"]);
        let features: Vec<_> = model.operations.iter().map(|op| op.feature.clone()).collect();
        assert_eq!(
            features,
            [
                Some("pets".to_owned()),
                Some("stores".to_owned()),
                Some("owners".to_owned())
            ]
        );
        assert_eq!(gate(&model, "NewPet"), ["pets"]);
        assert_eq!(gate(&model, "Pet"), ["pets", "stores"]);
        assert_eq!(gate(&model, "Store"), ["stores"]);
        assert!(gate(&model, "Problem").is_empty(), "the shared error type");
        assert!(gate(&model, "Common").is_empty(), "unused");
        assert!(
            gate(&model, "Owner").is_empty(),
            "every group, and an unused type, reach it"
        );
    }
}
