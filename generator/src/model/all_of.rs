//! `allOf` merging: the members of an `allOf` (and what they refer to) become one
//! object schema, which is then built like any other struct.
//!
//! How members merge, and why:
//! - Members that only annotate (a lone `description`, `title`, …) are skipped: they
//!   change the docs, not the shape ([`substantive`]).
//! - Properties are unioned in member order, so fields appear base-first the way
//!   `allOf: [Base, {extra}]` reads. When two members declare one property, the two
//!   declarations are merged too ([`TypeBuilder::merge_property`]), deeply: objects
//!   merge their properties (recursively), `required` and `additionalProperties`;
//!   arrays merge their `items`; two string declarations keep the common `enum`
//!   values (or the one that has an enum) and the first `format` given; a declaration
//!   that only annotates (`{description: …}`) or is untyped leaves the other in charge;
//!   an `allOf`/`oneOf`/`anyOf` declaration becomes an `allOf` of both. Only a true
//!   conflict (two different types, enums with no common value) keeps the later
//!   declaration, with a diagnostic that says which side was kept.
//! - `required` is the union of every member's list: JSON Schema requires what *any*
//!   member requires.
//! - The first member that says anything about `additionalProperties` decides it.
//! - A member that is not an object (a string, a `oneOf`, …) cannot be merged into a
//!   struct: the whole schema falls back to `serde_json::Value`, with a diagnostic at
//!   that member.
//! - Loops (`A: allOf [B]`, `B: allOf [A]`) are cut at the member that closes them.

use super::keywords::any_as_object;
use super::types::TypeBuilder;
use openapiv3::{AnySchema, ArrayType, ObjectType, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type};

/// A property declaration, as `ObjectType::properties` holds it.
type Declaration = ReferenceOr<Box<Schema>>;

/// Deepest nesting of property merges (a guard against pathological specs).
const MAX_MERGE_DEPTH: usize = 24;

