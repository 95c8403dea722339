//! Batches: many calls in one HTTP request, each with its own typed result.

use crate::KanboardClient;
use crate::body::{Uploads, collect_uploads};
use crate::client::input_error;
use crate::de::Loose;
use crate::descriptor::MethodDescriptor;
use crate::envelope::{self, Reply};
use crate::error::{Error, Result};
use crate::release_check;
use crate::request::Request;
use serde_json::Value;
use std::marker::PhantomData;

struct Pending {
    method: String,
    desc: Option<&'static MethodDescriptor>,
    /// The id it was sent with; 0 when refused.
    id: u64,
    ident: String,
    /// Whether it may be sent again after a transient failure (the schema marks it read-only).
    read_only: bool,
    /// Set when the call was refused before sending (a user-only method with the app token,
    /// a parameter the server's release lacks), so it does not turn the whole batch into one
    /// 403 or lose a value.
    refused: Option<Error>,
    /// Where its JSON is in the body.
    span: std::ops::Range<usize>,
    /// What it uses that not every release has, still to check against the server's release
    /// when that was not known at `add` (it is asked once, at `send`).
    later: Vec<(Option<&'static str>, crate::Availability)>,
}

/// A call's place in a batch; redeem it with [`BatchResults::take`].
#[must_use]
#[derive(Debug)]
pub struct Slot<T> {
    index: usize,
    _out: PhantomData<fn() -> T>,
}

/// A batch under construction. Results come back in call order, each its own `Result`: one
/// failing call does not lose the others.
///
/// ```no_run
/// # async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {
/// let mut batch = kb.batch();
/// let version = batch.add(kb.application().get_version())?;
/// let tasks = batch.add(kb.tasks().get_all_tasks(1))?;
/// let mut results = batch.send().await?;
/// println!("{} has {} open tasks", results.take(version)?, results.take(tasks)?.len());
/// # Ok(()) }
/// ```
pub struct Batch {
    client: KanboardClient,
    /// The request body so far: `[` and the calls to send, serialized as they are added.
    body: Vec<u8>,
    /// Files the calls upload, streamed from disk when the batch is sent.
    uploads: Option<Uploads>,
    calls: Vec<Pending>,
}

impl Batch {
    pub(crate) fn new(client: KanboardClient) -> Self {
        Batch {
            client,
            body: vec![b'['],
            uploads: Some(Uploads::new()),
            calls: Vec::new(),
        }
    }

    /// Serializes one call onto the body, or records why it cannot be sent. `desc` is the
    /// schema's method, if known; a `typed` call's result follows its convention.
    fn push<P: serde::Serialize + ?Sized>(
        &mut self,
        method: String,
        desc: Option<&'static MethodDescriptor>,
        typed: bool,
        params: Option<&P>,
    ) -> Result<usize> {
        let read_only = desc.is_some_and(|d| d.read_only);
        let mut pending = Pending {
            method,
            desc: desc.filter(|_| typed),
            id: 0,
            ident: String::new(),
            read_only,
            refused: desc.and_then(|d| self.client.check_auth(d).err()),
            span: 0..0,
            later: Vec::new(),
        };
        if pending.refused.is_none() {
            let id = self.client.next_id();
            let mark = self.body.len();
            if mark > 1 {
                self.body.push(b',');
            }
            let (appended, uploads) =
                collect_uploads(self.uploads.take().unwrap_or_default(), || {
                    envelope::append_request(&mut self.body, &pending.method, id, params)
                });
            self.uploads = Some(uploads);
            match appended {
                Ok(range) => {
                    pending.id = id;
                    pending.ident = crate::convention::identifier(&self.body[range.clone()]);
                    let later = match desc {
                        Some(d) => release_check::later_parts(d, &self.body[range.clone()]),
                        None => Vec::new(),
                    };
                    match (later.is_empty(), self.client.known_release()) {
                        (true, _) | (false, Some(None)) => {}
                        (false, Some(Some(v))) => {
                            if let Some(e) = desc.and_then(|d| release_check::refusal(d, &later, v))
                            {
                                self.body.truncate(mark);
                                pending.id = 0;
                                pending.refused = Some(e);
                            }
                        }
                        (false, None) => pending.later = later,
                    }
                    pending.span = range;
                }
                Err(e) => {
                    self.body.truncate(mark);
                    return Err(input_error(&pending.method, e));
                }
            }
        }
        self.calls.push(pending);
        Ok(self.calls.len() - 1)
    }

