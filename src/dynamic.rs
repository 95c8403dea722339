//! Calls by descriptor: a method chosen at run time (by the command line, a script, a tool
//! server) with its parameters as JSON. The parameters are checked against the schema's
//! declared types as they are given; the call then takes the generated builders' own path
//! (body building, user-only check, convention, typed decoding) and gives the typed value,
//! which also has one JSON form.

use crate::KanboardClient;
use crate::batch::FromReply;
use crate::descriptor::{EnumDescriptor, IdDescriptor, MethodDescriptor};
use crate::envelope::Reply;
use crate::error::{Error, Result};
use crate::inputs::FileContent;
use serde::Serialize;
use serde_json::{Map, Value};
use std::any::Any;
use std::fmt;

/// A call of one schema method, built from named JSON parameters.
///
/// ```no_run
/// # async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {
/// use kanboard::descriptor::MethodDescriptor;
/// let get_task = MethodDescriptor::find("getTask").expect("in the schema");
/// let task = kb.request(get_task).arg("task_id", 42.into())?.send().await?;
/// println!("{}", task.to_json()?);
/// // The same value, typed:
/// let task: kanboard::models::Task = task.downcast().expect("getTask gives a Task");
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until `.send().await`"]
pub struct DynamicRequest {
    client: KanboardClient,
    desc: &'static MethodDescriptor,
    /// One slot per declared parameter, in schema order.
    values: Vec<Option<ArgValue>>,
}

enum ArgValue {
    Json(Value),
    File(FileContent),
}

impl fmt::Debug for DynamicRequest {
    /// Names the parameters given, never their values (a password may be among them).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let given: Vec<&str> = self
            .desc
            .params
            .iter()
            .zip(&self.values)
            .filter(|(_, v)| v.is_some())
            .map(|(p, _)| p.name)
            .collect();
        f.debug_struct("DynamicRequest")
            .field("method", &self.desc.rpc_name)
            .field("given", &given)
            .finish()
    }
}

impl KanboardClient {
    /// Starts a call of the method `desc` describes, its parameters to be given by name
    /// ([`DynamicRequest::arg`]). The typed builders (`kb.tasks().get_task(..)`) are the usual
    /// way; this one is for callers that pick the method at run time.
    pub fn request(&self, desc: &'static MethodDescriptor) -> DynamicRequest {
        DynamicRequest {
            client: self.clone(),
            desc,
            values: desc.params.iter().map(|_| None).collect(),
        }
    }
}

impl DynamicRequest {
    /// The method this request calls.
    pub fn descriptor(&self) -> &'static MethodDescriptor {
        self.desc
    }

    /// Gives one parameter, by its Rust name (`task_id`) or its wire name (`id`). The value must
    /// have the declared type: an integer for `int`, text for `string`, `date` and enums, a list
    /// or object of such for `list<..>` and `map<..>`, base64 text for `bytes` (or use
    /// [`file`](Self::file)). Anything else is an [`Error::Input`] naming the parameter.
    pub fn arg(mut self, name: &str, value: Value) -> Result<Self> {
        let i = self.index(name)?;
        let p = &self.desc.params[i];
        check(p.ty, &value).map_err(|why| self.input(format!("`{}` {why}", p.name)))?;
        self.values[i] = Some(ArgValue::Json(value));
        Ok(self)
    }

    /// Gives every entry of `args` as [`arg`](Self::arg) does.
    pub fn args(self, args: Map<String, Value>) -> Result<Self> {
        args.into_iter()
            .try_fold(self, |req, (k, v)| req.arg(&k, v))
    }

    /// Gives a `bytes` parameter as a file's content; a path is streamed from disk when the
    /// call is sent, as with the typed builders.
    pub fn file(mut self, name: &str, content: impl Into<FileContent>) -> Result<Self> {
        let i = self.index(name)?;
        let p = &self.desc.params[i];
        if p.ty != "bytes" {
            return Err(self.input(format!("`{}` is {}, not a file", p.name, p.ty)));
        }
        self.values[i] = Some(ArgValue::File(content.into()));
        Ok(self)
    }

    /// Sends the call and decodes its result into the method's type.
    pub async fn send(self) -> Result<TypedValue> {
        crate::request::send(self).await
    }

    fn index(&self, name: &str) -> Result<usize> {
        let params = self.desc.params;
        params
            .iter()
            .position(|p| p.name == name)
            .or_else(|| params.iter().position(|p| p.wire == name))
            .ok_or_else(|| {
                let known: Vec<&str> = params.iter().map(|p| p.name).collect();
                self.input(match known.is_empty() {
                    true => format!("has no parameter `{name}`: it takes none"),
                    false => format!("has no parameter `{name}`: it takes {}", known.join(", ")),
                })
            })
    }

    fn input(&self, message: String) -> Error {
        Error::Input {
            method: self.desc.rpc_name.into(),
            message,
        }
    }
}

