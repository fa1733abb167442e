//! The intermediate model between the parsed spec and emitted Rust: named types and
//! operations, every Rust name already chosen and unique.

/// Index of a named type in [`Model::types`].
pub type TypeId = usize;

/// The whole API as the emitter sees it.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// API title, for crate docs.
    pub title: String,
    /// API description, for crate docs.
    pub description: Option<String>,
    /// API version string.
    pub version: String,
    /// First server URL, when it is absolute.
    pub base_url: Option<String>,
    /// Named types, in a fixed order (components first, in document order; then inline
    /// types in the order they were met).
    pub types: Vec<TypeDef>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
    /// Operations found in the spec (some may have been skipped with a diagnostic).
    pub operation_total: usize,
    /// The error body type shared by all documented error responses, if there is one.
    pub error_type: Option<TypeRef>,
    /// The events of the spec's `webhooks` section, if it has one.
    pub webhooks: Option<crate::model::webhooks::Webhooks>,
    /// Documented response examples by operation pointer (for the generated mock).
    pub examples: crate::model::examples::Examples,
    /// The API's own conventions (error code field, rate-limit headers, …), emitted
    /// as the generated crate's `API` profile.
    pub conventions: ApiConventions,
    /// The cargo features of the operation groups, sorted (empty when feature groups
    /// are off); see `model::features`.
    pub feature_groups: Vec<String>,
    /// The spec's security schemes (`components.securitySchemes`), each with the
    /// builder method that configures it; see `model::security`.
    pub security: Vec<SecurityScheme>,
    /// What gates "Serialize on response-only types": `serialize-responses` in crates
    /// whose manifest apigen writes, `mock` otherwise (see `emit::types`).
    pub serialize_responses_feature: &'static str,
    /// Whether structs keep the members their schema does not declare (a field
    /// `undeclared: apigen_runtime::Undeclared`; see [`crate::Settings::keep_undeclared`]).
    pub keep_undeclared: bool,
    /// The document's tags with their 3.2 hierarchy (`parent`, `kind`), in order.
    #[allow(dead_code)] // recorded for docs and feature groups; no emitter reads it yet
    pub tags: Vec<Tag>,
}

/// One tag of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Its name, as operations use it.
    pub name: String,
    /// Short summary (3.2).
    pub summary: Option<String>,
    /// The enclosing tag (3.2), known to be declared and not to loop.
    pub parent: Option<String>,
    /// What kind of tag this is (3.2 `kind`, e.g. `nav`, `badge`, `audience`).
    pub kind: Option<String>,
}

/// What the runtime must be told about one API, resolved from the spec and the
/// `x-apigen-conventions` extension. Header names are lower-case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiConventions {
    /// JSON pointers to the error code in an error body, tried in order.
    pub error_code: Vec<String>,
    /// JSON pointers to the human-readable message in an error body.
    pub error_message: Vec<String>,
    /// The response header carrying the request id.
    pub request_id_header: Option<String>,
    /// The header with the rate-limit window's budget.
    pub rate_limit_limit: Option<String>,
    /// The header with the requests left in the window.
    pub rate_limit_remaining: Option<String>,
    /// The header with the window's reset time.
    pub rate_limit_reset: Option<String>,
    /// How the reset time is written.
    pub reset_format: ResetFormat,
    /// The event `data` values that end a server-sent event stream (`[DONE]`).
    pub stream_end_markers: Vec<String>,
    /// The largest streamed item accepted, in bytes (`None`: the runtime's default).
    pub max_stream_item: Option<u64>,
}

/// How an API writes its rate-limit reset time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResetFormat {
    /// Unix seconds.
    UnixSeconds,
    /// Seconds from now.
    DeltaSeconds,
    /// Unix seconds, or seconds from now when the value is too small to be a date.
    #[default]
    Auto,
}

