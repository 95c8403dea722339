//! Errors of the orchestration layer: the client's errors plus what only a store, a backend
//! or a dependency graph can get wrong.

use std::path::PathBuf;

/// Result of every orchestration call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in portfolio, milestone and dependency work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A call to Kanboard failed.
    #[error(transparent)]
    Client(#[from] crate::Error),

    /// No portfolio has this name (names are case-sensitive).
    #[error("portfolio {name:?} not found")]
    PortfolioNotFound {
        /// The name asked for.
        name: String,
    },

    #[error("milestone {milestone:?} not found in portfolio {portfolio:?}")]
    /// The portfolio has no milestone of this name.
    MilestoneNotFound {
        /// The portfolio's name.
        portfolio: String,
        /// The milestone name asked for.
        milestone: String,
    },

    /// Another portfolio already has this name (creating, renaming or importing).
    #[error("portfolio {name:?} already exists")]
    PortfolioExists {
        /// The name that is taken.
        name: String,
    },

    #[error("milestone {milestone:?} already exists in portfolio {portfolio:?}")]
    /// The portfolio already has a milestone of this name.
    MilestoneExists {
        /// The portfolio's name.
        portfolio: String,
        /// The milestone name that is taken.
        milestone: String,
    },

    /// The store file cannot be read as a portfolio store (malformed JSON, wrong version).
    #[error("portfolio store {}: {reason}", .path.display())]
    StoreFormat {
        /// The store file.
        path: PathBuf,
        /// What is wrong in it.
        reason: String,
    },

    /// The store file could not be read or replaced: a refusal (a read-only file, a dangling
    /// link, a FIFO or directory in its place) or a system error; nothing was changed.
    #[error("portfolio store: {0}")]
    File(#[from] crate::safe_file::FileError),

    /// Creating the store's folder or locking the store failed.
    #[error("portfolio store {}: {action}: {source}", .path.display())]
    Io {
        /// The store file (or its folder).
        path: PathBuf,
        /// What was being done, e.g. `create folder` or `lock`.
        action: &'static str,
        /// The system error.
        #[source]
        source: std::io::Error,
    },

    /// The server has no Portfolio plugin (its methods answer -32601).
    #[error(
        "the Kanboard server at {url} does not have the Portfolio plugin \
         (kanboard-plugin-portfolio-management): install it, or use the local backend"
    )]
    PluginMissing {
        /// The endpoint asked.
        url: String,
    },

    /// The plugin cannot hold this, or did not accept it; `what` names the objects concerned.
    #[error("the Portfolio plugin cannot do this: {what}")]
    Unsupported {
        /// What the plugin could not hold, by name.
        what: String,
    },

    /// The blocking links among open tasks form a cycle, so no critical path exists.
    #[error("dependency cycle among open tasks: {}", cycle_text(.task_ids))]
    Cycle {
        /// The tasks of one cycle, each blocking the next; the last blocks the first.
        task_ids: Vec<i64>,
    },

    /// A backend name other than `local` or `remote`.
    #[error("unknown portfolio backend {given:?}: choose \"local\" or \"remote\"")]
    UnknownBackend {
        /// The name given.
        given: String,
    },

    /// Invalid input, such as an empty portfolio name or a remote backend without a client.
    #[error("{0}")]
    Invalid(String),
}

fn cycle_text(ids: &[i64]) -> String {
    let mut s: Vec<String> = ids.iter().map(|i| format!("#{i}")).collect();
    if let Some(first) = s.first().cloned() {
        s.push(first);
    }
    s.join(" blocks ")
}

impl Error {
    /// A portfolio or milestone of that name does not exist, or Kanboard found nothing
    /// ([`crate::Error::NotFound`]).
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::PortfolioNotFound { .. } | Error::MilestoneNotFound { .. } => true,
            Error::Client(e) => e.is_not_found(),
            _ => false,
        }
    }

    /// The name is taken by another portfolio or milestone.
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            Error::PortfolioExists { .. } | Error::MilestoneExists { .. }
        )
    }
}
