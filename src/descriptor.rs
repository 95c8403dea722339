//! The static description of every schema method, generated into `api::descriptors::METHODS`.
//! Drift checks and the command line read the API from here.

// The descriptor structs are exhaustive: generated code builds them, in this crate and in crates
// with their own plugin schema (`kanboard_codegen::Extension`).

/// One JSON-RPC method as the schema declares it.
#[derive(Debug)]
pub struct MethodDescriptor {
    /// The JSON-RPC method name (`createTask`).
    pub rpc_name: &'static str,
    /// The resource accessor it hangs off (`tasks`).
    pub resource: &'static str,
    /// The Rust method name (`create_task`), as in the Python SDK.
    pub rust_name: &'static str,
    /// The first line of its documentation.
    pub summary: &'static str,
    /// Its parameters in schema order: the required ones first as the builder's constructor
    /// takes them, then the optional ones (setters).
    pub params: &'static [ParamDescriptor],
    /// How its result is read: the return convention and what each sentinel result means.
    pub returns: ReturnDescriptor,
    /// Only callable with a user login (`getMe`, `getMyProjects`, ...).
    pub user_only: bool,
    /// Changes nothing on the server, so it may be retried.
    pub read_only: bool,
    /// The server plugin that provides it, if not Kanboard itself.
    pub plugin: Option<&'static str>,
    /// Deliberate differences from the server, each with its reason.
    pub deviations: &'static [Deviation],
    /// The Kanboard releases that have the method.
    pub available: crate::Availability,
    /// Decodes a reply into the method's return type: what a call by descriptor needs to give
    /// the typed value ([`MethodDescriptor::decode_result`], [`crate::DynamicRequest`]).
    #[doc(hidden)] // set by generated code, here and in crates with their own plugin schema
    pub decoder: crate::dynamic::Decoder,
}

/// One parameter of a method.
#[derive(Debug)]
pub struct ParamDescriptor {
    /// The Rust name (`task_id`).
    pub name: &'static str,
    /// The name sent to the server (`id`).
    pub wire: &'static str,
    /// The schema type (`int`, `string`, `list<string>`, `map<string,string>`, `date`, ...).
    pub ty: &'static str,
    /// Whether the server needs it: a required parameter is an argument of the builder's
    /// constructor, an optional one a setter, sent only when set.
    pub required: bool,
    /// The server-side default as JSON text, for documentation; the client never sends it.
    pub default: Option<&'static str>,
    /// What the parameter means: format, allowed values, what `0` or empty does, what the
    /// server does with a bad value (the schema's `doc`, never empty).
    pub doc: &'static str,
    /// The Kanboard releases that have the parameter; an older one drops it without a word.
    pub available: crate::Availability,
}

/// How a result is read.
#[derive(Debug)]
pub struct ReturnDescriptor {
    /// The convention, which gives the defaults for the four sentinel outcomes below.
    pub kind: ReturnKind,
    /// The schema type of the decoded value.
    pub ty: &'static str,
    /// What `false` means.
    pub on_false: Outcome,
    /// What `null` means.
    pub on_null: Outcome,
    /// What `0` means.
    pub on_zero: Outcome,
    /// What `[]`, `{}` and `""` mean.
    pub on_empty: Outcome,
    /// The schema's note on the result: when the server answers `false`, `0` or `null` and
    /// what else it does that the convention does not say. [`crate::Error::Rejected`] quotes it.
    pub doc: Option<&'static str>,
}