/// A reference to a type from a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// A signed or unsigned integer of the given bit width.
    Integer {
        /// Bits: 8, 16, 32, 64.
        bits: u8,
        /// Signed (`i*`) or unsigned (`u*`).
        signed: bool,
    },
    /// `f32` (`bits == 32`) or `f64`.
    Float {
        /// Bits: 32 or 64.
        bits: u8,
    },
    /// `chrono::DateTime<Utc>`.
    DateTime,
    /// `chrono::NaiveDate`.
    Date,
    /// Any JSON value.
    Json,
    /// A JSON object with arbitrary members.
    JsonObject,
    /// Raw bytes (binary bodies).
    Bytes,
    /// A `format: binary` schema field: `apigen_runtime::Binary` (a file part in
    /// multipart bodies, base64 text in JSON).
    Binary,
    /// No body.
    // Emit renders it as `()`, but no model stage constructs it today.
    #[allow(dead_code)]
    Unit,
    /// A named type.
    Named(TypeId),
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>` (a nullable value inside a container).
    Option(Box<TypeRef>),
}

/// A named type definition.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Rust name (UpperCamelCase, unique).
    pub name: String,
    /// Documentation from the spec.
    pub doc: Option<String>,
    /// JSON pointer where the schema was defined.
    pub pointer: String,
    /// The shape.
    pub kind: TypeKind,
    /// Whether requests and/or responses reach it (decides its serde derives); filled
    /// in by `model::usage` once every type and operation is built.
    pub usage: Usage,
    /// The cargo features (operation groups) that gate it, sorted; empty means always
    /// compiled. Filled in by `model::features` when feature groups are on.
    pub features: Vec<String>,
}

/// Which way a named type travels, from `model::usage`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a request body or parameter of some operation: needs `Serialize`.
    pub request: bool,
    /// Reachable from a success body, an error body, a pagination item or a webhook
    /// payload: needs `Deserialize`.
    pub response: bool,
    /// Reachable from a variant of a response-reachable untagged union, which is
    /// decoded by re-encoding each candidate: needs `Serialize` even if response-only.
    pub untagged_response: bool,
    /// Reachable from a type that no operation or webhook reaches (an unused
    /// component, kept whole so users can build it by hand): needs both traits.
    pub from_unused: bool,
    /// Reachable from a webhook payload or envelope: the generated `Event` and
    /// `EventData` serialize back to the delivery, so it keeps `Serialize`.
    pub webhook: bool,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps unknown values.
    StringEnum(Vec<EnumValue>),
    /// A union tagged by a property (`#[serde(tag = ...)]`).
    Tagged {
        /// The JSON property holding the tag.
        tag: String,
        /// One variant per tag value.
        variants: Vec<TaggedVariant>,
    },
    /// A union without a tag, tried in order.
    Untagged(Vec<UntaggedVariant>),
    /// Another name for a type (`pub type A = B;`).
    Alias(TypeRef),
    /// A transparent wrapper (`pub struct A(pub Vec<A>);`): an alias that would refer
    /// to itself (`Tree: {type: array, items: {$ref: Tree}}`), which Rust forbids.
    Newtype(TypeRef),
    /// A named type still being built (replaced before emission).
    Placeholder,
}

/// A struct's fields.
#[derive(Debug, Clone, Default)]
pub struct StructDef {
    /// Fields in spec order.
    pub fields: Vec<Field>,
    /// Type of extra members (`additionalProperties` schema), kept in a flattened map.
    pub additional: Option<TypeRef>,
}

/// How a field may appear in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Key always present, value never null: `T`.
    Required,
    /// Key always present, value may be null: `Option<T>`, serialised as `null`.
    RequiredNullable,
    /// Key may be absent: `Option<T>`, skipped when `None`.
    Optional,
    /// Key may be absent or null: `Option<Nullable<T>>`.
    OptionalNullable,
}

/// One struct field.
#[derive(Debug, Clone)]
pub struct Field {
    /// JSON property name.
    pub wire: String,
    /// Rust field name (snake_case, escaped).
    pub name: String,
    /// Field type (without the `Option` wrapping that `presence` adds).
    pub ty: TypeRef,
    /// Whether the key is required and whether the value may be null.
    pub presence: Presence,
    /// Documentation.
    pub doc: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone)]
pub struct EnumValue {
    /// The value on the wire.
    pub wire: String,
    /// Rust variant name.
    pub name: String,
}

/// A variant of a tagged union.
#[derive(Debug, Clone)]
pub struct TaggedVariant {
    /// The tag value.
    pub tag_value: String,
    /// Rust variant name.
    pub name: String,
    /// Payload: a named struct (or `None` when the variant carries only the tag).
    pub payload: Option<TypeRef>,
}

