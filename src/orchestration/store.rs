//! The local portfolio store: one JSON file in kanboard-cli's format, safe to share between
//! processes and with kanboard-cli.
//!
//! Every change is a read-modify-write under an exclusive lock on a sidecar file
//! (`portfolios.json.lock`), so concurrent writers of this library never lose an update.
//! The file is read and replaced through [`crate::safe_file`]: the new content goes to a
//! temporary file in the same folder, is flushed to disk, renamed over the store and the folder
//! is flushed, so a reader (or kanboard-cli, which takes no lock) sees the old file or the new
//! one, never a part of one, even if the writer is killed. A symbolic link is written through
//! (the link stays, its target is replaced, and the lock is taken beside the target); a dangling
//! link, a read-only file, or a FIFO, directory or device in the store's place is a typed
//! [`Error::File`] and nothing changes; an existing file keeps its mode, a new one is 0600.
//!
//! Keys this library does not know are kept across a rewrite, at the top level of the file as
//! in each portfolio and milestone: a newer kanboard-cli's additions are not lost (kanboard-cli
//! itself writes only `version` and `portfolios`, so it would drop them).

use super::error::{Error, Result};
use super::models::{Milestone, Portfolio, now_naive};
use crate::safe_file;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

const VERSION: u64 = 1;

/// `~/.config/kanboard/portfolios.json`, where kanboard-cli keeps its store.
///
/// kanboard-cli uses `$HOME/.config/kanboard` whatever `XDG_CONFIG_HOME` says, so this does the
/// same: both tools must find the same file. Pass another path to
/// [`LocalPortfolioStore::new`] to put it elsewhere.
pub fn default_store_path() -> Result<PathBuf> {
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()))
        .ok_or_else(|| {
            Error::Invalid(
                "cannot find the home folder (HOME is not set): give the store's path".into(),
            )
        })?;
    Ok(PathBuf::from(home)
        .join(".config")
        .join("kanboard")
        .join("portfolios.json"))
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: u64,
    portfolios: &'a [Portfolio],
    #[serde(flatten)]
    extra: &'a Map<String, Value>,
}

#[derive(Deserialize)]
struct FileIn {
    version: Value,
    #[serde(default)]
    portfolios: Option<Vec<Portfolio>>,
    /// Top-level keys other than these two, written back as they were.
    #[serde(flatten)]
    extra: Map<String, Value>,
}

/// The whole file: the portfolios and the top-level keys kept for the next write.
#[derive(Default)]
struct Content {
    portfolios: Vec<Portfolio>,
    extra: Map<String, Value>,
}

/// Changes to a portfolio; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PortfolioUpdate {
    /// A new name (must not be taken).
    pub name: Option<String>,
    /// A new description (empty clears it).
    pub description: Option<String>,
    /// The whole new project list.
    pub project_ids: Option<Vec<i64>>,
}

impl PortfolioUpdate {
    /// An update that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }
    /// Renames the portfolio (a blank or taken name is refused).
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Replaces the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
    /// Replaces the project list (repeated ids are kept once).
    pub fn project_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.project_ids = Some(ids.into_iter().collect());
        self
    }
}

/// Changes to a milestone; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MilestoneUpdate {
    /// A new name (must not be taken in the portfolio).
    pub name: Option<String>,
    /// `Some(None)` clears the target date.
    pub target_date: Option<Option<DateTime>>,
}

impl MilestoneUpdate {
    /// An update that changes nothing.
    pub fn new() -> Self {
        Self::default()
    }
    /// Renames the milestone (a blank name, or one the portfolio has, is refused).
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    /// Sets the target date, or clears it with `None`.
    pub fn target_date(mut self, d: Option<DateTime>) -> Self {
        self.target_date = Some(d);
        self
    }
}

/// Portfolios and milestones in a JSON file (see the module docs for the guarantees).
#[derive(Debug, Clone)]
pub struct LocalPortfolioStore {
    path: PathBuf,
}