impl TypeBuilder<'_> {
    /// Merges `allOf` members into one object; `None` (with a diagnostic) when a
    /// member is not an object.
    pub(super) fn merge_all_of(&mut self, members: &[ReferenceOr<Schema>], pointer: &str) -> Option<ObjectType> {
        let mut merged = ObjectType::default();
        for (index, member) in substantive(members) {
            let member_pointer = format!("{pointer}/allOf/{index}");
            let Some((schema, component)) = self.target(member) else {
                self.diagnose(&member_pointer, "allOf member $ref does not resolve; member ignored");
                continue;
            };
            if let Some(component) = &component {
                if self.all_of_stack.contains(component) {
                    self.diagnose(
                        &member_pointer,
                        format!("allOf loops back to {component:?}; member ignored"),
                    );
                    continue;
                }
                self.all_of_stack.push(component.clone());
            }
            let part = match &schema.schema_kind {
                SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
                SchemaKind::AllOf { all_of } => self.merge_all_of(all_of, &member_pointer),
                SchemaKind::Any(any) => object_part(any),
                _ => None,
            };
            if component.is_some() {
                self.all_of_stack.pop();
            }
            let Some(part) = part else {
                self.diagnose(
                    &member_pointer,
                    "allOf member is not an object schema; merged type falls back to serde_json::Value",
                );
                return None;
            };
            for (key, value) in part.properties {
                let value = match merged.properties.get(&key) {
                    Some(previous) => {
                        let mut conflicts = Vec::new();
                        let value = self.merge_property(previous, &value, &key, 0, &mut conflicts);
                        for conflict in conflicts {
                            self.diagnose(&member_pointer, conflict);
                        }
                        value
                    }
                    None => value,
                };
                merged.properties.insert(key, value);
            }
            for key in part.required {
                if !merged.required.contains(&key) {
                    merged.required.push(key);
                }
            }
            if merged.additional_properties.is_none() {
                merged.additional_properties = part.additional_properties;
            }
        }
        Some(merged)
    }

    /// Merges two declarations of one property (`path` names it in messages); a true
    /// conflict keeps `next` and is described in `conflicts`.
    pub(super) fn merge_property(
        &self,
        previous: &Declaration,
        next: &Declaration,
        path: &str,
        depth: usize,
        conflicts: &mut Vec<String>,
    ) -> Declaration {
        if previous == next {
            return next.clone();
        }
        let (Some(a), Some(b)) = (self.declaration_target(previous), self.declaration_target(next)) else {
            conflicts.push(format!(
                "property {path:?}: a declaration's $ref does not resolve; kept the later declaration"
            ));
            return next.clone();
        };
        if is_annotation(&b) {
            return previous.clone();
        }
        if is_annotation(&a) {
            return next.clone();
        }
        if depth >= MAX_MERGE_DEPTH {
            conflicts.push(format!(
                "property {path:?}: declarations nest too deeply to merge; kept the later declaration"
            ));
            return next.clone();
        }
        let data = merged_data(&a.schema_data, &b.schema_data);
        let item = |kind: SchemaKind| {
            ReferenceOr::Item(Box::new(Schema {
                schema_data: data.clone(),
                schema_kind: kind,
            }))
        };
        if let (Some(left), Some(right)) = (object_like(&a), object_like(&b)) {
            let merged = self.merge_objects(left, right, path, depth + 1, conflicts);
            return item(SchemaKind::Type(Type::Object(merged)));
        }
        match (&a.schema_kind, &b.schema_kind) {
            (SchemaKind::Type(Type::Array(left)), SchemaKind::Type(Type::Array(right))) => {
                let items = match (&left.items, &right.items) {
                    (Some(x), Some(y)) => Some(self.merge_property(x, y, &format!("{path}[]"), depth + 1, conflicts)),
                    (x, y) => y.clone().or_else(|| x.clone()),
                };
                item(SchemaKind::Type(Type::Array(ArrayType {
                    items,
                    min_items: right.min_items.or(left.min_items),
                    max_items: right.max_items.or(left.max_items),
                    unique_items: left.unique_items || right.unique_items,
                })))
            }
            (SchemaKind::Type(Type::String(left)), SchemaKind::Type(Type::String(right))) => {
                match merged_string(left, right) {
                    Some(merged) => item(SchemaKind::Type(Type::String(merged))),
                    None => {
                        conflicts.push(format!(
                            "property {path:?}: the allOf members' enums share no value; kept the later declaration's enum"
                        ));
                        next.clone()
                    }
                }
            }
            (SchemaKind::Type(Type::Integer(_)), SchemaKind::Type(Type::Integer(_)))
            | (SchemaKind::Type(Type::Number(_)), SchemaKind::Type(Type::Number(_)))
            | (SchemaKind::Type(Type::Boolean(_)), SchemaKind::Type(Type::Boolean(_))) => item(b.schema_kind.clone()),
            // `integer` and `number` together mean an integer.
            (SchemaKind::Type(Type::Integer(_)), SchemaKind::Type(Type::Number(_))) => item(a.schema_kind.clone()),
            (SchemaKind::Type(Type::Number(_)), SchemaKind::Type(Type::Integer(_))) => item(b.schema_kind.clone()),
            // An untyped declaration (constraints without `type`) refines a typed one.
            (SchemaKind::Any(untyped), SchemaKind::Type(typed))
            | (SchemaKind::Type(typed), SchemaKind::Any(untyped))
                if untyped.typ.is_none() =>
            {
                match (typed, untyped.enumeration.is_empty()) {
                    (Type::String(string), false) => {
                        let values: Vec<Option<String>> = untyped
                            .enumeration
                            .iter()
                            .map(|value| value.as_str().map(str::to_owned))
                            .collect();
                        let refined = StringType {
                            enumeration: values,
                            ..StringType::default()
                        };
                        match merged_string(string, &refined) {
                            Some(merged) => item(SchemaKind::Type(Type::String(merged))),
                            None => {
                                conflicts.push(format!(
                                    "property {path:?}: the allOf members' enums share no value; kept the later declaration"
                                ));
                                next.clone()
                            }
                        }
                    }
                    _ => item(SchemaKind::Type(typed.clone())),
                }
            }
            // Compositions merge the way any `allOf` does.
            (SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }, _)
            | (_, SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. }) => {
                item(SchemaKind::AllOf {
                    all_of: vec![unboxed(previous), unboxed(next)],
                })
            }
            (left, right) => {
                conflicts.push(format!(
                    "property {path:?} is {} in an earlier allOf member and {} in a later one; kept the later ({})",
                    kind_name(left),
                    kind_name(right),
                    kind_name(right)
                ));
                next.clone()
            }
        }
    }

    /// Two object declarations as one: properties merged in order, `required` unioned,
    /// the first `additionalProperties` given.
    fn merge_objects(
        &self,
        left: ObjectType,
        right: ObjectType,
        path: &str,
        depth: usize,
        conflicts: &mut Vec<String>,
    ) -> ObjectType {
        let mut merged = left;
        for (key, value) in right.properties {
            let value = match merged.properties.get(&key) {
                Some(previous) => self.merge_property(previous, &value, &format!("{path}.{key}"), depth, conflicts),
                None => value,
            };
            merged.properties.insert(key, value);
        }
        for key in right.required {
            if !merged.required.contains(&key) {
                merged.required.push(key);
            }
        }
        if merged.additional_properties.is_none() {
            merged.additional_properties = right.additional_properties;
        }
        merged.min_properties = merged.min_properties.or(right.min_properties);
        merged.max_properties = merged.max_properties.or(right.max_properties);
        merged
    }

    /// The schema a property declaration is or refers to.
    fn declaration_target(&self, declaration: &Declaration) -> Option<Schema> {
        match declaration {
            ReferenceOr::Item(schema) => Some((**schema).clone()),
            ReferenceOr::Reference { reference } => {
                let as_schema = ReferenceOr::Reference {
                    reference: reference.clone(),
                };
                self.target(&as_schema).map(|(schema, _)| schema.clone())
            }
        }
    }

    /// True when every substantive `allOf` member is (or refers to) an object schema,
    /// checked without reporting anything.
    pub(super) fn all_of_is_object(&self, members: &[ReferenceOr<Schema>]) -> bool {
        substantive(members)
            .into_iter()
            .all(|(_, member)| match self.target(member) {
                Some((schema, _)) => match &schema.schema_kind {
                    SchemaKind::Type(Type::Object(_)) => true,
                    SchemaKind::Any(any) => any_as_object(any).is_some(),
                    _ => false,
                },
                None => false,
            })
    }
}

