//! Where portfolios live: the [`PortfolioBackend`] trait, its two implementations and the
//! factory that picks one at run time.

use super::error::{Error, Result};
use super::models::{Milestone, Portfolio};
use super::remote::RemotePortfolioBackend;
use super::store::{LocalPortfolioStore, MilestoneUpdate, PortfolioUpdate};
use crate::KanboardClient;
use jiff::civil::DateTime;
use std::future::Future;
use std::path::PathBuf;

/// Which backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendKind {
    /// The JSON file shared with kanboard-cli ([`LocalPortfolioStore`]).
    Local,
    /// The server's Portfolio plugin ([`RemotePortfolioBackend`]).
    Remote,
}

impl BackendKind {
    /// `local` or `remote`, as the config's `portfolio_backend` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Local => "local",
            BackendKind::Remote => "remote",
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "local" => Ok(BackendKind::Local),
            "remote" => Ok(BackendKind::Remote),
            other => Err(Error::UnknownBackend {
                given: other.into(),
            }),
        }
    }
}

/// What a whole-portfolio import did, and what the target could not keep.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Imported {
    /// The portfolio as the target now holds it.
    pub portfolio: Portfolio,
    /// Each thing the target cannot hold by design, by name (a time of day, the local
    /// timestamps, unknown fields); empty when nothing was lost.
    pub warnings: Vec<String>,
    /// Each project, milestone or task the target refused, by name and with the reason when
    /// it is known (a task that does not exist, or whose project is not in the portfolio):
    /// the import is incomplete when this is not empty.
    pub refused: Vec<String>,
}

/// What an import would do, found without writing: the same lists as [`Imported`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ImportPlan {
    /// What the target cannot hold by design, as [`Imported::warnings`].
    pub warnings: Vec<String>,
    /// What the target would refuse, as [`Imported::refused`].
    pub refused: Vec<String>,
}

/// Portfolio storage, addressed by names (as kanboard-cli's `PortfolioBackend` protocol).
///
/// Names are case-sensitive; a missing portfolio or milestone is
/// [`Error::PortfolioNotFound`] / [`Error::MilestoneNotFound`], a taken name
/// [`Error::PortfolioExists`] / [`Error::MilestoneExists`].
pub trait PortfolioBackend: Send + Sync {
    /// Which backend this is.
    fn kind(&self) -> BackendKind;

    /// Every portfolio with its milestones, tasks and critical tasks.
    fn load(&self) -> impl Future<Output = Result<Vec<Portfolio>>> + Send;

    /// Creates a portfolio with these projects and no milestone; a blank name is
    /// [`Error::Invalid`], a taken one [`Error::PortfolioExists`].
    fn create_portfolio(
        &self,
        name: &str,
        description: &str,
        project_ids: &[i64],
    ) -> impl Future<Output = Result<Portfolio>> + Send;

    /// One portfolio, with its milestones.
    fn get_portfolio(&self, name: &str) -> impl Future<Output = Result<Portfolio>> + Send;

    /// Changes what `update` sets (a rename, the description, the whole project list) and
    /// gives the portfolio as it now is.
    fn update_portfolio(
        &self,
        name: &str,
        update: PortfolioUpdate,
    ) -> impl Future<Output = Result<Portfolio>> + Send;

    /// `false` when there was no such portfolio.
    fn remove_portfolio(&self, name: &str) -> impl Future<Output = Result<bool>> + Send;

    /// Adds a project (no change when it is already there).
    fn add_project(
        &self,
        portfolio: &str,
        project_id: i64,
    ) -> impl Future<Output = Result<Portfolio>> + Send;

    /// Takes a project out (no change when it is not there).
    fn remove_project(
        &self,
        portfolio: &str,
        project_id: i64,
    ) -> impl Future<Output = Result<Portfolio>> + Send;

