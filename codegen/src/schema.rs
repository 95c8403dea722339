//! The schema file as written: serde structs that mirror `schema/kanboard.yaml` one to one.
//!
//! Every struct denies unknown keys so a misspelling fails with its position. Values that
//! later checks may reject are wrapped in [`Spanned`] so those checks can point at them too.

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    /// Format version of the schema file; only `1` exists.
    pub version: Spanned<u32>,
    /// Id newtypes (`ProjectId`) and whose id each is: integers on the wire, distinct types in
    /// Rust, so one kind of id cannot be passed for another.
    #[serde(default)]
    pub ids: IndexMap<String, Spanned<String>>,
    #[serde(default)]
    pub enums: IndexMap<String, Spanned<EnumDef>>,
    #[serde(default)]
    pub models: IndexMap<String, Spanned<ModelDef>>,
    /// For a plugin's own schema: the names it uses from the `kanboard` crate's core schema
    /// (`extern: {ids: [ProjectId], enums: [Color], models: [Task]}`).
    #[serde(default, rename = "extern")]
    pub externs: Option<ExternDef>,
    /// The Kanboard releases the schema describes: `since`/`until` are within them.
    #[serde(default)]
    pub releases: Option<Spanned<ReleasesDef>>,
    pub resources: IndexMap<String, Spanned<ResourceDef>>,
}

/// Names taken from the core schema, by kind.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternDef {
    #[serde(default)]
    pub ids: Vec<Spanned<String>>,
    #[serde(default)]
    pub enums: Vec<Spanned<String>>,
    #[serde(default)]
    pub models: Vec<Spanned<String>>,
}

/// `releases: {oldest: "1.2.20", newest: "1.2.53"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleasesDef {
    pub oldest: Spanned<String>,
    pub newest: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    #[serde(default)]
    pub doc: Option<String>,
    /// Wire value → Rust variant name, in order.
    pub values: IndexMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    #[serde(default)]
    pub doc: Option<String>,
    /// Another model whose fields (and ignored keys) come first: a shape that adds keys to it.
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: IndexMap<String, Spanned<FieldDef>>,
    /// Keys the server sends that are deliberately not kept (secrets), each with the reason.
    #[serde(default)]
    pub ignored: IndexMap<String, Spanned<String>>,
    /// The fields a person reads in a list of these, in order, by wire name: the command
    /// line's table columns. Not inherited through `extends`.
    #[serde(default)]
    pub columns: Vec<Spanned<String>>,
}