/// `allOf` members that constrain the value, with their indexes: members that only
/// annotate (a lone `description`, `title`, `nullable`, …) are left out.
pub(super) fn substantive(members: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    members
        .iter()
        .enumerate()
        .filter(|(_, member)| match member {
            ReferenceOr::Reference { .. } => true,
            ReferenceOr::Item(schema) => {
                !matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
            }
        })
        .collect()
}

/// A declaration that only annotates (`{}`, `{description: …}`): no constraint.
fn is_annotation(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default())
}

/// The object a declaration describes: `type: object`, or untyped object keywords.
fn object_like(schema: &Schema) -> Option<ObjectType> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
        SchemaKind::Any(any) if !any.properties.is_empty() || any.typ.as_deref() == Some("object") => object_part(any),
        _ => None,
    }
}

/// Docs and flags of two merged declarations: the later's where given, else the
/// earlier's; nullable when either allows `null` (so no value the server sends fails).
fn merged_data(earlier: &SchemaData, later: &SchemaData) -> SchemaData {
    let mut data = later.clone();
    data.nullable = earlier.nullable || later.nullable;
    data.deprecated = earlier.deprecated || later.deprecated;
    data.title = data.title.or_else(|| earlier.title.clone());
    data.description = data.description.or_else(|| earlier.description.clone());
    data.default = data.default.or_else(|| earlier.default.clone());
    data.example = data.example.or_else(|| earlier.example.clone());
    data.external_docs = data.external_docs.or_else(|| earlier.external_docs.clone());
    data.discriminator = data.discriminator.or_else(|| earlier.discriminator.clone());
    data
}

