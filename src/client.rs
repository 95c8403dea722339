//! The client: configuration, authentication and the one HTTP transport every call goes through.

use crate::body::{Outgoing, Uploads, collect_uploads};
use crate::descriptor::MethodDescriptor;
use crate::envelope::{self, Reply};
use crate::error::{AuthFailure, Error, Result, SizeLimit};
use crate::release_check::ReleaseCheck;
use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tracing::Instrument;

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Auth {
    /// The application API token (HTTP Basic `jsonrpc:<token>`): every method except the
    /// user-only ones, with no per-project permission checks.
    AppToken(SecretString),
    /// A user login: username with password or personal access token. Needed for `me.*`;
    /// permissions are those of the user.
    User {
        /// The login name.
        username: String,
        /// The password, or a personal access token (it works in its place); never printed.
        password: SecretString,
    },
}

impl Auth {
    /// The application API token (Kanboard's settings, API page): sent as HTTP Basic
    /// `jsonrpc:<token>`.
    pub fn app_token(token: impl Into<String>) -> Self {
        Auth::AppToken(SecretString::from(token.into()))
    }

    /// A user login: username and password, or username and personal access token.
    pub fn user(username: impl Into<String>, password: impl Into<String>) -> Self {
        Auth::User {
            username: username.into(),
            password: SecretString::from(password.into()),
        }
    }

    fn credentials(&self) -> (&str, &str) {
        match self {
            Auth::AppToken(t) => ("jsonrpc", t.expose_secret()),
            Auth::User { username, password } => (username, password.expose_secret()),
        }
    }

    /// Whether this is a user login, which the user-only methods (`me.*`) need.
    pub fn is_user(&self) -> bool {
        matches!(self, Auth::User { .. })
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::AppToken(_) => f.write_str("AppToken([REDACTED])"),
            Auth::User { username, .. } => {
                write!(f, "User {{ username: {username:?}, password: [REDACTED] }}")
            }
        }
    }
}

/// Opt-in retries of read-only calls on connection errors and HTTP 5xx, with exponential
/// backoff and full jitter. Writes (creates, updates, removes, and methods the schema does not
/// know) are retried only with [`RetryPolicy::retry_writes`]: a write whose reply was lost may
/// have been done.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 sends once. Default 3.
    pub max_retries: u32,
    /// Cap of the first delay; each retry doubles it (full jitter draws the delay below the
    /// cap). Default 100 ms.
    pub base_delay: Duration,
    /// Largest delay between two attempts, whatever the doubling gives. Default 5 s.
    pub max_delay: Duration,
    /// Also retry calls that change the server (and methods the schema does not know). Off by
    /// default: a write whose reply was lost may have been done, and would be done twice.
    pub retry_writes: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            retry_writes: false,
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `attempt` (0-based): uniform in
    /// `[0, min(max_delay, base_delay · 2^min(attempt, 20))]`, drawn from `seed`.
    pub fn delay(&self, attempt: u32, seed: u64) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32.checked_shl(attempt.min(20)).unwrap_or(u32::MAX))
            .min(self.max_delay);
        // splitmix64: enough randomness for jitter without a dependency.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let frac = (z >> 11) as f64 / (1u64 << 53) as f64;
        // Not `mul_f64`: it panics when a huge cap rounds past `Duration::MAX`.
        Duration::try_from_secs_f64(cap.as_secs_f64() * frac).map_or(cap, |d| d.min(cap))
    }
}

/// A fresh random seed for retry jitter: the keys of a new `RandomState` are random per process
/// and differ at each call, so clients that fail together do not retry in step.
fn jitter_seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0u8)
}

/// The URL text with any `user:password@` replaced, for messages about a URL that may hold them.
fn without_userinfo(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@') {
            return format!("{}://***@{}", &url[..scheme_end], &rest[at + 1..]);
        }
    }
    url.to_owned()
}

/// Serializes one call's request object, files to upload noted to be streamed from disk
/// (their places hold markers, so the JSON stays valid and its first parameter readable).
pub(crate) fn serialize_call<P: Serialize + ?Sized>(
    method: &str,
    id: u64,
    params: &P,
) -> Result<(Vec<u8>, Uploads)> {
    let (json, uploads) = collect_uploads(Uploads::new(), || {
        envelope::request_body(method, id, Some(params))
    });
    Ok((json.map_err(|e| input_error(method, e))?, uploads))
}

