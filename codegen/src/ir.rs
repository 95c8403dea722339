//! The checked schema: what the emitters work from. `check` turns the raw [`SchemaFile`] into
//! an [`Api`] or the first [`Diagnostic`] with its line and column.

use crate::Diagnostic;
use crate::schema::{DefaultValue, SchemaFile};
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, BTreeSet};

/// A type expression: `int`, `list<Task>`, `map<int,string>`, `string?`, ...
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Int,
    Float,
    String,
    Bool,
    /// Unix seconds on the wire, 0/null/"" meaning none.
    Timestamp,
    /// A date sent as text (`2026-12-31` or `2026-12-31 17:00`); parameters only.
    Date,
    /// A password or token; never printed.
    Secret,
    /// Binary content, base64 on the wire.
    Bytes,
    Json,
    List(Box<Ty>),
    Map(MapKey, Box<Ty>),
    Model(String),
    Enum(String),
    /// An id newtype declared under `ids:` (`ProjectId`): an integer on the wire.
    Id(String),
    Optional(Box<Ty>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MapKey {
    Int,
    String,
}

impl Ty {
    /// The schema spelling, as stored in the descriptor table.
    pub fn spelling(&self) -> String {
        match self {
            Ty::Int => "int".into(),
            Ty::Float => "float".into(),
            Ty::String => "string".into(),
            Ty::Bool => "bool".into(),
            Ty::Timestamp => "timestamp".into(),
            Ty::Date => "date".into(),
            Ty::Secret => "secret".into(),
            Ty::Bytes => "bytes".into(),
            Ty::Json => "json".into(),
            Ty::List(t) => format!("list<{}>", t.spelling()),
            Ty::Map(k, v) => format!(
                "map<{},{}>",
                if *k == MapKey::Int { "int" } else { "string" },
                v.spelling()
            ),
            Ty::Model(n) | Ty::Enum(n) | Ty::Id(n) => n.clone(),
            Ty::Optional(t) => format!("{}?", t.spelling()),
        }
    }
}

#[derive(Debug)]
pub struct Api {
    /// Id newtypes: (name, doc).
    pub ids: Vec<(String, String)>,
    pub enums: Vec<Enum>,
    pub models: Vec<Model>,
    pub resources: Vec<Resource>,
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

/// The names a type expression may use besides the built-in types.
pub(crate) struct Names {
    pub models: BTreeSet<String>,
    pub enums: BTreeSet<String>,
    pub ids: BTreeSet<String>,
}

/// Parses a type expression. `names` resolves model, enum and id names.
fn parse_ty(text: &str, names: &Names) -> Result<Ty, String> {
    let text = text.trim();
    if let Some(inner) = text.strip_suffix('?') {
        let t = parse_ty(inner, names)?;
        if matches!(t, Ty::Optional(_)) {
            return Err(format!("`{text}`: `?` given twice"));
        }
        return Ok(Ty::Optional(Box::new(t)));
    }
    if let Some(inner) = text.strip_prefix("list<").and_then(|r| r.strip_suffix('>')) {
        return Ok(Ty::List(Box::new(parse_ty(inner, names)?)));
    }
    if let Some(inner) = text.strip_prefix("map<").and_then(|r| r.strip_suffix('>')) {
        let (k, v) = inner
            .split_once(',')
            .ok_or_else(|| format!("`{text}`: a map is written `map<int|string,VALUE>`"))?;
        let key = match k.trim() {
            "int" => MapKey::Int,
            "string" => MapKey::String,
            other => return Err(format!("map key `{other}` is not `int` or `string`")),
        };
        return Ok(Ty::Map(key, Box::new(parse_ty(v, names)?)));
    }
    Ok(match text {
        "int" => Ty::Int,
        "float" => Ty::Float,
        "string" => Ty::String,
        "bool" => Ty::Bool,
        "timestamp" => Ty::Timestamp,
        "date" => Ty::Date,
        "secret" => Ty::Secret,
        "bytes" => Ty::Bytes,
        "json" => Ty::Json,
        n if names.models.contains(n) => Ty::Model(n.to_owned()),
        n if names.enums.contains(n) => Ty::Enum(n.to_owned()),
        n if names.ids.contains(n) => Ty::Id(n.to_owned()),
        n => {
            return Err(format!(
                "unknown type `{n}`: use int, float, string, bool, timestamp, date, secret, bytes, json, \
                 list<T>, map<int|string,T>, a model, enum or id declared in this file, and `?` for nullable"
            ));
        }
    })
}

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_camel(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

fn outcome(
    given: &Option<Spanned<String>>,
    default: Outcome,
    allowed: &[Outcome],
    what: &str,
    kind: &str,
) -> Result<Outcome, Diagnostic> {
    let Some(s) = given else { return Ok(default) };
    let o = match s.value.as_str() {
        "value" => Outcome::Value,
        "empty" => Outcome::Empty,
        "not_found" => Outcome::NotFound,
        "rejected" => Outcome::Rejected,
        other => {
            return Err(diag(
                at(s),
                format!(
                    "`{what}: {other}` is not an outcome: use value, empty, not_found or rejected"
                ),
            ));
        }
    };
    if !allowed.contains(&o) {
        let names: Vec<&str> = allowed
            .iter()
            .map(|o| match o {
                Outcome::Value => "value",
                Outcome::Empty => "empty",
                Outcome::NotFound => "not_found",
                Outcome::Rejected => "rejected",
            })
            .collect();
        return Err(diag(
            at(s),
            format!(
                "`{what}: {}` does not fit a `{kind}` return; allowed: {}",
                s.value,
                names.join(", ")
            ),
        ));
    }
    Ok(o)
}

/// Words a doc may use without saying anything about the item it documents.
const FILLER: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "its",
    "this",
    "parameter",
    "field",
    "value",
];

/// The lowercase words of `text`, a trailing plural `s` dropped, split at anything that is not a
/// letter or digit and, for CamelCase names, at each capital.
fn words(text: &str) -> BTreeSet<String> {
    let mut spaced = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            spaced.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        spaced.push(if c.is_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            ' '
        });
    }
    spaced
        .split_whitespace()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() > 1 => stem.to_owned(),
            _ => w.to_owned(),
        })
        .collect()
}