/// The return convention of a method: what its result is, and what Kanboard's sentinel results
/// (`false`, `null`, `0`, and an empty `[]`, `{}` or `""`) mean for it.
///
/// Each method's documentation names its convention and says only where it departs from the
/// defaults below; its [`ReturnDescriptor`] holds the outcome of each sentinel either way.
/// JSON-RPC and HTTP errors are mapped before any convention applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReturnKind {
    /// A create method: the result is the new integer id. `false`, `null`, `0` or an empty
    /// result mean the server refused to create (a validation failure, a duplicate, a missing
    /// parent): [`Error::Rejected`](crate::Error::Rejected), with any text PHP printed before
    /// the reply as its detail. No method may read them otherwise.
    NewId,
    /// One object, decoded as the method's model. `false`, `null`, `0` and an empty result mean
    /// there is no such object: [`Error::NotFound`](crate::Error::NotFound), naming the first
    /// parameter as the identifier. A method may instead read any of them as
    /// [`Error::Rejected`](crate::Error::Rejected), and an empty result as a value.
    Model,
    /// A list. `false`, `null`, `0` and an empty result give an empty `Vec`: for most list methods
    /// the server answers the same for "nothing there" and for a parent that does not exist. A
    /// method may instead read `false` or `null` as [`Error::Rejected`](crate::Error::Rejected)
    /// or [`Error::NotFound`](crate::Error::NotFound), and `0` as `Error::Rejected`.
    List,
    /// A map (a JSON object, often keyed by ids written as text), in the server's order.
    /// `false`, `null`, `0` and an empty result (`{}`, or `[]`, which PHP sends for an empty array)
    /// give an empty map; overrides as for [`ReturnKind::List`].
    Map,
    /// An action whose result is `true` on success, giving `()`. `false`, `null`, `0` or an
    /// empty result mean the server refused or failed (a validation failure, a missing object,
    /// a database error): [`Error::Rejected`](crate::Error::Rejected). A method may instead read
    /// `false` or `null` as [`Error::NotFound`](crate::Error::NotFound).
    Success,
    /// A plain value (text, number, flag, bytes), decoded as the method's type. `null` gives
    /// the type's empty value (`""`, `0`, `false`, no bytes); `false`, `0` and empty results
    /// are decoded as values (`false` as a flag, `0` as a number). A method may map each of
    /// them to any outcome.
    Value,
}

/// What a sentinel result (`false`, `null`, `0`, empty) turns into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Decoded as the declared type.
    Value,
    /// The type's empty value.
    Empty,
    /// [`crate::Error::NotFound`].
    NotFound,
    /// [`crate::Error::Rejected`].
    Rejected,
}

/// A declared difference between the schema and the server's own signature (the method's
/// `drift:` list in the schema). The drift checks accept exactly these differences.
#[derive(Debug)]
pub struct Deviation {
    /// The parameter's wire name; `None` when the difference is about the whole method.
    pub param: Option<&'static str>,
    /// What differs (a parameter's name, whether it is required, ...).
    pub kind: DeviationKind,
    /// Why the schema deliberately differs from the server, as the schema's `drift:` says.
    pub reason: &'static str,
}

/// What a declared difference is about; the schema spells these `name`, `required`, `omitted`,
/// `extra`, `user_only` and `absent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeviationKind {
    /// The schema sends the parameter under another name than the server declares.
    ParamName,
    /// The schema and the server disagree on whether the parameter is required.
    Required,
    /// The server has the parameter; the schema leaves it out.
    ParamOmitted,
    /// The schema has the parameter; the server does not.
    ParamExtra,
    /// The schema's user-only flag differs from the server's.
    UserOnly,
    /// The server does not have the method.
    MethodAbsent,
}

impl DeviationKind {
    /// The schema's spelling (`kind: omitted`).
    pub fn spelling(self) -> &'static str {
        match self {
            DeviationKind::ParamName => "name",
            DeviationKind::Required => "required",
            DeviationKind::ParamOmitted => "omitted",
            DeviationKind::ParamExtra => "extra",
            DeviationKind::UserOnly => "user_only",
            DeviationKind::MethodAbsent => "absent",
        }
    }

    /// Reads the schema's spelling.
    pub fn from_spelling(s: &str) -> Option<Self> {
        [
            DeviationKind::ParamName,
            DeviationKind::Required,
            DeviationKind::ParamOmitted,
            DeviationKind::ParamExtra,
            DeviationKind::UserOnly,
            DeviationKind::MethodAbsent,
        ]
        .into_iter()
        .find(|k| k.spelling() == s)
    }
}

