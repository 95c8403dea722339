//! JSON-RPC 2.0 envelopes: building requests and reading replies, including the ways Kanboard's
//! replies go wrong (PROTOCOL.md). Pure functions over bytes, so they are tested and fuzzed alone.

use crate::error::{AuthFailure, Body, Error, Result};
use serde::Serialize;
use serde_json::{Map, Value};
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

/// A successful reply: the result, and any text PHP printed before the JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// The JSON-RPC `result`, as sent (before any return convention applies).
    pub result: Value,
    /// Text the server leaked before the JSON body (a Kanboard bug on some validation failures);
    /// shared, not copied, by the calls of a batch.
    pub leaked: Option<Arc<str>>,
}

/// The request object for one call. The id is never null: Kanboard treats a null id as a
/// notification and sends no reply.
pub fn request(method: &str, id: u64, params: Option<Value>) -> Value {
    let mut obj = Map::with_capacity(4);
    obj.insert("jsonrpc".into(), Value::from("2.0"));
    obj.insert("method".into(), Value::from(method));
    obj.insert("id".into(), Value::from(id));
    if let Some(p) = params {
        obj.insert("params".into(), p);
    }
    Value::Object(obj)
}

/// A writer that only counts, to size a request body before writing it.
struct ByteCount(usize);

impl Write for ByteCount {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn write_request<W: Write, P: Serialize + ?Sized>(
    mut w: W,
    method: &str,
    id: u64,
    params: Option<&P>,
) -> serde_json::Result<()> {
    w.write_all(br#"{"jsonrpc":"2.0","method":"#)
        .map_err(serde_json::Error::io)?;
    serde_json::to_writer(&mut w, method)?;
    write!(w, r#","id":{id}"#).map_err(serde_json::Error::io)?;
    if let Some(p) = params {
        w.write_all(br#","params":"#)
            .map_err(serde_json::Error::io)?;
        serde_json::to_writer(&mut w, p)?;
    }
    w.write_all(b"}").map_err(serde_json::Error::io)
}

/// Appends the request object for one call to `out` and returns where it lies. The params are
/// serialized straight into `out`, with no intermediate JSON tree, and an empty `out` is sized
/// first and allocated once: an upload's base64 text then exists once, in the body. Params that
/// serialize to `{}` or `null` are left out (no parameters); otherwise the object is the one
/// [`request`] builds, members in the same order.
pub fn append_request<P: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    method: &str,
    id: u64,
    params: Option<&P>,
) -> serde_json::Result<Range<usize>> {
    let mut size = ByteCount(0);
    let noted = crate::body::uploads_noted();
    write_request(&mut size, method, id, params)?;
    // The measuring pass noted the files to upload; the writing pass notes them again.
    crate::body::forget_uploads_after(noted);
    if out.is_empty() {
        out.reserve_exact(size.0);
    } else {
        // Appending to a batch: amortized growth, or many calls would copy the body many times.
        out.reserve(size.0);
    }
    let start = out.len();
    write_request(&mut *out, method, id, params)?;
    // `{}` and `null` both mean no parameters (Kanboard reads `{}` so; `null` would not be).
    for empty in [&br#","params":{}}"#[..], br#","params":null}"#] {
        if out[start..].ends_with(empty) {
            out.truncate(out.len() - empty.len());
            out.push(b'}');
        }
    }
    Ok(start..out.len())
}

/// The body of a single call, as bytes (see [`append_request`]).
pub fn request_body<P: Serialize + ?Sized>(
    method: &str,
    id: u64,
    params: Option<&P>,
) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    append_request(&mut out, method, id, params)?;
    Ok(out)
}

/// The names of the `params` a serialized request sends (none for positional or no params).
pub(crate) fn param_names(request: &[u8]) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Call {
        #[serde(default)]
        params: Option<Value>,
    }
    match serde_json::from_slice::<Call>(request) {
        Ok(Call {
            params: Some(Value::Object(m)),
        }) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The first named parameter of a serialized request, read without building the rest (an
/// upload's content is skipped, not copied). Used to name the object in a not-found error.
pub fn first_param(request: &[u8]) -> Option<(String, Value)> {
    #[derive(Default)]
    struct First(Option<(String, Value)>);

    impl<'de> serde::Deserialize<'de> for First {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = First;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("params")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> std::result::Result<First, A::Error> {
                    let first = map.next_entry::<String, Value>()?;
                    while map
                        .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                        .is_some()
                    {}
                    Ok(First(first))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> std::result::Result<First, A::Error> {
                    while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                    Ok(First(None))
                }
            }
            d.deserialize_any(Visit)
        }
    }

    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(default)]
        params: First,
    }

    serde_json::from_slice::<Envelope>(request)
        .ok()
        .and_then(|e| e.params.0)
}

/// Parses the body, recovering from text printed before the JSON. Exactly one JSON value must
/// be there: a second one after it (two replies back to back) is an error, not a choice.
fn parse_body(method: &str, body: &[u8]) -> Result<(Value, Option<Arc<str>>)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::Response {
            method: method.into(),
            reason: "empty body".into(),
            body: Body::from_bytes(body),
        });
    }
    let malformed = |reason: String| Error::Response {
        method: method.into(),
        reason,
        body: Body::from_bytes(body),
    };
    match one_value(body) {
        Ok(v) => Ok((v, None)),
        Err(OneValue::Trailing(at)) => Err(malformed(format!(
            "more than one JSON value: a reply ends at byte {at} and more follows"
        ))),
        Err(OneValue::Invalid(first)) => {
            // PHP's var_export output can precede the JSON: the reply starts at the first
            // `{"jsonrpc"` (or `[{"jsonrpc"` for a batch) from which one whole value parses.
            // Inside a JSON string those bytes would be escaped, so they begin the reply.
            let starts = memchr_all(body, b"{\"jsonrpc\"")
                .map(|i| {
                    if i > 0 && body[i - 1] == b'[' {
                        i - 1
                    } else {
                        i
                    }
                })
                .filter(|&i| i > 0);
            for at in starts {
                match one_value(&body[at..]) {
                    Ok(v) => {
                        let leaked = String::from_utf8_lossy(&body[..at]).trim().to_owned();
                        tracing::warn!(
                            method,
                            leaked_bytes = leaked.len(),
                            "server printed text before its JSON reply"
                        );
                        return Ok((v, Some(leaked.into())));
                    }
                    Err(OneValue::Trailing(end)) => {
                        return Err(malformed(format!(
                            "more than one JSON value: a reply ends at byte {} and more follows",
                            at + end
                        )));
                    }
                    Err(OneValue::Invalid(_)) => {}
                }
            }
            Err(malformed(format!("not JSON: {first}")))
        }
    }
}