/// A variant of an untagged union.
#[derive(Debug, Clone)]
pub struct UntaggedVariant {
    /// Rust variant name.
    pub name: String,
    /// Payload type.
    pub ty: TypeRef,
}

/// One API operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The operationId (or one derived from method and path).
    pub operation_id: String,
    /// Method name on `Client` (snake_case, escaped).
    pub method_name: String,
    /// Name of the request builder struct (UpperCamelCase).
    pub builder_name: String,
    /// HTTP method, upper case.
    pub http_method: String,
    /// Path template as written in the spec.
    pub path: String,
    /// JSON pointer to the operation.
    pub pointer: String,
    /// Summary line.
    pub summary: Option<String>,
    /// Longer description.
    pub description: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// Parameters in spec order.
    pub params: Vec<Param>,
    /// Request body, if any.
    pub body: Option<RequestBody>,
    /// The success response.
    pub success: ResponseBody,
    /// The streaming form of the success body (`.stream()`), when a 2xx response
    /// offers a streamed media type (alone, or next to JSON).
    pub stream: Option<StreamForm>,
    /// Pagination, when the spec declares it (`x-pagination`).
    pub pagination: Option<Pagination>,
    /// Typed error bodies by status, when this operation documents error bodies that
    /// differ from the crate-wide [`Model::error_type`].
    pub error_enum: Option<ErrorEnum>,
    /// The operation's first tag, if it has one (decides its feature group).
    pub tag: Option<String>,
    /// The cargo feature (operation group) that gates it; `None` when feature groups
    /// are off. Filled in by `model::features`.
    pub feature: Option<String>,
    /// Its security requirements (its own `security`, else the document's): any one
    /// of these lists of scheme names, all of a list together; `Some(vec![])` is
    /// public, `None` means the spec says nothing. Filled in by `model::security`.
    pub security: Option<Vec<Vec<String>>>,
}

/// One security scheme of the spec and how the generated client wires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// Its name in `components.securitySchemes` (what requirements name).
    pub name: String,
    /// The generated builder method that takes its credential (snake_case, unique,
    /// clear of the builder's other methods).
    pub method: String,
    /// JSON pointer to the scheme.
    pub pointer: String,
    /// The scheme's description.
    pub description: Option<String>,
    /// What it is.
    pub kind: SchemeKind,
    /// How many operations accept it.
    pub operations: usize,
}

/// What a security scheme is, as far as the client is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    /// `apiKey`: a key in a header, query parameter or cookie.
    ApiKey {
        /// `header`, `query` or `cookie`.
        location: KeyLocation,
        /// The parameter name.
        name: String,
    },
    /// `http` `bearer`.
    Bearer {
        /// `bearerFormat`, a hint for docs.
        format: Option<String>,
    },
    /// `http` `basic`.
    Basic,
    /// `oauth2`.
    OAuth2 {
        /// The `clientCredentials` flow.
        client_credentials: Option<OAuthFlow>,
        /// The `authorizationCode` flow.
        authorization_code: Option<OAuthFlow>,
        /// Declared flows the client does not run (`implicit`, `password`).
        unwired_flows: Vec<String>,
    },
    /// `openIdConnect`: not wired (no discovery); a bearer token meets it.
    OpenIdConnect {
        /// `openIdConnectUrl`.
        url: String,
    },
    /// `mutualTLS`: not wired (a client certificate on a custom `reqwest::Client`).
    MutualTls,
    /// Another `http` scheme (`digest`, …): not wired.
    OtherHttp {
        /// The scheme's name.
        scheme: String,
    },
}

/// Where an API key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// One OAuth 2 flow of a scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthFlow {
    /// `tokenUrl` (or `refreshUrl` for the authorization-code flow when it has one).
    pub token_url: String,
    /// The scopes requested by default: those the operations require of this scheme,
    /// in the order the flow declares them (undeclared ones after).
    pub scopes: Vec<String>,
}

/// Which error responses a variant of an [`ErrorEnum`] stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorStatus {
    /// One status code.
    Code(u16),
    /// A range such as `4XX` (the first digit).
    Range(u16),
    /// The `default` response: any other non-success status.
    Default,
}

/// The per-status error bodies of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorEnum {
    /// Rust name of the enum.
    pub name: String,
    /// One variant per documented error response with a JSON body.
    pub variants: Vec<ErrorVariant>,
}

