//! Why a command failed, as one line for the user and a distinct exit code for scripts.

use crate::terminal_text;
use kanboard::Error;
use std::fmt;

/// Exit codes, documented in the README. Clap's own usage errors also exit with 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Anything not below: a file that cannot be written, a confirmation declined.
    Other = 1,
    /// The command line is wrong.
    Usage = 2,
    /// The configuration is missing or invalid.
    Config = 3,
    /// The server refused the credentials or the permission.
    Auth = 4,
    /// The object asked for does not exist.
    NotFound = 5,
    /// The server could not be reached.
    Connection = 6,
    /// The server answered with an error, refused the operation or sent a broken reply.
    Server = 7,
    /// `schema drift` found that the schema and the server differ.
    Drift = 8,
    /// `schema drift` could not check some methods and found no difference in the others: no
    /// verdict either way.
    Unchecked = 9,
}

/// A failed command: one message line, optionally a hint saying what fixes it.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn other(message: impl Into<String>) -> Self {
        Self::new(Exit::Other, message)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The line printed on standard error: `error: ...` with the hint after it, on one line
    /// (newlines from a server message are flattened so the contract holds). The message may
    /// quote the server, so it is made safe for the terminal and cut when too long.
    pub fn line(&self) -> String {
        let mut s = format!("error: {}", terminal_text::error_text(&self.message));
        if let Some(h) = &self.hint {
            s.push_str(" (hint: ");
            s.push_str(&terminal_text::one_line(h));
            s.push(')');
        }
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line())
    }
}

/// The innermost cause of an error chain (for a refused connection: "Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The exit code of a library error.
pub fn exit_of(e: &Error) -> Exit {
    match e {
        Error::Config { .. } => Exit::Config,
        Error::Auth { .. } => Exit::Auth,
        Error::BatchRefused { source, .. } => exit_of(source),
        Error::NotFound { .. } => Exit::NotFound,
        Error::Connection { .. } => Exit::Connection,
        Error::Input { .. } => Exit::Usage,
        Error::TooLarge {
            what: kanboard::SizeLimit::Upload,
            ..
        } => Exit::Usage,
        // The URL points somewhere that is not the endpoint.
        Error::Redirect { .. } => Exit::Config,
        _ => Exit::Server,
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let exit = exit_of(&e);
        let message = match &e {
            Error::Connection { url, source } => {
                let cause = root_cause(source);
                let what = if source.is_timeout() {
                    "timed out".to_owned()
                } else {
                    cause
                };
                format!("cannot reach Kanboard at {url}: {what}")
            }
            Error::Config { field, message } => format!("configuration: `{field}` {message}"),
            Error::Redirect {
                method,
                status,
                location,
            } => format!(
                "{method}: the server redirects (HTTP {status}) to {}",
                location.as_deref().unwrap_or("(no Location header)")
            ),
            Error::TooLarge {
                method,
                what,
                limit,
                size,
            } => format!(
                "{method}: {what} is larger than the limit of {limit} bytes{}",
                size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
            ),
            _ => e.to_string(),
        };
        Failure::new(exit, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_even_for_multiline_messages() {
        let f = Failure::new(Exit::Server, "boom\n  at line 2").hint("try\nagain");
        assert_eq!(f.line(), "error: boom at line 2 (hint: try again)");
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            Exit::Other,
            Exit::Usage,
            Exit::Config,
            Exit::Auth,
            Exit::NotFound,
            Exit::Connection,
            Exit::Server,
            Exit::Drift,
            Exit::Unchecked,
        ];
        let mut codes: Vec<i32> = all.iter().map(|e| *e as i32).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }
}
