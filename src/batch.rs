//! Batches: many calls in one HTTP request, each with its own typed result.

use crate::KanboardClient;
use crate::de::Loose;
use crate::descriptor::MethodDescriptor;
use crate::envelope::{self, Reply};
use crate::error::{Error, Result};
use crate::request::{Request, params_of};
use serde_json::Value;
use std::marker::PhantomData;

struct Pending {
    method: String,
    desc: Option<&'static MethodDescriptor>,
    params: Option<Value>,
    ident: String,
    /// Set when the call was refused before sending (a user-only method with the app token),
    /// so it does not turn the whole batch into one 403.
    refused: Option<Error>,
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
    calls: Vec<Pending>,
}

impl Batch {
    pub(crate) fn new(client: KanboardClient) -> Self {
        Batch {
            client,
            calls: Vec::new(),
        }
    }

    /// Adds a typed request.
    pub fn add<R: Request>(&mut self, req: R) -> Result<Slot<R::Output>> {
        let desc = req.descriptor();
        let params = params_of(&req)?;
        let ident = crate::convention::identifier(params.as_ref());
        let refused = self.client.check_auth(desc).err();
        self.calls.push(Pending {
            method: desc.rpc_name.into(),
            desc: Some(desc),
            params,
            ident,
            refused,
        });
        Ok(Slot {
            index: self.calls.len() - 1,
            _out: PhantomData,
        })
    }

    /// Adds a call by name; its slot gives the raw result.
    pub fn add_raw(&mut self, method: impl Into<String>, params: Value) -> Slot<Value> {
        let params = match params {
            Value::Null => None,
            p => Some(p),
        };
        let method = method.into();
        let refused = crate::descriptor::MethodDescriptor::find(&method)
            .and_then(|d| self.client.check_auth(d).err());
        self.calls.push(Pending {
            method,
            desc: None,
            params,
            ident: String::new(),
            refused,
        });
        Slot {
            index: self.calls.len() - 1,
            _out: PhantomData,
        }
    }

    /// Adds a call prepared elsewhere (descriptor and parameters already known); returns its
    /// index for [`BatchResults::take_index`].
    pub(crate) fn add_prepared(
        &mut self,
        desc: &'static MethodDescriptor,
        params: Option<Value>,
        ident: String,
    ) -> usize {
        let refused = self.client.check_auth(desc).err();
        self.calls.push(Pending {
            method: desc.rpc_name.into(),
            desc: Some(desc),
            params,
            ident,
            refused,
        });
        self.calls.len() - 1
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Sends every call in one HTTP request. The outer error is a failure of the whole batch
    /// (connection, a 401/403 that replaces every reply, an unreadable body).
    pub async fn send(self) -> Result<BatchResults> {
        let mut ids = Vec::with_capacity(self.calls.len());
        let mut wire = Vec::with_capacity(self.calls.len());
        for call in &self.calls {
            if call.refused.is_some() {
                continue;
            }
            let id = self.client.next_id();
            ids.push(id);
            wire.push(envelope::request(&call.method, id, call.params.clone()));
        }
        let mut replies: Vec<Option<Result<Reply>>> = Vec::with_capacity(self.calls.len());
        let mut sent = if wire.is_empty() {
            Vec::new().into_iter()
        } else {
            let span =
                tracing::debug_span!("kanboard.batch", calls = wire.len(), first_id = ids[0]);
            let _enter = span.enter();
            drop(_enter);
            let (status, bytes) = tracing::Instrument::instrument(
                self.client.post("batch", &Value::Array(wire)),
                span,
            )
            .await?;
            let named: Vec<(&str, u64)> = self
                .calls
                .iter()
                .filter(|c| c.refused.is_none())
                .map(|c| c.method.as_str())
                .zip(ids.iter().copied())
                .collect();
            envelope::decode_batch(&named, status, &bytes)?.into_iter()
        };
        let mut calls = Vec::with_capacity(self.calls.len());
        for mut call in self.calls {
            let r = match call.refused.take() {
                Some(e) => Err(e),
                None => sent.next().unwrap_or_else(|| {
                    Err(Error::Response {
                        method: call.method.clone(),
                        reason: "missing from the batch reply".into(),
                        body: crate::error::Body(String::new()),
                    })
                }),
            };
            replies.push(Some(r));
            calls.push((call.desc, call.ident));
        }
        Ok(BatchResults { replies, calls })
    }
}

/// The replies of a sent batch.
pub struct BatchResults {
    replies: Vec<Option<Result<Reply>>>,
    calls: Vec<(Option<&'static MethodDescriptor>, String)>,
}

impl BatchResults {
    /// The typed result of one call. Each slot can be taken once (the slot is consumed).
    pub fn take<T: BatchOutput>(&mut self, slot: Slot<T>) -> Result<T> {
        let reply = self
            .replies
            .get_mut(slot.index)
            .and_then(Option::take)
            .expect("a slot belongs to the batch that issued it and is taken once");
        let (desc, ident) = &self.calls[slot.index];
        T::finish(*desc, ident, reply?)
    }

    /// The typed result of the call added at `index` by `Batch::add_prepared`.
    pub(crate) fn take_index<T: BatchOutput>(&mut self, index: usize) -> Result<T> {
        self.take(Slot {
            index,
            _out: PhantomData,
        })
    }

    pub fn len(&self) -> usize {
        self.replies.len()
    }

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

/// How a batch slot's reply becomes its value: typed calls follow their convention, raw calls
/// give the JSON result.
pub trait BatchOutput: Sized {
    fn finish(desc: Option<&'static MethodDescriptor>, ident: &str, reply: Reply) -> Result<Self>;
}

impl<T: Loose + Default> BatchOutput for T {
    fn finish(desc: Option<&'static MethodDescriptor>, ident: &str, reply: Reply) -> Result<Self> {
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
