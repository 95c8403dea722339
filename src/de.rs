//! Kanboard's loose wire types, decoded in one place.
//!
//! The server sends ids as ints (SQLite) or numeric strings (MySQL, Postgres), flags as
//! 0/1/"0"/"1"/true/false, timestamps as Unix seconds with 0, null or "" meaning none, `false`
//! where null is meant, and PHP arrays as JSON lists or objects keyed by stringified ids.
//! [`Loose`] turns such a JSON value into the declared Rust type or a [`LooseError`] with its path.

use base64::Engine;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// A value that did not fit its declared type, with where it was.
#[derive(Debug, Clone, PartialEq)]
pub struct LooseError {
    /// Dotted path inside the result (`tasks[3].date_due`); empty for the result itself.
    pub path: String,
    /// What did not fit, e.g. `expected an integer, got "abc"`.
    pub message: String,
}

impl LooseError {
    fn new(message: impl Into<String>) -> Self {
        LooseError {
            path: String::new(),
            message: message.into(),
        }
    }

    fn at(mut self, segment: &str) -> Self {
        self.path = if self.path.is_empty() {
            segment.to_owned()
        } else if self.path.starts_with('[') {
            format!("{segment}{}", self.path)
        } else {
            format!("{segment}.{}", self.path)
        };
        self
    }
}

impl fmt::Display for LooseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for LooseError {}

/// Decoding from Kanboard's loose JSON.
pub trait Loose: Sized {
    /// Reads `v` the way Kanboard sends values: numbers as text, flags as `0`/`1`, `null` or
    /// `false` for an empty value (see the module documentation for each type's rules).
    fn from_loose(v: Value) -> Result<Self, LooseError>;
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

impl Loose for i64 {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match &v {
            Value::Null => Ok(0),
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::Number(n) => n
                .as_i64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                        .map(|f| f as i64)
                })
                .ok_or_else(|| LooseError::new(format!("expected an integer, got {n}"))),
            Value::String(s) => {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(0);
                }
                t.parse::<i64>()
                    .ok()
                    .or_else(|| {
                        t.parse::<f64>()
                            .ok()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                            .map(|f| f as i64)
                    })
                    .ok_or_else(|| LooseError::new(format!("expected an integer, got {s:?}")))
            }
            _ => Err(LooseError::new(format!(
                "expected an integer, got {}",
                kind(&v)
            ))),
        }
    }
}

impl Loose for f64 {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match &v {
            Value::Null => Ok(0.0),
            Value::Bool(b) => Ok(f64::from(u8::from(*b))),
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| LooseError::new("number out of range")),
            Value::String(s) if s.trim().is_empty() => Ok(0.0),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .map_err(|_| LooseError::new(format!("expected a number, got {s:?}"))),
            _ => Err(LooseError::new(format!(
                "expected a number, got {}",
                kind(&v)
            ))),
        }
    }
}

impl Loose for bool {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match &v {
            Value::Null => Ok(false),
            Value::Bool(b) => Ok(*b),
            Value::Number(n) => Ok(n.as_f64().is_some_and(|f| f != 0.0)),
            Value::String(s) => match s.trim() {
                "" | "0" | "false" => Ok(false),
                "1" | "true" => Ok(true),
                _ => Err(LooseError::new(format!("expected a flag, got {s:?}"))),
            },
            _ => Err(LooseError::new(format!(
                "expected a flag, got {}",
                kind(&v)
            ))),
        }
    }
}

impl Loose for String {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match v {
            Value::Null | Value::Bool(false) => Ok(String::new()),
            Value::Bool(true) => Ok("1".to_owned()), // how PHP prints true
            Value::Number(n) => Ok(n.to_string()),
            Value::String(s) => Ok(s),
            other => Err(LooseError::new(format!(
                "expected text, got {}",
                kind(&other)
            ))),
        }
    }
}

impl Loose for Value {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        Ok(v)
    }
}

/// Success results carry nothing; the sentinel checks happen before this.
impl Loose for () {
    fn from_loose(_: Value) -> Result<Self, LooseError> {
        Ok(())
    }
}

/// Downloaded file content: base64 text on the wire.
impl Loose for Vec<u8> {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match v {
            Value::Null | Value::Bool(false) => Ok(Vec::new()),
            Value::String(s) => base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .map_err(|e| LooseError::new(format!("invalid base64 content: {e}"))),
            other => Err(LooseError::new(format!(
                "expected base64 text, got {}",
                kind(&other)
            ))),
        }
    }
}

fn is_absent(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

impl<T: Loose> Loose for Option<T> {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        if is_absent(&v) {
            Ok(None)
        } else {
            T::from_loose(v).map(Some)
        }
    }
}

