//! Records the real reply of every core Kanboard method from a live server, one file per method
//! and database, for `tests/recorded.rs` to decode without a server.
//!
//! ```text
//! eval "$(scripts/kanboard-server.sh start --db postgres)"   # or sqlite (the default), mariadb
//! cargo run --example record             # writes tests/fixtures/recorded/$KANBOARD_DB/<rpcName>.json
//! cargo run --example record -- mariadb  # names the database (else KANBOARD_DB, else sqlite)
//! cargo run --example record -- /tmp/out # or into another folder
//! ```
//!
//! Needs KANBOARD_URL, KANBOARD_TOKEN and an admin login (KANBOARD_ADMIN_USER and
//! KANBOARD_ADMIN_PASSWORD, default admin/admin). The database is only a label (the API does not
//! tell): `scripts/kanboard-server.sh` exports the right KANBOARD_DB. It builds each request with
//! the typed builders (so the parameters are the ones the client sends), posts it itself to keep
//! the reply's exact body, and checks that the reply decodes under the method's convention. A
//! reply that the typed client does not decode is still recorded as it came, the run goes on with
//! its raw result, and the recorder lists it and exits with an error at the end. It sets up the
//! data each method needs first (users, a group, projects, tasks with subtasks, comments, links,
//! files, ...) so lists come back filled, and removes everything it made at the end. Link types
//! are picked by id where ids are the same on every database (`blocks` = 2, `duplicates` = 4):
//! MariaDB numbers the labels of types 6-11 in another order.

use kanboard::api::descriptors::METHODS;
use kanboard::descriptor::MethodDescriptor;
use kanboard::models::{AppRole, Color, ExternalLinkType, LinkLabel, ProjectRole};
use kanboard::{KanboardClient, Request};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

/// Who a call is made as, and how the fixture names it (never with the password).
struct Who {
    label: String,
    user: String,
    password: String,
}

impl Who {
    fn app(token: &str) -> Self {
        Who {
            label: "app token (jsonrpc:<token>)".into(),
            user: "jsonrpc".into(),
            password: token.into(),
        }
    }

    fn user(name: &str, password: &str) -> Self {
        Who {
            label: format!("user {name} (basic auth)"),
            user: name.into(),
            password: password.into(),
        }
    }
}

/// The databases Kanboard runs on; the folder names under tests/fixtures/recorded/.
const DATABASES: &[&str] = &["sqlite", "postgres", "mariadb"];

struct Recorder {
    http: reqwest::Client,
    url: String,
    out: PathBuf,
    database: String,
    /// Replies recorded although the typed client does not decode them: method and error.
    undecoded: Vec<(&'static str, String)>,
    next_id: u64,
    /// Methods recorded so far, with a note when the reply is an expected refusal.
    recorded: BTreeMap<&'static str, Option<String>>,
}

impl Recorder {
    /// Sends one request built by a typed builder; returns the request as sent, the status and the body.
    async fn exchange<R: Request>(
        &mut self,
        who: &Who,
        req: &R,
    ) -> Fallible<(Value, u16, Vec<u8>, String)> {
        let desc = req.descriptor();
        let params = match serde_json::to_value(req)? {
            Value::Object(m) if m.is_empty() => None,
            v => Some(v),
        };
        self.next_id += 1;
        let body = kanboard::envelope::request(desc.rpc_name, self.next_id, params);
        let resp = self
            .http
            .post(&self.url)
            .basic_auth(&who.user, Some(&who.password))
            .json(&body)
            .send()
            .await?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = resp.bytes().await?.to_vec();
        Ok((body, status, bytes, content_type))
    }

    /// Decodes a reply as the typed client would; gives the raw `result` on success.
    fn decode(
        desc: &MethodDescriptor,
        id: u64,
        status: u16,
        body: &[u8],
    ) -> kanboard::Result<Value> {
        let reply = kanboard::envelope::decode_single(desc.rpc_name, id, status, body)?;
        desc.decode_result(reply.result.clone())?.to_json()?;
        Ok(reply.result)
    }

