//! What every generated request builder is, and how it is sent.

use crate::KanboardClient;
use crate::de::Loose;
use crate::descriptor::MethodDescriptor;
use crate::error::{Error, Result};
use serde_json::Value;

/// A typed call: its parameters serialize to the JSON-RPC named `params` object.
/// Implemented by every generated request builder.
pub trait Request: serde::Serialize + Send {
    /// What the result decodes into.
    type Output: Loose + Default + Send;

    fn descriptor(&self) -> &'static MethodDescriptor;

    fn client(&self) -> &KanboardClient;
}

/// The `params` object of a request, or `None` when it has no parameters to send.
pub(crate) fn params_of<R: Request>(req: &R) -> Result<Option<Value>> {
    let desc = req.descriptor();
    match serde_json::to_value(req) {
        Ok(Value::Object(m)) if m.is_empty() => Ok(None),
        Ok(v) => Ok(Some(v)),
        Err(e) => Err(Error::Input {
            method: desc.rpc_name.into(),
            message: e.to_string(),
        }),
    }
}

/// Sends a typed request and decodes its result.
pub(crate) async fn send<R: Request>(req: R) -> Result<R::Output> {
    let desc = req.descriptor();
    let client = req.client().clone();
    client.check_auth(desc)?;
    let params = params_of(&req)?;
    drop(req); // an upload's content is in `params` now; do not hold two copies during the call
    let ident = crate::convention::identifier(params.as_ref());
    let reply = client.invoke(desc, params).await?;
    crate::convention::apply(desc, &ident, reply)
}
