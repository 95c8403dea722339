//! Cross-project orchestration: portfolios, milestones, dependency analysis and critical path,
//! interoperable with kanboard-cli's `kanboard.orchestration` and its local store file.
//!
//! ```no_run
//! # async fn example() -> kanboard::orchestration::Result<()> {
//! use kanboard::orchestration::{create_backend, PortfolioManager};
//! let kb = kanboard::KanboardClient::new("http://localhost/jsonrpc.php", "token")?;
//! let backend = create_backend("local", Some(&kb), None)?;
//! let manager = PortfolioManager::new(kb, backend);
//! let analysis = manager.analyze("platform-launch").await?;
//! for p in &analysis.progress {
//!     println!("{}: {:.0}%", p.milestone_name, p.percent);
//! }
//! for t in analysis.dependencies.critical_path()? {
//!     println!("#{} {}", t.id, t.title);
//! }
//! # Ok(()) }
//! ```
//!
//! See `docs/orchestration.md` for the differences from kanboard-cli.

mod backend;
mod dependencies;
mod error;
mod export;
mod fetch;
pub mod graph;
mod manager;
mod models;
mod overwrite;
mod pyjson;
mod remote;
mod store;

pub use backend::{
    AnyBackend, BackendKind, ImportPlan, Imported, PortfolioBackend, create_backend,
};
pub use dependencies::{
    DependencyAnalyzer, DependencyGraph, DependencySnapshot, GraphEdge, GraphNode,
};
pub use error::{Error, Result};
pub use fetch::BatchOptions;
pub use manager::{
    AT_RISK_DAYS, AT_RISK_PERCENT, META_MILESTONE_CRITICAL, META_MILESTONES, META_PORTFOLIO,
    PortfolioAnalysis, PortfolioManager, SyncReport, TaskFilter, TaskStatus,
};
pub use models::{DependencyEdge, Milestone, MilestoneProgress, Portfolio};
pub use overwrite::overwrite_losses;
pub use remote::RemotePortfolioBackend;
pub use store::{LocalPortfolioStore, MilestoneUpdate, PortfolioUpdate, default_store_path};

/// Parses a date-time as kanboard-cli's store holds it (`2026-06-30T00:00:00`, a bare date,
/// or with an offset), or formats one as it writes it.
pub mod datetime {
    pub use super::models::naive::{format, parse};
}
