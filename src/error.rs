//! The one error type of the crate. Every server quirk in Kanboard's protocol maps to one variant.

use std::fmt;

/// Result of every client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Text the server sent, kept whole but shown shortened so errors stay one readable line.
#[derive(Clone, PartialEq, Eq)]
pub struct Body(pub String);

impl Body {
    const SHOWN: usize = 200;

    pub(crate) fn from_bytes(b: &[u8]) -> Self {
        Body(String::from_utf8_lossy(b).into_owned())
    }

    /// The whole text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(empty body)");
        }
        match self.0.char_indices().nth(Self::SHOWN) {
            Some((cut, _)) => write!(f, "{:?}… ({} bytes)", &self.0[..cut], self.0.len()),
            None => write!(f, "{:?}", self.0),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why the server (or the client, before sending) refused the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// HTTP 401: the token, username or password is wrong.
    BadCredentials,
    /// HTTP 403: the credentials are valid but may not call this method or touch this project
    /// (a user-only method with the app token, a role too low, a project the user is not in).
    Forbidden,
    /// Refused by the client without sending: the method needs a user login and the client
    /// holds an application token.
    UserOnlyMethod,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthFailure::BadCredentials => {
                "credentials rejected (HTTP 401): check the API token, or the username and password in user mode"
            }
            AuthFailure::Forbidden => {
                "permission denied (HTTP 403): the credentials are valid but may not call this method on this \
                 object (user-only methods need a user login; some need an admin or manager role or project membership)"
            }
            AuthFailure::UserOnlyMethod => {
                "this method needs a user login (username and password or personal access token); \
                 the client uses the application token"
            }
        })
    }
}