impl Serialize for DynamicRequest {
    /// The given parameters under their wire names, in schema order, as a builder sends them.
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let given = self.values.iter().filter(|v| v.is_some()).count();
        let mut map = s.serialize_map(Some(given))?;
        for (p, v) in self.desc.params.iter().zip(&self.values) {
            match v {
                Some(ArgValue::Json(v)) => map.serialize_entry(p.wire, v)?,
                Some(ArgValue::File(f)) => map.serialize_entry(p.wire, f)?,
                None => {}
            }
        }
        map.end()
    }
}

impl crate::request::Request for DynamicRequest {
    type Output = TypedValue;

    fn descriptor(&self) -> &'static MethodDescriptor {
        self.desc
    }

    fn client(&self) -> &KanboardClient {
        &self.client
    }

    /// A builder cannot be made without its required parameters; a dynamic request is checked
    /// before it is sent.
    fn validate(&self) -> Result<()> {
        let missing: Vec<&str> = self
            .desc
            .params
            .iter()
            .zip(&self.values)
            .filter(|(p, v)| p.required && v.is_none())
            .map(|(p, _)| p.name)
            .collect();
        match missing.as_slice() {
            [] => Ok(()),
            [one] => Err(self.input(format!("the required parameter `{one}` is missing"))),
            many => Err(self.input(format!(
                "the required parameters {} are missing",
                many.iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

/// Whether `v` is a value of the schema type `ty`; the reason when it is not.
fn check(ty: &str, v: &Value) -> std::result::Result<(), String> {
    let expect = |what: &str| Err(format!("must be {what}, not {}", shown(v)));
    if let Some(inner) = ty.strip_suffix('?') {
        return if v.is_null() { Ok(()) } else { check(inner, v) };
    }
    if let Some(item) = ty.strip_prefix("list<").and_then(|t| t.strip_suffix('>')) {
        let Value::Array(items) = v else {
            return expect(&format!("a list ({ty})"));
        };
        return items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| check(item, x).map_err(|why| format!("item {i} {why}")));
    }
    if let Some((key, val)) = ty
        .strip_prefix("map<")
        .and_then(|t| t.strip_suffix('>'))
        .and_then(|t| t.split_once(','))
    {
        let Value::Object(entries) = v else {
            return expect(&format!("an object ({ty})"));
        };
        return entries.iter().try_for_each(|(k, x)| {
            if key == "int" && k.trim().parse::<i64>().is_err() {
                return Err(format!("key {k:?} must be an integer"));
            }
            check(val, x).map_err(|why| format!("entry {k:?} {why}"))
        });
    }
    match ty {
        "int" if v.is_i64() => Ok(()),
        "int" => expect("an integer"),
        other if IdDescriptor::find(other).is_some() => match v.is_i64() {
            true => Ok(()),
            false => expect(&format!("an integer ({other})")),
        },
        "float" if v.is_number() => Ok(()),
        "float" => expect("a number"),
        "bool" if v.is_boolean() => Ok(()),
        "bool" => expect("true or false"),
        "date" => match v {
            Value::String(s) => crate::DateInput::check(s),
            _ => expect("a date as text (2026-12-31 or 2026-12-31 17:00)"),
        },
        "string" | "secret" if v.is_string() => Ok(()),
        "string" | "secret" => expect("text"),
        "json" => Ok(()),
        "bytes" => match v {
            Value::String(s) if base64_ok(s) => Ok(()),
            Value::String(_) => Err("must be base64 text (or given as a file)".into()),
            _ => expect("base64 text (or given as a file)"),
        },
        // Enums are open: a value a plugin or newer server adds is text like the others.
        other if EnumDescriptor::find(other).is_some() => match v {
            Value::String(_) => Ok(()),
            _ => expect("text"),
        },
        other => Err(format!(
            "has the type `{other}`, which calls by name cannot give"
        )),
    }
}

fn base64_ok(s: &str) -> bool {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .is_ok()
}

/// A value as an error message names it: its kind, and short values in full.
fn shown(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 20 => format!("{s:?}"),
        Value::String(_) => "text".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The typed result of a call made by descriptor: the very value the method's builder gives
/// (a `Task`, a `Vec<Project>`, an id, ...), with its one JSON form.
pub struct TypedValue {
    method: &'static str,
    value: Box<dyn Any + Send>,
    json: fn(&dyn Any) -> Option<serde_json::Result<Value>>,
}

impl TypedValue {
    /// The value as its builder's type, or `self` back when `T` is not that type.
    pub fn downcast<T: Any>(self) -> std::result::Result<T, Self> {
        let TypedValue {
            method,
            value,
            json,
        } = self;
        match value.downcast::<T>() {
            Ok(v) => Ok(*v),
            Err(value) => Err(TypedValue {
                method,
                value,
                json,
            }),
        }
    }

    /// The value as its builder's type, if `T` is that type.
    pub fn downcast_ref<T: Any>(&self) -> Option<&T> {
        self.value.downcast_ref::<T>()
    }

    /// The JSON form of the value: the typed view, not the raw reply (timestamps as RFC 3339,
    /// flags as booleans, keys the method does not send left out, bytes as base64 text,
    /// secrets dropped).
    pub fn to_json(&self) -> Result<Value> {
        let encoded = (self.json)(&*self.value).unwrap_or_else(|| {
            Err(serde::ser::Error::custom(
                "value and encoder differ in type",
            ))
        });
        encoded.map_err(|e| Error::Decode {
            method: self.method.into(),
            path: "result".into(),
            message: format!("cannot encode as JSON: {e}"),
        })
    }

    /// The method whose result this is.
    pub fn method(&self) -> &'static str {
        self.method
    }
}

impl fmt::Debug for TypedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypedValue({})", self.method)
    }
}

impl FromReply for TypedValue {
    fn from_reply(
        desc: Option<&'static MethodDescriptor>,
        ident: &str,
        reply: Reply,
    ) -> Result<Self> {
        match desc {
            Some(d) => (d.decoder)(d, ident, reply),
            None => Err(Error::Input {
                method: "batch".into(),
                message: "a call by name has no schema type to decode into".into(),
            }),
        }
    }
}

/// How a method's result becomes its [`TypedValue`]; each descriptor holds the one for its
/// method's return type.
pub type Decoder = fn(&MethodDescriptor, &str, Reply) -> Result<TypedValue>;

/// The decoder of a method whose builder gives a `T`.
pub fn decoder<T>(desc: &MethodDescriptor, ident: &str, reply: Reply) -> Result<TypedValue>
where
    T: crate::de::Loose + Default + Serialize + Send + 'static,
{
    let value: T = crate::convention::apply(desc, ident, reply)?;
    Ok(TypedValue {
        method: desc.rpc_name,
        value: Box::new(value),
        json: |v| v.downcast_ref::<T>().map(serde_json::to_value),
    })
}

/// The decoder of a method whose result is bytes: its JSON form is base64 text, as the server
/// sends it, not a list of numbers.
pub fn bytes_decoder(desc: &MethodDescriptor, ident: &str, reply: Reply) -> Result<TypedValue> {
    let value: Vec<u8> = crate::convention::apply(desc, ident, reply)?;
    Ok(TypedValue {
        method: desc.rpc_name,
        value: Box::new(value),
        json: |v| {
            use base64::Engine;
            let b = v.downcast_ref::<Vec<u8>>()?;
            Some(Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(b),
            )))
        },
    })
}

