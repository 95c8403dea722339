//! Every core Kanboard method against a real server, each with an assertion on what came back:
//! what was created reads back, what was removed is gone, what was moved is where it was moved.
//! User-only methods run with a user login; a non-admin user is refused where the server refuses.
//! Skipped (and says so) without KANBOARD_URL/KANBOARD_TOKEN. Names are unique per run, so the
//! suite also passes on a server earlier runs have used.

mod common;

use common::release::{expect_date_refused_on_old, expect_refused_on_old};
use common::{Live, Tally, live, unique};
use kanboard::models::{
    AppRole, Color, ExternalLinkType, LinkLabel, ProjectId, ProjectRole, TaskId, UserId,
};
use kanboard::{AuthFailure, Error, KanboardClient, OptionalExt};
use serde_json::json;

#[tokio::test]
async fn every_core_method_live() {
    let Some(env) = live("every_core_method_live") else {
        return;
    };
    let t = Tally::default();

    common::core_flow::application_projects_tasks(&env, &t).await;
    let kb = env.app();
    let p = kb
        .projects()
        .create_project(unique("live-api"))
        .send()
        .await
        .unwrap();
    let t1 = kb.tasks().create_task("first", p).send().await.unwrap();
    let t2 = kb.tasks().create_task("second", p).send().await.unwrap();
    // The admin login (user 1) reads the project only as a member: app admins get no automatic
    // project access through the API.
    let admin = env.admin();
    kb.project_permissions()
        .add_project_user(p, 1)
        .role(ProjectRole::Member)
        .send()
        .await
        .unwrap();

    board_columns_swimlanes(&kb, &t, p, t1).await;
    categories_comments_subtasks(&kb, &admin, &t, p, t1).await;
    tags(&kb, &t, p, t2).await;
    links_and_task_links(&kb, &t, t1, t2).await;
    external_task_links(&kb, &t, t1).await;
    metadata(&kb, &t, p, t1).await;
    files(&kb, &t, p, t1).await;
    actions(&kb, &t, p).await;
    users_groups_permissions(&env, &t, p).await;
    me_and_refusals(&env, &t, p).await;

    kb.projects().remove_project(p).send().await.unwrap();

    let core: Vec<&'static str> = kanboard::api::descriptors::METHODS
        .iter()
        .filter(|m| m.plugin.is_none())
        .map(|m| m.rpc_name)
        .collect();
    let hit = t.report("core methods", &core, env.release().await);
    assert_eq!(hit, core.len(), "every core method is exercised");
}

/// A 403 from the server: valid credentials, not allowed.
fn is_forbidden(e: &Error) -> bool {
    matches!(
        e,
        Error::Auth {
            status: Some(403),
            failure: AuthFailure::Forbidden,
            ..
        }
    )
}

