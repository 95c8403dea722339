//! Schema parameter types on the command line: one clap argument per parameter, and the
//! conversion of what was typed back into the JSON the server takes. The parameter's `ty`
//! decides both, so a new schema entry needs no code here.

use crate::failure::Failure;
use clap::{Arg, ArgAction, ArgMatches};
use kanboard::descriptor::{EnumDescriptor, IdDescriptor, ParamDescriptor};
use serde_json::{Map, Value};

/// What a schema type spelling means on the command line.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Int,
    Float,
    Bool,
    Text,
    Date,
    Secret,
    Bytes,
    Json,
    /// A known enum: text, with its known values listed in the help.
    Enum(&'static EnumDescriptor),
}

impl PartialEq for Kind {
    fn eq(&self, other: &Kind) -> bool {
        match (self, other) {
            (Kind::Enum(a), Kind::Enum(b)) => a.name == b.name,
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

impl Eq for Kind {}

/// A parameter's shape: one value, a list of them, or a `map<string,string>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    One(Kind),
    List(Kind),
    Map,
}

pub fn kind(ty: &str) -> Kind {
    match ty {
        "int" => Kind::Int,
        "float" => Kind::Float,
        "bool" => Kind::Bool,
        "date" => Kind::Date,
        "secret" => Kind::Secret,
        "bytes" => Kind::Bytes,
        "json" => Kind::Json,
        // Ids are integers on the wire.
        other if IdDescriptor::find(other).is_some() => Kind::Int,
        other => match EnumDescriptor::find(other) {
            Some(e) => Kind::Enum(e),
            // `string`, and any type a newer schema adds: sent as typed text.
            None => Kind::Text,
        },
    }
}

pub fn shape(ty: &str) -> Shape {
    if let Some(inner) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        Shape::List(kind(inner))
    } else if ty.starts_with("map<") {
        Shape::Map
    } else {
        Shape::One(kind(ty))
    }
}

/// The placeholder shown in help for a value of this kind.
fn value_name(kind: Kind) -> String {
    match kind {
        Kind::Int => "INT".into(),
        Kind::Float => "NUMBER".into(),
        Kind::Bool => "BOOL".into(),
        Kind::Text => "TEXT".into(),
        Kind::Date => "DATE".into(),
        Kind::Secret => "SECRET".into(),
        Kind::Bytes => "FILE".into(),
        Kind::Json => "JSON".into(),
        Kind::Enum(e) => e.name.to_uppercase(),
    }
}

/// The help line of a parameter: its doc, how to write its type, its server default.
pub fn help(p: &ParamDescriptor) -> String {
    let mut parts: Vec<String> = Vec::new();
    if !p.doc.is_empty() {
        parts.push(p.doc.trim_end_matches('.').to_owned() + ".");
    }
    let how = match shape(p.ty) {
        Shape::One(k) => kind_help(k),
        Shape::List(k) => format!("repeatable; each {}", kind_help(k)),
        Shape::Map => "repeatable KEY=VALUE".into(),
    };
    parts.push(format!("[{}: {how}]", p.ty));
    if let Some(d) = p.default {
        parts.push(format!("[server default: {d}]"));
    }
    if !p.available.is_always() {
        parts.push(format!("[Kanboard {}]", p.available));
    }
    parts.join(" ")
}

fn kind_help(k: Kind) -> String {
    match k {
        Kind::Int => "an integer".into(),
        Kind::Float => "a number".into(),
        Kind::Bool => "true or false".into(),
        Kind::Text => "text".into(),
        Kind::Date => "YYYY-MM-DD or YYYY-MM-DD HH:MM".into(),
        Kind::Secret => "prompted for when omitted".into(),
        Kind::Bytes => "a file path, or - for standard input".into(),
        Kind::Json => "JSON text".into(),
        Kind::Enum(e) => format!("e.g. {}", e.values.join(", ")),
    }
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("{s:?} is not KEY=VALUE")),
    }
}

fn parse_json(s: &str) -> Result<Value, String> {
    crate::user_json::parse(s).map_err(|e| e.to_string())
}