/// Why a body is not exactly one JSON value.
enum OneValue {
    /// A whole value ends at this byte and something other than whitespace follows.
    Trailing(usize),
    Invalid(serde_json::Error),
}

fn one_value(bytes: &[u8]) -> std::result::Result<Value, OneValue> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let value = match values.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(OneValue::Invalid(e)),
        None => return Err(OneValue::Invalid(serde::de::Error::custom("no value"))),
    };
    let end = values.byte_offset();
    if bytes[end..].iter().all(u8::is_ascii_whitespace) {
        Ok(value)
    } else {
        Err(OneValue::Trailing(end))
    }
}

/// Every position of `needle` in `hay`.
fn memchr_all<'a>(hay: &'a [u8], needle: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// Checks the HTTP status. 401/403 are auth failures whatever the body says; 5xx are server
/// faults (Kanboard sends an empty HTML body on a PHP fatal error).
fn check_status(method: &str, status: u16, body: &[u8]) -> Result<()> {
    match status {
        401 => Err(Error::Auth {
            method: method.into(),
            status: Some(401),
            failure: AuthFailure::BadCredentials,
        }),
        403 => Err(Error::Auth {
            method: method.into(),
            status: Some(403),
            failure: AuthFailure::Forbidden,
        }),
        s if s >= 500 => Err(Error::Server {
            method: method.into(),
            status: s,
            body: Body::from_bytes(body),
        }),
        s if !(200..300).contains(&s) => Err(Error::Response {
            method: method.into(),
            reason: format!("unexpected HTTP status {s}"),
            body: Body::from_bytes(body),
        }),
        _ => Ok(()),
    }
}

/// Maps a JSON-RPC error object to the crate's error.
fn rpc_error(method: &str, err: &Value) -> Error {
    let code = err.get("code").and_then(Value::as_i64).unwrap_or(0);
    let message = err
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let data = err.get("data").cloned().filter(|d| !d.is_null());
    match code {
        -32602 => Error::Validation {
            method: method.into(),
            message,
            detail: data.map(|d| {
                d.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| d.to_string())
            }),
        },
        401 => Error::Auth {
            method: method.into(),
            status: None,
            failure: AuthFailure::BadCredentials,
        },
        403 => Error::Auth {
            method: method.into(),
            status: None,
            failure: AuthFailure::Forbidden,
        },
        _ => Error::Api {
            method: method.into(),
            code,
            message,
            data: data.map(Box::new),
        },
    }
}

fn id_matches(got: Option<&Value>, expected: u64) -> bool {
    match got {
        Some(Value::Number(n)) => n.as_u64() == Some(expected),
        Some(Value::String(s)) => s.parse::<u64>().ok() == Some(expected),
        _ => false,
    }
}

/// Where a reply object came from, for the body an error keeps: the whole reply of a single
/// call, or only the call's own element of a batch (so 250 failing calls do not keep 250 copies
/// of the whole reply).
#[derive(Clone, Copy)]
enum Raw<'a> {
    Whole(&'a [u8]),
    Element,
}

impl Raw<'_> {
    fn body(self, obj: &Value) -> Body {
        match self {
            Raw::Whole(bytes) => Body::from_bytes(bytes),
            Raw::Element => Body(obj.to_string()),
        }
    }
}

