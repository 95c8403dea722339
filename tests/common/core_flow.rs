//! The application, projects and tasks resources against a real Kanboard: every method called
//! with an assertion on what came back. Shared by `live_core.rs` and `live_api.rs`.

use super::release::{expect_date_refused_on_old, expect_refused_on_old};
use super::{Db, Live, Tally, unique, unique_identifier};
use kanboard::OptionalExt;
use kanboard::models::{Color, ColumnId};

pub async fn application_projects_tasks(env: &Live, t: &Tally) {
    let kb = env.app();

    // application
    let version = t.hit(kb.application().get_version()).send().await.unwrap();
    assert!(version.starts_with("1."), "{version}");
    assert!(
        !t.hit(kb.application().get_timezone())
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    let colors = t
        .hit(kb.application().get_color_list())
        .send()
        .await
        .unwrap();
    assert_eq!(colors.get("yellow").map(String::as_str), Some("Yellow"));
    let drawn = t
        .hit(kb.application().get_default_task_colors())
        .send()
        .await
        .unwrap();
    assert_eq!(drawn.len(), colors.len());
    assert!(drawn["red"].background.starts_with("rgb("));
    let default = t
        .hit(kb.application().get_default_task_color())
        .send()
        .await
        .unwrap();
    assert!(colors.contains_key(&default), "{default}");
    let roles = t
        .hit(kb.application().get_application_roles())
        .send()
        .await
        .unwrap();
    assert!(roles.contains_key("app-admin") && roles.contains_key("app-user"));
    let proles = t
        .hit(kb.application().get_project_roles())
        .send()
        .await
        .unwrap();
    assert!(proles.contains_key("project-manager") && proles.contains_key("project-viewer"));

    // projects
    let name = unique("live-project");
    let ident = unique_identifier("LP");
    let email = format!("{ident}@example.org").to_lowercase();
    let create = t
        .hit(kb.projects().create_project(&name))
        .description("made by the live test")
        .identifier(&ident)
        .start_date("2026-01-05");
    // `email` is newer than the oldest release: there the project must not be made at all.
    let project_named = async || {
        kb.projects()
            .get_project_by_name(&name)
            .send()
            .await
            .optional()
            .unwrap()
    };
    let with_email = expect_refused_on_old(
        t,
        &kb,
        ("createProject", "email"),
        project_named,
        create.clone().email(&email).send(),
    )
    .await;
    let has_email = with_email.is_some();
    let pid = match with_email {
        Some(pid) => pid,
        None => create.send().await.unwrap(),
    };
    let p = t
        .hit(kb.projects().get_project_by_id(pid))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (p.name.as_str(), p.identifier.as_str(), p.is_active),
        (name.as_str(), ident.as_str(), true)
    );
    assert_eq!(p.description.as_deref(), Some("made by the live test"));
    assert_eq!(p.start_date, "2026-01-05");
    assert_eq!(
        t.hit(kb.projects().get_project_by_name(&name))
            .send()
            .await
            .unwrap()
            .id,
        pid
    );
    assert_eq!(
        t.hit(kb.projects().get_project_by_identifier(&ident))
            .send()
            .await
            .unwrap()
            .id,
        pid
    );
    let by_email = t
        .hit(kb.projects().get_project_by_email(&email))
        .send()
        .await
        .optional()
        .unwrap();
    match has_email {
        true => assert_eq!(by_email.map(|p| p.id), Some(pid)),
        false => assert_eq!(by_email, None, "no project has the address"),
    }
    assert!(
        t.hit(kb.projects().get_all_projects())
            .send()
            .await
            .unwrap()
            .iter()
            .any(|p| p.id == pid)
    );
    // A duplicate identifier is refused with `false`.
    let dup = kb
        .projects()
        .create_project(unique("dup"))
        .identifier(&ident)
        .send()
        .await
        .unwrap_err();
    assert!(dup.is_rejected(), "{dup:?}");
    // The server answers `false` (not null) for a missing name.
    assert!(
        kb.projects()
            .get_project_by_name(unique("missing"))
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    let renamed = format!("{name}-renamed");
    let update = t.hit(kb.projects().update_project(pid)).name(&renamed);
    let project = async || kb.projects().get_project_by_id(pid).send().await.unwrap();
    let before = project().await;
    let priority_end = match expect_refused_on_old(
        t,
        &kb,
        ("updateProject", "priority_end"),
        project,
        update.clone().priority_end(5).send(),
    )
    .await
    {
        Some(_) => 5,
        None => {
            update.send().await.unwrap();
            before.priority_end
        }
    };
    let p = kb.projects().get_project_by_id(pid).send().await.unwrap();
    assert_eq!(
        (p.name.as_str(), p.priority_end),
        (renamed.as_str(), priority_end)
    );
    t.hit(kb.projects().disable_project(pid))
        .send()
        .await
        .unwrap();
    assert!(
        !kb.projects()
            .get_project_by_id(pid)
            .send()
            .await
            .unwrap()
            .is_active
    );
    t.hit(kb.projects().enable_project(pid))
        .send()
        .await
        .unwrap();
    assert!(
        kb.projects()
            .get_project_by_id(pid)
            .send()
            .await
            .unwrap()
            .is_active
    );
    t.hit(kb.projects().enable_project_public_access(pid))
        .send()
        .await
        .unwrap();
    let p = kb.projects().get_project_by_id(pid).send().await.unwrap();
    assert!(p.is_public && !p.token.is_empty());
    t.hit(kb.projects().disable_project_public_access(pid))
        .send()
        .await
        .unwrap();
    assert!(
        !kb.projects()
            .get_project_by_id(pid)
            .send()
            .await
            .unwrap()
            .is_public
    );

    // tasks
    let title = unique("live-task");
    let reference = unique("REF");
    let create = t
        .hit(kb.tasks().create_task(&title, pid))
        .color_id(Color::Green)
        .tags(["alpha", "beta"])
        .reference(&reference)
        .priority(2)
        .score(3)
        .time_estimated(4.5);
    let task_ids = async || {
        kb.tasks()
            .get_all_tasks(pid)
            .send()
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>()
    };
    let with_due = expect_date_refused_on_old(
        t,
        &kb,
        ("createTask", "date_due"),
        task_ids,
        create.clone().date_due("2031-02-03 10:30").send(),
    )
    .await;
    let has_due = with_due.is_some();
    let tid = match with_due {
        Some(tid) => tid,
        None => create.send().await.unwrap(),
    };
    let task = t.hit(kb.tasks().get_task(tid)).send().await.unwrap();
    assert_eq!(
        (
            task.title.as_str(),
            task.project_id,
            task.priority,
            task.score
        ),
        (title.as_str(), pid, 2, 3)
    );
    assert_eq!(task.color_id, Color::Green);
    assert_eq!(task.time_estimated, 4.5);
    assert_eq!(
        task.date_due.map(|d| d.to_string()),
        has_due.then(|| "2031-02-03T10:30:00Z".to_owned())
    );
    assert!(task.is_active && task.date_completed.is_none());
    assert_eq!(
        t.hit(kb.tasks().get_task_by_reference(pid, &reference))
            .send()
            .await
            .unwrap()
            .id,
        tid
    );
    assert!(
        t.hit(kb.tasks().get_all_tasks(pid))
            .send()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == tid)
    );
    // Creating in a project that does not exist: 0 (Rejected) on SQLite, JSON-RPC error 0 with
    // the SQL error on PostgreSQL and MariaDB.
    env.db.assert_missing_project_error(
        "createTask",
        &kb.tasks()
            .create_task("x", 987_654)
            .send()
            .await
            .unwrap_err(),
    );

    // A server that refuses dates has no overdue task of this project: the lists must say so.
    let late_title = unique("overdue");
    let late_due = expect_date_refused_on_old(
        t,
        &kb,
        ("createTask", "date_due"),
        task_ids,
        t.hit(kb.tasks().create_task(&late_title, pid))
            .date_due("2020-01-01")
            .send(),
    )
    .await;
    let overdue_ids = late_due.into_iter().collect::<Vec<_>>();
    let late = match late_due {
        Some(late) => late,
        None => kb
            .tasks()
            .create_task(&late_title, pid)
            .send()
            .await
            .unwrap(),
    };
    assert_eq!(
        t.hit(kb.tasks().get_overdue_tasks())
            .send()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == late),
        !overdue_ids.is_empty()
    );
    let overdue = t
        .hit(kb.tasks().get_overdue_tasks_by_project(pid))
        .send()
        .await
        .unwrap();
    assert_eq!(
        overdue.iter().map(|x| x.id).collect::<Vec<_>>(),
        overdue_ids
    );
    let found = t
        .hit(kb.tasks().search_tasks(pid, format!("title:\"{title}\"")))
        .send()
        .await
        .unwrap();
    assert_eq!(found.iter().map(|x| x.id).collect::<Vec<_>>(), [tid]);
    assert_eq!(found[0].project_name, renamed);

    t.hit(kb.tasks().update_task(tid))
        .title("Renamed task")
        .color_id("red")
        .send()
        .await
        .unwrap();
    let task = kb.tasks().get_task(tid).send().await.unwrap();
    assert_eq!(
        (task.title.as_str(), task.color_id.clone()),
        ("Renamed task", Color::Red)
    );
    // An invalid date is refused with `false`.
    assert!(
        kb.tasks()
            .update_task(tid)
            .date_due("not a date")
            .send()
            .await
            .unwrap_err()
            .is_rejected()
    );

    t.hit(kb.tasks().close_task(tid)).send().await.unwrap();
    let task = kb.tasks().get_task(tid).send().await.unwrap();
    assert!(!task.is_active && task.date_completed.is_some());
    assert!(
        kb.tasks()
            .get_all_tasks(pid)
            .status_id(0)
            .send()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == tid)
    );
    t.hit(kb.tasks().open_task(tid)).send().await.unwrap();
    assert!(kb.tasks().get_task(tid).send().await.unwrap().is_active);

    let columns = kb
        .call("getColumns", serde_json::json!({"project_id": pid}))
        .await
        .unwrap();
    let col2 = columns[1]["id"].as_i64().unwrap();
    t.hit(
        kb.tasks()
            .move_task_position(pid, tid, col2, 1, task.swimlane_id),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        kb.tasks().get_task(tid).send().await.unwrap().column_id,
        ColumnId(col2)
    );

    // Kanboard records activity only for calls made by a user, so the admin (made a member
    // first: an app admin has no automatic project access through the API) creates a task.
    let member = serde_json::json!({"project_id": pid, "user_id": 1, "role": "project-manager"});
    assert_eq!(kb.call("addProjectUser", member).await.unwrap(), true);
    let by_admin = env
        .admin()
        .tasks()
        .create_task("Created by admin", pid)
        .send()
        .await
        .unwrap();
    let activity = t
        .hit(kb.projects().get_project_activity(pid))
        .send()
        .await
        .unwrap();
    let event = activity
        .iter()
        .find(|e| e.event_name == "task.create")
        .expect("a task.create event");
    assert_eq!(
        (event.task_id, event.author_username.as_str()),
        (by_admin, "admin")
    );
    assert_eq!(event.task.as_ref().unwrap().title, "Created by admin");
    let merged = t
        .hit(kb.projects().get_project_activities([pid]))
        .send()
        .await
        .unwrap();
    assert!(merged.iter().all(|e| e.project_id == pid) && !merged.is_empty());

    let other = kb
        .projects()
        .create_project(unique("live-other"))
        .send()
        .await
        .unwrap();
    let copy = t
        .hit(kb.tasks().duplicate_task_to_project(tid, other))
        .send()
        .await
        .unwrap();
    let copied = kb.tasks().get_task(copy).send().await.unwrap();
    assert_eq!(
        (copied.project_id, copied.title.as_str()),
        (other, "Renamed task")
    );
    t.hit(kb.tasks().move_task_to_project(late, other))
        .send()
        .await
        .unwrap();
    assert_eq!(
        kb.tasks().get_task(late).send().await.unwrap().project_id,
        other
    );

    // Duplicating or moving into a project that does not exist. SQLite refuses the duplicate
    // with 0 but answers `true` to the move, which its foreign keys then silently undo (the
    // task stays where it was); PostgreSQL and MariaDB answer JSON-RPC error 0 to both.
    env.db.assert_missing_project_error(
        "duplicateTaskToProject",
        &kb.tasks()
            .duplicate_task_to_project(tid, 987_654)
            .send()
            .await
            .unwrap_err(),
    );
    let moved = kb.tasks().move_task_to_project(tid, 987_654).send().await;
    match env.db {
        Db::Sqlite => moved.unwrap(),
        db => db.assert_missing_project_error("moveTaskToProject", &moved.unwrap_err()),
    }
    assert_eq!(
        kb.tasks().get_task(tid).send().await.unwrap().project_id,
        pid,
        "the task stays in its project"
    );

    t.hit(kb.tasks().remove_task(tid)).send().await.unwrap();
    assert_eq!(
        kb.tasks().get_task(tid).send().await.optional().unwrap(),
        None
    );
    // `false`, which for removeTask means only that the task does not exist.
    let again = kb.tasks().remove_task(tid).send().await.unwrap_err();
    assert!(again.is_not_found(), "{again:?}");

    // A user login works for the same calls; user-only methods work only with it.
    let admin = env.admin();
    assert_eq!(
        admin.application().get_version().send().await.unwrap(),
        version
    );

    t.hit(kb.projects().remove_project(pid))
        .send()
        .await
        .unwrap();
    kb.projects().remove_project(other).send().await.unwrap();
    assert!(
        kb.projects()
            .get_project_by_id(pid)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
}
