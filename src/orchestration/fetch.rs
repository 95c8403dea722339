//! Many calls in few HTTP requests: a plan of typed calls, sent as JSON-RPC batches of at most
//! `chunk_size` calls, `concurrency` batches at a time.

use crate::batch::{Batch, BatchResults, FromReply, Slot};
use crate::request::Request;
use crate::{KanboardClient, Result};
use futures_util::stream::{self, StreamExt, TryStreamExt};

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
    /// Which batch of the plan holds the call.
    batch: usize,
    slot: Slot<T>,
}

/// Typed calls of any methods, to be sent together. Each call is serialized into its batch as
/// it is planned, by [`Batch::add`]: planning and sending are the typed client's own path.
pub(crate) struct Plan {
    kb: KanboardClient,
    opts: BatchOptions,
    batches: Vec<Batch>,
    len: usize,
}

impl Plan {
    pub fn new(kb: &KanboardClient, opts: BatchOptions) -> Self {
        Plan {
            kb: kb.clone(),
            opts,
            batches: Vec::new(),
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push<R: Request>(&mut self, req: R) -> Result<Ticket<R::Output>> {
        let chunk = self.opts.chunk_size.max(1);
        if self.batches.last().is_none_or(|b| b.len() >= chunk) {
            self.batches.push(self.kb.batch());
        }
        let batch = self.batches.len() - 1;
        let slot = self.batches[batch].add(req)?;
        self.len += 1;
        Ok(Ticket { batch, slot })
    }

    /// Sends every batch, `concurrency` at a time. The error is a failure of a whole request
    /// (connection, 401/403, unreadable reply); each call's own error waits in its outcome.
    pub async fn run(self) -> Result<Outcomes> {
        let results: Vec<BatchResults> = stream::iter(self.batches.into_iter().map(Batch::send))
            .buffered(self.opts.concurrency.max(1))
            .try_collect()
            .await?;
        Ok(Outcomes { results })
    }
}

/// The replies of a sent [`Plan`].
pub(crate) struct Outcomes {
    results: Vec<BatchResults>,
}

impl Outcomes {
    pub fn take<T: FromReply>(&mut self, ticket: Ticket<T>) -> Result<T> {
        match self.results.get_mut(ticket.batch) {
            Some(r) => r.take(ticket.slot),
            None => Err(crate::Error::Input {
                method: "batch".into(),
                message: "a ticket of another plan".into(),
            }),
        }
    }
}