/// Reads one reply object.
fn read_object(
    method: &str,
    expected_id: u64,
    obj: Value,
    leaked: Option<Arc<str>>,
    raw: Raw<'_>,
) -> Result<Reply> {
    let Value::Object(mut map) = obj else {
        return Err(Error::Response {
            method: method.into(),
            reason: "reply is not a JSON object".into(),
            body: raw.body(&obj),
        });
    };
    if let Some(err) = map.get("error").filter(|e| !e.is_null()) {
        // Auth and parse errors come with `id: null`; only a wrong non-null id is suspicious.
        return Err(rpc_error(method, err));
    }
    if !id_matches(map.get("id"), expected_id) {
        let reason = format!(
            "reply id {} does not match request id {expected_id}",
            map.get("id").unwrap_or(&Value::Null)
        );
        return Err(Error::Response {
            method: method.into(),
            reason,
            body: raw.body(&Value::Object(map)),
        });
    }
    match map.remove("result") {
        Some(result) => Ok(Reply { result, leaked }),
        None => Err(Error::Response {
            method: method.into(),
            reason: "reply has neither `result` nor `error`".into(),
            body: raw.body(&Value::Object(map)),
        }),
    }
}

/// Decodes the reply to a single call.
pub fn decode_single(method: &str, expected_id: u64, status: u16, body: &[u8]) -> Result<Reply> {
    check_status(method, status, body)?;
    let (v, leaked) = parse_body(method, body)?;
    read_object(method, expected_id, v, leaked, Raw::Whole(body))
}

/// Decodes the reply to a batch: one result per call, in call order (`calls` are method names
/// with their ids). A whole-batch failure (401/403, unparseable body) is the outer error.
pub fn decode_batch(calls: &[(&str, u64)], status: u16, body: &[u8]) -> Result<Vec<Result<Reply>>> {
    let label = "batch";
    if let Err(e) = check_status(label, status, body) {
        return Err(match e {
            Error::Auth { .. } => Error::BatchRefused {
                calls: calls.len(),
                source: Box::new(e),
            },
            other => other,
        });
    }
    let (v, leaked) = parse_body(label, body)?;
    let items = match v {
        Value::Array(items) => items,
        // A single error object answers the whole batch (auth, -32600, -32700).
        Value::Object(ref m) if m.get("error").is_some_and(|e| !e.is_null()) => {
            let err = rpc_error(label, &m["error"]);
            return Err(match err {
                Error::Auth { .. } => Error::BatchRefused {
                    calls: calls.len(),
                    source: Box::new(err),
                },
                other => other,
            });
        }
        _ => {
            return Err(Error::Response {
                method: label.into(),
                reason: "batch reply is not a list".into(),
                body: Body::from_bytes(body),
            });
        }
    };
    // Replies come in request order, but match by id so a reordering server is read right too.
    // The framing must be exact: one reply per call, each id once, no id that was not sent.
    // Kanboard answers an element it could not parse with `id: null`; such replies stand for
    // the calls left without one.
    let frame_error = |reason: String| Error::Response {
        method: label.into(),
        reason,
        body: Body::from_bytes(body),
    };
    if items.len() != calls.len() {
        return Err(frame_error(format!(
            "the batch had {} calls and the reply has {} elements",
            calls.len(),
            items.len()
        )));
    }
    let sent: std::collections::HashSet<u64> = calls.iter().map(|&(_, id)| id).collect();
    let mut by_id: std::collections::HashMap<u64, Value> =
        std::collections::HashMap::with_capacity(items.len());
    let mut unmatched = Vec::new();
    for item in items {
        let id = item.get("id").filter(|id| !id.is_null()).map(|id| {
            id.as_u64()
                .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| id.to_string())
        });
        match id {
            Some(Ok(id)) if !sent.contains(&id) => {
                return Err(frame_error(format!(
                    "the reply has id {id}, which the batch did not send"
                )));
            }
            Some(Ok(id)) => {
                if by_id.insert(id, item).is_some() {
                    return Err(frame_error(format!("the reply has id {id} twice")));
                }
            }
            Some(Err(shown)) => {
                return Err(frame_error(format!(
                    "the reply has id {shown}, which the batch did not send"
                )));
            }
            None => unmatched.push(item),
        }
    }
    let mut unmatched = unmatched.into_iter();
    Ok(calls
        .iter()
        .map(|&(method, id)| match by_id.remove(&id) {
            Some(item) => read_object(method, id, item, leaked.clone(), Raw::Element),
            None => match unmatched.next() {
                // An element the server could not parse answers with `id: null`.
                Some(item) => match item.get("error").filter(|e| !e.is_null()) {
                    Some(err) => Err(rpc_error(method, err)),
                    None => Err(Error::Response {
                        method: method.into(),
                        reason: format!("no reply with id {id} in the batch"),
                        body: Body(item.to_string()),
                    }),
                },
                None => Err(Error::Response {
                    method: method.into(),
                    reason: format!("no reply with id {id} in the batch"),
                    body: Body(String::new()),
                }),
            },
        })
        .collect())
}
