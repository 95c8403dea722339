//! Server text made safe for a terminal. Task titles, project names and error messages come
//! from whoever can edit them on the server; printed raw, an escape sequence in them could
//! clear the screen, retitle the window or hide text. Everything the CLI shows on a terminal
//! (table and quiet output, errors, warnings, notes, prompts, progress and `-v` logs) goes
//! through [`visible`]; `json` and `csv` output does not, as it must stay byte-exact.

use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Longest error or warning text shown without `-v`: a hostile or broken server can send
/// megabytes of message, which would bury the terminal in one line.
pub const ERROR_TEXT_MAX: usize = 500;

/// Set once by `-v`: error text is then shown in full. A process-wide switch because warnings
/// are printed from places that have no handle on the command line.
static SHOW_FULL_ERRORS: AtomicBool = AtomicBool::new(false);

pub fn show_full_errors(yes: bool) {
    SHOW_FULL_ERRORS.store(yes, Ordering::Relaxed);
}

/// A control character that must not reach the terminal raw: C0 controls (ESC among them)
/// except newline and tab, DEL, and the C1 controls U+0080–U+009F (U+009B alone starts a
/// sequence on many terminals).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c)
}

/// The text with every unsafe control character written out visibly (`\x1b`, `\x07`,
/// `\u{9b}`), so an escape sequence shows as harmless text. Newlines and tabs are kept for
/// layout; a `\r` before a newline is dropped (CRLF text), any other `\r` is shown.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// One line for a table cell or a message: line breaks and tabs become single spaces, then
/// [`visible`].
pub fn one_line(text: &str) -> String {
    let flat = if text.contains(['\n', '\r', '\t']) {
        Cow::Owned(text.split_whitespace().collect::<Vec<_>>().join(" "))
    } else {
        Cow::Borrowed(text)
    };
    visible(&flat).into_owned()
}

/// Error or warning text as shown: one visible line, cut to [`ERROR_TEXT_MAX`] characters
/// unless `-v` was given, saying how much was cut.
pub fn error_text(text: &str) -> String {
    let line = one_line(text);
    if SHOW_FULL_ERRORS.load(Ordering::Relaxed) {
        return line;
    }
    cut(line, ERROR_TEXT_MAX)
}

fn cut(line: String, max: usize) -> String {
    let total = line.chars().count();
    if total <= max {
        return line;
    }
    let mut kept: String = line.chars().take(max).collect();
    kept.push_str(&format!(
        "… [{} more characters cut; -v shows all]",
        total - max
    ));
    kept
}

/// Prints a warning or note on stderr as one safe line.
pub fn warn(text: &str) {
    eprintln!("{}", error_text(text));
}

/// A writer for `-v` logs: what a log line quotes from the server is made [`visible`].
pub struct VisibleStderr;

impl Write for VisibleStderr {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        std::io::stderr().write_all(visible(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_run() {
        let t = "a\x1b[2J\x1b]0;pwned\x07b\u{9b}31m\x7f";
        assert_eq!(visible(t), "a\\x1b[2J\\x1b]0;pwned\\x07b\\u{9b}31m\\x7f");
        assert!(!visible(t).chars().any(is_unsafe));
    }

    #[test]
    fn layout_and_plain_text_are_kept() {
        assert!(matches!(visible("é ✓ 日本\tx\ny"), Cow::Borrowed(_)));
        assert_eq!(visible("a\r\nb\rc"), "a\nb\\x0dc");
        assert_eq!(one_line("a\n\tb\x1b"), "a b\\x1b");
    }

    #[test]
    fn escaping_twice_changes_nothing() {
        let once = visible("x\x1b[1m").into_owned();
        assert_eq!(visible(&once), once);
    }

    #[test]
    fn long_text_is_cut_and_says_so() {
        let s = cut("A".repeat(1200), 500);
        assert!(s.starts_with(&"A".repeat(500)), "{s}");
        assert!(
            s.ends_with("… [700 more characters cut; -v shows all]"),
            "{s}"
        );
        assert_eq!(cut("short".into(), 500), "short");
    }
}
