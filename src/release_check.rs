//! The check, before sending, that the server's Kanboard release has what a call uses: the
//! method itself and every parameter it sends (an older Kanboard drops an unknown parameter
//! without an error). The release is given to the builder, or asked once with `getVersion` the
//! first time a call needs it; a call that uses only what every release has never needs it.

use crate::descriptor::MethodDescriptor;
use crate::error::{Error, Result};
use crate::{Availability, KanboardClient, KanboardVersion};

/// What the client knows of the server's release.
#[derive(Debug)]
pub(crate) enum ReleaseCheck {
    /// No check: everything is sent.
    Off,
    /// The release, as given to the builder.
    Given(KanboardVersion),
    /// Asked with `getVersion` when first needed, once per client; `None` inside when the
    /// server's answer is not a release number (a development checkout): no check then.
    Ask(tokio::sync::OnceCell<Option<KanboardVersion>>),
}

/// The parts of a call that not every release has: `None` for the method itself, else the
/// wire name of a parameter it sends; each with the releases that have it. Empty for almost
/// every call, and then the body is not even read.
pub(crate) fn later_parts(
    desc: &MethodDescriptor,
    body: &[u8],
) -> Vec<(Option<&'static str>, Availability)> {
    let mut out = Vec::new();
    if !desc.available.is_always() {
        out.push((None, desc.available));
    }
    if desc.params.iter().any(|p| !p.available.is_always()) {
        let sent = crate::envelope::param_names(body);
        for p in desc.params.iter().filter(|p| !p.available.is_always()) {
            if sent.iter().any(|k| k == p.wire) {
                out.push((Some(p.wire), p.available));
            }
        }
    }
    out
}

/// The refusal of the first part `server` lacks, if any.
pub(crate) fn refusal(
    desc: &MethodDescriptor,
    parts: &[(Option<&'static str>, Availability)],
    server: KanboardVersion,
) -> Option<Error> {
    parts
        .iter()
        .find(|(_, a)| !a.includes(server))
        .map(|(param, available)| Error::NotInRelease {
            method: desc.rpc_name.into(),
            parameter: param.map(str::to_owned),
            available: *available,
            server,
        })
}

impl KanboardClient {
    /// The server's Kanboard release: as given to the builder, else asked with `getVersion`
    /// once and kept (concurrent first calls share one request). `None` when the server's
    /// answer is not a release number, or when the check is off and no release was given.
    pub async fn server_version(&self) -> Result<Option<KanboardVersion>> {
        match &self.release() {
            ReleaseCheck::Given(v) => Ok(Some(*v)),
            ReleaseCheck::Off => Ok(None),
            ReleaseCheck::Ask(cell) => cell
                .get_or_try_init(|| async {
                    // Not through `request::send`, which checks releases itself: getVersion
                    // never needs the check, and this keeps the futures finite.
                    let Some(desc) = MethodDescriptor::find("getVersion") else {
                        return Ok(None);
                    };
                    let id = self.next_id();
                    let (json, uploads) =
                        crate::client::serialize_call(desc.rpc_name, id, &serde_json::Value::Null)?;
                    let text: String =
                        crate::request::exchange(self, desc, id, json, uploads).await?;
                    let v = KanboardVersion::parse_lenient(&text);
                    if v.is_none() {
                        tracing::debug!(version = %text, "not a release number: calls are not checked against it");
                    }
                    Ok(v)
                })
                .await
                .copied(),
        }
    }

    /// Refuses a call (serialized as `body`) that uses a method or parameter the server's
    /// release lacks. Asks the release only when the call uses something not every release has.
    pub(crate) async fn check_release(&self, desc: &MethodDescriptor, body: &[u8]) -> Result<()> {
        if matches!(self.release(), ReleaseCheck::Off) {
            return Ok(());
        }
        let parts = later_parts(desc, body);
        if parts.is_empty() {
            return Ok(());
        }
        match self.server_version().await? {
            Some(v) => refusal(desc, &parts, v).map_or(Ok(()), Err),
            None => Ok(()),
        }
    }

    /// The release when it is known without asking (given, or already asked); for batches,
    /// which check at `add` what they can.
    pub(crate) fn known_release(&self) -> Option<Option<KanboardVersion>> {
        match &self.release() {
            ReleaseCheck::Off => Some(None),
            ReleaseCheck::Given(v) => Some(Some(*v)),
            ReleaseCheck::Ask(cell) => cell.get().copied(),
        }
    }
}
