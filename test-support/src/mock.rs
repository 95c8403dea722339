//! Pieces for mock JSON-RPC servers: the endpoint of a server, responders that answer with a
//! fixed reply and the request's id, and the bodies a server received.

use serde_json::{Value, json};
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

/// The JSON-RPC endpoint of a mock server.
pub fn url(server: &MockServer) -> String {
    format!("{}/jsonrpc.php", server.uri())
}

/// The JSON bodies the server received, in order.
pub async fn received(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .expect("the mock server records requests")
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// Answers a request, one call or a batch, call by call: `answer` gives each call's reply
/// (`{"result": ..}` or `{"error": ..}`), sent as `{"jsonrpc": "2.0", .., "id": <the call's id>}`;
/// a batch gets the list of replies, in the order of its calls.
pub fn each_call(req: &Request, mut answer: impl FnMut(&Value) -> Value) -> ResponseTemplate {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    let mut one = |call: &Value| {
        let mut reply = json!({"jsonrpc": "2.0"});
        if let (Value::Object(reply), Value::Object(answer)) = (&mut reply, answer(call)) {
            reply.extend(answer);
        }
        reply["id"] = call["id"].clone();
        reply
    };
    let reply = match &body {
        Value::Array(calls) => Value::Array(calls.iter().map(&mut one).collect()),
        call => one(call),
    };
    ResponseTemplate::new(200).set_body_json(reply)
}

/// Answers each call (or each call of a batch) with this result, echoing its id.
pub struct Echo(pub Value);

impl Respond for Echo {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        each_call(req, |_| json!({"result": self.0}))
    }
}

/// Answers a single call with this reply (`{"result": ..}` or `{"error": ..}`, or a whole
/// recorded reply), as JSON-RPC 2.0 with the id of the request it answers.
pub struct Reply(pub Value);

impl Respond for Reply {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or_default();
        let mut reply = self.0.clone();
        reply["jsonrpc"] = json!("2.0");
        reply["id"] = body["id"].clone();
        ResponseTemplate::new(200).set_body_json(reply)
    }
}