/// Two string declarations as one: the enum values both allow (or the one enum
/// given), the first format and pattern given; `None` when both have enums that share
/// no value.
fn merged_string(earlier: &StringType, later: &StringType) -> Option<StringType> {
    let enumeration = match (earlier.enumeration.is_empty(), later.enumeration.is_empty()) {
        (false, false) => {
            let common: Vec<Option<String>> = later
                .enumeration
                .iter()
                .filter(|value| earlier.enumeration.contains(value))
                .cloned()
                .collect();
            if common.is_empty() {
                return None;
            }
            common
        }
        (true, _) => later.enumeration.clone(),
        (false, true) => earlier.enumeration.clone(),
    };
    let format = match &later.format {
        openapiv3::VariantOrUnknownOrEmpty::Empty => earlier.format.clone(),
        given => given.clone(),
    };
    Some(StringType {
        format,
        pattern: later.pattern.clone().or_else(|| earlier.pattern.clone()),
        enumeration,
        min_length: later.min_length.or(earlier.min_length),
        max_length: later.max_length.or(earlier.max_length),
    })
}

/// A property declaration as an `allOf` member.
fn unboxed(declaration: &Declaration) -> ReferenceOr<Schema> {
    match declaration {
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
    }
}

/// `string`, `integer`, `an object`, … for messages.
fn kind_name(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Type(Type::String(_)) => "a string",
        SchemaKind::Type(Type::Integer(_)) => "an integer",
        SchemaKind::Type(Type::Number(_)) => "a number",
        SchemaKind::Type(Type::Boolean(_)) => "a boolean",
        SchemaKind::Type(Type::Object(_)) => "an object",
        SchemaKind::Type(Type::Array(_)) => "an array",
        SchemaKind::OneOf { .. } => "a oneOf",
        SchemaKind::AnyOf { .. } => "an anyOf",
        SchemaKind::AllOf { .. } => "an allOf",
        SchemaKind::Not { .. } => "a `not` schema",
        SchemaKind::Any(_) => "an untyped schema",
    }
}