async fn board_columns_swimlanes(kb: &KanboardClient, t: &Tally, p: ProjectId, t1: TaskId) {
    // board: the default swimlane with the four default columns, the new task in the first
    let board = t.hit(kb.board().get_board(p)).send().await.unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].columns.len(), 4);
    assert!(
        board[0].columns[0]
            .tasks
            .iter()
            .any(|x| x.id == t1 && x.title == "first")
    );

    // columns
    let columns = t.hit(kb.columns().get_columns(p)).send().await.unwrap();
    assert_eq!(
        columns.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(),
        ["Backlog", "Ready", "Work in progress", "Done"]
    );
    let c = t
        .hit(kb.columns().add_column(p, "Extra"))
        .task_limit(3)
        .description("extra column")
        .send()
        .await
        .unwrap();
    let col = t.hit(kb.columns().get_column(c)).send().await.unwrap();
    assert_eq!(
        (
            col.title.as_str(),
            col.task_limit,
            col.description.as_str(),
            col.project_id
        ),
        ("Extra", 3, "extra column", p)
    );
    assert_eq!(col.position, 5);
    t.hit(kb.columns().update_column(c, "Extra2"))
        .task_limit(4)
        .send()
        .await
        .unwrap();
    let col = kb.columns().get_column(c).send().await.unwrap();
    assert_eq!((col.title.as_str(), col.task_limit), ("Extra2", 4));
    // A second column with the same title is refused.
    assert!(
        kb.columns()
            .add_column(p, "Extra2")
            .send()
            .await
            .unwrap_err()
            .is_rejected()
    );
    t.hit(kb.columns().change_column_position(p, c, 1))
        .send()
        .await
        .unwrap();
    let columns = kb.columns().get_columns(p).send().await.unwrap();
    assert_eq!(
        (columns[0].id, columns[0].position, columns.len()),
        (c, 1, 5)
    );
    t.hit(kb.columns().remove_column(c)).send().await.unwrap();
    assert!(
        kb.columns()
            .get_column(c)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(kb.columns().get_columns(p).send().await.unwrap().len(), 4);

    // swimlanes
    let s = t
        .hit(kb.swimlanes().add_swimlane(p, "Lane"))
        .description("a lane")
        .send()
        .await
        .unwrap();
    let lane = t.hit(kb.swimlanes().get_swimlane(s)).send().await.unwrap();
    assert_eq!(
        (
            lane.name.as_str(),
            lane.description.as_str(),
            lane.project_id,
            lane.is_active
        ),
        ("Lane", "a lane", p, true)
    );
    assert_eq!(
        t.hit(kb.swimlanes().get_swimlane_by_id(s))
            .send()
            .await
            .unwrap()
            .name,
        "Lane"
    );
    assert_eq!(
        t.hit(kb.swimlanes().get_swimlane_by_name(p, "Lane"))
            .send()
            .await
            .unwrap()
            .id,
        s
    );
    assert!(
        kb.swimlanes()
            .get_swimlane_by_name(p, "no such lane")
            .send()
            .await
            .optional()
            .unwrap()
            .is_none()
    );
    assert!(
        t.hit(kb.swimlanes().get_all_swimlanes(p))
            .send()
            .await
            .unwrap()
            .iter()
            .any(|l| l.id == s)
    );
    let active = t
        .hit(kb.swimlanes().get_active_swimlanes(p))
        .send()
        .await
        .unwrap();
    assert_eq!(active.len(), 2);
    assert_eq!(active[1].id, s, "a new lane comes last");
    t.hit(kb.swimlanes().update_swimlane(p, s, "Lane2"))
        .description("renamed")
        .send()
        .await
        .unwrap();
    let lane = kb.swimlanes().get_swimlane(s).send().await.unwrap();
    assert_eq!(
        (lane.name.as_str(), lane.description.as_str()),
        ("Lane2", "renamed")
    );
    t.hit(kb.swimlanes().change_swimlane_position(p, s, 1))
        .send()
        .await
        .unwrap();
    let active = kb.swimlanes().get_active_swimlanes(p).send().await.unwrap();
    assert_eq!((active[0].id, active[0].position), (s, 1));
    t.hit(kb.swimlanes().disable_swimlane(p, s))
        .send()
        .await
        .unwrap();
    assert!(
        !kb.swimlanes()
            .get_swimlane(s)
            .send()
            .await
            .unwrap()
            .is_active
    );
    assert!(
        kb.swimlanes()
            .get_active_swimlanes(p)
            .send()
            .await
            .unwrap()
            .iter()
            .all(|l| l.id != s)
    );
    assert_eq!(
        kb.board().get_board(p).send().await.unwrap().len(),
        1,
        "the board shows active lanes only"
    );
    t.hit(kb.swimlanes().enable_swimlane(p, s))
        .send()
        .await
        .unwrap();
    assert!(
        kb.swimlanes()
            .get_swimlane(s)
            .send()
            .await
            .unwrap()
            .is_active
    );
    t.hit(kb.swimlanes().remove_swimlane(p, s))
        .send()
        .await
        .unwrap();
    assert!(
        kb.swimlanes()
            .get_swimlane(s)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        kb.swimlanes()
            .add_swimlane(987_654, "z")
            .send()
            .await
            .unwrap_err()
            .is_rejected()
    );
}