    /// The raw `result` of a reply whose envelope decodes but whose result the typed client
    /// does not (`Error::Decode`): a type problem, not an answer of the server's.
    fn undecodable_result(
        desc: &MethodDescriptor,
        id: u64,
        status: u16,
        body: &[u8],
        outcome: &kanboard::Result<Value>,
    ) -> Option<Value> {
        match outcome {
            Err(kanboard::Error::Decode { .. }) => {
                kanboard::envelope::decode_single(desc.rpc_name, id, status, body)
                    .ok()
                    .map(|reply| reply.result)
            }
            _ => None,
        }
    }

    /// A setup call: not recorded, but it must succeed.
    async fn call<R: Request>(&mut self, who: &Who, req: R) -> Fallible<Value> {
        let (sent, status, body, _) = self.exchange(who, &req).await?;
        let id = sent["id"].as_u64().unwrap_or_default();
        Self::decode(req.descriptor(), id, status, &body)
            .map_err(|e| format!("setup call failed: {e}").into())
    }

    /// Records the reply and gives its outcome under the method's convention.
    async fn record_outcome<R: Request>(
        &mut self,
        who: &Who,
        req: R,
        note: Option<&str>,
    ) -> Fallible<kanboard::Result<Value>> {
        let desc = req.descriptor();
        if self.recorded.contains_key(desc.rpc_name) {
            return Err(format!("{} is recorded twice", desc.rpc_name).into());
        }
        let (mut sent, status, body, content_type) = self.exchange(who, &req).await?;
        let id = sent["id"].as_u64().unwrap_or_default();
        let mut outcome = Self::decode(desc, id, status, &body);
        if let Some(raw) = Self::undecodable_result(desc, id, status, &body, &outcome) {
            let e = outcome.unwrap_err();
            eprintln!("{}: recorded, but not decoded: {e}", desc.rpc_name);
            self.undecoded.push((desc.rpc_name, e.to_string()));
            outcome = Ok(raw);
        }
        // The plain-text password of a throw-away user has no place in a fixture.
        if let Some(pw) = sent.pointer_mut("/params/password") {
            *pw = Value::from("<redacted>");
        }
        let response = serde_json::from_slice::<Value>(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        let fixture = json!({
            "method": desc.rpc_name,
            "database": self.database,
            "auth": who.label,
            "request": sent,
            "http_status": status,
            "response_headers": {"Content-Type": content_type},
            "response": response,
            "note": note,
        });
        let path = self.out.join(format!("{}.json", desc.rpc_name));
        std::fs::write(&path, serde_json::to_string_pretty(&fixture)? + "\n")?;
        self.recorded.insert(desc.rpc_name, note.map(str::to_owned));
        Ok(outcome)
    }

    /// Records a call that must succeed and gives its raw result.
    async fn record<R: Request>(&mut self, who: &Who, req: R) -> Fallible<Value> {
        let method = req.descriptor().rpc_name;
        self.record_outcome(who, req, None)
            .await?
            .map_err(|e| format!("{method}: {e}").into())
    }
}

/// An id from a raw result (Kanboard sends ints, sometimes as text).
fn id(v: &Value) -> Fallible<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| format!("not an id: {v}").into())
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}-{}-{nanos}", std::process::id())
}

