//! One call of a schema method from the command line: the library's call by descriptor, which
//! checks, sends and decodes as the typed builders do; the command prints the JSON form of the
//! typed result.

use crate::ctx::Ctx;
use crate::failure::Failure;
use kanboard::descriptor::MethodDescriptor;
use kanboard::{FileContent, KanboardClient, TypedValue};
use serde_json::{Map, Value};

/// `task_id=5 title="x"`: the parameters as the messages show them (uploads shortened).
pub fn describe(params: &Map<String, Value>) -> String {
    if params.is_empty() {
        return "no parameters".into();
    }
    params
        .iter()
        .map(|(k, v)| {
            if let Some(path) = crate::params::upload_path(v) {
                return format!("{k}=@{path}");
            }
            let shown = match v {
                Value::String(s) if s.len() > 40 => {
                    format!("\"{}…\"", &s[..s.floor_char_boundary(37)])
                }
                other => other.to_string(),
            };
            format!("{k}={shown}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Calls `desc` with named parameters (wire names, as [`crate::params::collect`] gives them)
/// through the library's call by descriptor, and gives the JSON form of the typed result.
pub async fn call(
    ctx: &Ctx,
    kb: &KanboardClient,
    desc: &'static MethodDescriptor,
    params: Map<String, Value>,
) -> Result<Value, Failure> {
    let typed = send(ctx, kb, desc, params).await?;
    json(ctx, &typed)
}

/// Calls `desc` as [`call`] does, and gives the typed result itself.
pub async fn send(
    ctx: &Ctx,
    kb: &KanboardClient,
    desc: &'static MethodDescriptor,
    params: Map<String, Value>,
) -> Result<TypedValue, Failure> {
    let mut req = kb.request(desc);
    for (name, value) in params {
        req = match crate::params::upload_path(&value) {
            Some(path) => req.file(&name, FileContent::path(path)),
            None => req.arg(&name, value),
        }
        .map_err(|e| ctx.fail(e))?;
    }
    req.send().await.map_err(|e| ctx.fail(e))
}

/// The JSON form of a typed result: what every output format but a view prints.
pub fn json(ctx: &Ctx, typed: &TypedValue) -> Result<Value, Failure> {
    typed.to_json().map_err(|e| ctx.fail(e))
}
