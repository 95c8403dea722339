//! Request bodies as they are sent: the serialized JSON, with the content of files to upload
//! read and base64-encoded into it while it goes out.
//!
//! A file given by path ([`FileContent::Path`](crate::FileContent)) is not read when the request
//! is serialized: serialization leaves a marker and notes the path ([`collect_uploads`]), and
//! [`Outgoing::prepare`] turns the body into parts. A regular file is then streamed from disk as
//! the request is sent, so it is never whole in memory, and the client's timeout and the
//! caller's cancellation (dropping the future) stop it like any other exchange. Input of unknown
//! length (a pipe, standard input, a device) is read before sending, asynchronously and under
//! the same timeout, and never past the upload limit, so endless input ends in an error.

use crate::error::{Error, Result, SizeLimit};
use base64::Engine;
use bytes::Bytes;
use std::cell::RefCell;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncReadExt;

/// Bytes of a file read and encoded at a time: a multiple of 3, so the pieces' base64 texts
/// join without padding in between.
const PIECE: usize = 3 * 16 * 1024;

/// The size of the base64 text of `n` bytes.
pub(crate) fn base64_len(n: u64) -> u64 {
    n.div_ceil(3) * 4
}

thread_local! {
    /// The files noted while a request is serialized on this thread, if one is being collected.
    static COLLECTING: RefCell<Option<Uploads>> = const { RefCell::new(None) };
}

/// The files a serialized request refers to, each by the marker standing in its place.
#[derive(Debug, Default)]
pub(crate) struct Uploads {
    nonce: u64,
    paths: Vec<PathBuf>,
}

impl Uploads {
    fn marker(nonce: u64, index: usize) -> String {
        // A control character makes the text unlikely in user data, and the random nonce makes a
        // collision a matter of chance, not of crafting. serde_json writes it as `\u0001`.
        format!("\u{1}kanboard-upload:{nonce:016x}:{index}\u{1}")
    }

    /// The marker as it appears in the serialized JSON.
    fn marker_in_json(&self, index: usize) -> Vec<u8> {
        serde_json::to_vec(&Self::marker(self.nonce, index))
            .map(|quoted| quoted[1..quoted.len() - 1].to_vec())
            .unwrap_or_default()
    }

    /// An empty collection with its own nonce.
    pub(crate) fn new() -> Self {
        Uploads {
            nonce: random_nonce(),
            paths: Vec::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

/// Runs `serialize` with file paths noted into `into` instead of read; returns its value and the
/// files. A batch passes the same collection for each call, so markers stay unique in its body.
pub(crate) fn collect_uploads<T>(into: Uploads, serialize: impl FnOnce() -> T) -> (T, Uploads) {
    let previous = COLLECTING.with(|c| c.replace(Some(into)));
    let out = serialize();
    let uploads = COLLECTING.with(|c| c.replace(previous)).unwrap_or_default();
    (out, uploads)
}

/// The marker to serialize in place of the file at `path`, when a collection is under way.
pub(crate) fn note_upload(path: &std::path::Path) -> Option<String> {
    COLLECTING.with(|c| {
        let mut c = c.borrow_mut();
        let uploads = c.as_mut()?;
        uploads.paths.push(path.to_owned());
        Some(Uploads::marker(uploads.nonce, uploads.paths.len() - 1))
    })
}

/// How many files the collection under way holds (0 when none is): with [`forget_uploads_after`]
/// it lets a pass that only measures the body leave the collection as it found it.
pub(crate) fn uploads_noted() -> usize {
    COLLECTING.with(|c| c.borrow().as_ref().map_or(0, |u| u.paths.len()))
}

/// Drops the files noted after the first `count`.
pub(crate) fn forget_uploads_after(count: usize) {
    COLLECTING.with(|c| {
        if let Some(u) = c.borrow_mut().as_mut() {
            u.paths.truncate(count);
        }
    })
}

fn random_nonce() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0x6b62u16)
}

/// One piece of a body.
#[derive(Debug, Clone)]
enum Part {
    Bytes(Bytes),
    /// A regular file of `size` bytes, sent as its base64 text.
    File {
        path: Arc<PathBuf>,
        size: u64,
    },
}

/// A request body ready to be sent, as many times as retries need.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing {
    parts: Vec<Part>,
    len: u64,
}

impl Outgoing {
    /// A body with nothing to read from disk.
    pub(crate) fn json(body: Vec<u8>) -> Self {
        let len = body.len() as u64;
        Outgoing {
            parts: vec![Part::Bytes(body.into())],
            len,
        }
    }

    /// Splits `body` at the markers of `uploads`, checking each file against `limit`. Input of
    /// unknown length is read here, within `timeout`.
    pub(crate) async fn prepare(
        method: &str,
        body: Vec<u8>,
        uploads: Uploads,
        limit: Option<u64>,
        timeout: Duration,
    ) -> Result<Self> {
        if uploads.is_empty() {
            return Ok(Self::json(body));
        }
        let body = Bytes::from(body);
        let mut parts = Vec::with_capacity(2 * uploads.paths.len() + 1);
        let mut rest = body.clone();
        for (index, path) in uploads.paths.iter().enumerate() {
            let marker = uploads.marker_in_json(index);
            let Some(at) = find(&rest, &marker) else {
                // Serialized but not kept (a serializer that skipped the value): nothing to send.
                continue;
            };
            parts.push(Part::Bytes(rest.slice(..at)));
            parts.push(file_part(method, path, limit, timeout).await?);
            rest = rest.slice(at + marker.len()..);
        }
        parts.push(Part::Bytes(rest));
        let len = parts
            .iter()
            .map(|p| match p {
                Part::Bytes(b) => b.len() as u64,
                Part::File { size, .. } => base64_len(*size),
            })
            .sum();
        Ok(Outgoing { parts, len })
    }