    /// Adds a typed request.
    pub fn add<R: Request>(&mut self, req: R) -> Result<Slot<R::Output>> {
        let desc = req.descriptor();
        req.validate()?;
        let index = self.push(desc.rpc_name.into(), Some(desc), true, Some(&req))?;
        Ok(Slot {
            index,
            _out: PhantomData,
        })
    }

    /// Adds a call by name; its slot gives the raw result. A method the schema knows is
    /// checked and retried like a typed call.
    pub fn add_raw(&mut self, method: impl Into<String>, params: Value) -> Slot<Value> {
        let method = method.into();
        let desc = MethodDescriptor::find(&method);
        let params = (!params.is_null()).then_some(params);
        // A JSON value always serializes; should it not, the call fails on its own.
        let index = match self.push(method.clone(), desc, false, params.as_ref()) {
            Ok(i) => i,
            Err(e) => self.push_refused(method, e),
        };
        Slot {
            index,
            _out: PhantomData,
        }
    }

    /// Adds a call by name exactly as given: no user-only check and no retry, whatever the
    /// schema says of the method, so what comes back is the server's own answer. For tools
    /// that test the server (the drift probe); its slot gives the raw result.
    pub fn add_unchecked(&mut self, method: impl Into<String>, params: Value) -> Slot<Value> {
        let method = method.into();
        let index = match self.push(method.clone(), None, false, Some(&params)) {
            Ok(i) => i,
            Err(e) => self.push_refused(method, e),
        };
        Slot {
            index,
            _out: PhantomData,
        }
    }

    /// Records a call that will not be sent, with the error its slot gives.
    fn push_refused(&mut self, method: String, e: Error) -> usize {
        self.calls.push(Pending {
            method,
            desc: None,
            id: 0,
            ident: String::new(),
            read_only: false,
            refused: Some(e),
            span: 0..0,
            later: Vec::new(),
        });
        self.calls.len() - 1
    }

