//! Calls checked against the server's Kanboard release before anything is sent: a parameter
//! an older release lacks (it would drop it without an error) is refused with
//! `Error::NotInRelease`; the release is given, or asked once with getVersion when first needed.

use kanboard::{Error, KanboardClient, KanboardVersion};
use kanboard_test_support::{each_call, received, url};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A Kanboard of release `version` that creates projects (id 7).
struct Release(&'static str);

impl Respond for Release {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        each_call(req, |c| match c["method"].as_str() {
            Some("getVersion") => json!({"result": self.0}),
            _ => json!({"result": 7}),
        })
    }
}

async fn server(version: &'static str) -> MockServer {
    let s = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Release(version))
        .mount(&s)
        .await;
    s
}

/// The methods the server received, batches flattened.
async fn methods(s: &MockServer) -> Vec<String> {
    received(s)
        .await
        .into_iter()
        .flat_map(|b| match b {
            Value::Array(calls) => calls,
            one => vec![one],
        })
        .map(|c| c["method"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const V1_2_36: KanboardVersion = KanboardVersion::new(1, 2, 36);

#[tokio::test]
async fn a_parameter_newer_than_the_server_is_refused_and_nothing_is_lost() {
    let s = server("1.2.36").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    let e = kb
        .projects()
        .create_project("x")
        .email("team@example.org")
        .send()
        .await
        .unwrap_err();
    match &e {
        Error::NotInRelease {
            method,
            parameter,
            available,
            server,
        } => {
            assert_eq!(method, "createProject");
            assert_eq!(parameter.as_deref(), Some("email"));
            assert_eq!(available.since, Some(KanboardVersion::new(1, 2, 45)));
            assert_eq!(*server, V1_2_36);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "createProject: the parameter `email` needs Kanboard 1.2.45 and later; the server runs \
         1.2.36, which would drop it without an error, so nothing was sent"
    );
    // The release was asked; createProject was not sent.
    assert_eq!(methods(&s).await, ["getVersion"]);
    // The same call without the newer parameter goes through, with no second getVersion.
    kb.projects().create_project("x").send().await.unwrap();
    assert_eq!(methods(&s).await, ["getVersion", "createProject"]);
}

#[tokio::test]
async fn calls_that_every_release_takes_never_ask_the_release() {
    let s = server("1.2.36").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    kb.projects()
        .create_project("x")
        .description("d")
        .send()
        .await
        .unwrap();
    kb.tasks().create_task("t", 7).send().await.unwrap();
    assert_eq!(methods(&s).await, ["createProject", "createTask"]);
}

#[tokio::test]
async fn concurrent_first_calls_ask_the_release_once() {
    let s = server("1.2.53").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    let calls = (0..8).map(|i| {
        let kb = kb.clone();
        tokio::spawn(async move {
            kb.projects()
                .create_project(format!("p{i}"))
                .email("a@example.org")
                .send()
                .await
        })
    });
    for c in futures_util::future::join_all(calls).await {
        c.unwrap().unwrap();
    }
    let m = methods(&s).await;
    assert_eq!(m.iter().filter(|m| *m == "getVersion").count(), 1, "{m:?}");
    assert_eq!(m.len(), 9, "{m:?}");
}

#[tokio::test]
async fn a_given_release_is_not_asked_and_the_check_can_be_turned_off() {
    let s = server("1.2.53").await;
    let given = KanboardClient::builder(url(&s))
        .app_token("t")
        .kanboard_version(V1_2_36)
        .build()
        .unwrap();
    let e = given
        .categories()
        .create_category(1, "c")
        .color_id("red")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::NotInRelease { .. }), "{e:?}");
    assert!(methods(&s).await.is_empty(), "nothing is sent");
    // Off: sent as it is, the release never asked.
    let off = KanboardClient::builder(url(&s))
        .app_token("t")
        .version_check(false)
        .build()
        .unwrap();
    off.categories()
        .create_category(1, "c")
        .color_id("red")
        .send()
        .await
        .unwrap();
    assert_eq!(methods(&s).await, ["createCategory"]);
    assert_eq!(off.server_version().await.unwrap(), None);
}

#[tokio::test]
async fn a_development_build_is_not_checked() {
    let s = server("main.1a2b3c").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    kb.projects()
        .create_project("x")
        .email("a@example.org")
        .send()
        .await
        .unwrap();
    assert_eq!(methods(&s).await, ["getVersion", "createProject"]);
    assert_eq!(kb.server_version().await.unwrap(), None);
}

#[tokio::test]
async fn in_a_batch_only_the_call_the_server_cannot_take_is_refused() {
    let s = server("1.2.36").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    let mut b = kb.batch();
    let newer = b
        .add(kb.projects().create_project("a").email("a@example.org"))
        .unwrap();
    let plain = b.add(kb.projects().create_project("b")).unwrap();
    let raw = b.add_raw(
        "createTag",
        json!({"project_id": 1, "tag": "t", "color_id": "red"}),
    );
    let mut r = b.send().await.unwrap();
    assert!(matches!(r.take(newer), Err(Error::NotInRelease { .. })));
    assert_eq!(r.take(plain).unwrap(), 7.into());
    assert!(r.take(raw).is_ok(), "color_id of createTag is in 1.2.27");
    // getVersion alone, then the batch without the refused call.
    let bodies = received(&s).await;
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[1].as_array().unwrap().len(), 2, "{}", bodies[1]);
    // Once the release is known, a batch refuses at `add`, and sends nothing for it.
    let mut b = kb.batch();
    let again = b
        .add(kb.categories().create_category(1, "c").color_id("red"))
        .unwrap();
    let mut r = b.send().await.unwrap();
    assert!(matches!(r.take(again), Err(Error::NotInRelease { .. })));
    assert_eq!(received(&s).await.len(), 2);
}

#[tokio::test]
async fn a_raw_call_of_a_schema_method_is_checked_too() {
    let s = server("1.2.20").await;
    let kb = KanboardClient::new(url(&s), "t").unwrap();
    let e = kb
        .call(
            "updateSubtask",
            json!({"id": 1, "task_id": 1, "position": 2}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::NotInRelease { parameter: Some(p), .. } if p == "position"),
        "{e:?}"
    );
}

/// The README's table of supported releases, made from the descriptor table: consecutive
/// releases that lack the same methods and parameters share a row.
fn release_table() -> String {
    use kanboard::api::descriptors::{METHODS, RELEASES};
    let (oldest, newest) = RELEASES.unwrap();
    let releases: Vec<KanboardVersion> = (oldest.patch..=newest.patch)
        .map(|p| KanboardVersion::new(oldest.major, oldest.minor, p))
        .collect();
    let missing = |v: KanboardVersion| -> Vec<String> {
        let mut out = Vec::new();
        for m in METHODS.iter().filter(|m| m.plugin.is_none()) {
            if !m.available.includes(v) {
                out.push(format!("`{}`", m.rpc_name));
                continue;
            }
            let params: Vec<&str> = m
                .params
                .iter()
                .filter(|p| !p.available.includes(v))
                .map(|p| p.wire)
                .collect();
            if !params.is_empty() {
                out.push(format!("`{}` ({})", m.rpc_name, params.join(", ")));
            }
        }
        out
    };
    let mut rows: Vec<(KanboardVersion, KanboardVersion, Vec<String>)> = Vec::new();
    for v in releases {
        let m = missing(v);
        match rows.last_mut() {
            Some((_, last, prev)) if *prev == m => *last = v,
            _ => rows.push((v, v, m)),
        }
    }
    let mut t = String::from("| Kanboard | what it lacks (refused before sending) |\n|---|---|\n");
    for (a, b, m) in rows {
        let span = if a == b {
            a.to_string()
        } else {
            format!("{a} – {b}")
        };
        let what = if m.is_empty() {
            "nothing".to_owned()
        } else {
            m.join("; ")
        };
        t.push_str(&format!("| {span} | {what} |\n"));
    }
    t
}

#[test]
fn the_readme_lists_what_each_release_lacks() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = release_table();
    assert!(
        readme.contains(&table),
        "README.md should hold this table:\n{table}"
    );
}