/// An untyped `allOf` member that only says object things (`{required: [a]}`,
/// `{properties: …}`, `{additionalProperties: false}`), read as an object to merge.
pub(super) fn object_part(any: &AnySchema) -> Option<ObjectType> {
    let only_object_keywords = matches!(any.typ.as_deref(), None | Some("object"))
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && any.format.is_none()
        && any.pattern.is_none();
    only_object_keywords.then(|| ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Presence, TypeDef, TypeKind};
    use crate::model::types::build_for_test;
    use serde_json::json;

    fn fields(types: &[TypeDef], name: &str) -> Vec<(String, Presence)> {
        let def = types.iter().find(|def| def.name == name).expect("type exists");
        match &def.kind {
            TypeKind::Struct(def) => def
                .fields
                .iter()
                .map(|field| (field.wire.clone(), field.presence))
                .collect(),
            other => panic!("{name} is not a struct: {other:?}"),
        }
    }

    #[test]
    fn members_merge_in_order_and_required_is_the_union() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "note": {"type": "string"}}},
            "Child": {"allOf": [
                {"$ref": "#/components/schemas/Base"},
                {"description": "annotation only"},
                {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
                {"required": ["note"]}
            ]}
        }}}));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            fields(&types, "Child"),
            [
                ("id".to_owned(), Presence::Required),
                ("note".to_owned(), Presence::Required),
                ("name".to_owned(), Presence::Required)
            ]
        );
    }

    #[test]
    fn conflicting_declarations_keep_the_later_one_and_say_so() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "C": {"allOf": [
                {"type": "object", "properties": {"v": {"type": "string"}}},
                {"type": "object", "properties": {"v": {"type": "integer"}}}
            ]}
        }}}));
        let TypeKind::Struct(def) = &types[0].kind else {
            panic!("not a struct")
        };
        assert_eq!(def.fields[0].ty, crate::ir::TypeRef::Integer { bits: 64, signed: true });
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].pointer, "/components/schemas/C/allOf/1");
        assert!(
            diagnostics[0].message.contains(
                "a string in an earlier allOf member and an integer in a later one; kept the later (an integer)"
            ),
            "{}",
            diagnostics[0].message
        );

        let (_, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "E": {"allOf": [
                {"type": "object", "properties": {"v": {"type": "string", "enum": ["a", "b"]}}},
                {"type": "object", "properties": {"v": {"type": "string", "enum": ["c"]}}}
            ]}
        }}}));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(diagnostics[0].message.contains("share no value"), "{diagnostics:?}");
    }

    /// The pattern of real specs: a base schema with a full nested object, and a
    /// refinement that narrows a few of its members (an enum on a string, a nested
    /// object's property, docs only, an untyped refinement).
    #[test]
    fn a_refinement_of_a_nested_object_keeps_every_member_of_the_base() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "Incident": {"type": "object", "required": ["id", "type", "service"], "properties": {
                "id": {"type": "string"},
                "type": {"type": "string"},
                "status": {"type": "string", "enum": ["open", "acknowledged", "resolved"]},
                "tags": {"type": "array", "items": {"type": "object", "properties": {
                    "label": {"type": "string"}, "color": {"type": "string"}}}},
                "service": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "escalation": {"type": "object", "properties": {
                        "level": {"type": "integer"}, "owner": {"type": "string"}}}}}
            }},
            "IncidentReference": {"allOf": [
                {"$ref": "#/components/schemas/Incident"},
                {"type": "object", "required": ["status"], "properties": {
                    "type": {"type": "string", "enum": ["incident_reference"]},
                    "status": {"enum": ["open", "resolved"]},
                    "tags": {"type": "array", "items": {"properties": {"color": {"description": "Hex colour."}}}},
                    "service": {"type": "object", "required": ["name"], "properties": {
                        "escalation": {"type": "object", "properties": {"level": {"type": "integer", "format": "int32"}}}}},
                    "note": {"type": "string"}
                }}
            ]}
        }}}));
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            fields(&types, "IncidentReference")
                .into_iter()
                .map(|(wire, _)| wire)
                .collect::<Vec<_>>(),
            ["id", "type", "status", "tags", "service", "note"]
        );
        let field_type = |owner: &str, wire: &str| {
            let def = types.iter().find(|def| def.name == owner).expect("type exists");
            let TypeKind::Struct(def) = &def.kind else {
                panic!("{owner} is not a struct")
            };
            def.fields
                .iter()
                .find(|field| field.wire == wire)
                .expect("field")
                .ty
                .clone()
        };
        // `type` narrowed to one value: an enum type, not `Value`.
        assert!(
            !matches!(field_type("IncidentReference", "type"), crate::ir::TypeRef::Json),
            "{:?}",
            field_type("IncidentReference", "type")
        );
        // The nested object keeps both of its base members and its own.
        let service = types
            .iter()
            .find(|def| {
                matches!(&def.kind, TypeKind::Struct(s) if s.fields.iter().any(|f| f.wire == "escalation"))
                    && def.name != "IncidentService"
            })
            .expect("merged service type");
        let TypeKind::Struct(service_struct) = &service.kind else {
            unreachable!()
        };
        let wires: Vec<(&str, Presence)> = service_struct
            .fields
            .iter()
            .map(|f| (f.wire.as_str(), f.presence))
            .collect();
        assert_eq!(
            wires.iter().map(|(w, _)| *w).collect::<Vec<_>>(),
            ["id", "name", "escalation"]
        );
        assert!(wires.contains(&("name", Presence::Required)), "{wires:?}");
    }

    #[test]
    fn a_non_object_member_or_a_loop_is_reported_at_the_member() {
        let (types, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "S": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "string"}]}
        }}}));
        assert!(matches!(types[0].kind, TypeKind::Alias(crate::ir::TypeRef::Json)));
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert_eq!(diagnostics[0].pointer, "/components/schemas/S/allOf/1");

        let (_, diagnostics) = build_for_test(json!({"components": {"schemas": {
            "A": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"b": {"type": "string"}}}]}
        }}}));
        assert!(
            diagnostics.iter().any(|d| d.message.contains("loops back")),
            "{diagnostics:?}"
        );
    }

    #[test]
    fn annotation_only_members_are_not_substantive() {
        let members: Vec<ReferenceOr<Schema>> = serde_json::from_value(json!([
            {"description": "only docs"}, {"$ref": "#/components/schemas/X"}, {"type": "object"}
        ]))
        .expect("members parse");
        let kept: Vec<usize> = substantive(&members).into_iter().map(|(index, _)| index).collect();
        assert_eq!(kept, [1, 2]);
    }
}
