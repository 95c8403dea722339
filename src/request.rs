//! What every generated request builder is, and how it is sent.

use crate::KanboardClient;
use crate::batch::FromReply;
use crate::descriptor::MethodDescriptor;
use crate::error::Result;

/// A call: its parameters serialize to the JSON-RPC named `params` object. Implemented by
/// every generated request builder and by [`DynamicRequest`](crate::DynamicRequest); both are
/// sent, alone or in a [`Batch`](crate::Batch), by the same code.
pub trait Request: serde::Serialize + Send {
    /// What the result decodes into.
    type Output: FromReply + Send;

    /// The method's static description: its JSON-RPC name, whether it is read-only or
    /// user-only, and the return convention its result is read under.
    fn descriptor(&self) -> &'static MethodDescriptor;

    /// The client the request was made from, which sends it.
    fn client(&self) -> &KanboardClient;

    /// Refuses a call that cannot be sent as it stands (a missing required parameter).
    fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// Sends a typed request and decodes its result. The request is serialized straight into the
/// body bytes and then dropped, so an upload's content given in memory is held once as its
/// base64 text (plus the caller's bytes until the body is written); a file given by path is
/// streamed from disk as the request goes out.
pub async fn send<R: Request>(req: R) -> Result<R::Output> {
    let desc = req.descriptor();
    let client = req.client().clone();
    client.check_auth(desc)?;
    req.validate()?;
    let id = client.next_id();
    let (json, uploads) = crate::client::serialize_call(desc.rpc_name, id, &req)?;
    drop(req);
    client.check_release(desc, &json).await?;
    exchange(&client, desc, id, json, uploads).await
}

/// Sends one serialized call that has passed its checks and decodes the result.
pub(crate) async fn exchange<O: FromReply>(
    client: &KanboardClient,
    desc: &'static MethodDescriptor,
    id: u64,
    json: Vec<u8>,
    uploads: crate::body::Uploads,
) -> Result<O> {
    let ident = crate::convention::identifier(&json);
    let body = client.prepare_body(desc.rpc_name, json, uploads).await?;
    let reply = client
        .call_once(desc.rpc_name, id, body, desc.read_only)
        .await?;
    O::from_reply(Some(desc), &ident, reply)
}
