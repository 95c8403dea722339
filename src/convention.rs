//! The one place that turns a method's raw result into its typed value or error, following
//! the return convention the schema declares for it.

use crate::de::Loose;
use crate::descriptor::{MethodDescriptor, Outcome};
use crate::envelope::Reply;
use crate::error::{Error, Result};
use serde_json::Value;

/// Which of Kanboard's sentinel results a value is, if any.
fn sentinel(desc: &MethodDescriptor, v: &Value) -> Option<(Outcome, &'static str)> {
    let r = &desc.returns;
    match v {
        Value::Bool(false) => Some((r.on_false, "false")),
        Value::Null => Some((r.on_null, "null")),
        Value::Number(n) if n.as_f64() == Some(0.0) => Some((r.on_zero, "0")),
        Value::String(s) if s == "0" => Some((r.on_zero, "0")),
        Value::String(s) if s.is_empty() => Some((r.on_empty, "\"\"")),
        Value::Array(a) if a.is_empty() => Some((r.on_empty, "[]")),
        Value::Object(o) if o.is_empty() => Some((r.on_empty, "{}")),
        _ => None,
    }
}

/// The identifier named in a not-found error: the first parameter of the serialized request.
pub(crate) fn identifier(request: &[u8]) -> String {
    match crate::envelope::first_param(request) {
        Some((k, Value::String(s))) => format!("{k}={s:?}"),
        Some((k, v)) => format!("{k}={v}"),
        None => "(no parameters)".into(),
    }
}

/// Applies the convention of `desc` to a reply.
pub(crate) fn apply<T: Loose + Default>(
    desc: &MethodDescriptor,
    identifier: &str,
    reply: Reply,
) -> Result<T> {
    if let Some((outcome, shown)) = sentinel(desc, &reply.result) {
        match outcome {
            Outcome::Value => {}
            Outcome::Empty => return Ok(T::default()),
            Outcome::NotFound => {
                return Err(Error::NotFound {
                    resource: desc.resource.into(),
                    identifier: identifier.into(),
                    method: desc.rpc_name.into(),
                });
            }
            // `Outcome` is non_exhaustive only for users; anything else refuses.
            _ => {
                return Err(Error::Rejected {
                    method: desc.rpc_name.into(),
                    returned: shown.into(),
                    why: desc.returns.doc,
                    detail: reply.leaked,
                });
            }
        }
    }
    T::from_loose(reply.result).map_err(|e| Error::Decode {
        method: desc.rpc_name.into(),
        path: if e.path.is_empty() {
            "result".into()
        } else {
            format!("result.{}", e.path).replace(".[", "[")
        },
        message: e.message,
    })
}