async fn categories_comments_subtasks(
    kb: &KanboardClient,
    admin: &KanboardClient,
    t: &Tally,
    p: ProjectId,
    t1: TaskId,
) {
    // categories; a colour only where the release takes one (older ones store none)
    let create = t.hit(kb.categories().create_category(p, "Cat"));
    let categories = async || kb.categories().get_all_categories(p).send().await.unwrap();
    let (cat, colour) = match expect_refused_on_old(
        t,
        kb,
        ("createCategory", "color_id"),
        categories,
        create.clone().color_id(Color::Red).send(),
    )
    .await
    {
        Some(cat) => (cat, Some(Color::Red)),
        None => (create.send().await.unwrap(), None),
    };
    let got = t
        .hit(kb.categories().get_category(cat))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.name.as_str(), got.project_id, got.color_id),
        ("Cat", p, colour)
    );
    assert!(
        t.hit(kb.categories().get_all_categories(p))
            .send()
            .await
            .unwrap()
            .iter()
            .any(|c| c.id == cat)
    );
    let update = t.hit(kb.categories().update_category(cat, "Cat2"));
    let category = async || kb.categories().get_category(cat).send().await.unwrap();
    let colour = match expect_refused_on_old(
        t,
        kb,
        ("updateCategory", "color_id"),
        category,
        update.clone().color_id(Color::Blue).send(),
    )
    .await
    {
        Some(()) => Some(Color::Blue),
        None => {
            update.send().await.unwrap();
            None
        }
    };
    let got = kb.categories().get_category(cat).send().await.unwrap();
    assert_eq!((got.name.as_str(), got.color_id), ("Cat2", colour));
    t.hit(kb.categories().remove_category(cat))
        .send()
        .await
        .unwrap();
    assert!(
        kb.categories()
            .get_category(cat)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    // comments (user 1 is the admin Kanboard creates)
    // Releases before comment visibility neither take it nor send it back.
    let create = t
        .hit(kb.comments().create_comment(t1, 1, "hello"))
        .reference("REF-1");
    let comments = async || kb.comments().get_all_comments(t1).send().await.unwrap();
    let (cm, visibility) = match expect_refused_on_old(
        t,
        kb,
        ("createComment", "visibility"),
        comments,
        create.clone().visibility(AppRole::Manager).send(),
    )
    .await
    {
        Some(cm) => (cm, Some(AppRole::Manager)),
        None => (create.send().await.unwrap(), None),
    };
    let got = t.hit(kb.comments().get_comment(cm)).send().await.unwrap();
    assert_eq!(
        (
            got.comment.as_str(),
            got.reference.as_str(),
            got.visibility.clone()
        ),
        ("hello", "REF-1", visibility)
    );
    assert_eq!((got.task_id, got.user_id), (t1, UserId(1)));
    let all = t
        .hit(kb.comments().get_all_comments(t1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|c| (c.id, c.username.as_deref()))
            .collect::<Vec<_>>(),
        [(cm, Some("admin"))]
    );
    t.hit(kb.comments().update_comment(cm, "edited"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        kb.comments().get_comment(cm).send().await.unwrap().comment,
        "edited"
    );
    t.hit(kb.comments().remove_comment(cm))
        .send()
        .await
        .unwrap();
    assert!(
        kb.comments()
            .get_comment(cm)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    // subtasks
    let st = t
        .hit(kb.subtasks().create_subtask(t1, "sub"))
        .user_id(1)
        .time_estimated(1.5)
        .status(1)
        .send()
        .await
        .unwrap();
    let got = t.hit(kb.subtasks().get_subtask(st)).send().await.unwrap();
    assert_eq!(
        (
            got.title.as_str(),
            got.task_id,
            got.user_id,
            got.status,
            got.time_estimated
        ),
        ("sub", t1, UserId(1), 1, 1.5)
    );
    let all = t
        .hit(kb.subtasks().get_all_subtasks(t1))
        .send()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (
            all[0].id,
            all[0].username.as_deref(),
            all[0].is_timer_started
        ),
        (st, Some("admin"), false)
    );
    let update = t
        .hit(kb.subtasks().update_subtask(st, t1))
        .title("sub2")
        .time_spent(0.5);
    let subtask = async || kb.subtasks().get_subtask(st).send().await.unwrap();
    let position = match expect_refused_on_old(
        t,
        kb,
        ("updateSubtask", "position"),
        subtask,
        update.clone().position(3).send(),
    )
    .await
    {
        Some(()) => 3,
        None => {
            update.send().await.unwrap();
            got.position
        }
    };
    let got = kb.subtasks().get_subtask(st).send().await.unwrap();
    assert_eq!(
        (got.title.as_str(), got.time_spent, got.position),
        ("sub2", 0.5, position)
    );

    // subtask time tracking: a timer per (subtask, user)
    assert!(
        !t.hit(kb.subtask_time_tracking().has_subtask_timer(st, 1))
            .send()
            .await
            .unwrap()
    );
    t.hit(kb.subtask_time_tracking().set_subtask_start_time(st, 1))
        .send()
        .await
        .unwrap();
    assert!(
        kb.subtask_time_tracking()
            .has_subtask_timer(st, 1)
            .send()
            .await
            .unwrap()
    );
    // `is_timer_started` is the calling user's timer: never set for the app token.
    assert!(!kb.subtasks().get_all_subtasks(t1).send().await.unwrap()[0].is_timer_started);
    let as_admin = admin.subtasks().get_all_subtasks(t1).send().await.unwrap();
    assert!(as_admin[0].is_timer_started && as_admin[0].timer_start_date.is_some());
    let spent = t
        .hit(kb.subtask_time_tracking().get_subtask_time_spent(st, 1))
        .send()
        .await
        .unwrap();
    assert!(
        (0.0..1.0).contains(&spent),
        "a timer started just now: {spent} hours"
    );
    t.hit(kb.subtask_time_tracking().set_subtask_end_time(st, 1))
        .send()
        .await
        .unwrap();
    assert!(
        !kb.subtask_time_tracking()
            .has_subtask_timer(st, 1)
            .send()
            .await
            .unwrap()
    );

    t.hit(kb.subtasks().remove_subtask(st))
        .send()
        .await
        .unwrap();
    assert!(
        kb.subtasks()
            .get_subtask(st)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        kb.subtasks()
            .get_all_subtasks(t1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

async fn tags(kb: &KanboardClient, t: &Tally, p: ProjectId, t2: TaskId) {
    // A colour only where the release takes one (older ones store none).
    let create = t.hit(kb.tags().create_tag(p, "urgent"));
    let project_tags = async || kb.tags().get_tags_by_project(p).send().await.unwrap();
    let (tg, colour) = match expect_refused_on_old(
        t,
        kb,
        ("createTag", "color_id"),
        project_tags,
        create.clone().color_id(Color::Blue).send(),
    )
    .await
    {
        Some(tg) => (tg, Some(Color::Blue)),
        None => (create.send().await.unwrap(), None),
    };
    let mine = t
        .hit(kb.tags().get_tags_by_project(p))
        .send()
        .await
        .unwrap();
    assert_eq!(
        mine.iter()
            .map(|x| (x.id, x.name.as_str(), x.color_id.clone()))
            .collect::<Vec<_>>(),
        [(tg, "urgent", colour)]
    );
    assert!(
        t.hit(kb.tags().get_all_tags())
            .send()
            .await
            .unwrap()
            .iter()
            .any(|x| x.id == tg && x.project_id == p)
    );
    let update = t.hit(kb.tags().update_tag(tg, "later"));
    let colour = match expect_refused_on_old(
        t,
        kb,
        ("updateTag", "color_id"),
        project_tags,
        update.clone().color_id(Color::Green).send(),
    )
    .await
    {
        Some(()) => Some(Color::Green),
        None => {
            update.send().await.unwrap();
            None
        }
    };
    let got = &kb.tags().get_tags_by_project(p).send().await.unwrap()[0];
    assert_eq!((got.name.as_str(), got.color_id.clone()), ("later", colour));
    // Tags the project does not have yet are created on the fly.
    t.hit(kb.tags().set_task_tags(p, t2, ["later", "new-one"]))
        .send()
        .await
        .unwrap();
    let on_task = t.hit(kb.tags().get_task_tags(t2)).send().await.unwrap();
    assert_eq!(
        on_task.values().map(String::as_str).collect::<Vec<_>>(),
        ["later", "new-one"]
    );
    assert_eq!(on_task.get_index_of(&tg.get()), Some(0));
    kb.tags()
        .set_task_tags(p, t2, Vec::<String>::new())
        .send()
        .await
        .unwrap();
    assert!(kb.tags().get_task_tags(t2).send().await.unwrap().is_empty());
    t.hit(kb.tags().remove_tag(tg)).send().await.unwrap();
    assert!(
        kb.tags()
            .get_tags_by_project(p)
            .send()
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != tg)
    );
}

async fn links_and_task_links(kb: &KanboardClient, t: &Tally, t1: TaskId, t2: TaskId) {
    // link types
    let links = t.hit(kb.links().get_all_links()).send().await.unwrap();
    let id_of = |l: LinkLabel| links.iter().find(|x| x.label == l).map(|x| x.id).unwrap();
    let (blocks, blocked_by, duplicates) = (
        id_of(LinkLabel::Blocks),
        id_of(LinkLabel::IsBlockedBy),
        id_of(LinkLabel::Duplicates),
    );
    assert_eq!(
        t.hit(kb.links().get_opposite_link_id(blocks))
            .send()
            .await
            .unwrap(),
        blocked_by
    );
    assert_eq!(
        t.hit(kb.links().get_link_by_label(LinkLabel::Blocks))
            .send()
            .await
            .unwrap()
            .id,
        blocks
    );
    let got = t
        .hit(kb.links().get_link_by_id(blocked_by))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.label, got.opposite_id),
        (LinkLabel::IsBlockedBy, blocks)
    );

    let label = unique("causes");
    let nl = t
        .hit(kb.links().create_link(label.as_str()))
        .opposite_label(format!("{label}-by").as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        kb.links().get_link_by_id(nl).send().await.unwrap().label,
        LinkLabel::Other(label.clone())
    );
    let opposite = kb.links().get_opposite_link_id(nl).send().await.unwrap();
    assert_eq!(
        kb.links()
            .get_link_by_id(opposite)
            .send()
            .await
            .unwrap()
            .label,
        LinkLabel::Other(format!("{label}-by"))
    );
    let relabel = format!("{label}-x");
    t.hit(kb.links().update_link(nl, opposite, relabel.as_str()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        kb.links()
            .get_link_by_label(relabel.as_str())
            .send()
            .await
            .unwrap()
            .id,
        nl
    );
    // Removing a link type leaves its opposite, which then has none.
    t.hit(kb.links().remove_link(nl)).send().await.unwrap();
    assert!(
        kb.links()
            .get_link_by_id(nl)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        kb.links()
            .get_link_by_id(opposite)
            .send()
            .await
            .unwrap()
            .opposite_id
            .get(),
        0
    );
    kb.links().remove_link(opposite).send().await.unwrap();
    assert!(
        kb.links()
            .get_all_links()
            .send()
            .await
            .unwrap()
            .iter()
            .all(|x| x.id != opposite)
    );

    // task links: stored once from each side
    let tl = t
        .hit(kb.task_links().create_task_link(t1, t2, blocks))
        .send()
        .await
        .unwrap();
    let got = t
        .hit(kb.task_links().get_task_link_by_id(tl))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (got.task_id, got.opposite_task_id, got.link_id, got.label),
        (t1, t2, blocks, LinkLabel::Blocks)
    );
    let from_t1 = t
        .hit(kb.task_links().get_all_task_links(t1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        from_t1
            .iter()
            .map(|x| (x.id, x.task_id, x.title.as_str()))
            .collect::<Vec<_>>(),
        [(tl, t2, "second")]
    );
    let from_t2 = kb.task_links().get_all_task_links(t2).send().await.unwrap();
    assert_eq!(
        (from_t2[0].task_id, from_t2[0].label.clone()),
        (t1, LinkLabel::IsBlockedBy)
    );
    t.hit(kb.task_links().update_task_link(tl, t1, t2, duplicates))
        .send()
        .await
        .unwrap();
    assert_eq!(
        kb.task_links()
            .get_task_link_by_id(tl)
            .send()
            .await
            .unwrap()
            .label,
        LinkLabel::Duplicates
    );
    assert_eq!(
        kb.task_links().get_all_task_links(t2).send().await.unwrap()[0].label,
        LinkLabel::IsDuplicatedBy
    );
    t.hit(kb.task_links().remove_task_link(tl))
        .send()
        .await
        .unwrap();
    assert!(
        kb.task_links()
            .get_task_link_by_id(tl)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        kb.task_links()
            .get_all_task_links(t1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        kb.task_links()
            .get_all_task_links(t2)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

async fn external_task_links(kb: &KanboardClient, t: &Tally, t1: TaskId) {
    let ext = kb.external_task_links();
    let types = t
        .hit(ext.get_external_task_link_types())
        .send()
        .await
        .unwrap();
    assert_eq!(types.get("weblink").map(String::as_str), Some("Web Link"));
    let deps = t
        .hit(ext.get_external_task_link_provider_dependencies("weblink"))
        .send()
        .await
        .unwrap();
    assert!(deps.contains_key("related"), "{deps:?}");
    assert!(
        ext.get_external_task_link_provider_dependencies("no-such-provider")
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );

    // `weblink`, not `auto`: with `auto` the server fetches the URL to pick a provider.
    let url = "http://127.0.0.1:9/spec";
    let el = t
        .hit(ext.create_external_task_link(t1, url, "related"))
        .type_(ExternalLinkType::Weblink)
        .title("Spec")
        .send()
        .await
        .unwrap();
    let got = t
        .hit(ext.get_external_task_link_by_id(t1, el))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            got.title.as_str(),
            got.url.as_str(),
            got.link_type.clone(),
            got.task_id
        ),
        ("Spec", url, ExternalLinkType::Weblink, t1)
    );
    t.hit(ext.update_external_task_link(t1, el))
        .title("Spec v2")
        .dependency("related")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ext.get_external_task_link_by_id(t1, el)
            .send()
            .await
            .unwrap()
            .title,
        "Spec v2"
    );
    let all = t
        .hit(ext.get_all_external_task_links(t1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        all.iter()
            .map(|x| (x.id, x.type_.as_str()))
            .collect::<Vec<_>>(),
        [(el, "Web Link")]
    );
    t.hit(ext.remove_external_task_link(t1, el))
        .send()
        .await
        .unwrap();
    assert!(
        ext.get_external_task_link_by_id(t1, el)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        ext.get_all_external_task_links(t1)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
}

async fn metadata(kb: &KanboardClient, t: &Tally, p: ProjectId, t1: TaskId) {
    let pm = kb.project_metadata();
    t.hit(pm.save_project_metadata(p, [("a", "1"), ("b", "x y")]))
        .send()
        .await
        .unwrap();
    let all = t.hit(pm.get_project_metadata(p)).send().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
        [("a", "1"), ("b", "x y")]
    );
    assert_eq!(
        t.hit(pm.get_project_metadata_by_name(p, "b"))
            .send()
            .await
            .unwrap(),
        "x y"
    );
    t.hit(pm.remove_project_metadata(p, "a"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pm.get_project_metadata(p)
            .send()
            .await
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["b"]
    );
    assert_eq!(
        pm.get_project_metadata_by_name(p, "a")
            .send()
            .await
            .unwrap(),
        ""
    );

    let tm = kb.task_metadata();
    t.hit(tm.save_task_metadata(t1, [("k", "v")]))
        .send()
        .await
        .unwrap();
    let all = t.hit(tm.get_task_metadata(t1)).send().await.unwrap();
    assert_eq!(all.get("k").map(String::as_str), Some("v"));
    assert_eq!(
        t.hit(tm.get_task_metadata_by_name(t1, "k"))
            .send()
            .await
            .unwrap(),
        "v"
    );
    t.hit(tm.remove_task_metadata(t1, "k"))
        .send()
        .await
        .unwrap();
    assert!(tm.get_task_metadata(t1).send().await.unwrap().is_empty());
}

async fn files(kb: &KanboardClient, t: &Tally, p: ProjectId, t1: TaskId) {
    let pf = kb.project_files();
    let content = b"hello bytes\x00\xff".to_vec();
    let f = t
        .hit(pf.create_project_file(p, "a.txt", content.clone()))
        .send()
        .await
        .unwrap();
    let got = t.hit(pf.get_project_file(p, f)).send().await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.size, got.project_id, got.is_image),
        ("a.txt", content.len() as i64, p, false)
    );
    let all = t.hit(pf.get_all_project_files(p)).send().await.unwrap();
    assert_eq!(all.iter().map(|x| x.id).collect::<Vec<_>>(), [f]);
    assert_eq!(
        t.hit(pf.download_project_file(p, f)).send().await.unwrap(),
        content
    );
    t.hit(pf.remove_project_file(p, f)).send().await.unwrap();
    assert!(
        pf.get_project_file(p, f)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    pf.create_project_file(p, "b.md", &b"# b"[..])
        .send()
        .await
        .unwrap();
    pf.create_project_file(p, "c.txt", &b"c"[..])
        .send()
        .await
        .unwrap();
    assert_eq!(pf.get_all_project_files(p).send().await.unwrap().len(), 2);
    t.hit(pf.remove_all_project_files(p)).send().await.unwrap();
    assert!(pf.get_all_project_files(p).send().await.unwrap().is_empty());

    let tf = kb.task_files();
    let f = t
        .hit(tf.create_task_file(p, t1, "t.txt", &b"task bytes"[..]))
        .send()
        .await
        .unwrap();
    let got = t.hit(tf.get_task_file(f)).send().await.unwrap();
    assert_eq!(
        (got.name.as_str(), got.size, got.task_id),
        ("t.txt", 10, t1)
    );
    assert_eq!(
        t.hit(tf.get_all_task_files(t1))
            .send()
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>(),
        [f]
    );
    assert_eq!(
        t.hit(tf.download_task_file(f)).send().await.unwrap(),
        b"task bytes"
    );
    // A file given by path is streamed from disk as the request goes out (with its
    // Content-Length, not chunked): the server must store it whole.
    let dir = std::env::temp_dir().join(format!("kanboard-live-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("streamed.bin");
    let data: Vec<u8> = (0..300_001u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let streamed = tf
        .create_task_file(p, t1, "streamed.bin", kanboard::FileContent::path(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(tf.download_task_file(streamed).send().await.unwrap(), data);
    tf.remove_task_file(streamed).send().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
    t.hit(tf.remove_task_file(f)).send().await.unwrap();
    assert!(tf.get_task_file(f).send().await.unwrap_err().is_not_found());
    tf.create_task_file(p, t1, "u.txt", &b"u"[..])
        .send()
        .await
        .unwrap();
    tf.create_task_file(p, t1, "v.txt", &b"v"[..])
        .send()
        .await
        .unwrap();
    assert_eq!(tf.get_all_task_files(t1).send().await.unwrap().len(), 2);
    t.hit(tf.remove_all_task_files(t1)).send().await.unwrap();
    assert!(tf.get_all_task_files(t1).send().await.unwrap().is_empty());
}

async fn actions(kb: &KanboardClient, t: &Tally, p: ProjectId) {
    const CLOSE: &str = "\\Kanboard\\Action\\TaskCloseColumn";
    let a = kb.actions();
    assert!(
        t.hit(a.get_available_actions())
            .send()
            .await
            .unwrap()
            .contains_key(CLOSE)
    );
    assert!(
        t.hit(a.get_available_action_events())
            .send()
            .await
            .unwrap()
            .contains_key("task.move.column")
    );
    let events = t
        .hit(a.get_compatible_action_events(CLOSE))
        .send()
        .await
        .unwrap();
    assert_eq!(events.keys().collect::<Vec<_>>(), ["task.move.column"]);

    let done = kb.columns().get_columns(p).send().await.unwrap()[3].id;
    let id = t
        .hit(a.create_action(p, "task.move.column", CLOSE, json!({"column_id": done})))
        .send()
        .await
        .unwrap();
    let listed = t.hit(a.get_actions(p)).send().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].id,
            listed[0].event_name.as_str(),
            listed[0].action_name.as_str()
        ),
        (id, "task.move.column", CLOSE)
    );
    assert_eq!(listed[0].params.get("column_id"), Some(&done.to_string()));
    t.hit(a.remove_action(id)).send().await.unwrap();
    assert!(a.get_actions(p).send().await.unwrap().is_empty());
}

async fn users_groups_permissions(env: &Live, t: &Tally, p: ProjectId) {
    let kb = env.app();
    let users = kb.users();

    // users
    let name = unique("bob");
    let email = format!("{name}@example.org");
    let uid = t
        .hit(users.create_user(&name, "bob-secret-1"))
        .name("Bob")
        .email(&email)
        .role(AppRole::Manager)
        .send()
        .await
        .unwrap();
    let u = t.hit(users.get_user(uid)).send().await.unwrap();
    assert_eq!(
        (u.username.as_str(), u.name.as_deref(), u.email.as_deref()),
        (name.as_str(), Some("Bob"), Some(email.as_str()))
    );
    assert_eq!((u.role.clone(), u.is_active), (AppRole::Manager, true));
    assert!(
        users
            .create_user(&name, "bob-secret-1")
            .send()
            .await
            .unwrap_err()
            .is_rejected(),
        "duplicate username"
    );
    assert_eq!(
        t.hit(users.get_user_by_name(&name))
            .send()
            .await
            .unwrap()
            .id,
        uid
    );
    assert!(
        t.hit(users.get_all_users())
            .send()
            .await
            .unwrap()
            .iter()
            .any(|u| u.id == uid)
    );
    t.hit(users.update_user(uid))
        .name("Bobby")
        .role(AppRole::User)
        .send()
        .await
        .unwrap();
    let u = users.get_user(uid).send().await.unwrap();
    assert_eq!((u.name.as_deref(), u.role), (Some("Bobby"), AppRole::User));
    t.hit(users.disable_user(uid)).send().await.unwrap();
    assert!(!t.hit(users.is_active_user(uid)).send().await.unwrap());
    assert!(!users.get_user(uid).send().await.unwrap().is_active);
    t.hit(users.enable_user(uid)).send().await.unwrap();
    assert!(users.is_active_user(uid).send().await.unwrap());
    // Without an LDAP server configured the server answers a JSON-RPC error with code 0.
    let ldap = t
        .hit(users.create_ldap_user(unique("ldap")))
        .send()
        .await
        .unwrap_err();
    match &ldap {
        Error::Api {
            code: 0, message, ..
        } => assert_eq!(
            message,
            "LDAP server not configured, check the parameter LDAP_SERVER"
        ),
        other => panic!("createLdapUser: {other:?}"),
    }

    // groups
    let groups = kb.groups();
    let gname = unique("team");
    let gid = t
        .hit(groups.create_group(&gname))
        .external_id("ext-1")
        .send()
        .await
        .unwrap();
    let g = t.hit(groups.get_group(gid)).send().await.unwrap();
    assert_eq!(
        (g.name.as_str(), g.external_id.as_str()),
        (gname.as_str(), "ext-1")
    );
    let gname2 = format!("{gname}-2");
    t.hit(groups.update_group(gid))
        .name(&gname2)
        .send()
        .await
        .unwrap();
    assert_eq!(groups.get_group(gid).send().await.unwrap().name, gname2);

    let gm = kb.group_members();
    assert!(!t.hit(gm.is_group_member(gid, uid)).send().await.unwrap());
    t.hit(gm.add_group_member(gid, uid)).send().await.unwrap();
    assert!(gm.is_group_member(gid, uid).send().await.unwrap());
    let members = t.hit(gm.get_group_members(gid)).send().await.unwrap();
    assert_eq!(members.iter().map(|u| u.id).collect::<Vec<_>>(), [uid]);
    let of_user = t.hit(gm.get_member_groups(uid)).send().await.unwrap();
    assert_eq!(of_user.iter().map(|g| g.id).collect::<Vec<_>>(), [gid]);
    let all = t.hit(groups.get_all_groups()).send().await.unwrap();
    assert_eq!(
        all.iter().find(|g| g.id == gid).map(|g| g.nb_users),
        Some(1)
    );

    // project permissions, for the user directly...
    let pp = kb.project_permissions();
    t.hit(pp.add_project_user(p, uid))
        .role(ProjectRole::Member)
        .send()
        .await
        .unwrap();
    assert_eq!(
        t.hit(pp.get_project_user_role(p, uid))
            .send()
            .await
            .unwrap(),
        "project-member"
    );
    assert_eq!(
        t.hit(pp.get_project_users(p))
            .send()
            .await
            .unwrap()
            .get(&uid.get())
            .map(String::as_str),
        Some("Bobby")
    );
    let assignable = t
        .hit(pp.get_assignable_users(p))
        .prepend_unassigned(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        assignable.get_index(0).map(|(k, _)| *k),
        Some(0),
        "`Unassigned` comes first"
    );
    assert!(assignable.contains_key(&uid.get()));
    t.hit(pp.change_project_user_role(p, uid, ProjectRole::Viewer))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pp.get_project_user_role(p, uid).send().await.unwrap(),
        "project-viewer"
    );
    assert!(
        !pp.get_assignable_users(p)
            .send()
            .await
            .unwrap()
            .contains_key(&uid.get()),
        "viewers are not assignable"
    );
    t.hit(pp.remove_project_user(p, uid)).send().await.unwrap();
    assert!(
        !pp.get_project_users(p)
            .send()
            .await
            .unwrap()
            .contains_key(&uid.get())
    );
    assert_eq!(pp.get_project_user_role(p, uid).send().await.unwrap(), "");

    // ...and through a group the user is in
    t.hit(pp.add_project_group(p, gid))
        .role(ProjectRole::Viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        pp.get_project_user_role(p, uid).send().await.unwrap(),
        "project-viewer"
    );
    t.hit(pp.change_project_group_role(p, gid, ProjectRole::Member))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pp.get_project_user_role(p, uid).send().await.unwrap(),
        "project-member"
    );
    t.hit(pp.remove_project_group(p, gid)).send().await.unwrap();
    assert_eq!(pp.get_project_user_role(p, uid).send().await.unwrap(), "");

    t.hit(gm.remove_group_member(gid, uid))
        .send()
        .await
        .unwrap();
    assert!(!gm.is_group_member(gid, uid).send().await.unwrap());
    assert!(gm.get_group_members(gid).send().await.unwrap().is_empty());
    t.hit(groups.remove_group(gid)).send().await.unwrap();
    assert!(
        groups
            .get_group(gid)
            .send()
            .await
            .unwrap_err()
            .is_not_found()
    );
    t.hit(users.remove_user(uid)).send().await.unwrap();
    assert!(users.get_user(uid).send().await.unwrap_err().is_not_found());
    assert!(
        users
            .remove_user(uid)
            .send()
            .await
            .unwrap_err()
            .is_rejected()
    );
}

/// The user-only `me` methods with a non-admin user's login, and what that user is refused.
async fn me_and_refusals(env: &Live, t: &Tally, p: ProjectId) {
    let kb = env.app();
    let name = unique("alice");
    let password = "alice-secret-1";
    let alice_id = kb
        .users()
        .create_user(&name, password)
        .role(AppRole::User)
        .send()
        .await
        .unwrap();
    kb.project_permissions()
        .add_project_user(p, alice_id)
        .role(ProjectRole::Member)
        .send()
        .await
        .unwrap();
    let alice = env.user(&name, password);

    let me = t.hit(alice.me().get_me()).send().await.unwrap();
    assert_eq!(
        (me.id, me.username.as_str(), me.role.clone()),
        (alice_id, name.as_str(), AppRole::User)
    );

    // A task alice creates and owns, overdue: on her dashboard, overdue list and activity stream.
    // (Not overdue where the server refuses dates: then her overdue list must be empty.)
    let title = unique("alice-task");
    let create = alice.tasks().create_task(&title, p).owner_id(alice_id);
    let mine = async || {
        alice
            .me()
            .get_my_dashboard()
            .send()
            .await
            .unwrap()
            .iter()
            .map(|x| x.id)
            .collect::<Vec<_>>()
    };
    let due = expect_date_refused_on_old(
        t,
        &alice,
        ("createTask", "date_due"),
        mine,
        create.clone().date_due("2020-02-02").send(),
    )
    .await;
    let overdue_expected = due.is_some();
    let task = match due {
        Some(task) => task,
        None => create.send().await.unwrap(),
    };
    let dash = t.hit(alice.me().get_my_dashboard()).send().await.unwrap();
    assert_eq!(
        dash.iter()
            .map(|x| (x.id, x.title.as_str(), x.owner_id))
            .collect::<Vec<_>>(),
        [(task, title.as_str(), alice_id)]
    );
    let overdue = t
        .hit(alice.me().get_my_overdue_tasks())
        .send()
        .await
        .unwrap();
    assert_eq!(
        overdue
            .iter()
            .map(|x| (x.id, x.project_id))
            .collect::<Vec<_>>(),
        overdue_expected
            .then_some((task, p))
            .into_iter()
            .collect::<Vec<_>>()
    );
    let stream = t
        .hit(alice.me().get_my_activity_stream())
        .send()
        .await
        .unwrap();
    assert!(
        stream.iter().any(|e| e.event_name == "task.create"
            && e.task_id == task
            && e.author_username == name)
    );

    let private_name = unique("alice-private");
    let private = t
        .hit(alice.me().create_my_private_project(&private_name))
        .description("mine")
        .send()
        .await
        .unwrap();
    let list = t
        .hit(alice.me().get_my_projects_list())
        .send()
        .await
        .unwrap();
    assert_eq!(list.get(&private.get()), Some(&private_name));
    assert!(list.contains_key(&p.get()));
    let mine = t.hit(alice.me().get_my_projects()).send().await.unwrap();
    let mut ids: Vec<ProjectId> = mine.iter().map(|x| x.id).collect();
    ids.sort();
    assert_eq!(ids, [p.min(private), p.max(private)]);
    let private_project = mine.iter().find(|x| x.id == private).unwrap();
    assert!(private_project.is_private && private_project.owner_id == alice_id);

    // Made a viewer, alice still reads the project but may no longer change it.
    kb.project_permissions()
        .change_project_user_role(p, alice_id, ProjectRole::Viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        alice.tasks().get_task(task).send().await.unwrap().title,
        title
    );
    let refused = alice
        .tasks()
        .create_task("not allowed", p)
        .send()
        .await
        .unwrap_err();
    assert!(is_forbidden(&refused), "{refused:?}");
    let refused = alice.tasks().close_task(task).send().await.unwrap_err();
    assert!(is_forbidden(&refused), "{refused:?}");
    assert!(alice.tasks().get_task(task).send().await.unwrap().is_active);
    // App-admin-only methods and projects she is not in are refused too.
    let refused = alice
        .users()
        .create_user(unique("mallory"), "mallory-secret")
        .send()
        .await
        .unwrap_err();
    assert!(is_forbidden(&refused), "{refused:?}");
    let refused = alice
        .projects()
        .get_all_projects()
        .send()
        .await
        .unwrap_err();
    assert!(is_forbidden(&refused), "{refused:?}");
    let elsewhere = kb
        .projects()
        .create_project(unique("not-alice"))
        .send()
        .await
        .unwrap();
    let refused = alice
        .projects()
        .get_project_by_id(elsewhere)
        .send()
        .await
        .unwrap_err();
    assert!(is_forbidden(&refused), "{refused:?}");

    // The app token may not call user-only methods: refused before sending by the typed
    // client, and with a 403 by the server when sent anyway.
    let local = kb.me().get_me().send().await.unwrap_err();
    assert!(
        matches!(
            local,
            Error::Auth {
                status: None,
                failure: AuthFailure::UserOnlyMethod,
                ..
            }
        ),
        "{local:?}"
    );
    let local = kb
        .me()
        .create_my_private_project("x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            local,
            Error::Auth {
                failure: AuthFailure::UserOnlyMethod,
                ..
            }
        ),
        "{local:?}"
    );
    let remote = kb.call("getMe", json!({})).await.unwrap_err();
    assert!(is_forbidden(&remote), "{remote:?}");

    kb.projects()
        .remove_project(elsewhere)
        .send()
        .await
        .unwrap();
    kb.projects().remove_project(private).send().await.unwrap();
    kb.users().remove_user(alice_id).send().await.unwrap();
    let gone = env
        .user(&name, password)
        .me()
        .get_me()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            gone,
            Error::Auth {
                failure: AuthFailure::BadCredentials,
                ..
            }
        ),
        "{gone:?}"
    );
}