    /// Adds a milestone without tasks; a blank name is [`Error::Invalid`], a name the
    /// portfolio already has [`Error::MilestoneExists`].
    fn add_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        target_date: Option<DateTime>,
    ) -> impl Future<Output = Result<Milestone>> + Send;

    /// Renames a milestone or changes its target date, as `update` says.
    fn update_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        update: MilestoneUpdate,
    ) -> impl Future<Output = Result<Milestone>> + Send;

    /// `false` when the portfolio has no such milestone.
    fn remove_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Adds a task (no change when it is there); `critical` marks it critical too.
    fn add_task_to_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
        critical: bool,
    ) -> impl Future<Output = Result<Milestone>> + Send;

    /// Takes a task out of a milestone and of its critical tasks (no change when it is not
    /// there).
    fn remove_task_from_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
    ) -> impl Future<Output = Result<Milestone>> + Send;

    /// What [`import_portfolio`](Self::import_portfolio) would not keep of `portfolio` and
    /// what the target would refuse, by name, found by reading only: for a migration's dry
    /// run.
    fn plan_import(&self, portfolio: &Portfolio)
    -> impl Future<Output = Result<ImportPlan>> + Send;

    /// Creates a portfolio with everything it holds (projects, milestones, target dates,
    /// tasks, critical tasks), for migrations. Its name must be new.
    fn import_portfolio(
        &self,
        portfolio: &Portfolio,
    ) -> impl Future<Output = Result<Imported>> + Send;
}

impl PortfolioBackend for LocalPortfolioStore {
    fn kind(&self) -> BackendKind {
        BackendKind::Local
    }
    async fn load(&self) -> Result<Vec<Portfolio>> {
        LocalPortfolioStore::load(self)
    }
    async fn create_portfolio(
        &self,
        name: &str,
        description: &str,
        ids: &[i64],
    ) -> Result<Portfolio> {
        LocalPortfolioStore::create_portfolio(self, name, description, ids)
    }
    async fn get_portfolio(&self, name: &str) -> Result<Portfolio> {
        LocalPortfolioStore::get_portfolio(self, name)
    }
    async fn update_portfolio(&self, name: &str, update: PortfolioUpdate) -> Result<Portfolio> {
        LocalPortfolioStore::update_portfolio(self, name, update)
    }
    async fn remove_portfolio(&self, name: &str) -> Result<bool> {
        LocalPortfolioStore::remove_portfolio(self, name)
    }
    async fn add_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        LocalPortfolioStore::add_project(self, portfolio, project_id)
    }
    async fn remove_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        LocalPortfolioStore::remove_project(self, portfolio, project_id)
    }
    async fn add_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        target_date: Option<DateTime>,
    ) -> Result<Milestone> {
        LocalPortfolioStore::add_milestone(self, portfolio, milestone, target_date)
    }
    async fn update_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        update: MilestoneUpdate,
    ) -> Result<Milestone> {
        LocalPortfolioStore::update_milestone(self, portfolio, milestone, update)
    }
    async fn remove_milestone(&self, portfolio: &str, milestone: &str) -> Result<bool> {
        LocalPortfolioStore::remove_milestone(self, portfolio, milestone)
    }
    async fn add_task_to_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
        critical: bool,
    ) -> Result<Milestone> {
        LocalPortfolioStore::add_task_to_milestone(self, portfolio, milestone, task_id, critical)
    }
    async fn remove_task_from_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
    ) -> Result<Milestone> {
        LocalPortfolioStore::remove_task_from_milestone(self, portfolio, milestone, task_id)
    }
    async fn plan_import(&self, _portfolio: &Portfolio) -> Result<ImportPlan> {
        // The file keeps every field, unknown ones included, and refuses no id.
        Ok(ImportPlan::default())
    }
    async fn import_portfolio(&self, portfolio: &Portfolio) -> Result<Imported> {
        Ok(Imported {
            portfolio: LocalPortfolioStore::import_portfolio(self, portfolio)?,
            warnings: Vec::new(),
            refused: Vec::new(),
        })
    }
}

