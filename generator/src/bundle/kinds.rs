//! The shape of an OpenAPI document, as far as `$ref`s care: what kind of object
//! stands at each position, and which `components` section (if any) collects objects
//! of that kind. Positions not named here are data (`x-…` values, examples,
//! descriptions), where a `$ref` is inlined if it can be and left alone otherwise.

/// The kind of object expected at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The root document.
    Document,
    /// `components`.
    Components,
    /// A Path Item (also a callback's entries).
    PathItem,
    /// An Operation.
    Operation,
    /// A Parameter.
    Parameter,
    /// A Request Body.
    RequestBody,
    /// A Response.
    Response,
    /// A Media Type.
    MediaType,
    /// An Encoding.
    Encoding,
    /// A Header.
    Header,
    /// A Schema.
    Schema,
    /// An Example.
    Example,
    /// A Link.
    Link,
    /// A Callback (a map of path items).
    Callback,
    /// A Security Scheme.
    SecurityScheme,
    /// Anything else: data, descriptions, extension values.
    Data,
}

/// A position: one object of a kind, a map of them, or a list of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pos {
    /// One object.
    One(Kind),
    /// A map from names to objects (`x-…` keys are data, except in schema maps).
    Map(Kind),
    /// A list of objects.
    List(Kind),
}

/// Which description dialect the root document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// OpenAPI 3.x: everything goes to `components/<section>`.
    OpenApi3,
    /// Swagger 2.0: `definitions`, `parameters` and `responses` at the top.
    Swagger2,
}

impl Dialect {
    /// The dialect of a root document (`swagger: "2.0"` or anything else).
    pub fn of(document: &serde_json::Value) -> Self {
        match document.get("swagger").and_then(|v| v.as_str()) {
            Some(version) if version.starts_with('2') => Dialect::Swagger2,
            _ => Dialect::OpenApi3,
        }
    }

    /// Where objects of `kind` are collected: the path of the section's map from the
    /// document root (`["components", "schemas"]`), or `None` when they are inlined.
    pub fn section(self, kind: Kind) -> Option<&'static [&'static str]> {
        match self {
            Dialect::OpenApi3 => match kind {
                Kind::Schema => Some(&["components", "schemas"]),
                Kind::Response => Some(&["components", "responses"]),
                Kind::Parameter => Some(&["components", "parameters"]),
                Kind::Example => Some(&["components", "examples"]),
                Kind::RequestBody => Some(&["components", "requestBodies"]),
                Kind::Header => Some(&["components", "headers"]),
                Kind::SecurityScheme => Some(&["components", "securitySchemes"]),
                Kind::Link => Some(&["components", "links"]),
                Kind::Callback => Some(&["components", "callbacks"]),
                _ => None,
            },
            Dialect::Swagger2 => match kind {
                Kind::Schema => Some(&["definitions"]),
                Kind::Response => Some(&["responses"]),
                Kind::Parameter => Some(&["parameters"]),
                _ => None,
            },
        }
    }

    /// The position of member `key` of an object of `kind` (`value` is the member, to
    /// tell a schema from a boolean or a list where both are allowed).
    pub fn child(self, kind: Kind, key: &str, value: &serde_json::Value) -> Pos {
        use Kind::*;
        if key.starts_with("x-") && kind != Callback {
            return Pos::One(Data);
        }
        let swagger2 = self == Dialect::Swagger2;
        match (kind, key) {
            (Document, "paths" | "webhooks") => Pos::Map(PathItem),
            (Document, "components") if !swagger2 => Pos::One(Components),
            (Document, "definitions") if swagger2 => Pos::Map(Schema),
            (Document, "parameters") if swagger2 => Pos::Map(Parameter),
            (Document, "responses") if swagger2 => Pos::Map(Response),
            (Components, "schemas") => Pos::Map(Schema),
            (Components, "responses") => Pos::Map(Response),
            (Components, "parameters") => Pos::Map(Parameter),
            (Components, "examples") => Pos::Map(Example),
            (Components, "requestBodies") => Pos::Map(RequestBody),
            (Components, "headers") => Pos::Map(Header),
            (Components, "securitySchemes") => Pos::Map(SecurityScheme),
            (Components, "links") => Pos::Map(Link),
            (Components, "callbacks") => Pos::Map(Callback),
            (Components, "pathItems") => Pos::Map(PathItem),
            (Components, "mediaTypes") => Pos::Map(MediaType),
            (PathItem, "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace" | "query") => {
                Pos::One(Operation)
            }
            (PathItem, "additionalOperations") => Pos::Map(Operation),
            (PathItem | Operation, "parameters") => Pos::List(Parameter),
            (Operation, "requestBody") => Pos::One(RequestBody),
            (Operation, "responses") => Pos::Map(Response),
            (Operation, "callbacks") => Pos::Map(Callback),
            (Parameter | Header, "schema") => Pos::One(Schema),
            (Parameter | Header | MediaType, "examples") if !swagger2 => Pos::Map(Example),
            (Parameter | Header | RequestBody | Response, "content") => Pos::Map(MediaType),
            (Response, "schema") if swagger2 => Pos::One(Schema),
            (Response, "headers") if !swagger2 => Pos::Map(Header),
            (Response, "links") => Pos::Map(Link),
            (MediaType, "schema" | "itemSchema") => Pos::One(Schema),
            (MediaType, "encoding") => Pos::Map(Encoding),
            (Encoding, "headers") => Pos::Map(Header),
            (Callback, _) => Pos::One(PathItem),
            (Schema, _) => schema_child(key, value),
            _ => Pos::One(Data),
        }
    }
}

/// The position of a schema keyword's value.
fn schema_child(key: &str, value: &serde_json::Value) -> Pos {
    use Kind::Schema;
    match key {
        "properties" | "patternProperties" | "dependentSchemas" | "$defs" | "definitions" => Pos::Map(Schema),
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => Pos::List(Schema),
        "items" if value.is_array() => Pos::List(Schema),
        "items"
        | "not"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "additionalItems"
        | "additionalProperties"
        | "contentSchema" => {
            if value.is_object() {
                Pos::One(Schema)
            } else {
                Pos::One(Kind::Data)
            }
        }
        _ => Pos::One(Kind::Data),
    }
}

impl Pos {
    /// The position of an entry of this map or list (`key` is the map key).
    pub fn entry(self, key: &str) -> Pos {
        match self {
            Pos::Map(kind) if key.starts_with("x-") && kind != Kind::Schema => Pos::One(Kind::Data),
            Pos::Map(kind) | Pos::List(kind) => Pos::One(kind),
            Pos::One(kind) => Pos::One(kind),
        }
    }
}
