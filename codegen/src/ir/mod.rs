//! The checked schema: what the emitters work from. `check` turns the raw
//! [`SchemaFile`](crate::schema::SchemaFile) into an [`Api`] or the first [`Diagnostic`] with its
//! line and column.

mod check;
mod docs;
mod drift;
mod releases;
mod returns;
mod types;

pub use check::check;
pub(crate) use releases::check_against;
pub use releases::{Release, ServerRelease, Span};
pub use types::{MapKey, Ty};

use crate::Diagnostic;
use crate::schema::DefaultValue;
use serde_saphyr::{Location, Spanned};

#[derive(Debug)]
pub struct Api {
    /// Id newtypes: (name, doc).
    pub ids: Vec<(String, String)>,
    pub enums: Vec<Enum>,
    pub models: Vec<Model>,
    /// The oldest and newest Kanboard release the schema describes (`releases:`).
    pub releases: Option<(Release, Release)>,
    pub resources: Vec<Resource>,
    /// Names taken from the `kanboard` crate's core schema (`extern:`).
    pub externs: std::collections::BTreeSet<String>,
}

#[derive(Debug)]
pub struct Enum {
    pub name: String,
    pub doc: String,
    /// (wire value, variant name)
    pub values: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Model {
    pub name: String,
    pub doc: String,
    pub fields: Vec<Field>,
    /// Keys the server sends that are not kept, with the reason (wire name, reason).
    pub ignored: Vec<(String, String)>,
    /// The table columns of a list of these (wire names); empty when the schema names none.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire: String,
    pub name: String,
    pub ty: Ty,
    pub doc: String,
    /// When the key is sent, for a key the server leaves out in some states; `None`: always.
    pub when: Option<String>,
}

#[derive(Debug)]
pub struct Resource {
    pub name: String,
    pub doc: String,
    pub plugin: Option<String>,
    pub methods: Vec<Method>,
}

#[derive(Debug)]
pub struct Method {
    pub name: String,
    pub rpc: String,
    pub doc: String,
    pub params: Vec<Param>,
    pub returns: Returns,
    pub user_only: bool,
    pub read_only: bool,
    pub drift: Vec<Drift>,
    /// The releases that have it.
    pub span: Span,
    /// Where it is declared, for diagnostics found after the check (release manifests).
    pub at: Location,
}

/// A declared, deliberate difference between the schema and the server.
#[derive(Debug)]
pub struct Drift {
    /// The parameter's wire name; `None` for the method as a whole.
    pub param: Option<String>,
    pub kind: DriftKind,
    pub reason: String,
}

/// What a declared difference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftKind {
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

impl DriftKind {
    const ALL: [(&str, DriftKind); 6] = [
        ("name", DriftKind::ParamName),
        ("required", DriftKind::Required),
        ("omitted", DriftKind::ParamOmitted),
        ("extra", DriftKind::ParamExtra),
        ("user_only", DriftKind::UserOnly),
        ("absent", DriftKind::MethodAbsent),
    ];

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k)
    }

    /// The schema spelling (`kind: omitted`).
    pub fn spelling(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, k)| *k == self)
            .map(|(n, _)| *n)
            .expect("every kind is listed")
    }

    /// Whether the difference is about one parameter (else the whole method).
    fn about_param(self) -> bool {
        !matches!(self, DriftKind::UserOnly | DriftKind::MethodAbsent)
    }
}

#[derive(Debug)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    pub default: Option<DefaultValue>,
    pub doc: String,
    /// The releases that have it (within its method's).
    pub span: Span,
    pub at: Location,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    NewId,
    Model,
    List,
    Map,
    Success,
    Value,
}

/// What the client does when the result is one of Kanboard's sentinel values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Decode it as the declared type.
    Value,
    /// The type's empty value (`[]`, `{}`, `""`, `0`, `false`).
    Empty,
    /// `Error::NotFound`.
    NotFound,
    /// `Error::Rejected`: the server refused the operation.
    Rejected,
}

#[derive(Debug)]
pub struct Returns {
    pub kind: Kind,
    pub ty: Ty,
    pub on_false: Outcome,
    pub on_null: Outcome,
    pub on_zero: Outcome,
    pub on_empty: Outcome,
    pub doc: Option<String>,
}

fn diag(at: Location, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        line: at.line(),
        column: at.column(),
        message: message.into(),
    }
}

fn at<T>(s: &Spanned<T>) -> Location {
    s.referenced
}