/// A model field: either just a type (`id: int`) or `{type, doc, wire}`.
#[derive(Debug)]
pub struct FieldDef {
    pub ty: String,
    pub doc: Option<String>,
    pub wire: Option<String>,
    /// Set when the server sends the key only in some states or on some databases: says when.
    pub when: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldDefLong {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    wire: Option<String>,
    #[serde(default)]
    when: Option<String>,
}

impl<'de> Deserialize<'de> for FieldDef {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type such as `int` or a map with `type`, `doc`, `wire`, `when`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FieldDef, E> {
                Ok(FieldDef {
                    ty: v.to_owned(),
                    doc: None,
                    wire: None,
                    when: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<FieldDef, A::Error> {
                let long = FieldDefLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(FieldDef {
                    ty: long.ty,
                    doc: long.doc,
                    wire: long.wire,
                    when: long.when,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceDef {
    pub doc: String,
    /// Set for resources served by a server plugin rather than Kanboard itself.
    #[serde(default)]
    pub plugin: Option<String>,
    pub methods: IndexMap<String, Spanned<MethodDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodDef {
    pub rpc: Spanned<String>,
    pub doc: String,
    #[serde(default)]
    pub params: IndexMap<String, Spanned<ParamDef>>,
    pub returns: Spanned<ReturnsDef>,
    /// `any` (default: app token or user login) or `user` (user login only).
    #[serde(default)]
    pub auth: Option<Spanned<String>>,
    /// Safe to retry; defaults to true for `get*`, `is*`, `check*`, `search*` methods.
    #[serde(default)]
    pub read_only: Option<bool>,
    /// Deliberate differences from the server manifest, each with its reason.
    #[serde(default)]
    pub drift: Vec<Spanned<DriftDef>>,
    /// The first Kanboard release that has the method; absent: every release of `releases`.
    #[serde(default)]
    pub since: Option<Spanned<String>>,
    /// The last Kanboard release that has the method; absent: it is still there.
    #[serde(default)]
    pub until: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftDef {
    /// The parameter concerned (its wire name); absent for the method as a whole.
    #[serde(default)]
    pub param: Option<Spanned<String>>,
    /// What differs: `name`, `required`, `omitted`, `extra`, `user_only` or `absent`.
    pub kind: Spanned<String>,
    pub reason: Spanned<String>,
}

/// A parameter: either just a type (`project_id: int`, required) or the long form.
#[derive(Debug)]
pub struct ParamDef {
    pub ty: String,
    pub required: bool,
    pub default: Option<DefaultValue>,
    pub wire: Option<String>,
    pub doc: Option<String>,
    /// The first Kanboard release that has the parameter; absent: as its method.
    pub since: Option<String>,
    /// The last Kanboard release that has the parameter; absent: it is still there.
    pub until: Option<String>,
}

/// A documented server-side default. Kept as written; the client never sends it.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    EmptyList,
}

impl<'de> Deserialize<'de> for DefaultValue {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DefaultValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar default, null or []")
            }
            fn visit_unit<E: de::Error>(self) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Null)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DefaultValue, E> {
                i64::try_from(v).map(DefaultValue::Int).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DefaultValue, E> {
                Ok(DefaultValue::Str(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DefaultValue, A::Error> {
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom(
                        "only an empty list `[]` can be a default",
                    ));
                }
                Ok(DefaultValue::EmptyList)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamDefLong {
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: Option<bool>,
    /// `default: null` is a default too, so a present key is `Some` whatever its value.
    #[serde(default, deserialize_with = "present")]
    default: Option<DefaultValue>,
    #[serde(default)]
    wire: Option<String>,
    #[serde(default)]
    doc: Option<String>,
    #[serde(default)]
    since: Option<String>,
    #[serde(default)]
    until: Option<String>,
}

fn present<'de, D: de::Deserializer<'de>>(d: D) -> Result<Option<DefaultValue>, D::Error> {
    DefaultValue::deserialize(d).map(Some)
}

impl<'de> Deserialize<'de> for ParamDef {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ParamDef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a type such as `int` or a map with `type`, `required`, `default`, `wire`, `doc`, `since`, `until`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ParamDef, E> {
                Ok(ParamDef {
                    ty: v.to_owned(),
                    required: true,
                    default: None,
                    wire: None,
                    doc: None,
                    since: None,
                    until: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ParamDef, A::Error> {
                let l = ParamDefLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                // A parameter with a default is optional unless said otherwise.
                let required = l.required.unwrap_or(l.default.is_none());
                Ok(ParamDef {
                    ty: l.ty,
                    required,
                    default: l.default,
                    wire: l.wire,
                    doc: l.doc,
                    since: l.since,
                    until: l.until,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnsDef {
    pub kind: Spanned<String>,
    #[serde(rename = "type", default)]
    pub ty: Option<Spanned<String>>,
    #[serde(default)]
    pub on_false: Option<Spanned<String>>,
    #[serde(default)]
    pub on_null: Option<Spanned<String>>,
    #[serde(default)]
    pub on_zero: Option<Spanned<String>>,
    #[serde(default)]
    pub on_empty: Option<Spanned<String>>,
    /// What the server really sends, where it differs from what a reader would guess.
    #[serde(default)]
    pub doc: Option<String>,
}