/// One documented error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorVariant {
    /// The statuses it covers.
    pub status: ErrorStatus,
    /// Variant name (`Status404`, `Status4xx`, `Default`).
    pub name: String,
    /// The JSON body type.
    pub ty: TypeRef,
    /// The response's description.
    pub doc: Option<String>,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// Query serialisation style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, with `explode`.
    Form(bool),
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// One operation parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub wire: String,
    /// Rust argument / setter name.
    pub name: String,
    /// Location.
    pub location: ParamLocation,
    /// Whether the caller must supply it.
    pub required: bool,
    /// Value type.
    pub ty: TypeRef,
    /// Query style (query parameters only).
    pub style: QueryStyle,
    /// A `pattern` the value must match (string parameters), already known to compile.
    pub pattern: Option<String>,
    /// Documentation.
    pub doc: Option<String>,
    /// Deprecated in the spec.
    pub deprecated: bool,
}

/// How a request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Raw bytes with the given media type.
    Bytes,
    /// Text.
    Text,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// Media type sent.
    pub media_type: String,
    /// Encoding.
    pub encoding: BodyEncoding,
    /// Body type.
    pub ty: TypeRef,
    /// Whether the body must be given.
    pub required: bool,
    /// True for a body that is always the empty JSON object: the method sends `{}` itself.
    pub empty_object: bool,
    /// Form fields whose `encoding` asks for JSON text instead of bracket notation.
    pub json_form_fields: Vec<String>,
    /// Documentation.
    #[allow(dead_code)] // recorded by the model; no emitter renders body docs yet
    pub doc: Option<String>,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// JSON decoded into the type.
    Json(TypeRef),
    /// No body.
    Empty,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// Several success statuses with different bodies: an enum with one variant per
    /// status, decoded by the status that arrived.
    ByStatus(StatusEnum),
    /// A streamed body (event stream, JSON lines): the call returns the stream.
    Stream(StreamForm),
}

/// How a streamed success body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamKind {
    /// `text/event-stream`: server-sent events, each `data` one item.
    Events,
    /// `application/x-ndjson`, `application/jsonl`: one JSON item per line.
    JsonLines,
    /// `application/json-seq`: JSON items after record separators.
    JsonSeq,
    /// A binary body (`application/octet-stream`, `image/*`, …) as byte chunks.
    Bytes,
}

/// The streaming form of an operation's success body.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamForm {
    /// How the body is framed.
    pub kind: StreamKind,
    /// The media type asked for in `Accept` (as the spec writes it).
    pub media_type: String,
    /// The item type; `None` when items are kept as text (a string schema, no
    /// schema) and for byte streams.
    pub item: Option<TypeRef>,
}

/// The per-status success enum of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusEnum {
    /// Rust name of the enum (unique among operation-level items).
    pub name: String,
    /// One variant per documented success status, in status order.
    pub variants: Vec<StatusVariant>,
}

/// One documented success status.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusVariant {
    /// The status code, or `None` for the `2XX` range (matches any other 2xx).
    pub status: Option<u16>,
    /// Variant name (`Status200`, `Status2xx`).
    pub name: String,
    /// The body for that status (never `ByStatus`).
    pub body: Box<ResponseBody>,
    /// The response's description.
    pub doc: Option<String>,
}

/// Spec-declared pagination (`x-pagination`), checked against the response type.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The response field holding the page's items.
    pub items: PageField,
    /// Type of one item.
    pub item_type: TypeRef,
    /// For each request parameter, the response fields leading to its next value.
    pub next: Vec<PageLink>,
    /// The response boolean that says whether another page exists.
    pub has_more: Option<PageField>,
}

/// One field of a response struct on a pagination path.
#[derive(Debug, Clone)]
pub struct PageField {
    /// The JSON property name.
    pub wire: String,
    /// The Rust field name.
    pub name: String,
    /// How the field may appear.
    pub presence: Presence,
    /// The field's type.
    pub ty: TypeRef,
}

/// One request parameter fed from the previous page's response.
#[derive(Debug, Clone)]
pub struct PageLink {
    /// The parameter's index in [`Operation::params`].
    pub param: usize,
    /// The fields from the page down to the value (`nextCursor` → `id`), never empty.
    pub path: Vec<PageField>,
}
