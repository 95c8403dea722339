//! Many calls in few HTTP requests: a plan of typed calls, sent as JSON-RPC batches of at most
//! `chunk_size` calls, `concurrency` batches at a time.

use crate::batch::{BatchOutput, BatchResults};
use crate::descriptor::MethodDescriptor;
use crate::request::Request;
use crate::{KanboardClient, Result};
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde_json::Value;
use std::marker::PhantomData;

/// How calls are grouped into HTTP requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOptions {
    /// Calls per JSON-RPC batch (one HTTP request). Default 250.
    pub chunk_size: usize,
    /// Batches in flight at once. Default 4 (a small PHP server runs about that many workers).
    pub concurrency: usize,
}

impl Default for BatchOptions {
    fn default() -> Self {
        BatchOptions {
            chunk_size: 250,
            concurrency: 4,
        }
    }
}

impl BatchOptions {
    /// `chunk_size` calls per request, `concurrency` requests at a time; 0 counts as 1.
    pub fn new(chunk_size: usize, concurrency: usize) -> Self {
        BatchOptions {
            chunk_size: chunk_size.max(1),
            concurrency: concurrency.max(1),
        }
    }
}

/// A call's place in a [`Plan`]; redeem it once with [`Outcomes::take`].
#[must_use]
pub(crate) struct Ticket<T> {
    index: usize,
    _out: PhantomData<fn() -> T>,
}

struct Planned {
    desc: &'static MethodDescriptor,
    /// The request's parameters, serialized when planned (the builder is gone by sending time).
    params: Option<Value>,
}

/// Typed calls of any methods, to be sent together.
#[derive(Default)]
pub(crate) struct Plan {
    calls: Vec<Planned>,
}

impl Plan {
    pub fn new() -> Self {
        Plan::default()
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn push<R: Request>(&mut self, req: R) -> Result<Ticket<R::Output>> {
        let desc = req.descriptor();
        let params = match serde_json::to_value(&req) {
            Ok(Value::Object(m)) if m.is_empty() => None,
            Ok(v) => Some(v),
            Err(e) => return Err(crate::client::input_error(desc.rpc_name, e)),
        };
        self.calls.push(Planned { desc, params });
        Ok(Ticket {
            index: self.calls.len() - 1,
            _out: PhantomData,
        })
    }

    /// Sends every call. The error is a failure of a whole request (connection, 401/403,
    /// unreadable reply); each call's own error waits in its outcome.
    pub async fn run(self, kb: &KanboardClient, opts: BatchOptions) -> Result<Outcomes> {
        let chunk = opts.chunk_size.max(1);
        let mut chunks: Vec<Vec<Planned>> = Vec::new();
        let mut calls = self.calls.into_iter().peekable();
        while calls.peek().is_some() {
            chunks.push(calls.by_ref().take(chunk).collect());
        }
        let results: Vec<BatchResults> = stream::iter(chunks.into_iter().map(|calls| {
            let mut batch = kb.batch();
            for c in calls {
                batch.add_prepared(c.desc, c.params.as_ref());
            }
            batch.send()
        }))
        .buffered(opts.concurrency.max(1))
        .try_collect()
        .await?;
        Ok(Outcomes { chunk, results })
    }
}

/// The replies of a sent [`Plan`].
pub(crate) struct Outcomes {
    chunk: usize,
    results: Vec<BatchResults>,
}

impl Outcomes {
    pub fn take<T: BatchOutput>(&mut self, ticket: Ticket<T>) -> Result<T> {
        self.results[ticket.index / self.chunk].take_index(ticket.index % self.chunk)
    }
}