/// Everything that can go wrong in a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client or its configuration is incomplete or invalid.
    #[error("configuration error in `{field}`: {message}")]
    Config {
        /// The setting at fault (`url`, `token`, `timeout`, `config_file`, ...).
        field: String,
        /// What is wrong with it and, where it helps, how to set it.
        message: String,
    },

    /// No HTTP exchange completed: refused connection, DNS, TLS, timeout, cut-off body.
    #[error("cannot reach Kanboard at {url}: {}", connection_cause(.source))]
    Connection {
        /// The endpoint, credentials masked.
        url: String,
        /// The transport error; its innermost cause is shown in the message.
        #[source]
        source: reqwest::Error,
    },

    /// The server refused the credentials or the permission.
    #[error("{method}: {failure}")]
    Auth {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// The HTTP status (401 or 403); `None` when the client refused before sending.
        status: Option<u16>,
        /// Which refusal it is.
        failure: AuthFailure,
    },

    /// A JSON-RPC error object other than invalid parameters (e.g. -32601 method not found).
    #[error("{method}: JSON-RPC error {code}: {message}{}", data_suffix(.data))]
    Api {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// The JSON-RPC error code: -32601 for an unknown method, -32700 or -32600 for a
        /// malformed request; Kanboard sends 0 for a PHP exception (an SQL error, a missing LDAP
        /// server).
        code: i64,
        /// The error's message, e.g. `Method not found` or the exception's text.
        message: String,
        /// The error's `data` member, when the server sent one.
        data: Option<Box<serde_json::Value>>,
    },

    /// JSON-RPC -32602: wrong parameters, with the server's detail such as "Missing argument: user_id".
    #[error("{method}: invalid parameters: {}", .detail.as_deref().unwrap_or(.message))]
    Validation {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// The error's message, usually `Invalid params`.
        message: String,
        /// The server's `data`, which names the problem: `Missing argument: user_id`, `Wrong
        /// number of arguments`.
        detail: Option<String>,
    },

    /// The method found nothing for the identifier (the server answered null, or false for some).
    #[error("{resource}: {method} found nothing for {identifier}")]
    NotFound {
        /// The resource the method belongs to (`tasks`).
        resource: String,
        /// The call's first parameter as `name=value` (`task_id=42`), the usual identifier.
        identifier: String,
        /// The JSON-RPC method called.
        method: String,
    },

    /// The server answered `false` (or `0`, or `null`) where success was expected: validation
    /// failed, a duplicate, a missing parent object. `detail` is text the server printed before
    /// its JSON (shared by every call of a batch, not copied per call).
    #[error("{method}: the server refused the operation (it answered {returned}){}{}", why_suffix(.why), detail_suffix(.detail))]
    Rejected {
        /// The JSON-RPC method called.
        method: String,
        /// The result as sent: `false`, `0`, `null`, `""`, `[]` or `{}`.
        returned: String,
        /// When the server answers that for this method (an empty name, a duplicate, a missing
        /// parent...), as the schema documents it; `None` where it says nothing.
        why: Option<&'static str>,
        /// Text PHP printed before the JSON reply (warnings, a validation dump), if any.
        detail: Option<std::sync::Arc<str>>,
    },

    /// The server's Kanboard release lacks the method, or a parameter the call sends: refused
    /// before anything is sent, because an older Kanboard drops a parameter it does not know
    /// without an error (the value would be lost). See
    /// [`ClientBuilder::kanboard_version`](crate::ClientBuilder::kanboard_version).
    #[error("{method}: {} Kanboard {available}; the server runs {server}{}", what_needs(.parameter), lost_suffix(.parameter))]
    NotInRelease {
        /// The JSON-RPC method called.
        method: String,
        /// The parameter (its wire name), or `None` when the method itself is missing.
        parameter: Option<String>,
        /// The releases that have it.
        available: crate::Availability,
        /// The server's release.
        server: crate::KanboardVersion,
    },

    /// The server answered with an HTTP redirect. It is not followed by default, since a JSON-RPC
    /// endpoint does not move and following one can carry credentials and the request body
    /// elsewhere; with [`ClientBuilder::follow_redirects`](crate::ClientBuilder::follow_redirects)
    /// only same-origin 307/308 redirects are followed, and this is what any other one gives.
    #[error("{method}: the server redirects (HTTP {status}) to {}: fix the URL{}", location.as_deref().unwrap_or("(no Location header)"), redirect_hint(*.status))]
    Redirect {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// The HTTP status (301, 302, 303, 307 or 308).
        status: u16,
        /// The `Location` header, credentials in it masked.
        location: Option<String>,
    },

    /// A reply or an upload is larger than the client's limit; nothing more of it was read.
    #[error("{method}: {what} is larger than the limit of {limit} bytes{}; {}", size_suffix(*.size), what.how_to_raise())]
    TooLarge {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// Which limit: the reply's or an upload's.
        what: SizeLimit,
        /// The limit in bytes, as set on the client builder.
        limit: u64,
        /// The size, when it was known (a `Content-Length`, a file's length).
        size: Option<u64>,
    },

    /// HTTP 5xx: usually a PHP fatal error (Kanboard sends an empty HTML body).
    #[error("{method}: server error HTTP {status}: {body}")]
    Server {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// The HTTP status, 500 to 599.
        status: u16,
        /// The body as sent, often empty.
        body: crate::error::Body,
    },

    /// The reply is not a usable JSON-RPC response.
    #[error("{method}: malformed response ({reason}): {body}")]
    Response {
        /// The JSON-RPC method called (`batch` for a failure of the batch itself).
        method: String,
        /// What is wrong: not JSON, no `result` or `error`, a reply id that matches no call, ...
        reason: String,
        /// The body as sent.
        body: crate::error::Body,
    },

    /// The reply is well formed but its result does not have the declared shape.
    #[error("{method}: cannot decode the result at `{path}`: {message}")]
    Decode {
        /// The JSON-RPC method called.
        method: String,
        /// Where in the reply, e.g. `result[3].date_due`.
        path: String,
        /// What did not fit, e.g. a key the model requires that the reply lacks.
        message: String,
    },

    /// A batch was refused as a whole (one 401 or 403 replaces every reply); calls before the
    /// refused one may already have run on the server.
    #[error("batch of {calls} calls refused as a whole: {source}")]
    BatchRefused {
        /// How many calls the batch sent.
        calls: usize,
        /// The refusal, an [`Error::Auth`].
        #[source]
        source: Box<Error>,
    },

    /// A parameter could not be prepared (for example a file to upload could not be read).
    #[error("{method}: cannot prepare parameter: {message}")]
    Input {
        /// The JSON-RPC method whose parameter it is (`batch` for a misused batch slot).
        method: String,
        /// What could not be prepared, e.g. a file that cannot be read, and why.
        message: String,
    },
}