/// Sets the value parser of an argument for a kind.
fn typed(arg: Arg, k: Kind) -> Arg {
    match k {
        Kind::Int => arg.value_parser(clap::value_parser!(i64)),
        Kind::Float => arg.value_parser(clap::value_parser!(f64)),
        Kind::Bool => arg.value_parser(clap::builder::BoolishValueParser::new()),
        Kind::Json => arg.value_parser(parse_json),
        Kind::Date => {
            arg.value_parser(|s: &str| kanboard::DateInput::check(s).map(|()| s.to_owned()))
        }
        Kind::Enum(e) => arg
            .value_parser(Suggested(e.values))
            .hide_possible_values(true),
        _ => arg.value_parser(clap::builder::NonEmptyStringValueParser::new()),
    }
}

/// Text whose known values are offered by shell completion and listed in help, while other
/// values still go to the server (which may know more: a plugin's colour, a custom role).
#[derive(Clone)]
struct Suggested(&'static [&'static str]);

impl clap::builder::TypedValueParser for Suggested {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::NonEmptyStringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|v| clap::builder::PossibleValue::new(*v)),
        ))
    }
}

/// How a parameter is placed on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `<NAME>`; a list takes every remaining value.
    Positional,
    /// `--long VALUE`, required or not.
    Option { required: bool },
}

/// The clap argument for a parameter. `id` is the key the value is read back with; `long` the
/// option name when placed as an option.
pub fn arg(id: &str, long: &str, p: &ParamDescriptor, place: Placement) -> Arg {
    let shape = shape(p.ty);
    let mut a = Arg::new(id.to_owned()).help(help(p));
    match place {
        Placement::Positional => {
            a = a.value_name(id.to_uppercase());
            match shape {
                Shape::List(_) | Shape::Map => {
                    a = a.num_args(0..).action(ArgAction::Append);
                }
                Shape::One(_) => a = a.required(true),
            }
        }
        Placement::Option { required } => {
            a = a.long(long.to_owned()).required(required);
            a = match shape {
                Shape::One(Kind::Bool) => a
                    .value_name("BOOL")
                    .num_args(0..=1)
                    .require_equals(false)
                    .default_missing_value("true"),
                Shape::One(Kind::Secret) => a.value_name("SECRET").required(false),
                Shape::One(k) => a.value_name(value_name(k)),
                Shape::List(k) => a.value_name(value_name(k)).action(ArgAction::Append),
                Shape::Map => a.value_name("KEY=VALUE").action(ArgAction::Append),
            };
        }
    }
    match shape {
        Shape::One(k) | Shape::List(k) => typed(a, k),
        Shape::Map => a.value_parser(parse_kv),
    }
}

/// Reads one parameter back as JSON; `None` when it was not given (nothing is sent).
pub fn value(m: &ArgMatches, id: &str, p: &ParamDescriptor) -> Result<Option<Value>, Failure> {
    let given = |id: &str| {
        m.try_contains_id(id).unwrap_or(false)
            && m.value_source(id) != Some(clap::parser::ValueSource::DefaultValue)
    };
    match shape(p.ty) {
        Shape::Map => {
            if !given(id) {
                return Ok(None);
            }
            let pairs = m.get_many::<(String, String)>(id).into_iter().flatten();
            let obj: Map<String, Value> = pairs
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            Ok(Some(Value::Object(obj)))
        }
        Shape::List(k) => {
            if !given(id) {
                // A required list given as a positional with no values is an empty list.
                return Ok(p.required.then(|| Value::Array(Vec::new())));
            }
            let items = match k {
                Kind::Int => m
                    .get_many::<i64>(id)
                    .into_iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect(),
                Kind::Float => m
                    .get_many::<f64>(id)
                    .into_iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect(),
                Kind::Bool => m
                    .get_many::<bool>(id)
                    .into_iter()
                    .flatten()
                    .map(|v| Value::from(*v))
                    .collect(),
                Kind::Json => m
                    .get_many::<Value>(id)
                    .into_iter()
                    .flatten()
                    .cloned()
                    .collect(),
                _ => m
                    .get_many::<String>(id)
                    .into_iter()
                    .flatten()
                    .map(|v| Value::from(v.as_str()))
                    .collect(),
            };
            Ok(Some(Value::Array(items)))
        }
        Shape::One(k) => {
            if !given(id) {
                if k == Kind::Secret && p.required {
                    let label = id.replace('_', " ");
                    return crate::prompt::secret_twice(&label).map(|s| Some(Value::String(s)));
                }
                return Ok(None);
            }
            Ok(Some(match k {
                Kind::Int => Value::from(*m.get_one::<i64>(id).expect("typed")),
                Kind::Float => Value::from(*m.get_one::<f64>(id).expect("typed")),
                Kind::Bool => Value::from(*m.get_one::<bool>(id).expect("typed")),
                Kind::Json => m.get_one::<Value>(id).expect("typed").clone(),
                Kind::Bytes => upload(m.get_one::<String>(id).expect("typed"))?,
                _ => Value::String(m.get_one::<String>(id).expect("typed").clone()),
            }))
        }
    }
}

