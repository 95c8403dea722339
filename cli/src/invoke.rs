//! One call by name: the user-only check the typed client does, the raw call, and the typed
//! decoding back to normalized JSON (the method's convention decides what `false`/`null` mean).

use crate::app::Ctx;
use crate::failure::Failure;
use kanboard::descriptor::MethodDescriptor;
use kanboard::{AuthFailure, Error, KanboardClient};
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

/// Calls `desc` with named parameters and decodes the result.
pub async fn call(
    ctx: &Ctx,
    kb: &KanboardClient,
    desc: &MethodDescriptor,
    params: Map<String, Value>,
) -> Result<Value, Failure> {
    if desc.user_only && !kb.is_user_auth() {
        return Err(ctx.fail(Error::Auth {
            method: desc.rpc_name.into(),
            status: None,
            failure: AuthFailure::UserOnlyMethod,
        }));
    }
    let shown = describe(&params);
    let raw = kb
        .call(desc.rpc_name, crate::params::Sendable(&params))
        .await
        .map_err(|e| ctx.fail(e))?;
    kanboard::api::descriptors::decode_normalized(desc, raw).map_err(|e| {
        // The decoder does not know the parameters; name them so the user sees what was missing.
        let e = match e {
            Error::NotFound {
                resource, method, ..
            } => Error::NotFound {
                resource,
                identifier: shown,
                method,
            },
            other => other,
        };
        ctx.fail(e)
    })
}