/// Checks the `doc` of an item the generated code makes public: it must be there and say more
/// than the item's name and type (`Id of the task.` for `task_id` says nothing new).
/// `what` names the item in the message; `hint` says what such a doc usually has to tell.
fn require_doc(
    doc: Option<&str>,
    place: Location,
    what: &str,
    name: &str,
    ty: Option<&Ty>,
    hint: &str,
) -> Result<String, Diagnostic> {
    let doc = doc.map(str::trim).unwrap_or("");
    if doc.is_empty() {
        return Err(diag(
            place,
            format!("{what} has no `doc`: say what the name does not ({hint})"),
        ));
    }
    let mut known = words(name);
    if let Some(ty) = ty {
        known.extend(words(&ty.spelling()));
    }
    let says_more = words(doc)
        .iter()
        .any(|w| !known.contains(w) && !FILLER.contains(&w.as_str()));
    if !says_more {
        return Err(diag(
            place,
            format!(
                "the `doc` of {what} only repeats its name or type (\"{doc}\"): say what the name does not ({hint})"
            ),
        ));
    }
    Ok(doc.to_owned())
}

const PARAM_HINT: &str =
    "units or format, allowed values, what 0 or empty means, what the server does with a bad value";
const FIELD_HINT: &str = "units or format, allowed values, what 0, null or empty means";