    /// The body's length in bytes.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The body in memory, when no part is read from disk.
    pub(crate) fn in_memory(&self) -> Option<Bytes> {
        match self.parts.as_slice() {
            [Part::Bytes(b)] => Some(b.clone()),
            _ => None,
        }
    }

    /// A fresh body for one attempt: files are opened anew and streamed.
    pub(crate) fn to_reqwest(&self) -> reqwest::Body {
        match self.in_memory() {
            Some(bytes) => reqwest::Body::from(bytes),
            None => reqwest::Body::wrap_stream(stream(self.parts.clone())),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn too_large(method: &str, limit: u64, size: Option<u64>) -> Error {
    Error::TooLarge {
        method: method.into(),
        what: SizeLimit::Upload,
        limit,
        size,
    }
}

fn cannot_read(method: &str, path: &std::path::Path, e: impl std::fmt::Display) -> Error {
    Error::Input {
        method: method.into(),
        message: format!("cannot read {}: {e}", path.display()),
    }
}

/// The part for one file: streamed later if it is a regular file, read now otherwise.
async fn file_part(
    method: &str,
    path: &std::path::Path,
    limit: Option<u64>,
    timeout: Duration,
) -> Result<Part> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| cannot_read(method, path, e))?;
    if meta.is_dir() {
        return Err(cannot_read(method, path, "it is a directory"));
    }
    if meta.is_file() {
        if let Some(limit) = limit.filter(|&l| meta.len() > l) {
            return Err(too_large(method, limit, Some(meta.len())));
        }
        return Ok(Part::File {
            path: Arc::new(path.to_owned()),
            size: meta.len(),
        });
    }
    // A pipe, a device, standard input: its length is known only at its end.
    let read = async {
        let mut file = tokio::fs::File::open(path).await?;
        let mut raw = Vec::new();
        let mut piece = vec![0u8; PIECE];
        loop {
            let n = file.read(&mut piece).await?;
            if n == 0 {
                return Ok::<_, io::Error>(Ok(raw));
            }
            raw.extend_from_slice(&piece[..n]);
            if let Some(limit) = limit.filter(|&l| raw.len() as u64 > l) {
                return Ok(Err(limit));
            }
        }
    };
    match tokio::time::timeout(timeout, read).await {
        Err(_) => Err(cannot_read(
            method,
            path,
            format!("no end of input within the timeout ({timeout:?})"),
        )),
        Ok(Err(e)) => Err(cannot_read(method, path, e)),
        Ok(Ok(Err(limit))) => Err(too_large(method, limit, None)),
        Ok(Ok(Ok(raw))) => {
            let text = base64::engine::general_purpose::STANDARD.encode(&raw);
            Ok(Part::Bytes(text.into()))
        }
    }
}

/// The parts as a stream of bytes, files read and encoded a piece at a time.
fn stream(parts: Vec<Part>) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send {
    struct State {
        parts: std::vec::IntoIter<Part>,
        file: Option<Reading>,
    }
    futures_util::stream::unfold(
        State {
            parts: parts.into_iter(),
            file: None,
        },
        |mut st| async move {
            loop {
                if let Some(reading) = st.file.as_mut() {
                    match reading.next_piece().await {
                        Ok(Some(text)) => return Some((Ok(text), st)),
                        Ok(None) => st.file = None,
                        Err(e) => {
                            // Nothing more after an error: the exchange fails with it.
                            st.file = None;
                            st.parts = Vec::new().into_iter();
                            return Some((Err(e), st));
                        }
                    }
                }
                match st.parts.next()? {
                    Part::Bytes(b) => return Some((Ok(b), st)),
                    Part::File { path, size } => match tokio::fs::File::open(&*path).await {
                        Ok(file) => {
                            st.file = Some(Reading {
                                file,
                                path,
                                size,
                                done: 0,
                                piece: vec![0u8; PIECE],
                            })
                        }
                        Err(e) => {
                            st.parts = Vec::new().into_iter();
                            let e = io::Error::new(
                                e.kind(),
                                format!("cannot read {}: {e}", path.display()),
                            );
                            return Some((Err(e), st));
                        }
                    },
                }
            }
        },
    )
}

/// A file being streamed: exactly `size` bytes must come out of it, as announced in the
/// request's `Content-Length`.
struct Reading {
    file: tokio::fs::File,
    path: Arc<PathBuf>,
    size: u64,
    done: u64,
    piece: Vec<u8>,
}

impl Reading {
    async fn next_piece(&mut self) -> io::Result<Option<Bytes>> {
        let mut filled = 0;
        while filled < PIECE {
            let n = self.file.read(&mut self.piece[filled..]).await?;
            if n == 0 {
                break;
            }
            filled += n;
        }
        self.done += filled as u64;
        let changed = |how: &str| {
            io::Error::other(format!(
                "{} {how} while it was being uploaded ({} bytes when the request started)",
                self.path.display(),
                self.size
            ))
        };
        if self.done > self.size {
            return Err(changed("grew"));
        }
        if filled == 0 {
            return if self.done < self.size {
                Err(changed("shrank"))
            } else {
                Ok(None)
            };
        }
        let text = base64::engine::general_purpose::STANDARD.encode(&self.piece[..filled]);
        Ok(Some(text.into()))
    }
}
