//! Why a command failed, as one line for the user and a distinct exit code for scripts.

use crate::terminal_text;
use kanboard::Error;
use kanboard::exit_code as code;
use std::fmt;

/// Exit codes, documented in the README; the numbers are the library's table
/// (`kanboard::exit_code`), which programs built on the library share. Clap's own usage errors
/// also exit with 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Anything not below: a file that cannot be written, a confirmation declined.
    Other = code::OTHER,
    /// The command line is wrong.
    Usage = code::USAGE,
    /// The configuration is missing or invalid.
    Config = code::CONFIG,
    /// The server refused the credentials or the permission.
    Auth = code::AUTH,
    /// The object asked for does not exist.
    NotFound = code::NOT_FOUND,
    /// The server could not be reached.
    Connection = code::CONNECTION,
    /// The server answered with an error, refused the operation or sent a broken reply.
    Server = code::SERVER,
    /// `schema drift` found that the schema and the server differ.
    Drift = code::DRIFT,
    /// `schema drift` could not check some methods and found no difference in the others: no
    /// verdict either way.
    Unchecked = code::UNCHECKED,
}

impl Exit {
    const ALL: [Exit; 9] = [
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

    /// The exit with this code of the library's table; `Other` for a code it does not have.
    pub fn of_code(code: u8) -> Exit {
        Exit::ALL
            .into_iter()
            .find(|e| *e as u8 == code)
            .unwrap_or(Exit::Other)
    }
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
    Exit::of_code(code::of_error(e))
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
        let failure = Failure::new(exit, message);
        match &e {
            Error::NotInRelease {
                parameter: Some(_), ..
            } => failure.hint(
                "leave that option out, or upgrade Kanboard; `--kanboard-version off` sends it anyway, and the server drops it",
            ),
            Error::NotInRelease { .. } => failure.hint("upgrade Kanboard to use this command"),
            _ => failure,
        }
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
    fn codes_are_distinct_and_read_back() {
        let mut codes: Vec<u8> = Exit::ALL.iter().map(|e| *e as u8).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Exit::ALL.len());
        for e in Exit::ALL {
            assert_eq!(Exit::of_code(e as u8), e);
        }
    }
}
