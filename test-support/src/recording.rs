//! Recorded exchanges, one per method: the parameters the typed builder sent, whether a user
//! made the call, and the server's reply as it came (HTTP status and body), for a mock server
//! to replay.

use crate::full_replies::fixtures;
use serde_json::{Value, json};
use wiremock::{Request, Respond, ResponseTemplate};

/// One method's recorded exchange.
#[derive(Debug, Clone)]
pub struct Recording {
    /// The parameters sent (`{}` when none were).
    pub params: Value,
    /// Whether a user made the call (login or personal token) rather than the application token.
    pub user: bool,
    /// The reply's HTTP status.
    pub status: u16,
    /// The reply's body as it came.
    pub body: Value,
}

impl Recording {
    /// The recording of `method`: a core method's from SQLite, a plugin method's from the
    /// plugin's samples. `bool_params` names the method's `bool` parameters: the samples were
    /// sent by another client, which writes flags as 0/1, where the schema's `bool` sends
    /// true/false (which the plugin stores alike); there a number becomes a boolean.
    pub fn of<'a>(method: &str, bool_params: impl IntoIterator<Item = &'a str>) -> Recording {
        let root = fixtures();
        let path = [
            root.join("recorded/sqlite").join(format!("{method}.json")),
            root.join("plugin-samples").join(format!("{method}.json")),
        ]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no recording of {method}"));
        let r: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut params = r["request"].get("params").cloned().unwrap_or(json!({}));
        for name in bool_params {
            if let Some(v) = params.get_mut(name).filter(|v| v.is_number()) {
                *v = json!(v.as_i64() != Some(0));
            }
        }
        Recording {
            params,
            user: r["auth"].as_str().unwrap_or_default().starts_with("user"),
            status: r["http_status"].as_u64().unwrap_or(200) as u16,
            body: r["response"].clone(),
        }
    }

    /// The recorded reply to a request whose id is `id`: the recorded status and body, with
    /// `id` put in where the body has one.
    pub fn reply(&self, id: &Value) -> ResponseTemplate {
        let mut body = self.body.clone();
        if body.get("id").is_some() {
            body["id"] = id.clone();
        }
        ResponseTemplate::new(self.status).set_body_json(body)
    }
}

/// Answers every request with the recorded reply.
impl Respond for Recording {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let sent: Value = serde_json::from_slice(&req.body).unwrap();
        self.reply(&sent["id"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_flags_become_booleans_and_the_login_is_kept() {
        let r = Recording::of("addTaskToMilestone", ["is_critical"]);
        assert_eq!(r.params["is_critical"], json!(true));
        assert_eq!(r.params["task_id"], json!(1), "other numbers stay numbers");
        assert_eq!(
            Recording::of("addTaskToMilestone", []).params["is_critical"],
            1
        );
        assert!(!r.user && r.status == 200);
        assert!(Recording::of("getMe", []).user);
        assert_eq!(Recording::of("getVersion", []).params, json!({}));
    }
}
