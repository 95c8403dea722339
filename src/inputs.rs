//! Parameter types that need more than a plain value: secrets, dates and file content.

use base64::display::Base64Display;
use secrecy::{ExposeSecret, SecretString};
use std::cell::Cell;
use std::fmt;
use std::path::PathBuf;

/// A password or token. `Debug` never shows it; it is only exposed when serialized for sending.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a password or token; from then on `Debug` shows `Secret([REDACTED])`.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(SecretString::from(s.into()))
    }

    /// The secret text, for the rare caller that must hand it on.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.expose_secret())
    }
}

/// A date parameter. Kanboard takes text (`2026-12-31` or `2026-12-31 17:00`); give it text or
/// a `jiff` civil date or date-time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct DateInput(String);

impl DateInput {
    /// Refuses text written as an ISO date that is not one (`2026-13-45`, `2026-02-28 25:00`),
    /// which the server would answer with a bare `false`. Kanboard takes `YYYY-MM-DD` or
    /// `YYYY_MM_DD`, optionally with ` HH:MM`, a Unix timestamp, or the date format its settings
    /// name (`12/31/2026`, ...); text of another shape is left for the server to judge.
    pub fn check(text: &str) -> Result<(), String> {
        let bad = |why: String| {
            Err(format!(
                "{text:?} is not a date: {why} (write 2026-12-31 or 2026-12-31 17:00)"
            ))
        };
        let (day, time) = match text.split_once(' ') {
            Some((d, t)) => (d, Some(t)),
            None => (text, None),
        };
        let iso = day.len() >= 5
            && day.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && matches!(day.as_bytes()[4], b'-' | b'_');
        if !iso {
            return Ok(());
        }
        if let Err(e) = jiff::civil::Date::strptime("%Y-%m-%d", day.replace('_', "-")) {
            return bad(e.to_string());
        }
        match time {
            Some(t) if jiff::civil::Time::strptime("%H:%M", t).is_err() => {
                bad(format!("the time {t:?} is not HH:MM"))
            }
            _ => Ok(()),
        }
    }

    /// The text sent to the server, e.g. `2026-12-31` or `2026-12-31 17:00`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for DateInput {
    fn from(s: &str) -> Self {
        DateInput(s.to_owned())
    }
}

impl From<String> for DateInput {
    fn from(s: String) -> Self {
        DateInput(s)
    }
}

impl From<jiff::civil::Date> for DateInput {
    fn from(d: jiff::civil::Date) -> Self {
        DateInput(d.strftime("%Y-%m-%d").to_string())
    }
}

impl From<jiff::civil::DateTime> for DateInput {
    fn from(d: jiff::civil::DateTime) -> Self {
        DateInput(d.strftime("%Y-%m-%d %H:%M").to_string())
    }
}

/// Content of a file to upload: bytes in memory, or a path read when the request is sent.
/// Sent base64-encoded; the encoding is the client's business.
///
/// A path is streamed from disk while the request is sent (a regular file is never whole in
/// memory), under the client's timeout and
/// [`max_upload_size`](crate::ClientBuilder::max_upload_size); input of unknown length (a pipe,
/// `/dev/stdin`) is read before sending, never past that limit.
#[derive(Clone)]
pub enum FileContent {
    /// Content in memory, encoded when the request is serialized.
    Bytes(Vec<u8>),
    /// A file to read when the request is sent; an unreadable file fails the call with
    /// [`Error::Input`](crate::Error::Input), before anything is sent.
    Path(PathBuf),
}

impl FileContent {
    /// The file at `p`, read (streamed when it is a regular file) when the request is sent.
    pub fn path(p: impl Into<PathBuf>) -> Self {
        FileContent::Path(p.into())
    }
}

impl fmt::Debug for FileContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileContent::Bytes(b) => write!(f, "FileContent::Bytes({} bytes)", b.len()),
            FileContent::Path(p) => write!(f, "FileContent::Path({})", p.display()),
        }
    }
}

impl From<Vec<u8>> for FileContent {
    fn from(b: Vec<u8>) -> Self {
        FileContent::Bytes(b)
    }
}

impl From<&[u8]> for FileContent {
    fn from(b: &[u8]) -> Self {
        FileContent::Bytes(b.to_vec())
    }
}

impl From<PathBuf> for FileContent {
    fn from(p: PathBuf) -> Self {
        FileContent::Path(p)
    }
}

impl From<&std::path::Path> for FileContent {
    fn from(p: &std::path::Path) -> Self {
        FileContent::Path(p.to_owned())
    }
}

impl serde::Serialize for FileContent {
    /// Writes the base64 text straight into the serializer's output (`collect_str`), so encoding
    /// into a request body does not build a second copy of it first. A path is left for the
    /// client to stream from disk when it sends the request; serialized anywhere
    /// else, the file is read and encoded a piece at a time, up to the default upload limit.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let engine = &base64::engine::general_purpose::STANDARD;
        match self {
            FileContent::Bytes(b) => s.collect_str(&Base64Display::new(b, engine)),
            FileContent::Path(p) => {
                if let Some(marker) = crate::body::note_upload(p) {
                    return s.serialize_str(&marker);
                }
                let cannot_read = |e: std::io::Error| format!("cannot read {}: {e}", p.display());
                let file = std::fs::File::open(p)
                    .map_err(|e| serde::ser::Error::custom(cannot_read(e)))?;
                let streamed = StreamedBase64 {
                    file: &file,
                    limit: crate::ClientBuilder::DEFAULT_MAX_UPLOAD_SIZE,
                    error: Cell::new(None),
                };
                let out = s.collect_str(&streamed)?;
                match streamed.error.into_inner() {
                    Some(e) => Err(serde::ser::Error::custom(cannot_read(e))),
                    None => Ok(out),
                }
            }
        }
    }
}

/// A file's content as base64 text, read piece by piece while it is written out.
struct StreamedBase64<'a> {
    file: &'a std::fs::File,
    /// Bytes read at most: endless input (`/dev/zero`) ends in an error, not in a full memory.
    limit: u64,
    /// A read error. `fmt` cannot return it (a serializer may treat `fmt::Error` as its own
    /// writer's failure), so it stops writing and the caller reports this afterwards.
    error: Cell<Option<std::io::Error>>,
}

impl fmt::Display for StreamedBase64<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use base64::Engine;
        use std::io::{Read, Seek};
        // Whole multiples of 3 bytes encode without padding, so pieces join into one text.
        const PIECE: usize = 3 * 16 * 1024;
        let engine = &base64::engine::general_purpose::STANDARD;
        let mut file = self.file;
        if let Err(e) = file.rewind() {
            self.error.set(Some(e));
            return Ok(());
        }
        let mut raw = vec![0u8; PIECE];
        let mut text = String::with_capacity(PIECE / 3 * 4);
        let mut total = 0u64;
        loop {
            let mut filled = 0;
            while filled < PIECE {
                match file.read(&mut raw[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        self.error.set(Some(e));
                        return Ok(());
                    }
                }
            }
            if filled == 0 {
                return Ok(());
            }
            total += filled as u64;
            if total > self.limit {
                self.error.set(Some(std::io::Error::other(format!(
                    "larger than the upload limit of {} bytes",
                    self.limit
                ))));
                return Ok(());
            }
            text.clear();
            engine.encode_string(&raw[..filled], &mut text);
            f.write_str(&text)?;
            if filled < PIECE {
                return Ok(());
            }
        }
    }
}
