//! The remote backend: portfolios kept by the server's Portfolio plugin, through the typed
//! `portfolios` and `milestones` resources.
//!
//! It works around plugin 1.17.0's answers (`true` instead of new ids, `false` after a
//! successful add) by reading back what it wrote, and it says by name what the plugin did not
//! take instead of dropping it. A server without the plugin gives [`Error::PluginMissing`].
//!
//! By job: `read` fetches and assembles portfolios, `rows` converts the plugin's rows to the
//! local models and back, `write` is the `PortfolioBackend` implementation, `import` copies a
//! whole portfolio in.

mod import;
mod read;
mod rows;
mod write;

use super::error::Error;
use super::fetch::BatchOptions;
use crate::KanboardClient;

/// Portfolios on the server, through the Portfolio plugin.
#[derive(Debug, Clone)]
pub struct RemotePortfolioBackend {
    kb: KanboardClient,
    opts: BatchOptions,
}

impl RemotePortfolioBackend {
    /// The plugin's portfolios on the server `kb` talks to, with the default
    /// [`BatchOptions`]; nothing is sent until a method is called.
    pub fn new(kb: KanboardClient) -> Self {
        RemotePortfolioBackend {
            kb,
            opts: BatchOptions::default(),
        }
    }

    /// How reads of many milestones and tasks are grouped into batches.
    pub fn batch_options(mut self, opts: BatchOptions) -> Self {
        self.opts = opts;
        self
    }

    /// A client error, or [`Error::PluginMissing`] when the method does not exist.
    fn err(&self, e: crate::Error) -> Error {
        if e.is_method_not_found() {
            Error::PluginMissing {
                url: self.kb.url().to_owned(),
            }
        } else {
            Error::Client(e)
        }
    }
}