pub(crate) fn input_error(method: &str, e: serde_json::Error) -> Error {
    Error::Input {
        method: method.into(),
        message: e.to_string(),
    }
}

/// Builds a [`KanboardClient`].
pub struct ClientBuilder {
    url: String,
    auth: Option<Auth>,
    auth_header: Option<String>,
    timeout: Duration,
    user_agent: String,
    root_certs: Vec<Vec<u8>>,
    insecure: bool,
    proxy: Option<reqwest::Proxy>,
    no_proxy: bool,
    retry: Option<RetryPolicy>,
    follow_redirects: bool,
    max_reply_size: Option<u64>,
    max_upload_size: Option<u64>,
    kanboard_version: Option<crate::KanboardVersion>,
    version_check: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field("auth_header", &self.auth_header)
            .field("timeout", &self.timeout)
            .field("follow_redirects", &self.follow_redirects)
            .field("max_reply_size", &self.max_reply_size)
            .field("max_upload_size", &self.max_upload_size)
            .field("kanboard_version", &self.kanboard_version)
            .field("version_check", &self.version_check)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The default [`max_reply_size`](Self::max_reply_size): 128 MiB, room for a board of tens
    /// of thousands of tasks (10,000 tasks are about 8 MiB) or the download of a file of the
    /// default upload limit (base64 adds a third).
    pub const DEFAULT_MAX_REPLY_SIZE: u64 = 128 * 1024 * 1024;

    /// The default [`max_upload_size`](Self::max_upload_size): 64 MiB of file content.
    pub const DEFAULT_MAX_UPLOAD_SIZE: u64 = 64 * 1024 * 1024;

    /// The largest reply read, in bytes (`None`: no limit). Past it reading stops and the call
    /// fails with [`Error::TooLarge`]; a `Content-Length` over it fails before reading. Memory
    /// use is bounded by this whatever the server sends. Default
    /// [`DEFAULT_MAX_REPLY_SIZE`](Self::DEFAULT_MAX_REPLY_SIZE).
    pub fn max_reply_size(mut self, limit: Option<u64>) -> Self {
        self.max_reply_size = limit;
        self
    }

    /// The largest file content an upload sends, in bytes (`None`: no limit); a larger file, or
    /// input that goes on past it, fails with [`Error::TooLarge`] before anything is sent.
    /// Default [`DEFAULT_MAX_UPLOAD_SIZE`](Self::DEFAULT_MAX_UPLOAD_SIZE).
    pub fn max_upload_size(mut self, limit: Option<u64>) -> Self {
        self.max_upload_size = limit;
        self
    }

    /// Follows redirects that are safe to follow: 307 and 308 (which keep the method and the
    /// body) to the same origin (scheme, host and port: never https → http, never another
    /// host), at most 5 and never in a loop. Off by default: a JSON-RPC endpoint does not move,
    /// and any redirect is [`Error::Redirect`] naming where it points, so the URL can be fixed.
    /// Either way, no credential or request body ever goes to another origin.
    pub fn follow_redirects(mut self, yes: bool) -> Self {
        self.follow_redirects = yes;
        self
    }

    /// The server's Kanboard release, when known: calls that use a method or a parameter it
    /// lacks are refused with [`Error::NotInRelease`] without asking the server. Otherwise the
    /// client asks `getVersion` once, the first time a call uses something not every release
    /// has (most calls never do).
    pub fn kanboard_version(mut self, v: crate::KanboardVersion) -> Self {
        self.kanboard_version = Some(v);
        self
    }

    /// Whether to refuse calls the server's release cannot take (default `true`). Off, every
    /// call is sent as it is: on a release older than a parameter, Kanboard drops that
    /// parameter without an error and its value is lost; for a server patched by hand, or to
    /// test one.
    pub fn version_check(mut self, yes: bool) -> Self {
        self.version_check = yes;
        self
    }

    /// Authenticates with the application API token.
    pub fn app_token(mut self, token: impl Into<String>) -> Self {
        self.auth = Some(Auth::app_token(token));
        self
    }

    /// Authenticates as a user, with a password or a personal access token.
    pub fn user(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.auth = Some(Auth::user(username, password));
        self
    }

