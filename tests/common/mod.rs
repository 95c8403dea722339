//! Shared by the live test files: where the real Kanboard is, and a tally of methods exercised.
#![allow(dead_code)] // each test file uses its own part

use kanboard::{KanboardClient, Request};
use std::collections::BTreeSet;
use std::sync::Mutex;

pub struct Live {
    pub url: String,
    pub token: String,
    pub admin_user: String,
    pub admin_password: String,
}

/// The live server from KANBOARD_URL and KANBOARD_TOKEN (admin login from KANBOARD_ADMIN_USER and
/// KANBOARD_ADMIN_PASSWORD, default admin/admin), or `None` after saying the test was skipped.
pub fn live(test: &str) -> Option<Live> {
    match (std::env::var("KANBOARD_URL"), std::env::var("KANBOARD_TOKEN")) {
        (Ok(url), Ok(token)) if !url.is_empty() && !token.is_empty() => Some(Live {
            url,
            token,
            admin_user: std::env::var("KANBOARD_ADMIN_USER").unwrap_or_else(|_| "admin".into()),
            admin_password: std::env::var("KANBOARD_ADMIN_PASSWORD").unwrap_or_else(|_| "admin".into()),
        }),
        _ => {
            eprintln!("SKIPPED {test}: no live Kanboard (set KANBOARD_URL and KANBOARD_TOKEN, or run scripts/kanboard-server.sh)");
            None
        }
    }
}

impl Live {
    pub fn app(&self) -> KanboardClient {
        KanboardClient::new(&self.url, &self.token).unwrap()
    }

    pub fn admin(&self) -> KanboardClient {
        KanboardClient::builder(&self.url).user(&self.admin_user, &self.admin_password).build().unwrap()
    }

    pub fn user(&self, name: &str, password: &str) -> KanboardClient {
        KanboardClient::builder(&self.url).user(name, password).build().unwrap()
    }
}

/// A name no earlier run used, so live tests can run again on the same server.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// The JSON-RPC methods a live test has called.
#[derive(Default)]
pub struct Tally(Mutex<BTreeSet<&'static str>>);

impl Tally {
    /// Records the request's method and hands the request back to be sent.
    pub fn hit<R: Request>(&self, req: R) -> R {
        self.0.lock().unwrap().insert(req.descriptor().rpc_name);
        req
    }

    pub fn names(&self) -> BTreeSet<&'static str> {
        self.0.lock().unwrap().clone()
    }

    /// Prints `N/M <label> exercised live` and the methods of `all` never called.
    pub fn report(&self, label: &str, all: &[&'static str]) -> usize {
        let seen = self.names();
        let hit = all.iter().filter(|m| seen.contains(*m)).count();
        println!("{hit}/{} {label} exercised live", all.len());
        let missing: Vec<_> = all.iter().filter(|m| !seen.contains(*m)).collect();
        if !missing.is_empty() {
            println!("not exercised: {missing:?}");
        }
        hit
    }
}