/// Read-only unless the name says it changes something; used for opt-in retries.
fn default_read_only(rpc: &str) -> bool {
    ["get", "is", "check", "search"].iter().any(|p| {
        rpc.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

pub fn check(file: SchemaFile) -> Result<Api, Diagnostic> {
    if file.version.value != 1 {
        return Err(diag(
            at(&file.version),
            "unsupported schema version: only `version: 1` exists",
        ));
    }
    let names = Names {
        models: file.models.keys().cloned().collect(),
        enums: file.enums.keys().cloned().collect(),
        ids: file.ids.keys().cloned().collect(),
    };
    let mut ids = Vec::new();
    for (name, doc) in &file.ids {
        if !is_camel(name)
            || !name.ends_with("Id")
            || names.models.contains(name)
            || names.enums.contains(name)
        {
            return Err(diag(
                at(doc),
                format!(
                    "id type `{name}` must be CamelCase, end in `Id`, and not share a model's or enum's name"
                ),
            ));
        }
        if doc.value.trim().is_empty() {
            return Err(diag(
                at(doc),
                format!("id type `{name}` needs a doc: whose id it is"),
            ));
        }
        ids.push((name.clone(), doc.value.clone()));
    }

    let mut enums = Vec::new();
    for (name, def) in &file.enums {
        if !is_camel(name) || names.models.contains(name) {
            return Err(diag(
                at(def),
                format!("enum `{name}` must be CamelCase and not share a model's name"),
            ));
        }
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        for (wire, variant) in &def.value.values {
            if !is_camel(&variant.value)
                || variant.value == "Other"
                || !seen.insert(variant.value.clone())
            {
                return Err(diag(
                    at(variant),
                    format!(
                        "variant `{}` of `{name}` must be a unique CamelCase name other than `Other` \
                         (kept for values the schema does not list)",
                        variant.value
                    ),
                ));
            }
            values.push((wire.clone(), variant.value.clone()));
        }
        let doc = require_doc(
            def.value.doc.as_deref(),
            at(def),
            &format!("enum `{name}`"),
            name,
            None,
            "where its values come from, what the server does with one it does not know",
        )?;
        enums.push(Enum {
            name: name.clone(),
            doc,
            values,
        });
    }

    let mut models: Vec<Model> = Vec::new();
    for (name, def) in &file.models {
        if !is_camel(name) {
            return Err(diag(at(def), format!("model `{name}` must be CamelCase")));
        }
        // An extended model's fields come first; it must be declared above, so order is plain.
        let (mut fields, mut ignored) = match &def.value.extends {
            None => (Vec::new(), Vec::new()),
            Some(base) => match models.iter().find(|m| m.name == base.value) {
                Some(m) => (m.fields.clone(), m.ignored.clone()),
                None => {
                    return Err(diag(
                        at(base),
                        format!(
                            "`extends: {}` names no model declared above this one; declare the base model first",
                            base.value
                        ),
                    ));
                }
            },
        };
        for (fname, f) in &def.value.fields {
            let ty = parse_ty(&f.value.ty, &names).map_err(|m| diag(at(f), m))?;
            if matches!(ty, Ty::Date | Ty::Secret) {
                return Err(diag(
                    at(f),
                    format!(
                        "`{}` is for parameters; a model field holding a date is a `timestamp`",
                        ty.spelling()
                    ),
                ));
            }
            if !is_snake(fname) {
                return Err(diag(
                    at(f),
                    format!(
                        "field `{fname}` must be snake_case (set `wire:` for the server's name)"
                    ),
                ));
            }
            let wire = f.value.wire.clone().unwrap_or_else(|| fname.clone());
            if fields.iter().any(|x| x.wire == wire || x.name == *fname) {
                return Err(diag(
                    at(f),
                    format!("field `{fname}` is already in the model (from `extends` or above)"),
                ));
            }
            if f.value.when.as_deref().is_some_and(|w| w.trim().is_empty()) {
                return Err(diag(
                    at(f),
                    "`when:` must say when the server sends the key".to_owned(),
                ));
            }
            let doc = require_doc(
                f.value.doc.as_deref(),
                at(f),
                &format!("field `{fname}` of `{name}`"),
                fname,
                Some(&ty),
                FIELD_HINT,
            )?;
            fields.push(Field {
                wire,
                name: fname.clone(),
                ty,
                doc,
                when: f.value.when.clone(),
            });
        }
        for (key, reason) in &def.value.ignored {
            if fields.iter().any(|f| f.wire == *key) {
                return Err(diag(
                    at(reason),
                    format!("`{key}` is both a field and ignored; keep one"),
                ));
            }
            if reason.value.trim().is_empty() {
                return Err(diag(at(reason), format!("say why `{key}` is not kept")));
            }
            ignored.push((key.clone(), reason.value.clone()));
        }
        let doc = require_doc(
            def.value.doc.as_deref(),
            at(def),
            &format!("model `{name}`"),
            name,
            None,
            "which methods send this shape",
        )?;
        models.push(Model {
            name: name.clone(),
            doc,
            fields,
            ignored,
        });
    }

    let mut resources = Vec::new();
    let mut rpc_seen: BTreeMap<String, String> = BTreeMap::new();
    for (rname, rdef) in &file.resources {
        if !is_snake(rname) {
            return Err(diag(
                at(rdef),
                format!("resource `{rname}` must be snake_case, like `tasks`"),
            ));
        }
        let mut methods = Vec::new();
        for (mname, m) in &rdef.value.methods {
            let md = &m.value;
            if !is_snake(mname) {
                return Err(diag(
                    at(m),
                    format!("method `{mname}` must be snake_case, like `create_task`"),
                ));
            }
            let rpc = md.rpc.value.clone();
            let key = rpc.to_ascii_lowercase(); // the server matches names without case
            if let Some(prev) = rpc_seen.insert(key, format!("{rname}.{mname}")) {
                return Err(diag(
                    at(&md.rpc),
                    format!(
                        "duplicate method: `{rpc}` is already declared as `{prev}`; declare each JSON-RPC method once"
                    ),
                ));
            }
            let mut params = Vec::new();
            let mut wires = BTreeSet::new();
            for (pname, p) in &md.params {
                let ty = parse_ty(&p.value.ty, &names).map_err(|e| diag(at(p), e))?;
                if matches!(ty, Ty::Model(_) | Ty::Timestamp | Ty::Optional(_)) {
                    return Err(diag(
                        at(p),
                        format!(
                            "parameter `{pname}` has type `{}`: parameters are scalars, date, secret, bytes, json, \
                             list or map; say `required: false` instead of `?`",
                            ty.spelling()
                        ),
                    ));
                }
                if !is_snake(pname) {
                    return Err(diag(
                        at(p),
                        format!(
                            "parameter `{pname}` must be snake_case (set `wire:` for the server's name)"
                        ),
                    ));
                }
                let wire = p.value.wire.clone().unwrap_or_else(|| pname.clone());
                if !wires.insert(wire.clone()) {
                    return Err(diag(
                        at(p),
                        format!("two parameters of `{mname}` are sent as `{wire}`"),
                    ));
                }
                let doc = require_doc(
                    p.value.doc.as_deref(),
                    at(p),
                    &format!("parameter `{pname}` of `{mname}`"),
                    pname,
                    Some(&ty),
                    PARAM_HINT,
                )?;
                params.push(Param {
                    name: pname.clone(),
                    wire,
                    ty,
                    required: p.value.required,
                    default: p.value.default.clone(),
                    doc,
                });
            }
            let returns = check_returns(&md.returns, &names)?;
            let user_only = match md.auth.as_ref().map(|a| a.value.as_str()) {
                None | Some("any") => false,
                Some("user") => true,
                Some(other) => {
                    return Err(diag(
                        at(md.auth.as_ref().expect("matched Some")),
                        format!(
                            "`auth: {other}`: use `any` (app token or user) or `user` (user login only)"
                        ),
                    ));
                }
            };
            methods.push(Method {
                name: mname.clone(),
                read_only: md.read_only.unwrap_or_else(|| default_read_only(&rpc)),
                rpc,
                doc: require_doc(
                    Some(&md.doc),
                    at(m),
                    &format!("method `{mname}`"),
                    mname,
                    None,
                    "what it does, what it reads or changes",
                )?,
                params,
                returns,
                user_only,
                drift: check_drift(mname, &md.drift, &wires)?,
            });
        }
        resources.push(Resource {
            name: rname.clone(),
            doc: require_doc(
                Some(&rdef.value.doc),
                at(rdef),
                &format!("resource `{rname}`"),
                rname,
                None,
                "what its methods cover, who may call them",
            )?,
            plugin: rdef.value.plugin.clone(),
            methods,
        });
    }
    Ok(Api {
        ids,
        enums,
        models,
        resources,
    })
}

/// Checks a method's declared differences from the server: a known kind, a `param` exactly when
/// the kind is about one, naming a schema parameter (or, for `omitted`, a server parameter the
/// schema does not have), a reason, and no difference declared twice.
fn check_drift(
    method: &str,
    defs: &[Spanned<crate::schema::DriftDef>],
    wires: &BTreeSet<String>,
) -> Result<Vec<Drift>, Diagnostic> {
    let mut out: Vec<Drift> = Vec::new();
    for d in defs {
        let def = &d.value;
        let kind = DriftKind::parse(&def.kind.value).ok_or_else(|| {
            let kinds: Vec<&str> = DriftKind::ALL.iter().map(|(n, _)| *n).collect();
            diag(
                at(&def.kind),
                format!(
                    "`kind: {}`: use one of {}",
                    def.kind.value,
                    kinds.join(", ")
                ),
            )
        })?;
        let spelling = kind.spelling();
        let param = match (&def.param, kind.about_param()) {
            (None, true) => {
                return Err(diag(
                    at(d),
                    format!("`kind: {spelling}` is about one parameter: say which with `param:`"),
                ));
            }
            (Some(p), false) => {
                return Err(diag(
                    at(p),
                    format!("`kind: {spelling}` is about the whole method: remove `param`"),
                ));
            }
            (None, false) => None,
            (Some(p), true) => {
                let known = wires.contains(&p.value);
                if kind == DriftKind::ParamOmitted && known {
                    return Err(diag(
                        at(p),
                        format!(
                            "`{}` is a parameter of `{method}`; `omitted` is for a server parameter the schema leaves out",
                            p.value
                        ),
                    ));
                }
                if kind != DriftKind::ParamOmitted && !known {
                    return Err(diag(
                        at(p),
                        format!(
                            "`{method}` has no parameter sent as `{}` (name it by its wire name)",
                            p.value
                        ),
                    ));
                }
                Some(p.value.clone())
            }
        };
        if def.reason.value.trim().is_empty() {
            return Err(diag(
                at(&def.reason),
                "say why the schema differs from the server",
            ));
        }
        if out.iter().any(|o| o.kind == kind && o.param == param) {
            return Err(diag(
                at(d),
                format!("this `kind: {spelling}` difference of `{method}` is declared twice"),
            ));
        }
        out.push(Drift {
            param,
            kind,
            reason: def.reason.value.clone(),
        });
    }
    Ok(out)
}

/// For one sentinel: its default outcome and the outcomes allowed.
type Rule = (Outcome, &'static [Outcome]);

/// The rule for `false`, `null`, `0` and empty (in that order) under each return kind; the
/// README's table of conventions and `crate::descriptor::ReturnKind`'s docs say the same.
fn rules(kind: Kind) -> [Rule; 4] {
    use Outcome::*;
    match kind {
        Kind::NewId => [
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
        ],
        Kind::Model => [
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected]),
            (NotFound, &[NotFound, Rejected, Value]),
        ],
        Kind::List | Kind::Map => [
            (Empty, &[Empty, Rejected, NotFound]),
            (Empty, &[Empty, Rejected, NotFound]),
            (Empty, &[Empty, Rejected]),
            (Empty, &[Empty]),
        ],
        Kind::Success => [
            (Rejected, &[Rejected, NotFound]),
            (Rejected, &[Rejected, NotFound]),
            (Rejected, &[Rejected]),
            (Rejected, &[Rejected]),
        ],
        Kind::Value => [
            (Value, &[Value, Empty, NotFound, Rejected]),
            (Empty, &[Value, Empty, NotFound, Rejected]),
            (Value, &[Value, Empty, NotFound, Rejected]),
            (Value, &[Value, Empty, NotFound, Rejected]),
        ],
    }
}

impl Kind {
    /// What `false`, `null`, `0` and empty give when the schema does not say otherwise.
    pub fn default_outcomes(self) -> [Outcome; 4] {
        rules(self).map(|(default, _)| default)
    }
}

fn check_returns(
    r: &Spanned<crate::schema::ReturnsDef>,
    names: &Names,
) -> Result<Returns, Diagnostic> {
    let rd = &r.value;
    let kind_s = rd.kind.value.as_str();
    let kind = match kind_s {
        "new_id" => Kind::NewId,
        "model" => Kind::Model,
        "list" => Kind::List,
        "map" => Kind::Map,
        "success" => Kind::Success,
        "value" => Kind::Value,
        other => {
            return Err(diag(
                at(&rd.kind),
                format!(
                    "unknown return kind `{other}`: use new_id, model, list, map, success or value"
                ),
            ));
        }
    };
    let ty = match (&rd.ty, kind) {
        (None, Kind::NewId) => Ty::Int,
        (None, Kind::Success) => Ty::Bool,
        // A new id may say whose id it is.
        (Some(t), Kind::NewId) => match parse_ty(&t.value, names) {
            Ok(ty @ Ty::Id(_)) => ty,
            _ => {
                return Err(diag(
                    at(t),
                    "a `new_id` return's `type` is an id type declared under `ids:`, or left out for a plain integer",
                ));
            }
        },
        (Some(t), Kind::Success) => {
            return Err(diag(
                at(t),
                format!("a `{kind_s}` return has no `type`; remove it"),
            ));
        }
        (None, _) => {
            return Err(diag(
                at(&rd.kind),
                format!("a `{kind_s}` return needs a `type`"),
            ));
        }
        (Some(t), _) => {
            let ty = parse_ty(&t.value, names).map_err(|m| diag(at(t), m))?;
            let fits = match kind {
                Kind::Model => matches!(ty, Ty::Model(_)),
                Kind::List => matches!(ty, Ty::List(_)),
                Kind::Map => matches!(ty, Ty::Map(..)),
                _ => !matches!(ty, Ty::Optional(_) | Ty::Date | Ty::Secret),
            };
            if !fits {
                let want = match kind {
                    Kind::Model => "a model name",
                    Kind::List => "list<T>",
                    Kind::Map => "map<K,V>",
                    _ => "a plain type (the on_* keys say what null and false mean)",
                };
                return Err(diag(
                    at(t),
                    format!(
                        "a `{kind_s}` return has type `{}`, which does not fit: it needs {want}",
                        t.value
                    ),
                ));
            }
            ty
        }
    };
    let [f, n, z, e] = rules(kind);
    Ok(Returns {
        kind,
        on_false: outcome(&rd.on_false, f.0, f.1, "on_false", kind_s)?,
        on_null: outcome(&rd.on_null, n.0, n.1, "on_null", kind_s)?,
        on_zero: outcome(&rd.on_zero, z.0, z.1, "on_zero", kind_s)?,
        on_empty: outcome(&rd.on_empty, e.0, e.1, "on_empty", kind_s)?,
        ty,
        doc: rd.doc.clone(),
    })
}