    /// Authenticates with `auth`, as [`app_token`](Self::app_token) or [`user`](Self::user)
    /// would; the last of the three called wins.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Sends credentials in this header (value `base64(user:secret)`) instead of HTTP Basic,
    /// for servers whose `API_AUTHENTICATION_HEADER` is set (e.g. `X-API-Auth`).
    pub fn auth_header(mut self, name: impl Into<String>) -> Self {
        self.auth_header = Some(name.into());
        self
    }

    /// Time allowed for a whole call, connection included. Default 30 s.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// The `User-Agent` header sent with every request. Default `kanboard-rs/<version>`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// Trusts this CA certificate (PEM; a bundle of several is fine) in addition to the
    /// system's. Text with no PEM certificate in it makes [`build`](Self::build) fail.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certs.push(pem.into());
        self
    }

    /// Skips TLS certificate verification. Only for test servers you control.
    pub fn danger_accept_invalid_certs(mut self, yes: bool) -> Self {
        self.insecure = yes;
        self
    }

    /// Routes requests through this proxy (otherwise the usual proxy variables apply).
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Ignores proxy environment variables.
    pub fn no_proxy(mut self) -> Self {
        self.no_proxy = true;
        self
    }

    /// Retries calls the schema marks read-only after a connection error (a timeout included)
    /// or an HTTP 5xx; never after a 4xx or a JSON-RPC error, which are answers. A raw
    /// [`call`](KanboardClient::call) is retried when the schema knows its method as read-only;
    /// a batch when every call in it is. Each attempt has the whole timeout, so a call can take
    /// up to `(max_retries + 1) × timeout` plus the delays. The same request (same id) is sent
    /// again.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Checks the settings and makes the client; nothing is sent yet. Fails with
    /// [`Error::Config`] for a URL that is not `http://` or `https://` (or carries credentials),
    /// for missing credentials and for an unusable certificate or proxy.
    pub fn build(self) -> Result<KanboardClient> {
        let cfg = |field: &str, message: String| Error::Config {
            field: field.into(),
            message,
        };
        let shown = without_userinfo(&self.url);
        let url = reqwest::Url::parse(&self.url)
            .map_err(|e| cfg("url", format!("{shown:?} is not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(cfg(
                "url",
                format!("{shown:?} must start with http:// or https://"),
            ));
        }
        // Credentials in the URL would be shown wherever the URL is (errors, logs, Debug).
        if !url.username().is_empty() || url.password().is_some() {
            return Err(cfg(
                "url",
                format!(
                    "{shown:?} holds credentials: give them as the API token or the user login, not in the URL"
                ),
            ));
        }
        let auth = self.auth.ok_or_else(|| {
            cfg(
                "auth",
                "no credentials: give an application token or a username and password".into(),
            )
        })?;
        let (user, secret) = auth.credentials();
        if secret.is_empty() {
            let field = if auth.is_user() { "password" } else { "token" };
            return Err(cfg(field, "is empty".into()));
        }
        if user.contains(':') {
            return Err(cfg("username", "must not contain `:`".into()));
        }
        let header_name = match self.auth_header.filter(|h| !h.is_empty()) {
            Some(h) => Some(
                reqwest::header::HeaderName::from_bytes(h.as_bytes()).map_err(|e| {
                    cfg(
                        "auth_header",
                        format!("{h:?} is not a valid header name: {e}"),
                    )
                })?,
            ),
            None => None,
        };
        let credentials = credentials_header(header_name, user, secret)?;
        let mut http = reqwest::Client::builder()
            .redirect(redirect_policy(self.follow_redirects))
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(10)))
            .user_agent(self.user_agent);
        for pem in &self.root_certs {
            // `from_pem` takes anything and the bad input would be ignored when connecting,
            // leaving the default trust; a bundle is parsed here, so a wrong file is an error.
            let certs = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| cfg("ca_cert", format!("not a PEM certificate: {e}")))?;
            if certs.is_empty() {
                return Err(cfg(
                    "ca_cert",
                    "holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
                ));
            }
            for cert in certs {
                http = http.add_root_certificate(cert);
            }
        }
        if self.insecure {
            http = http.danger_accept_invalid_certs(true);
        }
        if self.no_proxy {
            http = http.no_proxy();
        }
        if let Some(p) = self.proxy {
            http = http.proxy(p);
        }
        let http = http
            .build()
            .map_err(|e| cfg("http", format!("cannot build the HTTP client: {e}")))?;
        Ok(KanboardClient {
            inner: Arc::new(Inner {
                http,
                url,
                auth,
                credentials,
                timeout: self.timeout,
                retry: self.retry,
                max_reply_size: self.max_reply_size,
                max_upload_size: self.max_upload_size,
                next_id: AtomicU64::new(1),
                release: match (self.version_check, self.kanboard_version) {
                    (false, _) => ReleaseCheck::Off,
                    (true, Some(v)) => ReleaseCheck::Given(v),
                    (true, None) => ReleaseCheck::Ask(tokio::sync::OnceCell::new()),
                },
            }),
        })
    }
}

