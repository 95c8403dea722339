//! Shell completion scripts, generated from the same command tree (so every schema method
//! completes), and kanboard-cli's `completion install`.

use crate::failure::Failure;
use crate::node::{Handler, Node};
use crate::output::Outcome;
use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;
use std::path::PathBuf;

const SHELLS: [&str; 3] = ["bash", "zsh", "fish"];

fn command() -> Command {
    let mut c = Command::new("completion")
        .about("Print or install shell completion")
        .subcommand_required(true)
        .arg_required_else_help(true);
    for s in SHELLS {
        let load = if s == "fish" {
            "kanboard completion fish | source".to_owned()
        } else {
            format!("eval \"$(kanboard completion {s})\"")
        };
        c = c.subcommand(
            Command::new(s).about(format!("Print the {s} completion script (e.g. `{load}`)")),
        );
    }
    c.subcommand(
        Command::new("install")
            .about("Install completion: an eval line in ~/.bashrc or ~/.zshrc, or the fish completions file")
            .arg(
                Arg::new("shell")
                    .required(true)
                    .value_parser(clap::builder::PossibleValuesParser::new(SHELLS))
                    .ignore_case(true),
            ),
    )
}

fn script(shell: &str, tree: fn() -> Command) -> String {
    let shell = match shell {
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        _ => Shell::Bash,
    };
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut tree(), "kanboard", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

fn home() -> Result<PathBuf, Failure> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .ok_or_else(|| {
            Failure::other("HOME is not set")
                .hint("set HOME, or use `kanboard completion SHELL` and install it by hand")
        })
}

/// `kanboard completion ...`: scripts generated from the whole command tree.
pub fn node() -> Node {
    Node::leaf(
        command(),
        Handler::Fn(|ctx, m| {
            let tree = ctx.command_tree;
            Box::pin(async move { run(m, tree).map(Some) })
        }),
    )
}

/// Everything is returned as an outcome, so a closed or full stdout (`| head -1`, `>/dev/full`)
/// ends as output errors do, never in a panic.
fn run(m: &ArgMatches, tree: fn() -> Command) -> Result<Outcome, Failure> {
    let (sub, sm) = m.subcommand().expect("subcommand required");
    let io = |p: &PathBuf, e: std::io::Error| {
        Failure::other(format!("cannot write {}: {e}", p.display()))
    };
    match sub {
        "install" => {
            let shell = sm
                .get_one::<String>("shell")
                .expect("required")
                .to_lowercase();
            if shell == "fish" {
                let dir = home()?.join(".config/fish/completions");
                std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
                let target = dir.join("kanboard.fish");
                std::fs::write(&target, script("fish", tree)).map_err(|e| io(&target, e))?;
                Ok(Outcome::Text(format!(
                    "✓ Fish completion installed to {}\n",
                    target.display()
                )))
            } else {
                let rc = home()?.join(if shell == "zsh" { ".zshrc" } else { ".bashrc" });
                let existing = std::fs::read_to_string(&rc).unwrap_or_default();
                if existing.contains("kanboard completion") {
                    Ok(Outcome::Text(format!(
                        "Completion already present in {}: nothing to do.\n",
                        rc.display()
                    )))
                } else {
                    use std::io::Write;
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&rc)
                        .map_err(|e| io(&rc, e))?;
                    write!(
                        f,
                        "\n# kanboard completion\neval \"$(kanboard completion {shell})\"\n"
                    )
                    .map_err(|e| io(&rc, e))?;
                    Ok(Outcome::Text(format!(
                        "✓ {shell} completion installed to {}; open a new shell to use it\n",
                        rc.display()
                    )))
                }
            }
        }
        shell => Ok(Outcome::Text(script(shell, tree))),
    }
}