    /// How many calls were added, refused ones included (each has its slot).
    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// Whether no call was added yet; sending an empty batch sends no request.
    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends every call in one HTTP request. The outer error is a failure of the whole batch
    /// (connection, a 401/403 that replaces every reply, an unreadable body).
    ///
    /// Under a retry policy the batch is sent again after a connection error or an HTTP 5xx
    /// only if every call in it is read-only (or the policy retries writes): a batch runs call
    /// after call on the server, so a failed batch with a write in it may have done that write.
    pub async fn send(self) -> Result<BatchResults> {
        let Batch {
            client,
            mut body,
            uploads,
            mut calls,
        } = self;
        // Calls whose release check waited for the server's release: ask it (once per client),
        // then take the refused ones out of the body.
        if calls.iter().any(|c| !c.later.is_empty())
            && let Some(v) = client.server_version().await?
        {
            let mut out = false;
            for c in calls.iter_mut().filter(|c| !c.later.is_empty()) {
                if let Some(e) = c
                    .desc
                    .or(MethodDescriptor::find(&c.method))
                    .and_then(|d| release_check::refusal(d, &c.later, v))
                {
                    c.refused = Some(e);
                    out = true;
                }
            }
            if out {
                body = rebuild(&body, &calls);
            }
        }
        let sent: Vec<(&str, u64)> = calls
            .iter()
            .filter(|c| c.refused.is_none())
            .map(|c| (c.method.as_str(), c.id))
            .collect();
        let mut decoded = if sent.is_empty() {
            Vec::new().into_iter()
        } else {
            body.push(b']');
            let read_only = calls
                .iter()
                .filter(|c| c.refused.is_none())
                .all(|c| c.read_only);
            let span =
                tracing::debug_span!("kanboard.batch", calls = sent.len(), first_id = sent[0].1);
            let body = client
                .prepare_body("batch", body, uploads.unwrap_or_default())
                .await?;
            let (status, bytes) =
                tracing::Instrument::instrument(client.exchange("batch", &body, read_only), span)
                    .await?;
            envelope::decode_batch(&sent, status, &bytes)?.into_iter()
        };
        drop(sent);
        let mut replies: Vec<Option<Result<Reply>>> = Vec::with_capacity(calls.len());
        let mut kept = Vec::with_capacity(calls.len());
        for mut call in calls {
            let r = match call.refused.take() {
                Some(e) => Err(e),
                None => decoded.next().unwrap_or_else(|| {
                    Err(Error::Response {
                        method: call.method.clone(),
                        reason: "missing from the batch reply".into(),
                        body: crate::error::Body(String::new()),
                    })
                }),
            };
            replies.push(Some(r));
            kept.push((call.desc, call.ident));
        }
        Ok(BatchResults {
            replies,
            calls: kept,
        })
    }
}

/// The body with only the calls not refused, each as it was serialized.
fn rebuild(body: &[u8], calls: &[Pending]) -> Vec<u8> {
    let mut out = vec![b'['];
    for c in calls.iter().filter(|c| c.refused.is_none()) {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(&body[c.span.clone()]);
    }
    out
}

/// The replies of a sent batch.
pub struct BatchResults {
    replies: Vec<Option<Result<Reply>>>,
    calls: Vec<(Option<&'static MethodDescriptor>, String)>,
}

impl BatchResults {
    /// The typed result of one call. Each slot can be taken once (the slot is consumed); a slot
    /// of another batch whose place here is empty or taken is an error, not a panic.
    pub fn take<T: FromReply>(&mut self, slot: Slot<T>) -> Result<T> {
        let Some(reply) = self.replies.get_mut(slot.index).and_then(Option::take) else {
            return Err(Error::Input {
                method: "batch".into(),
                message: format!(
                    "slot {} was not issued by this batch, or was already taken",
                    slot.index
                ),
            });
        };
        let (desc, ident) = &self.calls[slot.index];
        T::from_reply(*desc, ident, reply?)
    }

    /// How many calls the batch had, taken or not: the number of slots.
    pub fn len(&self) -> usize {
        self.replies.len()
    }

    /// Whether the batch had no call at all.
    pub fn is_empty(&self) -> bool {
        self.replies.is_empty()
    }

    /// Counts of calls that succeeded at the JSON-RPC level and that failed, not yet taken.
    pub fn counts(&self) -> (usize, usize) {
        let ok = self
            .replies
            .iter()
            .filter(|r| matches!(r, Some(Ok(_))))
            .count();
        let failed = self
            .replies
            .iter()
            .filter(|r| matches!(r, Some(Err(_))))
            .count();
        (ok, failed)
    }
}

/// How a reply becomes a call's value, alone or in a batch: typed calls follow their method's
/// convention, calls by name without a schema method give the JSON result.
pub trait FromReply: Sized {
    /// Decodes `reply`, the answer to a call of `desc` (`None`: a method the schema does not
    /// have) whose first parameter was `ident`.
    fn from_reply(
        desc: Option<&'static MethodDescriptor>,
        ident: &str,
        reply: Reply,
    ) -> Result<Self>;
}

impl<T: Loose + Default> FromReply for T {
    fn from_reply(
        desc: Option<&'static MethodDescriptor>,
        ident: &str,
        reply: Reply,
    ) -> Result<Self> {
        match desc {
            Some(d) => crate::convention::apply(d, ident, reply),
            None => T::from_loose(reply.result).map_err(|e| Error::Decode {
                method: "batch".into(),
                path: e.path,
                message: e.message,
            }),
        }
    }
}