#[tokio::main]
async fn main() -> Fallible<()> {
    let url = std::env::var("KANBOARD_URL")
        .map_err(|_| "set KANBOARD_URL (see scripts/kanboard-server.sh)")?;
    let token = std::env::var("KANBOARD_TOKEN").map_err(|_| "set KANBOARD_TOKEN")?;
    let admin_user = std::env::var("KANBOARD_ADMIN_USER").unwrap_or_else(|_| "admin".into());
    let admin_password =
        std::env::var("KANBOARD_ADMIN_PASSWORD").unwrap_or_else(|_| "admin".into());
    // Arguments: a database name, an output folder, or both.
    let mut database = std::env::var("KANBOARD_DB")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "sqlite".into());
    let mut out = None;
    for arg in std::env::args().skip(1) {
        if DATABASES.contains(&arg.as_str()) {
            database = arg;
        } else {
            out = Some(PathBuf::from(arg));
        }
    }
    if !DATABASES.contains(&database.as_str()) {
        return Err(format!("database {database:?}: expected one of {DATABASES:?}").into());
    }
    let out = out.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recorded")
            .join(&database)
    });
    std::fs::create_dir_all(&out)?;

    // The builders need a client; requests are sent by the recorder, not by it.
    let kb = KanboardClient::new(&url, &token)?;
    let app = Who::app(&token);
    let admin = Who::user(&admin_user, &admin_password);
    let mut r = Recorder {
        http: reqwest::Client::new(),
        url,
        out: out.clone(),
        database: database.clone(),
        undecoded: Vec::new(),
        next_id: 0,
        recorded: BTreeMap::new(),
    };

    record_all(&kb, &mut r, &app, &admin).await?;

    let core: Vec<&str> = METHODS
        .iter()
        .filter(|m| m.plugin.is_none())
        .map(|m| m.rpc_name)
        .collect();
    let missing: Vec<&&str> = core
        .iter()
        .filter(|m| !r.recorded.contains_key(**m))
        .collect();
    println!(
        "recorded {}/{} core methods from {database} into {}",
        core.len() - missing.len(),
        core.len(),
        out.display()
    );
    for (method, note) in r
        .recorded
        .iter()
        .filter_map(|(m, n)| n.as_ref().map(|n| (m, n)))
    {
        println!("  {method}: {note}");
    }
    for (method, e) in &r.undecoded {
        println!("  {method}: recorded as it came, but the typed client does not decode it: {e}");
    }
    if !missing.is_empty() {
        return Err(format!("not recorded: {missing:?}").into());
    }
    if !r.undecoded.is_empty() {
        return Err(format!(
            "{} replies recorded that the typed client does not decode on {database}",
            r.undecoded.len()
        )
        .into());
    }
    Ok(())
}