/// Redirects followed at most, when following is on.
const MAX_REDIRECTS: usize = 5;

/// No redirect is followed unless asked; then only same-origin 307/308 ones. A redirect that is
/// not followed comes back as the response, which [`KanboardClient::send_body`] turns into
/// [`Error::Redirect`]. reqwest's own policy would follow 301/302/303 as GETs, follow other
/// origins and downgrades, and strip only `Authorization` there (not a custom credentials
/// header, nor the body of a 307).
fn redirect_policy(follow: bool) -> reqwest::redirect::Policy {
    if !follow {
        return reqwest::redirect::Policy::none();
    }
    reqwest::redirect::Policy::custom(|attempt| {
        let previous = attempt.previous();
        let same_origin = previous
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        let keeps_method_and_body = matches!(attempt.status().as_u16(), 307 | 308);
        let looping = previous.contains(attempt.url());
        if same_origin && keeps_method_and_body && !looping && previous.len() <= MAX_REDIRECTS {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// The credentials header: HTTP Basic in `Authorization` unless the server reads them from a
/// custom header (`API_AUTHENTICATION_HEADER`), which takes `base64(user:secret)` alone.
fn credentials_header(
    custom: Option<reqwest::header::HeaderName>,
    user: &str,
    secret: &str,
) -> Result<(reqwest::header::HeaderName, reqwest::header::HeaderValue)> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
    let (name, text) = match custom {
        Some(name) => (name, encoded),
        None => (reqwest::header::AUTHORIZATION, format!("Basic {encoded}")),
    };
    // base64 is always a valid header value.
    let mut value = reqwest::header::HeaderValue::from_str(&text).map_err(|e| Error::Config {
        field: "auth".into(),
        message: e.to_string(),
    })?;
    value.set_sensitive(true);
    Ok((name, value))
}

struct Inner {
    http: reqwest::Client,
    url: reqwest::Url,
    auth: Auth,
    /// The header that carries the credentials, built once: `Authorization: Basic …`, or the
    /// server's custom header with `base64(user:secret)`. Marked sensitive.
    credentials: (reqwest::header::HeaderName, reqwest::header::HeaderValue),
    timeout: Duration,
    retry: Option<RetryPolicy>,
    max_reply_size: Option<u64>,
    max_upload_size: Option<u64>,
    next_id: AtomicU64,
    /// The server's release, for the check of calls against it.
    pub(crate) release: ReleaseCheck,
}

/// A Kanboard JSON-RPC client. Cheap to clone (one `Arc`), `Send + Sync`.
///
/// ```no_run
/// # async fn example() -> kanboard::Result<()> {
/// let kb = kanboard::KanboardClient::new("http://localhost/jsonrpc.php", "token")?;
/// let project_id = kb.projects().create_project("Launch").send().await?;
/// let task_id = kb.tasks().create_task("Write docs", project_id).color_id("green").send().await?;
/// # let _ = task_id; Ok(()) }
/// ```
#[derive(Clone)]
pub struct KanboardClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for KanboardClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KanboardClient")
            .field("url", &self.inner.url.as_str())
            .field("auth", &self.inner.auth)
            .field("auth_header", &self.inner.credentials.0)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

impl KanboardClient {
    /// A client using the application API token.
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> Result<Self> {
        Self::builder(url).app_token(token).build()
    }

    /// A builder for a client of the endpoint `url` (`https://host/jsonrpc.php`), to set the
    /// credentials and the transport options; [`ClientBuilder::build`] makes the client.
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            auth: None,
            auth_header: None,
            timeout: Duration::from_secs(30),
            user_agent: concat!("kanboard-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            root_certs: Vec::new(),
            insecure: false,
            proxy: None,
            no_proxy: false,
            retry: None,
            follow_redirects: false,
            max_reply_size: Some(ClientBuilder::DEFAULT_MAX_REPLY_SIZE),
            max_upload_size: Some(ClientBuilder::DEFAULT_MAX_UPLOAD_SIZE),
            kanboard_version: None,
            version_check: true,
        }
    }

    /// What the client knows of the server's release.
    pub(crate) fn release(&self) -> &ReleaseCheck {
        &self.inner.release
    }

    /// The endpoint URL.
    pub fn url(&self) -> &str {
        self.inner.url.as_str()
    }

    /// Whether the client logs in as a user (rather than with the application token).
    pub fn is_user_auth(&self) -> bool {
        self.inner.auth.is_user()
    }

    /// Calls any method by name with named parameters and returns the raw result: for methods
    /// the schema does not have (plugins, newer servers). `params` is anything that serializes
    /// to a JSON object (`serde_json::json!({..})`, a map, a struct; it may hold a
    /// [`FileContent`](crate::FileContent) to upload), or `Value::Null` for none. Errors are
    /// mapped as for typed calls; a method the schema marks read-only is retried under the retry
    /// policy. Unlike typed calls and batches, a user-only method is sent even with the
    /// application token, so the server's own answer (403) is what comes back. A parameter of a
    /// schema method that the server's release lacks is refused as in a typed call
    /// ([`Error::NotInRelease`]), since the server would drop it.
    pub async fn call<P: Serialize>(&self, method: &str, params: P) -> Result<Value> {
        let desc = MethodDescriptor::find(method);
        let read_only = desc.is_some_and(|d| d.read_only);
        let id = self.next_id();
        let (json, uploads) = serialize_call(method, id, &params)?;
        drop(params);
        if let Some(d) = desc {
            self.check_release(d, &json).await?;
        }
        let body = self.prepare_body(method, json, uploads).await?;
        self.call_once(method, id, body, read_only)
            .await
            .map(|r| r.result)
    }

    /// Turns serialized JSON and the files it refers to into a body ready to send.
    pub(crate) async fn prepare_body(
        &self,
        method: &str,
        body: Vec<u8>,
        uploads: Uploads,
    ) -> Result<Outgoing> {
        Outgoing::prepare(
            method,
            body,
            uploads,
            self.inner.max_upload_size,
            self.inner.timeout,
        )
        .await
    }

    /// Starts a batch: many calls in one HTTP request.
    pub fn batch(&self) -> crate::batch::Batch {
        crate::batch::Batch::new(self.clone())
    }

    pub(crate) fn next_id(&self) -> u64 {
        self.inner.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Refuses user-only methods before sending when the client holds the app token.
    pub(crate) fn check_auth(&self, desc: &MethodDescriptor) -> Result<()> {
        if desc.user_only && !self.inner.auth.is_user() {
            return Err(Error::Auth {
                method: desc.rpc_name.into(),
                status: None,
                failure: AuthFailure::UserOnlyMethod,
            });
        }
        Ok(())
    }

    /// One call whose request `body` (with this `id`) is already serialized: the exchange,
    /// with retries when `read_only`, and the decoding of the reply.
    pub(crate) async fn call_once(
        &self,
        method: &str,
        id: u64,
        body: Outgoing,
        read_only: bool,
    ) -> Result<Reply> {
        let span = tracing::debug_span!("kanboard.rpc", rpc.method = method, rpc.id = id);
        async {
            let (status, bytes) = self.exchange(method, &body, read_only).await?;
            tracing::debug!(status, bytes = bytes.len(), "reply");
            envelope::decode_single(method, id, status, &bytes)
        }
        .instrument(span)
        .await
    }

    /// Posts `body`, and posts it again under the retry policy after a connection error or an
    /// HTTP 5xx when the call changes nothing (`read_only`) or the policy allows writes. The
    /// same bytes, hence the same ids, are sent each time.
    pub(crate) async fn exchange(
        &self,
        label: &str,
        body: &Outgoing,
        read_only: bool,
    ) -> Result<(u16, bytes::Bytes)> {
        let retry = self
            .inner
            .retry
            .as_ref()
            .filter(|p| read_only || p.retry_writes);
        let mut attempt = 0;
        loop {
            let outcome = self.send_body(label, body).await;
            let transient = match &outcome {
                Ok((status, _)) => *status >= 500,
                Err(e) => e.is_transient(),
            };
            match retry {
                Some(p) if transient && attempt < p.max_retries => {
                    let delay = p.delay(attempt, jitter_seed());
                    match &outcome {
                        Ok((status, _)) => {
                            tracing::debug!(method = label, attempt, ?delay, status, "retrying")
                        }
                        Err(e) => {
                            tracing::debug!(method = label, attempt, ?delay, error = %e, "retrying")
                        }
                    }
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// Sends a request body and returns the status and the reply's bytes, read up to the reply
    /// size limit. The only place that does HTTP.
    async fn send_body(&self, label: &str, body: &Outgoing) -> Result<(u16, bytes::Bytes)> {
        let inner = &self.inner;
        let mut req = inner
            .http
            .post(inner.url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json");
        if body.in_memory().is_none() {
            // A streamed body would otherwise go out chunked, which not every PHP server reads.
            req = req.header(reqwest::header::CONTENT_LENGTH, body.len());
        }
        req = req.body(body.to_reqwest());
        let (name, value) = &inner.credentials;
        req = req.header(name.clone(), value.clone());
        let connection = |source| Error::Connection {
            url: inner.url.to_string(),
            source,
        };
        let resp = req.send().await.map_err(connection)?;
        let status = resp.status();
        if status.is_redirection() {
            return Err(Error::Redirect {
                method: label.into(),
                status: status.as_u16(),
                location: self.location(&resp),
            });
        }
        let bytes = read_limited(label, resp, inner.max_reply_size)
            .await
            .map_err(|e| e.into_error(connection))?;
        Ok((status.as_u16(), bytes))
    }

    /// Where a redirect points, made absolute, with any credentials in it masked.
    fn location(&self, resp: &reqwest::Response) -> Option<String> {
        let raw = resp.headers().get(reqwest::header::LOCATION)?;
        let text = String::from_utf8_lossy(raw.as_bytes());
        let absolute = self
            .inner
            .url
            .join(&text)
            .map_or_else(|_| text.into_owned(), String::from);
        Some(without_userinfo(&absolute))
    }
}

/// A failure while reading a reply: the connection's, or the size limit's.
enum ReadError {
    Connection(reqwest::Error),
    TooLarge(Error),
}

impl ReadError {
    fn into_error(self, connection: impl FnOnce(reqwest::Error) -> Error) -> Error {
        match self {
            ReadError::Connection(e) => connection(e),
            ReadError::TooLarge(e) => e,
        }
    }
}

/// Reads a reply's body, never more than `limit` bytes, whatever `Content-Length` says or
/// whether there is one.
async fn read_limited(
    label: &str,
    mut resp: reqwest::Response,
    limit: Option<u64>,
) -> std::result::Result<bytes::Bytes, ReadError> {
    let declared = resp.content_length();
    let too_large = |limit, size| {
        ReadError::TooLarge(Error::TooLarge {
            method: label.into(),
            what: SizeLimit::Reply,
            limit,
            size,
        })
    };
    if let (Some(limit), Some(size)) = (limit, declared)
        && size > limit
    {
        return Err(too_large(limit, Some(size)));
    }
    // A declared length sizes the buffer once, but a hostile one is not trusted beyond 16 MiB;
    // growth is capped at the limit, so the buffer never holds more than the limit allows.
    const PREALLOCATED: u64 = 16 * 1024 * 1024;
    let cap = limit.unwrap_or(u64::MAX);
    let mut buf: Vec<u8> =
        Vec::with_capacity(declared.unwrap_or(0).min(PREALLOCATED).min(cap) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Connection)? {
        let needed = buf.len() as u64 + chunk.len() as u64;
        if needed > cap {
            return Err(too_large(cap, declared));
        }
        if buf.is_empty() && declared == Some(chunk.len() as u64) {
            // The whole reply in one piece: no copy.
            return Ok(chunk);
        }
        if needed > buf.capacity() as u64 {
            let grown = (buf.capacity() as u64 * 2).max(needed).min(cap);
            buf.reserve_exact(grown as usize - buf.len());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.into())
}
