//! Type expressions: the [`Ty`] tree, its schema spelling and the parser from that spelling.

use std::collections::BTreeSet;

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

/// The names a type expression may use besides the built-in types.
pub(crate) struct Names {
    pub models: BTreeSet<String>,
    pub enums: BTreeSet<String>,
    pub ids: BTreeSet<String>,
}

/// Parses a type expression. `names` resolves model, enum and id names.
pub(super) fn parse_ty(text: &str, names: &Names) -> Result<Ty, String> {
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