/// The key of the placeholder that stands for a file to upload in a parameter map. Random per
/// process, so no JSON a user types (`--params`) can ask for a local file to be sent.
fn upload_key() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        use std::hash::BuildHasher;
        let nonce = std::collections::hash_map::RandomState::new().hash_one(0u8);
        format!("\u{1}upload-{nonce:016x}")
    })
}

/// A file (or standard input for `-`) to upload, as a parameter value. Nothing is read here:
/// the client streams the file when the call is sent, under its upload size limit and timeout,
/// so a large or endless input is never whole in memory ([`Sendable`]).
pub fn upload(path: &str) -> Result<Value, Failure> {
    let source = if path == "-" { "/dev/stdin" } else { path };
    let cannot = |why: String| {
        Failure::usage(format!("cannot read {path}: {why}"))
            .hint("give the path of a readable file, or - to read standard input")
    };
    match std::fs::metadata(source) {
        Ok(m) if m.is_dir() => return Err(cannot("it is a directory".into())),
        Ok(_) => {}
        Err(e) => return Err(cannot(e.to_string())),
    }
    let mut placeholder = Map::new();
    placeholder.insert(upload_key().into(), Value::String(source.into()));
    Ok(Value::Object(placeholder))
}

/// The file a parameter value stands for, if it is an upload's placeholder.
pub fn upload_path(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) if m.len() == 1 => m.get(upload_key()).and_then(Value::as_str),
        _ => None,
    }
}

/// A parameter map as sent: upload placeholders become the file's content, streamed by the
/// client ([`kanboard::FileContent::Path`]).
pub struct Sendable<'a>(pub &'a Map<String, Value>);

impl serde::Serialize for Sendable<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            match upload_path(v) {
                Some(path) => map.serialize_entry(k, &kanboard::FileContent::path(path))?,
                None => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}

/// Collects the named parameters of a call, in schema order, under their wire names.
pub fn collect<'a>(
    m: &ArgMatches,
    params: impl IntoIterator<Item = (&'a str, &'a ParamDescriptor)>,
) -> Result<Map<String, Value>, Failure> {
    let mut out = Map::new();
    for (id, p) in params {
        if let Some(v) = value(m, id, p)? {
            out.insert(p.wire.to_owned(), v);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_type_has_a_shape() {
        for d in kanboard::api::descriptors::METHODS {
            for p in d.params {
                // Text is the fallback; it must only catch `string` in today's schema.
                if let Shape::One(Kind::Text) = shape(p.ty) {
                    assert_eq!(
                        p.ty, "string",
                        "{}.{} has an unmapped type",
                        d.rpc_name, p.name
                    );
                }
            }
        }
    }

    #[test]
    fn enum_values_come_from_the_schema() {
        match kind("Color") {
            Kind::Enum(e) => assert!(e.values.contains(&"green")),
            k => panic!("{k:?}"),
        }
        assert_eq!(shape("list<int>"), Shape::List(Kind::Int));
        assert_eq!(shape("map<string,string>"), Shape::Map);
    }
}