/// The elements of a list; a PHP array with gaps in its keys arrives as an object.
impl<T: Loose> Loose for Vec<T> {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match v {
            v if is_absent(&v) => Ok(Vec::new()),
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, x)| T::from_loose(x).map_err(|e| e.at(&format!("[{i}]"))))
                .collect(),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, x)| T::from_loose(x).map_err(|e| e.at(&format!("[{k:?}]"))))
                .collect(),
            other => Err(LooseError::new(format!(
                "expected a list, got {}",
                kind(&other)
            ))),
        }
    }
}

/// Keys of maps that Kanboard sends as JSON object keys (always text on the wire).
pub trait LooseKey: Sized + std::hash::Hash + Eq {
    /// Reads an object key, which is always text on the wire (an id key `"12"` as `12`).
    fn from_key(k: String) -> Result<Self, LooseError>;
}

impl LooseKey for String {
    fn from_key(k: String) -> Result<Self, LooseError> {
        Ok(k)
    }
}

impl LooseKey for i64 {
    fn from_key(k: String) -> Result<Self, LooseError> {
        k.trim()
            .parse()
            .map_err(|_| LooseError::new(format!("expected an integer key, got {k:?}")))
    }
}

/// A map in server order; PHP sends an empty one as `[]`, and one with keys 0..n as a list.
impl<K: LooseKey, V: Loose> Loose for IndexMap<K, V> {
    fn from_loose(v: Value) -> Result<Self, LooseError> {
        match v {
            v if is_absent(&v) => Ok(IndexMap::new()),
            Value::Object(map) => map
                .into_iter()
                .map(|(k, x)| {
                    let seg = format!("[{k:?}]");
                    let key = K::from_key(k).map_err(|e| e.at(&seg))?;
                    let val = V::from_loose(x).map_err(|e| e.at(&seg))?;
                    Ok((key, val))
                })
                .collect(),
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, x)| {
                    let seg = format!("[{i}]");
                    let key = K::from_key(i.to_string()).map_err(|e| e.at(&seg))?;
                    Ok((key, V::from_loose(x).map_err(|e| e.at(&seg))?))
                })
                .collect(),
            other => Err(LooseError::new(format!(
                "expected a map, got {}",
                kind(&other)
            ))),
        }
    }
}

/// Decodes a model through its serde derive, keeping the path of the field that failed.
pub fn from_value<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, LooseError> {
    if !v.is_object() {
        return Err(LooseError::new(format!(
            "expected an object, got {}",
            kind(&v)
        )));
    }
    serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // Inner loose errors already carry their own path in the message.
        LooseError {
            path: if path == "." { String::new() } else { path },
            message,
        }
    })
}

/// `deserialize_with` for model fields: any [`Loose`] type.
pub fn loose<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Loose,
{
    let v = Value::deserialize(d)?;
    T::from_loose(v).map_err(serde::de::Error::custom)
}

/// A key the server sends only in some states: present, it decodes as `T` (so an empty text stays
/// `Some("")`); absent, the field's serde `default` makes it `None`. Never a made-up value.
pub fn loose_present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Loose,
{
    loose(d).map(Some)
}

/// A Unix timestamp: 0, "0", null, false and "" mean none. Text dates (`2026-01-31`,
/// `2026-01-31 17:00`) are read as UTC.
pub fn timestamp_from(v: Value) -> Result<Option<jiff::Timestamp>, LooseError> {
    let secs = match &v {
        v if is_absent(v) => return Ok(None),
        Value::Number(_) => i64::from_loose(v)?,
        Value::String(s) => match s.trim().parse::<i64>() {
            Ok(n) => n,
            Err(_) => return parse_text_date(s).map(Some),
        },
        _ => {
            return Err(LooseError::new(format!(
                "expected a timestamp, got {}",
                kind(&v)
            )));
        }
    };
    if secs == 0 {
        return Ok(None);
    }
    jiff::Timestamp::from_second(secs)
        .map(Some)
        .map_err(|e| LooseError::new(format!("timestamp {secs} out of range: {e}")))
}

fn parse_text_date(s: &str) -> Result<jiff::Timestamp, LooseError> {
    let t = s.trim();
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(dt)
            .map_err(|e| LooseError::new(e.to_string()));
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return jiff::tz::TimeZone::UTC
            .to_timestamp(d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| LooseError::new(e.to_string()));
    }
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    Err(LooseError::new(format!("expected a timestamp, got {s:?}")))
}

/// `deserialize_with` for timestamp fields.
pub fn timestamp<'de, D>(d: D) -> Result<Option<jiff::Timestamp>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let v = Value::deserialize(d)?;
    timestamp_from(v).map_err(serde::de::Error::custom)
}