impl LocalPortfolioStore {
    /// A store at this path (created on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LocalPortfolioStore { path: path.into() }
    }

    /// The store at [`default_store_path`].
    pub fn open_default() -> Result<Self> {
        Ok(Self::new(default_store_path()?))
    }

    /// The store file (it may not exist yet).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, action: &'static str) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: self.path.clone(),
            action,
            source,
        }
    }

    /// Every portfolio; empty when the file does not exist yet.
    pub fn load(&self) -> Result<Vec<Portfolio>> {
        Ok(self.read_content()?.portfolios)
    }

    fn read_content(&self) -> Result<Content> {
        match safe_file::read(&self.path)? {
            Some(bytes) => self.parse(&bytes),
            None => Ok(Content::default()),
        }
    }

    fn parse(&self, bytes: &[u8]) -> Result<Content> {
        let bad = |reason: String| Error::StoreFormat {
            path: self.path.clone(),
            reason,
        };
        let file: FileIn =
            serde_json::from_slice(bytes).map_err(|e| bad(format!("malformed JSON: {e}")))?;
        if file.version.as_u64() != Some(VERSION) {
            return Err(bad(format!(
                "schema version mismatch: expected {VERSION}, got {}",
                file.version
            )));
        }
        Ok(Content {
            portfolios: file.portfolios.unwrap_or_default(),
            extra: file.extra,
        })
    }

    /// Replaces every portfolio (under the lock). The file's other top-level keys are kept, so
    /// a file that cannot be read as a store is refused rather than replaced.
    pub fn save(&self, portfolios: &[Portfolio]) -> Result<()> {
        let _lock = self.lock()?;
        let extra = self.read_content()?.extra;
        self.write_unlocked(portfolios, &extra)
    }

    /// Read-modify-write under the store's exclusive lock: `change` sees the current content,
    /// and the file is written only when it returns `Ok` and reports a change.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<Portfolio>) -> Result<(T, bool)>,
    ) -> Result<T> {
        let _lock = self.lock()?;
        let mut content = self.read_content()?;
        let (out, changed) = change(&mut content.portfolios)?;
        if changed {
            self.write_unlocked(&content.portfolios, &content.extra)?;
        }
        Ok(out)
    }

    /// `NAME.lock` beside the file a write replaces (a link's target), so that every path to
    /// one store shares one lock.
    fn lock_path(target: &Path) -> PathBuf {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        target.with_file_name(name)
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Takes the exclusive cross-process lock; released when the returned file is dropped.
    fn lock(&self) -> Result<File> {
        fs::create_dir_all(self.dir()).map_err(self.io("create the folder"))?;
        let target = safe_file::resolve(&self.path)?;
        let file = safe_file::private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(Self::lock_path(&target))
            .map_err(self.io("open the lock file"))?;
        file.lock().map_err(self.io("lock"))?;
        Ok(file)
    }

    /// Writes atomically; the caller holds the lock.
    fn write_unlocked(&self, portfolios: &[Portfolio], extra: &Map<String, Value>) -> Result<()> {
        let mut text = serde_json::to_vec_pretty(&FileOut {
            version: VERSION,
            portfolios,
            extra,
        })
        .map_err(|e| Error::StoreFormat {
            path: self.path.clone(),
            reason: format!("cannot encode: {e}"),
        })?;
        text.push(b'\n');
        // Under the lock no writer of this library has a temporary file open.
        safe_file::remove_stale_temps(&safe_file::resolve(&self.path)?);
        safe_file::write(&self.path, &text)?;
        Ok(())
    }

    // ----- portfolios -----

    /// Creates a portfolio; its name must be new (names are case-sensitive).
    pub fn create_portfolio(
        &self,
        name: &str,
        description: &str,
        project_ids: &[i64],
    ) -> Result<Portfolio> {
        check_name(name, "portfolio")?;
        self.update(|all| {
            if all.iter().any(|p| p.name == name) {
                return Err(Error::PortfolioExists { name: name.into() });
            }
            let now = now_naive();
            let mut p = Portfolio::new(name).description(description);
            for &id in project_ids {
                if !p.project_ids.contains(&id) {
                    p.project_ids.push(id);
                }
            }
            p.created_at = Some(now);
            p.updated_at = Some(now);
            all.push(p.clone());
            Ok((p, true))
        })
    }

    /// Stores a whole portfolio (milestones, tasks, critical flags, timestamps) as given: what
    /// a migration needs. Its name must be new.
    pub fn import_portfolio(&self, portfolio: &Portfolio) -> Result<Portfolio> {
        check_name(&portfolio.name, "portfolio")?;
        let mut p = portfolio.clone();
        for m in &mut p.milestones {
            m.portfolio_name = p.name.clone();
        }
        self.update(|all| {
            if all.iter().any(|q| q.name == p.name) {
                return Err(Error::PortfolioExists {
                    name: p.name.clone(),
                });
            }
            all.push(p.clone());
            Ok((p, true))
        })
    }

    /// One portfolio by its exact name; [`Error::PortfolioNotFound`] when there is none.
    pub fn get_portfolio(&self, name: &str) -> Result<Portfolio> {
        self.load()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::PortfolioNotFound { name: name.into() })
    }

    /// Applies `update` and gives the portfolio as now stored; a rename also renames it in
    /// each milestone's `portfolio_name`.
    pub fn update_portfolio(&self, name: &str, update: PortfolioUpdate) -> Result<Portfolio> {
        if let Some(n) = &update.name {
            check_name(n, "portfolio")?;
        }
        self.update(|all| {
            if let Some(new) = &update.name
                && new != name
                && all.iter().any(|p| &p.name == new)
            {
                return Err(Error::PortfolioExists { name: new.clone() });
            }
            let p = find_mut(all, name)?;
            if let Some(new) = update.name {
                for m in &mut p.milestones {
                    m.portfolio_name = new.clone();
                }
                p.name = new;
            }
            if let Some(d) = update.description {
                p.description = d;
            }
            if let Some(ids) = update.project_ids {
                p.project_ids.clear();
                for id in ids {
                    if !p.project_ids.contains(&id) {
                        p.project_ids.push(id);
                    }
                }
            }
            p.updated_at = Some(now_naive());
            Ok((p.clone(), true))
        })
    }

    /// `false` when there was no such portfolio.
    pub fn remove_portfolio(&self, name: &str) -> Result<bool> {
        self.update(|all| {
            let before = all.len();
            all.retain(|p| p.name != name);
            let removed = all.len() != before;
            Ok((removed, removed))
        })
    }

    /// Adds a project (once).
    pub fn add_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            if !p.project_ids.contains(&project_id) {
                p.project_ids.push(project_id);
            }
            p.updated_at = Some(now_naive());
            Ok((p.clone(), true))
        })
    }

    /// Takes a project out of the portfolio (no change when it is not there); its tasks stay
    /// in the milestones.
    pub fn remove_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            p.project_ids.retain(|&id| id != project_id);
            p.updated_at = Some(now_naive());
            Ok((p.clone(), true))
        })
    }

    // ----- milestones -----

    /// Adds a milestone without tasks; a blank name is [`Error::Invalid`], one the portfolio
    /// has [`Error::MilestoneExists`].
    pub fn add_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        target_date: Option<DateTime>,
    ) -> Result<Milestone> {
        check_name(milestone, "milestone")?;
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            if p.find_milestone(milestone).is_some() {
                return Err(Error::MilestoneExists {
                    portfolio: portfolio.into(),
                    milestone: milestone.into(),
                });
            }
            let mut m = Milestone::new(milestone);
            m.portfolio_name = portfolio.into();
            m.target_date = target_date;
            p.milestones.push(m.clone());
            p.updated_at = Some(now_naive());
            Ok((m, true))
        })
    }

    /// Renames a milestone or changes its target date, as `update` says.
    pub fn update_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        update: MilestoneUpdate,
    ) -> Result<Milestone> {
        if let Some(n) = &update.name {
            check_name(n, "milestone")?;
        }
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            if let Some(new) = &update.name
                && new != milestone
                && p.find_milestone(new).is_some()
            {
                return Err(Error::MilestoneExists {
                    portfolio: portfolio.into(),
                    milestone: new.clone(),
                });
            }
            let m = find_milestone_mut(p, milestone)?;
            if let Some(n) = update.name {
                m.name = n;
            }
            if let Some(t) = update.target_date {
                m.target_date = t;
            }
            let m = m.clone();
            p.updated_at = Some(now_naive());
            Ok((m, true))
        })
    }

    /// `false` when the portfolio has no such milestone.
    pub fn remove_milestone(&self, portfolio: &str, milestone: &str) -> Result<bool> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            let before = p.milestones.len();
            p.milestones.retain(|m| m.name != milestone);
            let removed = p.milestones.len() != before;
            if removed {
                p.updated_at = Some(now_naive());
            }
            Ok((removed, removed))
        })
    }

    /// Adds a task to a milestone (once); `critical` also lists it in `critical_task_ids`.
    pub fn add_task_to_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
        critical: bool,
    ) -> Result<Milestone> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            let m = find_milestone_mut(p, milestone)?;
            m.add_task(task_id, critical);
            let m = m.clone();
            p.updated_at = Some(now_naive());
            Ok((m, true))
        })
    }

    /// Takes a task out of a milestone (and of its critical tasks).
    pub fn remove_task_from_milestone(
        &self,
        portfolio: &str,
        milestone: &str,
        task_id: i64,
    ) -> Result<Milestone> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            let m = find_milestone_mut(p, milestone)?;
            m.task_ids.retain(|&t| t != task_id);
            m.critical_task_ids.retain(|&t| t != task_id);
            let m = m.clone();
            p.updated_at = Some(now_naive());
            Ok((m, true))
        })
    }
}

fn check_name(name: &str, what: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::Invalid(format!("a {what} name must not be blank")));
    }
    Ok(())
}

fn find_mut<'a>(all: &'a mut [Portfolio], name: &str) -> Result<&'a mut Portfolio> {
    all.iter_mut()
        .find(|p| p.name == name)
        .ok_or_else(|| Error::PortfolioNotFound { name: name.into() })
}

fn find_milestone_mut<'a>(p: &'a mut Portfolio, name: &str) -> Result<&'a mut Milestone> {
    let portfolio = p.name.clone();
    p.milestones
        .iter_mut()
        .find(|m| m.name == name)
        .ok_or(Error::MilestoneNotFound {
            portfolio,
            milestone: name.into(),
        })
}
