//! Progress bars for long work (portfolio sync, migration, analysis): on stderr, and only when
//! stderr is a terminal, so piped output and logs stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

fn target() -> ProgressDrawTarget {
    if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    }
}

/// A bar of `len` steps labelled `what`; hidden off a terminal.
pub fn bar(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), target());
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})") {
        pb.set_style(style.progress_chars("=> "));
    }
    pb.set_message(what.to_owned());
    pb
}

/// Stages of one piece of work (`len` rounds of requests), with a spinner that keeps turning
/// while a round is in flight; the message names the stage. Hidden off a terminal.
pub fn stages(len: u64, what: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(len), target());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {prefix}: {msg} [{pos}/{len}] {elapsed}")
    {
        pb.set_style(style);
    }
    pb.set_prefix(what.to_owned());
    if !pb.is_hidden() {
        pb.enable_steady_tick(Duration::from_millis(120));
    }
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
        let st = super::stages(2, "analysis");
        assert!(st.is_hidden());
    }
}
