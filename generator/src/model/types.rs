//! Schemas → named types and type references.
//!
//! Component schemas get their names first (in document order), so adding an inline
//! schema never renames a component. Inline schemas that need a name (objects, string
//! enums, unions) are named from where they sit: `Campaign` + `scheduleHours` →
//! `CampaignScheduleHours`. A `$ref` to a whole component names that component's
//! type; a `$ref` into the document (a property, items, a response's schema) builds
//! the schema there once, named after its location, and shares it with the target.
//!
//! `allOf` merging lives in `model/all_of.rs`, union shapes and variant order in
//! `model/unions.rs`, keyword reading in `model/keywords.rs`.

use super::all_of::substantive;
use super::keywords::{
    annotation_doc, any_as_object, any_string_enum, composed, composition_keywords, enum_values, integer_type,
    number_type, object_is_closed, schema_doc, string_enum_values, STRING_FORMATS,
};
use crate::diagnostics::Diagnostic;
use crate::ir::{Field, Presence, StructDef, TypeDef, TypeId, TypeKind, TypeRef};
use crate::naming::{pascal, snake, Namespace};
use crate::pointer::join;
use openapiv3::{
    AdditionalProperties, AnySchema, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaKind, StringType, Type,
    VariantOrUnknownOrEmpty,
};
use std::collections::HashMap;

/// A resolved type plus whether JSON `null` is allowed for it.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The type.
    pub ty: TypeRef,
    /// Whether the schema (or the component it refers to) is nullable.
    pub nullable: bool,
}

/// Builds [`TypeDef`]s from schemas.
pub struct TypeBuilder<'a> {
    pub(super) document: &'a OpenAPI,
    pub(super) pointed: &'a super::refs::PointedSchemas,
    /// Named types created for a `$ref` into the document, by target pointer, so the
    /// target's own schema (built in place later) reuses the same type.
    pub(super) ref_targets: HashMap<String, TypeRef>,
    /// Every inline schema that got a name, by pointer, so a later `$ref` to it reuses it.
    pub(super) named_at: HashMap<String, TypeId>,
    /// `$ref` targets being built (a pointer that refers back into itself).
    pub(super) open_refs: Vec<String>,
    pub(super) diagnostics: &'a mut Vec<Diagnostic>,
    pub(super) types: Vec<TypeDef>,
    pub(super) names: Namespace,
    pub(super) components: HashMap<String, TypeId>,
    pub(super) component_nullable: HashMap<String, bool>,
    pub(super) all_of_stack: Vec<String>,
    pub(super) naming_stack: Vec<String>,
    pub(super) depth: usize,
}

/// Deepest schema nesting followed before giving up (protects the stack).
const MAX_DEPTH: usize = 96;

impl<'a> TypeBuilder<'a> {
    /// A builder over `document`, reporting into `diagnostics`.
    pub fn new(
        document: &'a OpenAPI,
        pointed: &'a super::refs::PointedSchemas,
        diagnostics: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Self {
            document,
            pointed,
            ref_targets: HashMap::new(),
            named_at: HashMap::new(),
            open_refs: Vec::new(),
            diagnostics,
            types: Vec::new(),
            names: Namespace::for_types(),
            components: HashMap::new(),
            component_nullable: HashMap::new(),
            all_of_stack: Vec::new(),
            naming_stack: Vec::new(),
            depth: 0,
        }
    }

    /// The kind of type `id`, as built so far.
    pub fn kind_of(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(id).map(|def| &def.kind)
    }

    /// The Rust name of type `id` (empty when there is no such type).
    pub fn type_name(&self, id: TypeId) -> &str {
        self.types.get(id).map_or("", |def| def.name.as_str())
    }

    /// `String` when `ty` names an alias (or chain of aliases) of `String`, so such
    /// parameters accept `impl Into<String>` like plain strings; otherwise `ty`.
    pub fn unalias_string(&self, ty: TypeRef) -> TypeRef {
        let mut current = &ty;
        for _ in 0..16 {
            match current {
                TypeRef::Named(id) => match self.kind_of(*id) {
                    Some(TypeKind::Alias(inner)) => current = inner,
                    _ => return ty,
                },
                TypeRef::String => return TypeRef::String,
                _ => return ty,
            }
        }
        ty
    }

