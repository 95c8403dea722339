//! Progress bars for long work (portfolio sync, migration, analysis): on stderr, and only when
//! stderr is a terminal, so piped output and logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar of `len` steps labelled `what`; hidden off a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let pb = ProgressBar::with_draw_target(Some(len), target);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_owned());
    pb
}

#[cfg(test)]
mod tests {
    #[test]
    fn hidden_off_a_terminal() {
        // Tests run with stderr captured, not a terminal.
        let pb = super::bar(3, "sync");
        assert!(pb.is_hidden());
        pb.inc(3);
        assert_eq!(pb.position(), 3);
    }
}
