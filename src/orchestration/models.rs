//! The four orchestration models, with the field names of kanboard-cli's `kanboard.models` and
//! its local store's JSON layout.
//!
//! Dates are naive local date-times (`jiff::civil::DateTime`), as kanboard-cli writes them
//! (`datetime.now().isoformat()`): writing an offset would make its naive comparisons fail.

use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A named group of Kanboard projects with cross-project milestones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Portfolio {
    /// The portfolio's name: its key, case-sensitive and unique in a backend.
    pub name: String,
    /// Free text; empty for none.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub description: String,
    /// Ids of its Kanboard projects, each once, in the order they were added.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub project_ids: Vec<i64>,
    /// Its milestones, in the order they were added.
    #[serde(default, deserialize_with = "null_as_default")]
    pub milestones: Vec<Milestone>,
    /// When it was created, local time without offset (as kanboard-cli writes it); `None` in
    /// files that lack it.
    #[serde(default, with = "naive")]
    pub created_at: Option<DateTime>,
    /// When it, or one of its milestones, last changed; local time without offset.
    #[serde(default, with = "naive")]
    pub updated_at: Option<DateTime>,
    /// Fields this library does not know (a newer kanboard-cli's, or the plugin's extras such
    /// as `owner_id` after a migration), kept so that rewriting the file loses nothing.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Portfolio {
    /// A portfolio with this name and nothing else (no dates until a backend stores it).
    pub fn new(name: impl Into<String>) -> Self {
        Portfolio {
            name: name.into(),
            description: String::new(),
            project_ids: Vec::new(),
            milestones: Vec::new(),
            created_at: None,
            updated_at: None,
            extra: Map::new(),
        }
    }

    /// Sets the description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    /// Sets the project list, replacing it (kept as given, duplicates included).
    pub fn project_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.project_ids = ids.into_iter().collect();
        self
    }

    /// Adds a milestone, setting its `portfolio_name` to this portfolio's name.
    pub fn milestone(mut self, mut m: Milestone) -> Self {
        m.portfolio_name = self.name.clone();
        self.milestones.push(m);
        self
    }

    /// The milestone with this exact name.
    pub fn find_milestone(&self, name: &str) -> Option<&Milestone> {
        self.milestones.iter().find(|m| m.name == name)
    }
}

/// A dated goal grouping tasks across a portfolio's projects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Milestone {
    /// The milestone's name, unique (case-sensitive) within its portfolio.
    pub name: String,
    /// The portfolio it belongs to (kanboard-cli stores it in each milestone).
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub portfolio_name: String,
    /// When it is due, local time without offset; `None` for no date (never at risk or
    /// overdue then).
    #[serde(default, with = "naive")]
    pub target_date: Option<DateTime>,
    /// Ids of its Kanboard tasks, each once, in the order they were added.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub task_ids: Vec<i64>,
    /// The subset of `task_ids` marked critical.
    #[serde(default, deserialize_with = "crate::de::loose")]
    pub critical_task_ids: Vec<i64>,
    /// Fields this library does not know, kept on rewrite (see [`Portfolio::extra`]).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Milestone {
    /// A milestone with this name, no date and no task.
    pub fn new(name: impl Into<String>) -> Self {
        Milestone {
            name: name.into(),
            portfolio_name: String::new(),
            target_date: None,
            task_ids: Vec::new(),
            critical_task_ids: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Sets the target date.
    pub fn target_date(mut self, d: DateTime) -> Self {
        self.target_date = Some(d);
        self
    }

    /// Adds a task (once), and marks it critical when asked.
    pub fn task(mut self, task_id: i64, critical: bool) -> Self {
        self.add_task(task_id, critical);
        self
    }

    pub(crate) fn add_task(&mut self, task_id: i64, critical: bool) {
        if !self.task_ids.contains(&task_id) {
            self.task_ids.push(task_id);
        }
        if critical && !self.critical_task_ids.contains(&task_id) {
            self.critical_task_ids.push(task_id);
        }
    }
}

/// A milestone's progress, computed from its tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MilestoneProgress {
    /// The milestone's name.
    pub milestone_name: String,
    /// The name of its portfolio.
    pub portfolio_name: String,
    /// The milestone's target date; `None` when it has none.
    #[serde(with = "naive")]
    pub target_date: Option<DateTime>,
    /// Tasks of the milestone that still exist on the server.
    pub total: usize,
    /// Closed tasks among them.
    pub completed: usize,
    /// completed / total × 100; 0 when the milestone has no tasks (as the plugin says;
    /// kanboard-cli says 100).
    pub percent: f64,
    /// Target within the next 7 days and under 80 % done.
    pub is_at_risk: bool,
    /// Target passed and under 100 % done.
    pub is_overdue: bool,
    /// Tasks of the milestone with an unresolved `is blocked by` link to an open task.
    pub blocked_task_ids: Vec<i64>,
}

/// A blocking link, normalised to blocker (`task_*`) → blocked (`opposite_task_*`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct DependencyEdge {
    /// Id of the blocking task.
    pub task_id: i64,
    /// Title of the blocking task.
    pub task_title: String,
    /// Project id of the blocking task.
    pub task_project_id: i64,
    /// Project name of the blocking task.
    pub task_project_name: String,
    /// Id of the blocked task.
    pub opposite_task_id: i64,
    /// Title of the blocked task.
    pub opposite_task_title: String,
    /// Project id of the blocked task.
    pub opposite_task_project_id: i64,
    /// Project name of the blocked task.
    pub opposite_task_project_name: String,
    /// Always `blocks` (the direction every edge is normalised to).
    pub link_label: String,
    /// The two tasks are in different projects.
    pub is_cross_project: bool,
    /// The blocker is closed.
    pub is_resolved: bool,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Naive date-times as Python's `datetime.isoformat()` writes them, read leniently.
pub(crate) mod naive {
    use jiff::civil::DateTime;
    use serde::{Deserialize, Deserializer, Serializer};

    /// `2026-06-30T00:00:00`, or with 6 fraction digits when there are microseconds.
    pub fn format(dt: &DateTime) -> String {
        let base = dt.strftime("%Y-%m-%dT%H:%M:%S").to_string();
        match dt.subsec_nanosecond() {
            0 => base,
            ns => format!("{base}.{:06}", ns / 1000),
        }
    }

    /// Accepts what Python's `datetime.fromisoformat` writes and reads: a date, a naive
    /// date-time, or one with an offset (taken to local time, since the file is naive).
    pub fn parse(s: &str) -> Result<DateTime, String> {
        if let Ok(ts) = s.parse::<jiff::Timestamp>() {
            return Ok(ts
                .to_zoned_datetime(jiff::tz::TimeZone::system())
                .datetime());
        }
        if let Ok(dt) = s.parse::<DateTime>() {
            return Ok(dt);
        }
        s.parse::<jiff::civil::Date>()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
            .map_err(|e| format!("{s:?} is not an ISO 8601 date or date-time: {e}"))
    }

    pub fn serialize<S: Serializer>(v: &Option<DateTime>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(dt) => s.serialize_str(&format(dt)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => parse(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// The current local time as a naive date-time, to the microsecond (as Python keeps it).
pub(crate) fn now_naive() -> DateTime {
    let dt = jiff::ZonedDateTime::now().datetime();
    let ns = dt.subsec_nanosecond();
    dt.with()
        .subsec_nanosecond(ns - ns % 1000)
        .build()
        .unwrap_or(dt)
}