impl MethodDescriptor {
    /// Looks a method up by its JSON-RPC name (case-insensitive, as the server matches).
    pub fn find(rpc_name: &str) -> Option<&'static MethodDescriptor> {
        crate::api::descriptors::METHODS
            .iter()
            .copied()
            .find(|m| m.rpc_name.eq_ignore_ascii_case(rpc_name))
    }
}

/// One resource (a group of methods) as the schema declares it.
#[derive(Debug)]
pub struct ResourceDescriptor {
    /// The accessor name (`task_links`).
    pub name: &'static str,
    /// The first line of its documentation.
    pub summary: &'static str,
    /// The server plugin that provides it, if not Kanboard itself.
    pub plugin: Option<&'static str>,
}

/// One enum of the schema: the values Kanboard is known to accept. Enums are open (a server may
/// accept others), so tools list these values as suggestions rather than a closed set.
#[derive(Debug)]
pub struct EnumDescriptor {
    /// The schema name (`Color`), as written in a parameter's `ty`.
    pub name: &'static str,
    /// The first line of its documentation.
    pub summary: &'static str,
    /// The wire values, in schema order.
    pub values: &'static [&'static str],
}

/// One id newtype of the schema (`ProjectId`): an integer on the wire, written by its name in a
/// parameter's or field's `ty`.
#[derive(Debug)]
pub struct IdDescriptor {
    /// The type's name (`ProjectId`).
    pub name: &'static str,
    /// Whose id it is.
    pub summary: &'static str,
}

impl IdDescriptor {
    /// Looks an id type up by its schema name.
    pub fn find(name: &str) -> Option<&'static IdDescriptor> {
        crate::api::descriptors::IDS.iter().find(|e| e.name == name)
    }
}

impl EnumDescriptor {
    /// Looks an enum up by its schema name.
    pub fn find(name: &str) -> Option<&'static EnumDescriptor> {
        crate::api::descriptors::ENUMS
            .iter()
            .find(|e| e.name == name)
    }
}

impl ResourceDescriptor {
    /// Looks a resource up by its accessor name.
    pub fn find(name: &str) -> Option<&'static ResourceDescriptor> {
        crate::api::descriptors::RESOURCES
            .iter()
            .find(|r| r.name == name)
    }
}

/// One model of the schema: the keys a result of that shape has, for tools that check replies
/// against the types (the shape check over recorded replies).
#[derive(Debug)]
pub struct ModelDescriptor {
    /// The schema name (`Task`), as written in a return type.
    pub name: &'static str,
    /// Every field, in schema order (those of an extended model first).
    pub fields: &'static [FieldDescriptor],
    /// Keys the server sends that the model deliberately does not keep.
    pub ignored: &'static [IgnoredKey],
    /// The fields a person reads in a list of these, in order, by wire name (the command
    /// line's table columns); empty when the schema names none.
    pub columns: &'static [&'static str],
}

/// One field of a model.
#[derive(Debug)]
pub struct FieldDescriptor {
    /// The Rust field name.
    pub name: &'static str,
    /// The key on the wire.
    pub wire: &'static str,
    /// The schema type spelling (`int`, `string?`, `list<Task>`).
    pub ty: &'static str,
    /// When the server sends the key, for a key it leaves out in some states or on some
    /// databases; `None`: every reply of this shape has it.
    pub when: Option<&'static str>,
}

/// A key the server sends that a model does not keep, and why (password hashes, tokens).
#[derive(Debug)]
pub struct IgnoredKey {
    /// The key as the server sends it (`password`).
    pub key: &'static str,
    /// Why the model does not keep it (the schema's `ignored:` text).
    pub reason: &'static str,
}

impl ModelDescriptor {
    /// Looks a model up by its schema name.
    pub fn find(name: &str) -> Option<&'static ModelDescriptor> {
        crate::api::descriptors::MODELS
            .iter()
            .find(|m| m.name == name)
    }
}
