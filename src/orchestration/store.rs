//! The local portfolio store: one JSON file in kanboard-cli's format, safe to share between
//! processes and with kanboard-cli.
//!
//! Every change is a read-modify-write under an exclusive lock on a sidecar file
//! (`portfolios.json.lock`), so concurrent writers of this library never lose an update.
//! The new content goes to a temporary file in the same folder, is flushed to disk, renamed
//! over the store and the folder is flushed: a reader (or kanboard-cli, which takes no lock)
//! sees the old file or the new one, never a part of one, even if the writer is killed.

use super::error::{Error, Result};
use super::models::{Milestone, Portfolio, now_naive};
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
}

#[derive(Deserialize)]
struct FileIn {
    version: serde_json::Value,
    #[serde(default)]
    portfolios: Option<Vec<Portfolio>>,
}

/// Changes to a portfolio; fields left `None` stay as they are.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PortfolioUpdate {
    /// A new name (must not be taken).
    pub name: Option<String>,
    pub description: Option<String>,
    /// The whole new project list.
    pub project_ids: Option<Vec<i64>>,
}

impl PortfolioUpdate {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }
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
    pub fn new() -> Self {
        Self::default()
    }
    pub fn name(mut self, n: impl Into<String>) -> Self {
        self.name = Some(n.into());
        self
    }
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

static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

impl LocalPortfolioStore {
    /// A store at this path (created on the first write).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        LocalPortfolioStore { path: path.into() }
    }

    /// The store at [`default_store_path`].
    pub fn open_default() -> Result<Self> {
        Ok(Self::new(default_store_path()?))
    }

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
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(self.io("read")(e)),
        };
        self.parse(&bytes)
    }

    fn parse(&self, bytes: &[u8]) -> Result<Vec<Portfolio>> {
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
        Ok(file.portfolios.unwrap_or_default())
    }

    /// Replaces the whole content (under the lock).
    pub fn save(&self, portfolios: &[Portfolio]) -> Result<()> {
        let _lock = self.lock()?;
        self.write_unlocked(portfolios)
    }

    /// Read-modify-write under the store's exclusive lock: `change` sees the current content,
    /// and the file is written only when it returns `Ok` and reports a change.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Vec<Portfolio>) -> Result<(T, bool)>,
    ) -> Result<T> {
        let _lock = self.lock()?;
        let mut portfolios = self.load()?;
        let (out, changed) = change(&mut portfolios)?;
        if changed {
            self.write_unlocked(&portfolios)?;
        }
        Ok(out)
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self.path.file_name().unwrap_or_default().to_os_string();
        name.push(".lock");
        self.path.with_file_name(name)
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
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(self.lock_path())
            .map_err(self.io("open the lock file"))?;
        file.lock().map_err(self.io("lock"))?;
        Ok(file)
    }

    fn temp_prefix(&self) -> String {
        format!(
            ".{}.",
            self.path.file_name().unwrap_or_default().to_string_lossy()
        )
    }

    /// Writes atomically; the caller holds the lock.
    fn write_unlocked(&self, portfolios: &[Portfolio]) -> Result<()> {
        let dir = self.dir();
        self.remove_stale_temps(&dir);
        let mut text = serde_json::to_vec_pretty(&FileOut {
            version: VERSION,
            portfolios,
        })
        .map_err(|e| Error::StoreFormat {
            path: self.path.clone(),
            reason: format!("cannot encode: {e}"),
        })?;
        text.push(b'\n');
        let temp = dir.join(format!(
            "{}{}.{}.tmp",
            self.temp_prefix(),
            std::process::id(),
            TEMP_SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let result = (|| {
            let mut f = private_options()
                .write(true)
                .create_new(true)
                .open(&temp)
                .map_err(self.io("create a temporary file"))?;
            f.write_all(&text).map_err(self.io("write"))?;
            f.sync_all().map_err(self.io("flush"))?;
            drop(f);
            fs::rename(&temp, &self.path).map_err(self.io("replace the file"))?;
            sync_dir(&dir).map_err(self.io("flush the folder"))
        })();
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        result
    }

    /// Temporary files a killed writer left behind. Only called under the lock, when no
    /// other writer of this library can have one open.
    fn remove_stale_temps(&self, dir: &Path) {
        let prefix = self.temp_prefix();
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&prefix) && name.ends_with(".tmp") {
                let _ = fs::remove_file(e.path());
            }
        }
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

    pub fn get_portfolio(&self, name: &str) -> Result<Portfolio> {
        self.load()?
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| Error::PortfolioNotFound { name: name.into() })
    }

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

    pub fn remove_project(&self, portfolio: &str, project_id: i64) -> Result<Portfolio> {
        self.update(|all| {
            let p = find_mut(all, portfolio)?;
            p.project_ids.retain(|&id| id != project_id);
            p.updated_at = Some(now_naive());
            Ok((p.clone(), true))
        })
    }

    // ----- milestones -----

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

/// Files readable and writable by the owner only, as kanboard-cli's `mkstemp` leaves them.
fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Makes a rename durable: on Unix the folder entry is flushed too.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