    /// Records a diagnostic.
    pub fn diagnose(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(pointer, message));
    }

    /// Reserves a name and id for every component schema.
    pub fn declare_components(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let pointer = join("/components/schemas", name);
            let rust_name = self.names.claim(pascal(name));
            let id = self.types.len();
            self.types.push(TypeDef {
                name: rust_name,
                doc: None,
                pointer,
                kind: TypeKind::Placeholder,
                usage: Default::default(),
                features: Vec::new(),
            });
            self.components.insert(name.clone(), id);
            let nullable = match schema {
                ReferenceOr::Item(schema) => schema.schema_data.nullable,
                ReferenceOr::Reference { .. } => false,
            };
            self.component_nullable.insert(name.clone(), nullable);
        }
    }

    /// Builds every component schema declared by [`Self::declare_components`].
    pub fn build_components(&mut self) {
        let Some(components) = &self.document.components else {
            return;
        };
        for (name, schema) in &components.schemas {
            let Some(&id) = self.components.get(name) else {
                continue;
            };
            let pointer = self.types[id].pointer.clone();
            let type_name = self.types[id].name.clone();
            let (doc, kind) = match schema {
                ReferenceOr::Reference { .. } => (None, TypeKind::Alias(self.resolve(schema, &pointer, &type_name).ty)),
                ReferenceOr::Item(schema) => {
                    let doc = schema_doc(schema);
                    (doc, self.named_kind(schema, &pointer, &type_name))
                }
            };
            self.types[id].doc = doc;
            self.types[id].kind = kind;
        }
    }

    /// Returns the finished types, with union tags removed from variant structs.
    pub fn finish(mut self) -> Vec<TypeDef> {
        for def in &mut self.types {
            if matches!(def.kind, TypeKind::Placeholder) {
                def.kind = TypeKind::Alias(TypeRef::Json);
            }
        }
        // Rust type aliases cannot refer to themselves. An alias that comes back to
        // itself through a container (`Tree = Vec<Tree>`) becomes a transparent
        // newtype, which can; one that only renames itself (`A = B`, `B = A`) has no
        // shape at all and becomes `serde_json::Value`.
        for id in 0..self.types.len() {
            let TypeKind::Alias(target) = &self.types[id].kind else {
                continue;
            };
            match alias_cycle(&self.types, id, target) {
                Some(true) => self.types[id].kind = TypeKind::Newtype(target.clone()),
                Some(false) => {
                    let pointer = self.types[id].pointer.clone();
                    self.diagnostics.push(Diagnostic::new(
                        pointer,
                        "$ref loop with no schema in it; used serde_json::Value",
                    ));
                    self.types[id].kind = TypeKind::Alias(TypeRef::Json);
                }
                None => {}
            }
        }
        self.types
    }

    /// The kind for a schema that gets its own name (a component or a named inline schema).
    pub(super) fn named_kind(&mut self, schema: &Schema, pointer: &str, name: &str) -> TypeKind {
        if let Some(kind) = self.structural_kind(schema, pointer, name) {
            return kind;
        }
        // An `allOf` that did not merge was reported where it failed; resolving it
        // inline would only come back here.
        if matches!(&schema.schema_kind, SchemaKind::AllOf { all_of } if substantive(all_of).len() > 1) {
            return TypeKind::Alias(TypeRef::Json);
        }
        TypeKind::Alias(self.inline(schema, pointer, name).ty)
    }

    /// Kinds that define a new type (struct, enum, union); `None` for aliases.
    pub(super) fn structural_kind(&mut self, schema: &Schema, pointer: &str, name: &str) -> Option<TypeKind> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() || object_is_closed(object) => {
                Some(TypeKind::Struct(self.struct_def(object, pointer, name)))
            }
            SchemaKind::Type(Type::String(string)) if string_enum_values(string).is_some() => Some(
                TypeKind::StringEnum(enum_values(&string_enum_values(string).unwrap_or_default())),
            ),
            SchemaKind::AllOf { all_of } if substantive(all_of).len() > 1 => self
                .merge_all_of(all_of, pointer)
                .map(|object| TypeKind::Struct(self.struct_def(&object, pointer, name))),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                Some(self.union_kind(schema, members, &join(pointer, key), name))
            }
            SchemaKind::Any(any) if any_string_enum(any).is_some() => Some(TypeKind::StringEnum(enum_values(
                &any_string_enum(any).unwrap_or_default(),
            ))),
            SchemaKind::Any(any) => {
                let object = any_as_object(any)?;
                if composed(any) {
                    let keywords = composition_keywords(any).join(" and ");
                    self.diagnose(
                        pointer,
                        format!("{keywords} beside `properties` is not expressed; the struct has the schema's own properties only"),
                    );
                }
                Some(TypeKind::Struct(self.struct_def(&object, pointer, name)))
            }
            _ => None,
        }
    }

    /// Resolves a schema (or reference) to a type, naming inline types from `hint`.
    pub fn resolve(&mut self, schema: &ReferenceOr<Schema>, pointer: &str, hint: &str) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.guarded_inline(schema, pointer, hint),
        }
    }

    /// [`Self::inline`] with a nesting limit.
    fn guarded_inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Resolved {
        if self.depth >= MAX_DEPTH {
            self.diagnose(
                pointer,
                format!("schema nesting deeper than {MAX_DEPTH} levels; used serde_json::Value"),
            );
            return Resolved {
                ty: TypeRef::Json,
                nullable: true,
            };
        }
        self.depth += 1;
        let resolved = self.inline(schema, pointer, hint);
        self.depth -= 1;
        resolved
    }

    /// Same as [`Self::resolve`] for boxed schemas.
    pub fn resolve_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, pointer: &str, hint: &str) -> Resolved {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(schema) => self.guarded_inline(schema, pointer, hint),
        }
    }

    fn reference(&mut self, reference: &str, pointer: &str) -> Resolved {
        if let Some(target) = self.pointed.get(reference) {
            return self.pointed_reference(reference, target, pointer);
        }
        let name = super::refs::component_name(reference, "schemas").map(super::refs::unescape);
        match name
            .as_ref()
            .and_then(|name| self.components.get(name).map(|id| (name.clone(), *id)))
        {
            Some((name, id)) => Resolved {
                ty: TypeRef::Named(id),
                nullable: self.component_nullable.get(&name).copied().unwrap_or(false),
            },
            None => {
                let message = if !reference.starts_with('#') {
                    format!("$ref {reference:?} points to another document; external references are not supported, so serde_json::Value is used")
                } else {
                    format!("$ref {reference:?} does not point to a schema in this document; used serde_json::Value")
                };
                self.diagnose(pointer, message);
                Resolved {
                    ty: TypeRef::Json,
                    nullable: true,
                }
            }
        }
    }

    /// A `$ref` to a schema inside the document (a component's property, a response's
    /// schema, …): typed like its target and named after the target's location, once
    /// per target.
    fn pointed_reference(&mut self, reference: &str, target: &'a ReferenceOr<Schema>, pointer: &str) -> Resolved {
        let at = reference.trim_start_matches('#').to_owned();
        let known =
            (self.ref_targets.get(&at).cloned()).or_else(|| self.named_at.get(&at).map(|id| TypeRef::Named(*id)));
        if let Some(ty) = known {
            return Resolved {
                ty,
                nullable: matches!(target, ReferenceOr::Item(schema) if schema.schema_data.nullable),
            };
        }
        if self.open_refs.contains(&at) {
            self.diagnose(
                pointer,
                format!("$ref {reference:?} refers back into itself; used serde_json::Value"),
            );
            return Resolved {
                ty: TypeRef::Json,
                nullable: true,
            };
        }
        self.open_refs.push(at.clone());
        let hint = super::refs::location_hint(&at);
        let resolved = self.resolve(target, &at, &hint);
        self.open_refs.pop();
        if matches!(resolved.ty, TypeRef::Named(_)) {
            self.ref_targets.insert(at, resolved.ty.clone());
        }
        resolved
    }

    /// Looks through `$ref`s to the schema they name (for allOf merging and unions).
    pub(super) fn target<'s>(&self, schema: &'s ReferenceOr<Schema>) -> Option<(&'s Schema, Option<String>)>
    where
        'a: 's,
    {
        let components: Option<&'s openapiv3::Components> = self.document.components.as_ref();
        // A `$ref` into the document: follow it (and any chain) to the schema there.
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Reference { reference } => match self.pointed.get(reference) {
                    Some(next) => current = next,
                    None => break,
                },
                ReferenceOr::Item(found) if !std::ptr::eq(current, schema) => return Some((found, None)),
                ReferenceOr::Item(_) => break,
            }
        }
        let (target, at) = super::refs::resolve(current, "", "schemas", components, |all| &all.schemas).ok()?;
        let component = match schema {
            ReferenceOr::Item(_) => None,
            ReferenceOr::Reference { .. } => at.strip_prefix("/components/schemas/").map(super::refs::unescape),
        };
        Some((target, component))
    }

    pub(super) fn inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if string_enum_values(string).is_some() {
                    self.new_named(schema, pointer, hint)
                } else {
                    self.string_type(string, pointer)
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    self.diagnose(
                        pointer,
                        "integer `enum`/`const` values are not enforced; the type is a plain integer",
                    );
                }
                let ty = integer_type(integer, &schema.schema_data);
                if let (TypeRef::Integer { signed: false, .. }, Some(value)) =
                    (&ty, super::keywords::beyond_i64(&schema.schema_data))
                {
                    if matches!(integer.format, VariantOrUnknownOrEmpty::Empty) && integer.minimum.is_none() {
                        self.diagnose(
                            pointer,
                            format!("integer without a format documents {value}, beyond i64; the type is u64"),
                        );
                    }
                }
                ty
            }
            SchemaKind::Type(Type::Number(number)) => {
                if let VariantOrUnknownOrEmpty::Unknown(format) = &number.format {
                    if !matches!(format.as_str(), "decimal" | "int32" | "int64" | "integer" | "number") {
                        self.diagnose(
                            join(pointer, "format"),
                            format!("unknown number format {format:?}; used f64"),
                        );
                    }
                }
                number_type(number)
            }
            SchemaKind::Type(Type::Boolean(boolean)) if !boolean.enumeration.is_empty() => {
                self.diagnose(
                    pointer,
                    "boolean `enum`/`const` values are not enforced; the type is bool",
                );
                TypeRef::Bool
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.resolve_boxed(items, &join(pointer, "items"), &format!("{hint}Item"));
                    TypeRef::Vec(Box::new(wrap_nullable(item)))
                }
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) => {
                if !object.properties.is_empty() || object_is_closed(object) {
                    self.new_named(schema, pointer, hint)
                } else {
                    self.map_type(object.additional_properties.as_ref(), pointer, hint)
                }
            }
            SchemaKind::AllOf { all_of } if substantive(all_of).len() == 1 => {
                let (index, member) = substantive(all_of)[0];
                let inner = self.resolve(member, &format!("{pointer}/allOf/{index}"), hint);
                return Resolved {
                    ty: inner.ty,
                    nullable: nullable || inner.nullable,
                };
            }
            SchemaKind::AllOf { all_of } if substantive(all_of).is_empty() => TypeRef::Json,
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.new_named(schema, pointer, hint)
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => return self.any_schema(schema, any, pointer, hint),
        };
        Resolved { ty, nullable }
    }

    fn any_schema(&mut self, schema: &Schema, any: &AnySchema, pointer: &str, hint: &str) -> Resolved {
        let nullable = schema.schema_data.nullable;
        if composed(any) && any_as_object(any).is_none() {
            let keywords = composition_keywords(any).join(" and ");
            let message = match any.typ.as_deref() {
                Some(kind) => format!(
                    "{keywords} beside `type: {kind}` and other keywords is not expressed; the type follows `type` alone"
                ),
                None => format!("{keywords} together in one schema are not expressed; used serde_json::Value"),
            };
            self.diagnose(pointer, message);
        }
        let ty = if any_as_object(any).is_some() {
            self.new_named(schema, pointer, hint)
        } else if let Some(items) = &any.items {
            let item = self.resolve_boxed(items, &join(pointer, "items"), &format!("{hint}Item"));
            TypeRef::Vec(Box::new(wrap_nullable(item)))
        } else {
            match any.typ.as_deref() {
                Some("integer") => {
                    if any.minimum.is_some_and(|min| min >= 0.0)
                        || (any.minimum.is_none() && any.maximum.is_some_and(|max| max > i64::MAX as f64))
                    {
                        TypeRef::Integer {
                            bits: 64,
                            signed: false,
                        }
                    } else {
                        TypeRef::Integer { bits: 64, signed: true }
                    }
                }
                Some("number") => TypeRef::Float { bits: 64 },
                // A string enum that `openapiv3` could not read as one because of other
                // keywords beside it (or a `null` member): still an enum.
                Some("string") if any_string_enum(any).is_some() => self.new_named(schema, pointer, hint),
                Some("string") => {
                    let odd: Vec<String> = any
                        .enumeration
                        .iter()
                        .filter(|value| !value.is_string() && !value.is_null())
                        .map(ToString::to_string)
                        .collect();
                    if !odd.is_empty() {
                        self.diagnose(
                            join(pointer, "enum"),
                            format!("string enum lists non-string values ({}); used String", odd.join(", ")),
                        );
                    }
                    TypeRef::String
                }
                Some("boolean") => TypeRef::Bool,
                Some("object") => self.map_type(any.additional_properties.as_ref(), pointer, hint),
                Some("array") => TypeRef::Vec(Box::new(TypeRef::Json)),
                Some(other) => {
                    self.diagnose(pointer, format!("unknown type {other:?}; used serde_json::Value"));
                    TypeRef::Json
                }
                None => TypeRef::Json,
            }
        };
        Resolved { ty, nullable }
    }

    pub(super) fn new_named(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        // Already built because a `$ref` pointed here first.
        if let Some(ty) = self.ref_targets.get(pointer) {
            return ty.clone();
        }
        if self.naming_stack.iter().any(|open| open == pointer) {
            self.diagnose(
                pointer,
                "schema could not be expressed as a Rust type; used serde_json::Value",
            );
            return TypeRef::Json;
        }
        self.naming_stack.push(pointer.to_owned());
        let ty = self.new_named_unguarded(schema, pointer, hint);
        self.naming_stack.pop();
        ty
    }

    fn new_named_unguarded(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        let name = self.names.claim(pascal(hint));
        let id = self.types.len();
        self.named_at.entry(pointer.to_owned()).or_insert(id);
        self.types.push(TypeDef {
            name: name.clone(),
            doc: schema_doc(schema),
            pointer: pointer.to_owned(),
            kind: TypeKind::Placeholder,
            usage: Default::default(),
            features: Vec::new(),
        });
        let kind = self.named_kind(schema, pointer, &name);
        self.types[id].kind = kind;
        TypeRef::Named(id)
    }

    fn string_type(&mut self, string: &StringType, pointer: &str) -> TypeRef {
        match &string.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => TypeRef::DateTime,
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => TypeRef::Date,
            VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => TypeRef::Binary,
            VariantOrUnknownOrEmpty::Item(_) | VariantOrUnknownOrEmpty::Empty => TypeRef::String,
            VariantOrUnknownOrEmpty::Unknown(format) => {
                if !STRING_FORMATS.contains(&format.as_str()) {
                    self.diagnose(
                        join(pointer, "format"),
                        format!("unknown string format {format:?}; used String"),
                    );
                }
                TypeRef::String
            }
        }
    }

    fn map_type(&mut self, additional: Option<&AdditionalProperties>, pointer: &str, hint: &str) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(schema)) => {
                let value = self.resolve(schema, &join(pointer, "additionalProperties"), &format!("{hint}Value"));
                TypeRef::Map(Box::new(wrap_nullable(value)))
            }
            _ => TypeRef::JsonObject,
        }
    }

    pub(super) fn struct_def(&mut self, object: &ObjectType, pointer: &str, name: &str) -> StructDef {
        let mut fields = Vec::new();
        // The flattened map of extra members, and the undeclared members, are fields too.
        let mut field_names = Namespace::with_reserved(&["additional_properties", "undeclared"]);
        for (wire, property) in &object.properties {
            let property_pointer = join(&join(pointer, "properties"), wire);
            let hint = format!("{name}{}", pascal(wire));
            let resolved = self.resolve_boxed(property, &property_pointer, &hint);
            let required = object.required.iter().any(|item| item == wire);
            let presence = match (required, resolved.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let doc = match property {
                ReferenceOr::Item(schema) => schema_doc(schema).or_else(|| annotation_doc(schema)),
                ReferenceOr::Reference { .. } => None,
            };
            fields.push(Field {
                wire: wire.clone(),
                name: field_names.claim(snake(wire)),
                ty: resolved.ty,
                presence,
                doc,
            });
        }
        let additional = match &object.additional_properties {
            Some(AdditionalProperties::Schema(schema)) if !object.properties.is_empty() => {
                let value = self.resolve(schema, &join(pointer, "additionalProperties"), &format!("{name}Value"));
                Some(wrap_nullable(value))
            }
            Some(AdditionalProperties::Any(true)) if !object.properties.is_empty() => Some(TypeRef::Json),
            _ => None,
        };
        StructDef { fields, additional }
    }
}