/// What went wrong on the connection, in words: the kind of failure and its innermost cause
/// (reqwest's own message only repeats the URL).
fn connection_cause(e: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    let kind = if e.is_timeout() {
        "no complete reply within the timeout"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the reply was cut off or unreadable"
    } else {
        "the exchange failed"
    };
    if std::ptr::addr_eq(root, e) {
        kind.to_owned()
    } else {
        format!("{kind} ({root})")
    }
}

fn redirect_hint(status: u16) -> &'static str {
    match status {
        301..=303 => " (following it would turn the call into a GET)",
        _ => "",
    }
}

fn size_suffix(size: Option<u64>) -> String {
    size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
}

/// Which of the client's size limits was exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SizeLimit {
    /// The server's reply ([`ClientBuilder::max_reply_size`](crate::ClientBuilder::max_reply_size)).
    Reply,
    /// A file to upload ([`ClientBuilder::max_upload_size`](crate::ClientBuilder::max_upload_size)).
    Upload,
}

impl SizeLimit {
    fn how_to_raise(self) -> &'static str {
        match self {
            SizeLimit::Reply => {
                "raise it with `ClientBuilder::max_reply_size` if the reply is expected"
            }
            SizeLimit::Upload => {
                "raise it with `ClientBuilder::max_upload_size` if the file is expected"
            }
        }
    }
}

impl fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SizeLimit::Reply => "the reply",
            SizeLimit::Upload => "the file to upload",
        })
    }
}

fn data_suffix(d: &Option<Box<serde_json::Value>>) -> String {
    match d.as_deref() {
        Some(serde_json::Value::String(s)) => format!(" ({s})"),
        Some(v) => format!(" ({v})"),
        None => String::new(),
    }
}

fn what_needs(parameter: &Option<String>) -> String {
    match parameter {
        Some(p) => format!("the parameter `{p}` needs"),
        None => "the method needs".into(),
    }
}

fn lost_suffix(parameter: &Option<String>) -> &'static str {
    match parameter {
        Some(_) => ", which would drop it without an error, so nothing was sent",
        None => ", so nothing was sent",
    }
}

fn why_suffix(why: &Option<&'static str>) -> String {
    match why {
        Some(w) => format!(". Kanboard's reasons: {w}"),
        None => String::new(),
    }
}

fn detail_suffix(d: &Option<std::sync::Arc<str>>) -> String {
    match d {
        Some(s) => format!("; server printed: {}", Body(s.to_string())),
        None => String::new(),
    }
}

impl Error {
    /// A reply or upload was over the client's size limit.
    pub fn is_too_large(&self) -> bool {
        matches!(self, Error::TooLarge { .. })
    }

    /// The object asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// The credentials or their permissions were refused (also inside a refused batch).
    pub fn is_auth(&self) -> bool {
        match self {
            Error::Auth { .. } => true,
            Error::BatchRefused { source, .. } => source.is_auth(),
            _ => false,
        }
    }

    /// The server refused the operation by answering `false`.
    pub fn is_rejected(&self) -> bool {
        matches!(self, Error::Rejected { .. })
    }

    /// JSON-RPC -32602.
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation { .. })
    }

    /// No exchange with the server completed.
    pub fn is_connection(&self) -> bool {
        matches!(self, Error::Connection { .. })
    }

    /// The call ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Connection { source, .. } if source.is_timeout())
    }

    /// The server does not have this method (-32601): an older Kanboard or a missing plugin.
    pub fn is_method_not_found(&self) -> bool {
        matches!(self, Error::Api { code: -32601, .. })
    }

    /// The JSON-RPC error code, when the server sent one.
    pub fn rpc_code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            Error::Validation { .. } => Some(-32602),
            _ => None,
        }
    }

    /// Worth trying again: connection failures and 5xx answers.
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Connection { .. } | Error::Server { .. })
    }
}

/// Turns a `NotFound` into `Ok(None)`, for callers that treat absence as a normal answer.
pub trait OptionalExt<T> {
    /// `Ok(v)` becomes `Ok(Some(v))`, an [`Error::NotFound`] becomes `Ok(None)`, any other
    /// error stays an error.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExt<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