async fn record_all(kb: &KanboardClient, r: &mut Recorder, app: &Who, admin: &Who) -> Fallible<()> {
    // application
    r.record(app, kb.application().get_version()).await?;
    r.record(app, kb.application().get_timezone()).await?;
    r.record(app, kb.application().get_default_task_colors())
        .await?;
    r.record(app, kb.application().get_default_task_color())
        .await?;
    r.record(app, kb.application().get_color_list()).await?;
    r.record(app, kb.application().get_application_roles())
        .await?;
    r.record(app, kb.application().get_project_roles()).await?;

    // users: alice (app-user, for the `me` methods) and bob
    let users = kb.users();
    let alice_name = unique("alice");
    let alice_password = "alice-recorder-secret";
    let alice_email = format!("{alice_name}@example.org");
    let alice = id(&r
        .record(
            app,
            users
                .create_user(&alice_name, alice_password)
                .name("Alice Example")
                .email(&alice_email)
                .role(AppRole::User),
        )
        .await?)?;
    let bob_name = unique("bob");
    let bob = id(&r
        .call(
            app,
            users
                .create_user(&bob_name, "bob-recorder-secret")
                .name("Bob"),
        )
        .await?)?;
    let ldap = r
        .record_outcome(
            app,
            users.create_ldap_user(unique("ldap")),
            Some("refused: no LDAP server is configured (JSON-RPC error code 0)"),
        )
        .await?;
    match ldap {
        Err(kanboard::Error::Api { code: 0, .. }) => {}
        other => {
            return Err(
                format!("createLdapUser: expected a JSON-RPC error 0, got {other:?}").into(),
            );
        }
    }
    r.record(app, users.get_user(alice)).await?;
    r.record(app, users.get_user_by_name(&alice_name)).await?;
    r.record(app, users.get_all_users()).await?;
    r.record(
        app,
        users
            .update_user(bob)
            .name("Bob Example")
            .email(format!("{bob_name}@example.org"))
            .role(AppRole::Manager),
    )
    .await?;
    r.record(app, users.disable_user(bob)).await?;
    r.record(app, users.is_active_user(bob)).await?;
    r.record(app, users.enable_user(bob)).await?;
    let alice_who = Who::user(&alice_name, alice_password);

    // groups
    let groups = kb.groups();
    let group_name = unique("team");
    let g = id(&r
        .record(
            app,
            groups.create_group(&group_name).external_id("ext-team"),
        )
        .await?)?;
    r.record(
        app,
        groups.update_group(g).name(format!("{group_name}-core")),
    )
    .await?;
    r.record(app, kb.group_members().add_group_member(g, alice))
        .await?;
    r.call(app, kb.group_members().add_group_member(g, bob))
        .await?;
    r.record(app, groups.get_group(g)).await?;
    r.record(app, groups.get_all_groups()).await?;
    r.record(app, kb.group_members().get_group_members(g))
        .await?;
    r.record(app, kb.group_members().get_member_groups(alice))
        .await?;
    r.record(app, kb.group_members().is_group_member(g, alice))
        .await?;

    // projects
    let projects = kb.projects();
    let project_name = unique("Payments");
    let ident = unique("REC").replace('-', "");
    let project_email = format!("{}@example.org", ident.to_lowercase());
    let p = id(&r
        .record(
            app,
            projects
                .create_project(&project_name)
                .description("Recorded by examples/record.rs")
                .identifier(&ident)
                .email(&project_email)
                .start_date("2026-01-05")
                .end_date("2026-12-31"),
        )
        .await?)?;
    r.record(
        app,
        projects
            .update_project(p)
            .description("Card payments and refunds")
            .priority_end(5),
    )
    .await?;
    r.record(app, projects.enable_project_public_access(p))
        .await?;
    r.record(app, projects.get_project_by_id(p)).await?;
    r.record(app, projects.get_project_by_name(&project_name))
        .await?;
    r.record(app, projects.get_project_by_identifier(&ident))
        .await?;
    r.record(app, projects.get_project_by_email(&project_email))
        .await?;
    r.record(app, projects.get_all_projects()).await?;
    r.record(app, projects.disable_project_public_access(p))
        .await?;
    r.record(app, projects.disable_project(p)).await?;
    r.record(app, projects.enable_project(p)).await?;
    let other = id(&r
        .call(app, projects.create_project(unique("Archive")))
        .await?)?;

    // project permissions: the admin manages, alice is a member, bob a viewer, the group a member
    let pp = kb.project_permissions();
    r.record(app, pp.add_project_user(p, 1).role(ProjectRole::Manager))
        .await?;
    r.call(app, pp.add_project_user(p, alice).role(ProjectRole::Member))
        .await?;
    r.call(app, pp.add_project_user(p, bob).role(ProjectRole::Member))
        .await?;
    r.record(
        app,
        pp.change_project_user_role(p, bob, ProjectRole::Viewer),
    )
    .await?;
    r.record(app, pp.add_project_group(p, g).role(ProjectRole::Viewer))
        .await?;
    r.record(app, pp.change_project_group_role(p, g, ProjectRole::Member))
        .await?;
    r.record(app, pp.get_project_users(p)).await?;
    r.record(app, pp.get_assignable_users(p).prepend_unassigned(true))
        .await?;
    r.record(app, pp.get_project_user_role(p, bob)).await?;
    r.call(
        app,
        pp.add_project_user(other, 1).role(ProjectRole::Manager),
    )
    .await?;

    // columns: a fifth one moved before Done
    let columns = kb.columns();
    let c = id(&r
        .record(
            app,
            columns
                .add_column(p, "Review")
                .task_limit(3)
                .description("Waiting for a reviewer"),
        )
        .await?)?;
    r.record(
        app,
        columns
            .update_column(c, "Code review")
            .task_limit(4)
            .description("Waiting for a reviewer"),
    )
    .await?;
    r.record(app, columns.change_column_position(p, c, 4))
        .await?;
    r.record(app, columns.get_column(c)).await?;
    let cols = r.record(app, columns.get_columns(p)).await?;
    let col = |i: usize| id(&cols[i]["id"]);
    let (backlog, ready, wip, done) = (col(0)?, col(1)?, col(2)?, col(4)?);

    // swimlanes: one moved first, one disabled
    let sl = kb.swimlanes();
    let s = id(&r
        .record(
            app,
            sl.add_swimlane(p, "Urgent")
                .description("Customer-facing incidents"),
        )
        .await?)?;
    r.record(
        app,
        sl.update_swimlane(p, s, "Urgent")
            .description("Customer-facing incidents first"),
    )
    .await?;
    let parked = id(&r.call(app, sl.add_swimlane(p, "Parked")).await?)?;
    r.record(app, sl.change_swimlane_position(p, s, 1)).await?;
    r.record(app, sl.disable_swimlane(p, parked)).await?;
    r.record(app, sl.get_all_swimlanes(p)).await?;
    r.record(app, sl.get_active_swimlanes(p)).await?;
    r.record(app, sl.get_swimlane(s)).await?;
    r.record(app, sl.get_swimlane_by_id(s)).await?;
    r.record(app, sl.get_swimlane_by_name(p, "Urgent")).await?;
    r.record(app, sl.enable_swimlane(p, parked)).await?;

    // categories and tags
    let cat = id(&r
        .record(
            app,
            kb.categories()
                .create_category(p, "Bug")
                .color_id(Color::Red),
        )
        .await?)?;
    r.record(
        app,
        kb.categories()
            .update_category(cat, "Bugs")
            .color_id(Color::Red),
    )
    .await?;
    r.call(app, kb.categories().create_category(p, "Feature"))
        .await?;
    r.record(app, kb.categories().get_category(cat)).await?;
    r.record(app, kb.categories().get_all_categories(p)).await?;
    let tag = id(&r
        .record(
            app,
            kb.tags().create_tag(p, "backend").color_id(Color::Blue),
        )
        .await?)?;
    r.record(
        app,
        kb.tags().update_tag(tag, "backend").color_id(Color::Teal),
    )
    .await?;

    // tasks: one with every field, one plain, one overdue; one made by the admin for the activity stream
    let tasks = kb.tasks();
    let reference = unique("INC");
    let t1 = id(&r
        .record(
            app,
            tasks
                .create_task("Card declined on retry", p)
                .description("Customers see *declined* after a timeout.")
                .color_id(Color::Green)
                .column_id(ready)
                .owner_id(alice)
                .category_id(cat)
                .swimlane_id(s)
                .tags(["backend", "security"])
                .reference(&reference)
                .date_due("2031-02-03 10:30")
                .date_started("2026-01-10 09:00")
                .priority(2)
                .score(3)
                .time_estimated(4.5),
        )
        .await?)?;
    let t2 = id(&r
        .call(
            app,
            tasks
                .create_task("Document refunds", p)
                .owner_id(alice)
                .color_id(Color::Blue),
        )
        .await?)?;
    let late = id(&r
        .call(
            app,
            tasks
                .create_task("Renew certificate", p)
                .owner_id(alice)
                .date_due("2020-01-01"),
        )
        .await?)?;
    let t3 = id(&r
        .call(
            admin,
            tasks
                .create_task("Triage backlog", p)
                .owner_id(1)
                .column_id(backlog),
        )
        .await?)?;
    r.record(
        app,
        tasks
            .update_task(t2)
            .title("Document refunds and chargebacks")
            .priority(1)
            .score(2),
    )
    .await?;
    r.record(app, kb.tags().set_task_tags(p, t2, ["docs", "backend"]))
        .await?;
    r.record(app, kb.tags().get_task_tags(t1)).await?;
    r.record(app, kb.tags().get_tags_by_project(p)).await?;
    r.record(app, kb.tags().get_all_tags()).await?;
    r.record(app, tasks.get_task(t1)).await?;
    r.record(app, tasks.get_task_by_reference(p, &reference))
        .await?;
    r.record(app, tasks.get_all_tasks(p)).await?;
    r.record(app, tasks.get_overdue_tasks()).await?;
    r.record(app, tasks.get_overdue_tasks_by_project(p)).await?;
    r.record(app, tasks.search_tasks(p, format!("assignee:{alice_name}")))
        .await?;

    // comments (one by the admin login, so the activity stream has a comment event)
    let cm = id(&r
        .record(
            app,
            kb.comments()
                .create_comment(t1, alice, "Reproduced on staging.")
                .reference("ticket-42")
                .visibility(AppRole::User),
        )
        .await?)?;
    r.call(
        admin,
        kb.comments().create_comment(t1, 1, "Looking into it."),
    )
    .await?;
    r.record(
        app,
        kb.comments()
            .update_comment(cm, "Reproduced on staging and in production."),
    )
    .await?;
    r.record(app, kb.comments().get_comment(cm)).await?;
    r.record(app, kb.comments().get_all_comments(t1)).await?;

    // subtasks, one with the admin's timer running
    let st = id(&r
        .record(
            app,
            kb.subtasks()
                .create_subtask(t1, "Write a failing test")
                .user_id(alice)
                .time_estimated(1.5),
        )
        .await?)?;
    let st2 = id(&r
        .call(
            app,
            kb.subtasks()
                .create_subtask(t1, "Fix the retry")
                .user_id(1)
                .status(1),
        )
        .await?)?;
    r.record(
        app,
        kb.subtasks()
            .update_subtask(st, t1)
            .status(1)
            .time_spent(0.5),
    )
    .await?;
    let timer = kb.subtask_time_tracking();
    r.record(app, timer.set_subtask_start_time(st2, 1)).await?;
    r.record(app, timer.has_subtask_timer(st2, 1)).await?;
    r.record(app, timer.get_subtask_time_spent(st2, 1)).await?;
    // With the admin's login, so the list shows the caller's running timer.
    r.record(admin, kb.subtasks().get_all_subtasks(t1)).await?;
    r.record(app, timer.set_subtask_end_time(st2, 1)).await?;
    r.record(app, kb.subtasks().get_subtask(st)).await?;

    // link types
    // Ids 1-5 name the same link types on every database; 6-11 do not (MariaDB numbers their
    // labels in another order), so the milestone type is found by its label.
    let links = r.record(app, kb.links().get_all_links()).await?;
    let link = |pick: &dyn Fn(&Value) -> bool, what: &str| -> Fallible<Value> {
        links
            .as_array()
            .and_then(|a| a.iter().find(|l| pick(l)))
            .cloned()
            .ok_or_else(|| format!("no link type {what}").into())
    };
    let by_id = |want: i64, label: &str| -> Fallible<i64> {
        let l = link(&|l| id(&l["id"]).ok() == Some(want), &format!("{want}"))?;
        if l["label"] != label {
            return Err(format!("link type {want} is {}, not {label:?}", l["label"]).into());
        }
        Ok(want)
    };
    let (blocks, duplicates) = (by_id(2, "blocks")?, by_id(4, "duplicates")?);
    let milestone_of = id(&link(
        &|l| l["label"] == "is a milestone of",
        "\"is a milestone of\"",
    )?["id"])?;
    r.record(app, kb.links().get_link_by_label(LinkLabel::Blocks))
        .await?;
    r.record(app, kb.links().get_link_by_id(blocks)).await?;
    r.record(app, kb.links().get_opposite_link_id(blocks))
        .await?;
    let label = unique("causes");
    let nl = id(&r
        .record(
            app,
            kb.links()
                .create_link(label.as_str())
                .opposite_label(format!("{label} (caused by)").as_str()),
        )
        .await?)?;
    let opposite = id(&r.call(app, kb.links().get_opposite_link_id(nl)).await?)?;
    r.record(
        app,
        kb.links()
            .update_link(nl, opposite, format!("{label} (root)").as_str()),
    )
    .await?;

    // task links: t1 blocks t2; t2 is a milestone of t1
    let tl = id(&r
        .record(app, kb.task_links().create_task_link(t1, t2, blocks))
        .await?)?;
    r.call(app, kb.task_links().create_task_link(t2, t1, milestone_of))
        .await?;
    r.record(
        app,
        kb.task_links().update_task_link(tl, t1, t2, duplicates),
    )
    .await?;
    r.record(app, kb.task_links().get_task_link_by_id(tl))
        .await?;
    r.record(app, kb.task_links().get_all_task_links(t1))
        .await?;

    // external links: `weblink` with a title, so the server fetches nothing
    let ext = kb.external_task_links();
    r.record(app, ext.get_external_task_link_types()).await?;
    r.record(
        app,
        ext.get_external_task_link_provider_dependencies("weblink"),
    )
    .await?;
    let el = id(&r
        .record(
            app,
            ext.create_external_task_link(t1, "https://example.org/spec", "related")
                .type_(ExternalLinkType::Weblink)
                .title("Spec"),
        )
        .await?)?;
    r.record(
        app,
        ext.update_external_task_link(t1, el)
            .title("Payment spec")
            .url("https://example.org/spec/v2")
            .dependency("related"),
    )
    .await?;
    r.record(app, ext.get_external_task_link_by_id(t1, el))
        .await?;
    r.record(app, ext.get_all_external_task_links(t1)).await?;

    // metadata
    r.record(
        app,
        kb.project_metadata()
            .save_project_metadata(p, [("team", "payments"), ("sla", "24h")]),
    )
    .await?;
    r.record(app, kb.project_metadata().get_project_metadata(p))
        .await?;
    r.record(
        app,
        kb.project_metadata().get_project_metadata_by_name(p, "sla"),
    )
    .await?;
    r.record(
        app,
        kb.task_metadata()
            .save_task_metadata(t1, [("ticket", "42"), ("source", "email")]),
    )
    .await?;
    r.record(app, kb.task_metadata().get_task_metadata(t1))
        .await?;
    r.record(
        app,
        kb.task_metadata().get_task_metadata_by_name(t1, "ticket"),
    )
    .await?;

    // files (one of each uploaded with the admin login, so the lists name a user)
    let pf = id(&r
        .record(
            app,
            kb.project_files().create_project_file(
                p,
                "notes.txt",
                &b"Runbook: retry after 30s.\n"[..],
            ),
        )
        .await?)?;
    r.call(
        admin,
        kb.project_files()
            .create_project_file(p, "admin-notes.txt", &b"on call: admin\n"[..]),
    )
    .await?;
    r.record(app, kb.project_files().get_project_file(p, pf))
        .await?;
    r.record(app, kb.project_files().get_all_project_files(p))
        .await?;
    r.record(app, kb.project_files().download_project_file(p, pf))
        .await?;
    let tf = id(&r
        .record(
            app,
            kb.task_files()
                .create_task_file(p, t1, "trace.log", &b"timeout after 30000 ms\n"[..]),
        )
        .await?)?;
    r.call(
        admin,
        kb.task_files()
            .create_task_file(p, t1, "screenshot.txt", &b"(no image)\n"[..]),
    )
    .await?;
    r.record(app, kb.task_files().get_task_file(tf)).await?;
    r.record(app, kb.task_files().get_all_task_files(t1))
        .await?;
    r.record(app, kb.task_files().download_task_file(tf))
        .await?;

    // automatic actions
    const CLOSE: &str = "\\Kanboard\\Action\\TaskCloseColumn";
    let actions = kb.actions();
    r.record(app, actions.get_available_actions()).await?;
    r.record(app, actions.get_available_action_events()).await?;
    r.record(app, actions.get_compatible_action_events(CLOSE))
        .await?;
    let action = id(&r
        .record(
            app,
            actions.create_action(p, "task.move.column", CLOSE, json!({"column_id": done})),
        )
        .await?)?;
    r.record(app, actions.get_actions(p)).await?;

    // the board and the activity
    r.record(app, kb.board().get_board(p)).await?;
    r.record(app, projects.get_project_activity(p)).await?;
    r.record(app, projects.get_project_activities([p, other]))
        .await?;

    // the user-only methods, as alice
    r.call(
        &alice_who,
        tasks
            .create_task("Check refund totals", p)
            .owner_id(alice)
            .column_id(wip),
    )
    .await?;
    let me = kb.me();
    r.record(&alice_who, me.get_me()).await?;
    r.record(&alice_who, me.get_my_dashboard()).await?;
    r.record(&alice_who, me.get_my_activity_stream()).await?;
    let private = id(&r
        .record(
            &alice_who,
            me.create_my_private_project(unique("Alice's notes"))
                .description("Only mine"),
        )
        .await?)?;
    r.record(&alice_who, me.get_my_projects_list()).await?;
    r.record(&alice_who, me.get_my_overdue_tasks()).await?;
    r.record(&alice_who, me.get_my_projects()).await?;

    // moves and state changes
    r.record(app, tasks.move_task_position(p, t2, wip, 1, s))
        .await?;
    r.record(app, tasks.close_task(t2)).await?;
    r.record(app, tasks.open_task(t2)).await?;
    r.record(app, tasks.duplicate_task_to_project(t1, other))
        .await?;
    r.record(app, tasks.move_task_to_project(late, other))
        .await?;

    // removals, each of something that exists
    r.record(app, actions.remove_action(action)).await?;
    r.record(app, kb.task_files().remove_task_file(tf)).await?;
    r.record(app, kb.task_files().remove_all_task_files(t1))
        .await?;
    r.record(app, kb.project_files().remove_project_file(p, pf))
        .await?;
    r.record(app, kb.project_files().remove_all_project_files(p))
        .await?;
    r.record(app, kb.task_metadata().remove_task_metadata(t1, "source"))
        .await?;
    r.record(app, kb.project_metadata().remove_project_metadata(p, "sla"))
        .await?;
    r.record(app, ext.remove_external_task_link(t1, el)).await?;
    r.record(app, kb.task_links().remove_task_link(tl)).await?;
    r.record(app, kb.links().remove_link(nl)).await?;
    r.call(app, kb.links().remove_link(opposite)).await?;
    r.record(app, kb.subtasks().remove_subtask(st)).await?;
    r.record(app, kb.comments().remove_comment(cm)).await?;
    r.record(app, kb.tags().remove_tag(tag)).await?;
    r.record(app, kb.categories().remove_category(cat)).await?;
    r.record(app, sl.remove_swimlane(p, parked)).await?;
    r.record(app, columns.remove_column(c)).await?;
    r.record(app, tasks.remove_task(t3)).await?;
    r.record(app, pp.remove_project_group(p, g)).await?;
    r.record(app, pp.remove_project_user(p, bob)).await?;
    r.record(app, kb.group_members().remove_group_member(g, bob))
        .await?;
    r.record(app, groups.remove_group(g)).await?;
    r.record(app, projects.remove_project(other)).await?;
    r.call(app, projects.remove_project(p)).await?;
    r.call(app, projects.remove_project(private)).await?;
    r.record(app, users.remove_user(bob)).await?;
    r.call(app, users.remove_user(alice)).await?;
    Ok(())
}
