//! Parameter types that need more than a plain value: secrets, dates and file content.

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::path::PathBuf;

/// A password or token. `Debug` never shows it; it is only exposed when serialized for sending.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
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
#[derive(Clone)]
pub enum FileContent {
    Bytes(Vec<u8>),
    Path(PathBuf),
}

impl FileContent {
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
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let engine = base64::engine::general_purpose::STANDARD;
        match self {
            FileContent::Bytes(b) => s.serialize_str(&engine.encode(b)),
            FileContent::Path(p) => {
                let bytes = std::fs::read(p).map_err(|e| {
                    serde::ser::Error::custom(format!("cannot read {}: {e}", p.display()))
                })?;
                s.serialize_str(&engine.encode(bytes))
            }
        }
    }
}