impl MethodDescriptor {
    /// Decodes a raw result of this method (a recorded reply's `result`, say) the way its
    /// builder does: its convention, then its type.
    pub fn decode_result(&self, result: Value) -> Result<TypedValue> {
        (self.decoder)(
            self,
            "(raw result)",
            Reply {
                result,
                leaked: None,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use serde_json::{Value, json};

    #[test]
    fn values_are_checked_against_declared_types() {
        assert!(check("int", &json!(5)).is_ok());
        assert!(check("int", &json!("5")).is_err());
        assert!(check("int", &json!(5.5)).is_err());
        assert!(check("list<int>", &json!([1, 2])).is_ok());
        assert_eq!(
            check("list<int>", &json!([1, "x"])).unwrap_err(),
            "item 1 must be an integer, not \"x\""
        );
        assert!(check("map<int,string>", &json!({"3": "a"})).is_ok());
        assert!(check("map<int,string>", &json!({"x": "a"})).is_err());
        assert!(check("bytes", &json!("aGk=")).is_ok());
        assert!(check("bytes", &json!("not base64!")).is_err());
        assert!(check("Color", &json!("green")).is_ok());
        assert!(check("Color", &json!(3)).is_err());
        assert!(check("string?", &json!(null)).is_ok());
        assert!(check("bool", &json!(1)).is_err());
        assert!(check("date", &json!("2026-12-31 17:00")).is_ok());
        assert!(
            check("date", &json!("12/31/2026")).is_ok(),
            "the server's own format"
        );
        assert!(check("date", &json!("2026-13-45")).is_err());
        assert!(check("date", &json!("2026-02-28 25:00")).is_err());
        assert!(check("NoSuchType", &json!(1)).is_err());
    }

    #[test]
    fn every_declared_parameter_type_can_be_given() {
        for d in crate::api::descriptors::METHODS {
            for p in d.params {
                let msg = check(p.ty, &Value::Null).err().unwrap_or_default();
                assert!(
                    !msg.contains("calls by name cannot give"),
                    "{}.{}: {msg}",
                    d.rpc_name,
                    p.name
                );
            }
        }
    }
}