/// One of the two backends, as [`create_backend`] returns it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AnyBackend {
    /// The JSON file.
    Local(LocalPortfolioStore),
    /// The server's Portfolio plugin.
    Remote(RemotePortfolioBackend),
}

/// Picks a backend by name: `"local"` (the store at `path`, or the default path) or
/// `"remote"` (the plugin, through `client`).
pub fn create_backend(
    kind: &str,
    client: Option<&KanboardClient>,
    path: Option<PathBuf>,
) -> Result<AnyBackend> {
    match kind.parse::<BackendKind>()? {
        BackendKind::Local => Ok(AnyBackend::Local(match path {
            Some(p) => LocalPortfolioStore::new(p),
            None => LocalPortfolioStore::open_default()?,
        })),
        BackendKind::Remote => match client {
            Some(kb) => Ok(AnyBackend::Remote(RemotePortfolioBackend::new(kb.clone()))),
            None => Err(Error::Invalid(
                "the remote portfolio backend needs a Kanboard client".into(),
            )),
        },
    }
}

macro_rules! both {
    ($self:ident, $b:ident => $e:expr) => {
        match $self {
            AnyBackend::Local($b) => $e,
            AnyBackend::Remote($b) => $e,
        }
    };
}

impl PortfolioBackend for AnyBackend {
    fn kind(&self) -> BackendKind {
        both!(self, b => b.kind())
    }
    async fn load(&self) -> Result<Vec<Portfolio>> {
        both!(self, b => PortfolioBackend::load(b).await)
    }
    async fn create_portfolio(
        &self,
        name: &str,
        description: &str,
        ids: &[i64],
    ) -> Result<Portfolio> {
        both!(self, b => PortfolioBackend::create_portfolio(b, name, description, ids).await)
    }
    async fn get_portfolio(&self, name: &str) -> Result<Portfolio> {
        both!(self, b => PortfolioBackend::get_portfolio(b, name).await)
    }
    async fn update_portfolio(&self, name: &str, update: PortfolioUpdate) -> Result<Portfolio> {
        both!(self, b => PortfolioBackend::update_portfolio(b, name, update).await)
    }
    async fn remove_portfolio(&self, name: &str) -> Result<bool> {
        both!(self, b => PortfolioBackend::remove_portfolio(b, name).await)
    }
    async fn add_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        both!(self, b => PortfolioBackend::add_project(b, portfolio, project_id).await)
    }
    async fn remove_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        both!(self, b => PortfolioBackend::remove_project(b, portfolio, project_id).await)
    }
    async fn add_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        target_date: Option<DateTime>,
    ) -> Result<Milestone> {
        both!(self, b => PortfolioBackend::add_milestone(b, portfolio, milestone, target_date).await)
    }
    async fn update_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        update: MilestoneUpdate,
    ) -> Result<Milestone> {
        both!(self, b => PortfolioBackend::update_milestone(b, portfolio, milestone, update).await)
    }
    async fn remove_milestone(&self, portfolio: &str, milestone: &str) -> Result<bool> {
        both!(self, b => PortfolioBackend::remove_milestone(b, portfolio, milestone).await)
    }
    async fn add_task_to_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
        critical: bool,
    ) -> Result<Milestone> {
        both!(self, b => PortfolioBackend::add_task_to_milestone(b, portfolio, milestone, task_id, critical).await)
    }
    async fn remove_task_from_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
    ) -> Result<Milestone> {
        both!(self, b => PortfolioBackend::remove_task_from_milestone(b, portfolio, milestone, task_id).await)
    }
    async fn plan_import(&self, portfolio: &Portfolio) -> Result<ImportPlan> {
        both!(self, b => PortfolioBackend::plan_import(b, portfolio).await)
    }
    async fn import_portfolio(&self, portfolio: &Portfolio) -> Result<Imported> {
        both!(self, b => PortfolioBackend::import_portfolio(b, portfolio).await)
    }
}
