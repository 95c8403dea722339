//! A deliberately small HTTP/1.1 server over raw TCP (or TLS), for the faults a mock framework
//! cannot produce: a server that never answers, a body cut off half way, a dropped connection.
#![allow(dead_code)] // each test file uses its own part

use serde_json::{Value, json};
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with each request.
#[derive(Clone)]
pub enum Script {
    /// Answers `{"jsonrpc":"2.0","result":<value>,"id":<the request's id>}`.
    Result(Value),
    /// Answers exactly this status, content type and body.
    Raw {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// Answers this text followed by the JSON reply with `result`: PHP output before the JSON.
    TextBefore(&'static str, Value),
    /// Reads the request and then never answers, holding the connection open.
    Silent,
    /// Accepts the connection and never reads or answers.
    AcceptOnly,
    /// Declares a reply of `declared` bytes, sends the first half of the JSON reply, then closes.
    CutOff,
    /// Reads the request, then closes the connection without a reply.
    Close,
    /// Sends the status line and headers, then one byte of the body every 50 ms, forever.
    Trickle,
    /// Answers this redirect status with this `Location` (`{self}` stands for the server's own
    /// `127.0.0.1:<port>`).
    Redirect { status: u16, location: String },
    /// A 200 reply with no `Content-Length` whose body never ends (64 KiB at a time).
    Endless,
    /// A well-formed reply of about this many bytes (a string result), written a piece at a time
    /// so the server holds no copy of it; `declared`: whether `Content-Length` is sent.
    Padded { len: usize, declared: bool },
}

/// What one request looked like.
pub struct Seen {
    /// The first bytes of the body (up to [`KEPT`]).
    pub head_of_body: Vec<u8>,
    /// The whole body length.
    pub body_len: usize,
}

/// How much of each request body is kept, so a large upload is counted, not stored.
pub const KEPT: usize = 4096;

pub struct Server {
    /// `127.0.0.1:<port>`
    pub addr: String,
    pub requests: Arc<AtomicUsize>,
    /// Request body bytes received, all requests together.
    pub body_bytes: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    /// The endpoint over plain HTTP.
    pub fn http(&self) -> String {
        format!("http://{}/jsonrpc.php", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a server on a free loopback port that follows `script` for every request.
pub async fn start(script: Script) -> Server {
    start_with(
        script,
        |s| async move { Ok(Box::new(s) as Box<dyn Stream>) },
    )
    .await
}

/// A connection the server can talk over.
pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Like [`start`], with each accepted TCP stream wrapped first (e.g. in TLS).
pub async fn start_with<W, F>(script: Script, wrap: W) -> Server
where
    W: Fn(tokio::net::TcpStream) -> F + Send + Sync + 'static,
    F: std::future::Future<Output = io::Result<Box<dyn Stream>>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(AtomicUsize::new(0));
    let body_bytes = Arc::new(AtomicUsize::new(0));
    let counters = (requests.clone(), body_bytes.clone());
    let wrap = Arc::new(wrap);
    let task = tokio::spawn(async move {
        // The connections live in this set, so stopping the server drops them too.
        let mut connections = tokio::task::JoinSet::new();
        while let Ok((tcp, _)) = listener.accept().await {
            let script = script.clone();
            let counters = counters.clone();
            let wrap = wrap.clone();
            connections.spawn(async move {
                if let Ok(stream) = wrap(tcp).await {
                    let local = format!("127.0.0.1:{port}");
                    let _ = handle(stream, &script, &counters.0, &counters.1, local).await;
                }
            });
        }
    });
    Server {
        addr: format!("127.0.0.1:{port}"),
        requests,
        body_bytes,
        task,
    }
}

async fn handle(
    mut s: Box<dyn Stream>,
    script: &Script,
    counter: &AtomicUsize,
    body_bytes: &AtomicUsize,
    local_addr: String,
) -> io::Result<()> {
    if let Script::AcceptOnly = script {
        std::future::pending::<()>().await;
    }
    loop {
        let Some(seen) = read_request(&mut s).await? else {
            return Ok(());
        };
        counter.fetch_add(1, Ordering::SeqCst);
        body_bytes.fetch_add(seen.body_len, Ordering::SeqCst);
        let id = request_id(&seen.head_of_body);
        let reply = |result: &Value| {
            serde_json::to_vec(&json!({"jsonrpc": "2.0", "result": result, "id": id})).unwrap()
        };
        match script {
            Script::Result(v) => write_reply(&mut s, 200, "application/json", &reply(v)).await?,
            Script::Raw {
                status,
                content_type,
                body,
            } => write_reply(&mut s, *status, content_type, body).await?,
            Script::TextBefore(text, v) => {
                let mut body = text.as_bytes().to_vec();
                body.extend(reply(v));
                write_reply(&mut s, 200, "application/json", &body).await?
            }
            Script::Silent | Script::AcceptOnly => std::future::pending::<()>().await,
            Script::CutOff => {
                let body = reply(&json!({"id": 1, "title": "a task whose reply is cut off"}));
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                s.write_all(head.as_bytes()).await?;
                s.write_all(&body[..body.len() / 2]).await?;
                s.flush().await?;
                return s.shutdown().await;
            }
            Script::Close => return s.shutdown().await,
            Script::Redirect { status, location } => {
                let location = location.replace("{self}", &local_addr);
                let head = format!(
                    "HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
                );
                s.write_all(head.as_bytes()).await?;
                s.flush().await?;
            }
            Script::Endless => {
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"")
                    .await?;
                let piece = vec![b'x'; 64 * 1024];
                loop {
                    s.write_all(&piece).await?;
                }
            }
            Script::Padded { len, declared } => {
                let head = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":\"");
                let tail = "\"}";
                let fill = len.saturating_sub(head.len() + tail.len());
                let length = if *declared {
                    format!("Content-Length: {}\r\n", head.len() + fill + tail.len())
                } else {
                    "Connection: close\r\n".to_owned()
                };
                s.write_all(
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}\r\n")
                        .as_bytes(),
                )
                .await?;
                s.write_all(head.as_bytes()).await?;
                let piece = vec![b'x'; 64 * 1024];
                let mut left = fill;
                while left > 0 {
                    let n = left.min(piece.len());
                    s.write_all(&piece[..n]).await?;
                    left -= n;
                }
                s.write_all(tail.as_bytes()).await?;
                s.flush().await?;
                if !*declared {
                    return s.shutdown().await;
                }
            }
            Script::Trickle => {
                s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n")
                    .await?;
                loop {
                    s.write_all(b" ").await?;
                    s.flush().await?;
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            }
        }
    }
}

async fn write_reply(
    s: &mut Box<dyn Stream>,
    status: u16,
    ct: &str,
    body: &[u8],
) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} Status\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await?;
    s.write_all(body).await?;
    s.flush().await
}

/// Reads one request (headers and a Content-Length body), or `None` at end of stream.
pub async fn read_request(s: &mut Box<dyn Stream>) -> io::Result<Option<Seen>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).await? == 0 {
            return Ok(None);
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut kept = Vec::with_capacity(len.min(KEPT));
    let mut buf = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = s.read(&mut buf[..left.min(64 * 1024)]).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let keep = n.min(KEPT - kept.len().min(KEPT));
        kept.extend_from_slice(&buf[..keep]);
        left -= n;
    }
    Ok(Some(Seen {
        head_of_body: kept,
        body_len: len,
    }))
}

/// The `id` of a JSON-RPC request from the start of its body (the client writes it before
/// `params`, so it is there even when the body is only partly kept).
pub fn request_id(head_of_body: &[u8]) -> Value {
    let text = String::from_utf8_lossy(head_of_body);
    text.find("\"id\":")
        .map(|at| {
            text[at + 5..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|digits| digits.parse::<u64>().ok())
        .map(Value::from)
        .unwrap_or(Value::Null)
}
