//! Tasks as a table shows them: their column and swimlane by name, as people know them, in
//! place of the ids the server sends. The names of every project the tasks are in come in one
//! batched request (`getColumns` and `getAllSwimlanes` for each project), never one per task.

use crate::ctx::Ctx;
use crate::terminal_text;
use kanboard::KanboardClient;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Id fields and the field that names them in their place.
const NAMED: &[(&str, &str)] = &[
    ("column_id", "column_name"),
    ("swimlane_id", "swimlane_name"),
];

/// The field a table shows for `column`: the name in place of an id this module names.
pub fn shown_as(column: &'static str) -> &'static str {
    NAMED
        .iter()
        .find(|(id, _)| *id == column)
        .map_or(column, |(_, name)| name)
}

/// Column titles and swimlane names by id (ids are unique across the server).
#[derive(Debug, Default)]
pub struct Names {
    pub columns: HashMap<i64, String>,
    pub swimlanes: HashMap<i64, String>,
}

/// The tasks of `value` (a list of tasks or one task, as JSON) with names in place of ids. If
/// the names cannot be read, the ids stay and a note on stderr says why.
pub async fn named(ctx: &Ctx, kb: &KanboardClient, value: Value) -> Value {
    let projects = project_ids(&value);
    if projects.is_empty() {
        return value;
    }
    match lookup(kb, &projects).await {
        Ok(names) => rename(value, &names, ctx.columns.as_deref().unwrap_or_default()),
        Err(e) => {
            terminal_text::warn(&format!(
                "note: columns and swimlanes are shown by id: their names could not be read ({})",
                ctx.fail(e).message
            ));
            value
        }
    }
}

/// The distinct projects of the tasks, in order of appearance.
fn project_ids(value: &Value) -> Vec<i64> {
    let tasks: Vec<&Map<String, Value>> = match value {
        Value::Array(items) => items.iter().filter_map(Value::as_object).collect(),
        Value::Object(task) => vec![task],
        _ => Vec::new(),
    };
    let mut ids: Vec<i64> = Vec::new();
    for id in tasks
        .iter()
        .filter_map(|t| t.get("project_id").and_then(Value::as_i64))
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Every column and swimlane (disabled ones too) of `projects`, in one request.
async fn lookup(kb: &KanboardClient, projects: &[i64]) -> kanboard::Result<Names> {
    let mut batch = kb.batch();
    let mut slots = Vec::new();
    for &p in projects {
        slots.push((
            batch.add(kb.columns().get_columns(p))?,
            batch.add(kb.swimlanes().get_all_swimlanes(p))?,
        ));
    }
    let mut results = batch.send().await?;
    let mut names = Names::default();
    for (columns, swimlanes) in slots {
        for c in results.take(columns)? {
            names.columns.insert(c.id.get(), c.title);
        }
        for s in results.take(swimlanes)? {
            names.swimlanes.insert(s.id.get(), s.name);
        }
    }
    Ok(names)
}

/// Each task's `column_id` and `swimlane_id` replaced, in place, by `column_name` and
/// `swimlane_name`; an id named in `keep` (`--columns`) stays beside its name. An id with no
/// name known shows as `#id`.
pub fn rename(value: Value, names: &Names, keep: &[String]) -> Value {
    let one = |task: Map<String, Value>| -> Map<String, Value> {
        let mut out = Map::new();
        for (k, v) in task {
            let Some((_, name_key)) = NAMED.iter().find(|(id_key, _)| *id_key == k) else {
                // A name the server sent itself (searchTasks' `column_name`) gives way to the
                // one read here for its id.
                if !(NAMED.iter().any(|(_, n)| *n == k) && out.contains_key(&k)) {
                    out.insert(k, v);
                }
                continue;
            };
            let map = if k == "column_id" {
                &names.columns
            } else {
                &names.swimlanes
            };
            let name = match v.as_i64() {
                Some(id) => map.get(&id).cloned().unwrap_or_else(|| format!("#{id}")),
                None => String::new(),
            };
            if keep.contains(&k) {
                out.insert(k.clone(), v);
            }
            out.insert((*name_key).to_owned(), Value::String(name));
        }
        out
    };
    match value {
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| match i {
                    Value::Object(t) => Value::Object(one(t)),
                    other => other,
                })
                .collect(),
        ),
        Value::Object(t) => Value::Object(one(t)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names() -> Names {
        Names {
            columns: HashMap::from([(2, "Ready".into()), (3, "Work in progress".into())]),
            swimlanes: HashMap::from([(1, "Default swimlane".into())]),
        }
    }

    #[test]
    fn ids_become_names_in_place() {
        let tasks = json!([{"id": 1, "column_id": 2, "title": "a", "swimlane_id": 1},
                           {"id": 2, "column_id": 9, "title": "b", "swimlane_id": 1}]);
        let out = rename(tasks, &names(), &[]);
        assert_eq!(
            out,
            json!([{"id": 1, "column_name": "Ready", "title": "a", "swimlane_name": "Default swimlane"},
                   {"id": 2, "column_name": "#9", "title": "b", "swimlane_name": "Default swimlane"}])
        );
        let keys: Vec<&String> = out[0].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "column_name", "title", "swimlane_name"]);
    }

    #[test]
    fn ids_asked_for_stay_and_server_names_are_replaced() {
        let task = json!({"id": 1, "column_id": 3, "column_name": "old", "swimlane_id": 1});
        let out = rename(task, &names(), &["column_id".into()]);
        assert_eq!(
            out,
            json!({"id": 1, "column_id": 3, "column_name": "Work in progress", "swimlane_name": "Default swimlane"})
        );
    }

    #[test]
    fn projects_are_read_once_each() {
        let tasks = json!([{"project_id": 2}, {"project_id": 1}, {"project_id": 2}, {"x": 1}]);
        assert_eq!(project_ids(&tasks), vec![2, 1]);
        assert_eq!(project_ids(&json!({"project_id": 4})), vec![4]);
        assert!(project_ids(&json!(null)).is_empty());
    }
}
