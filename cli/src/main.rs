//! `kanboard`: see the README for the commands, the configuration and the exit codes.

fn main() {
    // A bug must still end in one `error:` line, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        eprintln!(
            "error: internal error, please report it: {}",
            kanboard_cli::terminal_text::error_text(&what)
        );
    }));
    let code = std::panic::catch_unwind(|| kanboard_cli::app::run(std::env::args_os().collect()))
        .unwrap_or(1);
    std::process::exit(code);
}