/// Whether alias `id` (of `target`) reaches itself again through aliases only:
/// `Some(true)` when a container (`Vec`, map, `Option`) lies on the way, `Some(false)`
/// for a bare loop of names, `None` when there is no loop.
fn alias_cycle(types: &[TypeDef], id: TypeId, target: &TypeRef) -> Option<bool> {
    fn walk(types: &[TypeDef], id: TypeId, ty: &TypeRef, contained: bool, seen: &mut Vec<TypeId>) -> Option<bool> {
        match ty {
            TypeRef::Named(next) if *next == id => Some(contained),
            TypeRef::Named(next) => {
                if seen.contains(next) {
                    return None;
                }
                seen.push(*next);
                match &types.get(*next)?.kind {
                    TypeKind::Alias(inner) => walk(types, id, inner, contained, seen),
                    _ => None,
                }
            }
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) => walk(types, id, inner, true, seen),
            _ => None,
        }
    }
    walk(types, id, target, false, &mut Vec::new())
}

/// Wraps in `Option` when null is allowed (for items and map values).
pub fn wrap_nullable(resolved: Resolved) -> TypeRef {
    if resolved.nullable && !matches!(resolved.ty, TypeRef::Json) {
        TypeRef::Option(Box::new(resolved.ty))
    } else {
        resolved.ty
    }
}

/// Builds the component types of a document given as JSON, for unit tests.
#[cfg(test)]
pub(super) fn build_for_test(document: serde_json::Value) -> (Vec<TypeDef>, Vec<Diagnostic>) {
    let mut document = document;
    if let Some(root) = document.as_object_mut() {
        root.entry("openapi").or_insert_with(|| "3.0.3".into());
        root.entry("info")
            .or_insert_with(|| serde_json::json!({"title": "t", "version": "1"}));
        root.entry("paths").or_insert_with(|| serde_json::json!({}));
    }
    let pointed = super::refs::pointed_schemas(&document);
    let parsed: OpenAPI = serde_json::from_value(document).expect("test document parses");
    let mut diagnostics = Vec::new();
    let mut builder = TypeBuilder::new(&parsed, &pointed, &mut diagnostics);
    builder.declare_components();
    builder.build_components();
    let types = builder.finish();
    (types, diagnostics)
}
