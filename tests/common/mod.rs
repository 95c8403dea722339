//! Shared by the live test files: where the real Kanboard is, and a tally of methods exercised.
#![allow(dead_code)] // each test file uses its own part

pub mod core_flow;
pub mod release;

use kanboard::{KanboardClient, KanboardVersion, Request};
use std::collections::BTreeSet;
use std::sync::Mutex;

pub struct Live {
    /// The database the server runs on (KANBOARD_DB, default sqlite): Kanboard answers some
    /// calls differently on each (see PROTOCOL.md, "Other databases").
    pub db: Db,
    pub url: String,
    pub token: String,
    pub admin_user: String,
    pub admin_password: String,
}

/// The live server from KANBOARD_URL and KANBOARD_TOKEN (admin login from KANBOARD_ADMIN_USER and
/// KANBOARD_ADMIN_PASSWORD, default admin/admin), or `None` after saying the test was skipped.
pub fn live(test: &str) -> Option<Live> {
    match (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) {
        (Ok(url), Ok(token)) if !url.is_empty() && !token.is_empty() => Some(Live {
            db: Db::from_env(),
            url,
            token,
            admin_user: std::env::var("KANBOARD_ADMIN_USER").unwrap_or_else(|_| "admin".into()),
            admin_password: std::env::var("KANBOARD_ADMIN_PASSWORD")
                .unwrap_or_else(|_| "admin".into()),
        }),
        _ => {
            eprintln!(
                "SKIPPED {test}: no live Kanboard (set KANBOARD_URL and KANBOARD_TOKEN, or run scripts/kanboard-server.sh)"
            );
            None
        }
    }
}

/// The database a live Kanboard runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
    Mariadb,
}

impl Db {
    /// From KANBOARD_DB (`sqlite`, `postgres` or `mariadb`, as `scripts/kanboard-server.sh`
    /// exports it); `sqlite` when unset or empty. Any other value stops the test.
    pub fn from_env() -> Db {
        match std::env::var("KANBOARD_DB").unwrap_or_default().as_str() {
            "" | "sqlite" => Db::Sqlite,
            "postgres" | "postgresql" | "pgsql" => Db::Postgres,
            "mariadb" | "mysql" => Db::Mariadb,
            other => panic!("KANBOARD_DB={other:?}: expected sqlite, postgres or mariadb"),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Db::Sqlite => "sqlite",
            Db::Postgres => "postgres",
            Db::Mariadb => "mariadb",
        }
    }

    /// Checks the refusal of createTask, moveTaskToProject or duplicateTaskToProject aimed at a
    /// project that does not exist: `0` on SQLite (the client's `Rejected`); on PostgreSQL and
    /// MariaDB the SQL insert or update fails and Kanboard answers JSON-RPC error code 0 with
    /// the SQL error text. (moveTaskToProject answers `true` on SQLite: see core_flow.rs.)
    pub fn assert_missing_project_error(self, method: &str, e: &kanboard::Error) {
        let expected = match self {
            Db::Sqlite => {
                assert!(e.is_rejected(), "{method} on sqlite: expected 0, got {e:?}");
                return;
            }
            Db::Postgres => "invalid input syntax for type integer",
            Db::Mariadb => "Incorrect integer value",
        };
        match e {
            kanboard::Error::Api {
                code: 0, message, ..
            } if message.contains(expected) => {}
            other => panic!(
                "{method} on {}: expected JSON-RPC error 0 with {expected:?}, got {other:?}",
                self.name()
            ),
        }
    }
}

impl Live {
    pub fn app(&self) -> KanboardClient {
        KanboardClient::new(&self.url, &self.token).unwrap()
    }

    pub fn admin(&self) -> KanboardClient {
        KanboardClient::builder(&self.url)
            .user(&self.admin_user, &self.admin_password)
            .build()
            .unwrap()
    }

    pub fn user(&self, name: &str, password: &str) -> KanboardClient {
        KanboardClient::builder(&self.url)
            .user(name, password)
            .build()
            .unwrap()
    }
}

/// A name no earlier run used, so live tests can run again on the same server.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// A project identifier (letters and digits only) no earlier run used.
pub fn unique_identifier(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}{}{}",
        std::process::id() % 10_000,
        nanos % 1_000_000
    )
}

/// The JSON-RPC methods a live test has called, the calls the client refused as newer than the
/// server and the calls an old server refused for their dates (see `release`).
#[derive(Default)]
pub struct Tally {
    methods: Mutex<BTreeSet<&'static str>>,
    refused: Mutex<Vec<String>>,
    dates_refused: Mutex<Vec<String>>,
}

impl Tally {
    /// Records the request's method and hands the request back to be sent.
    pub fn hit<R: Request>(&self, req: R) -> R {
        self.methods
            .lock()
            .unwrap()
            .insert(req.descriptor().rpc_name);
        req
    }

    pub fn names(&self) -> BTreeSet<&'static str> {
        self.methods.lock().unwrap().clone()
    }

    /// Records a call refused before sending: `method` with `parameter`.
    pub fn refused(&self, method: &str, parameter: &str) {
        self.refused
            .lock()
            .unwrap()
            .push(format!("{method}({parameter})"));
    }

    /// Records a call the server refused for its date: `method` with `parameter`.
    pub fn date_refused(&self, method: &str, parameter: &str) {
        self.dates_refused
            .lock()
            .unwrap()
            .push(format!("{method}({parameter})"));
    }

    /// The refused calls, in order: `createProject(email)`, ...
    pub fn refusals(&self) -> Vec<String> {
        self.refused.lock().unwrap().clone()
    }

    /// Prints `N/M <label> exercised live on <db>, Kanboard <release>` (with the number of
    /// calls refused locally and of dates refused by the server, if any), those calls and the
    /// methods of `all` never called.
    pub fn report(&self, label: &str, all: &[&'static str], release: KanboardVersion) -> usize {
        let seen = self.names();
        let hit = all.iter().filter(|m| seen.contains(*m)).count();
        let refused = self.refusals();
        let dates = self.dates_refused.lock().unwrap().clone();
        let mut notes = Vec::new();
        match refused.len() {
            0 => {}
            1 => notes.push("1 call refused locally as newer than the server".to_owned()),
            n => notes.push(format!(
                "{n} calls refused locally as newer than the server"
            )),
        }
        match dates.len() {
            0 => {}
            1 => notes.push("1 date refused by the server, as old releases do on PHP 8.2+".into()),
            n => notes.push(format!(
                "{n} dates refused by the server, as old releases do on PHP 8.2+"
            )),
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join("; "))
        };
        println!(
            "{hit}/{} {label} exercised live on {}, Kanboard {release}{notes}",
            all.len(),
            Db::from_env().name()
        );
        if !refused.is_empty() {
            println!("refused locally: {}", refused.join(", "));
        }
        if !dates.is_empty() {
            println!("dates refused by the server: {}", dates.join(", "));
        }
        let missing: Vec<_> = all.iter().filter(|m| !seen.contains(*m)).collect();
        if !missing.is_empty() {
            println!("not exercised: {missing:?}");
        }
        hit
    }
}
