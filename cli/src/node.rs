//! One entry of the command tree: a command's definition and what runs it, together. The
//! tree is assembled in `registry`; parsing and running both walk it, so a command cannot be
//! defined without its handler nor dispatched by a second search.

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::output::Outcome;
use clap::{ArgMatches, Command};
use std::future::Future;
use std::pin::Pin;

/// What a command ends with: something to print, or nothing (it printed or wrote already).
pub type Done = Result<Option<Outcome>, Failure>;

/// A running command.
pub type Pending<'a> = Pin<Box<dyn Future<Output = Done> + 'a>>;

/// A command handler that is a plain function.
pub type RunFn = for<'a> fn(&'a Ctx, &'a ArgMatches) -> Pending<'a>;

/// A command handler that carries data: a schema method, a line of kanboard-cli's table.
pub trait Runs: Sync {
    /// Runs the command with its own matches.
    fn run<'a>(&'static self, ctx: &'a Ctx, m: &'a ArgMatches) -> Pending<'a>;
}

/// What runs a command.
#[derive(Clone, Copy)]
pub enum Handler {
    /// Data with its behaviour (`impl Runs`).
    Data(&'static dyn Runs),
    /// A function; for a command with subcommands of its own (`config`, `portfolio`), it reads
    /// them itself.
    Fn(RunFn),
}

impl Handler {
    pub fn run<'a>(self, ctx: &'a Ctx, m: &'a ArgMatches) -> Pending<'a> {
        match self {
            Handler::Data(d) => d.run(ctx, m),
            Handler::Fn(f) => f(ctx, m),
        }
    }
}

/// A command, what runs it, and its subcommands.
pub struct Node {
    command: Command,
    handler: Option<Handler>,
    children: Vec<Node>,
}

impl Node {
    /// A group: typed alone, it shows its help.
    pub fn group(command: Command) -> Node {
        Node {
            command: command
                .subcommand_required(true)
                .arg_required_else_help(true),
            handler: None,
            children: Vec::new(),
        }
    }

    /// A command run by `handler` (with any subcommands already in `command`).
    pub fn leaf(command: Command, handler: Handler) -> Node {
        Node {
            command,
            handler: Some(handler),
            children: Vec::new(),
        }
    }

    /// A group that also runs `handler` when typed alone (`kanboard me`).
    pub fn runs_alone(mut self, handler: Handler) -> Node {
        self.command = self
            .command
            .subcommand_required(false)
            .arg_required_else_help(false);
        self.handler = Some(handler);
        self
    }

    pub fn child(mut self, node: Node) -> Node {
        self.children.push(node);
        self
    }

    pub fn children(mut self, nodes: impl IntoIterator<Item = Node>) -> Node {
        self.children.extend(nodes);
        self
    }

    /// Changes the command's own definition (about, aliases), keeping its handler.
    pub fn map_command(mut self, f: impl FnOnce(Command) -> Command) -> Node {
        self.command = f(self.command);
        self
    }

    pub fn name(&self) -> &str {
        self.command.get_name()
    }

    /// The clap command of this node and everything under it.
    pub fn command(&self) -> Command {
        self.children.iter().fold(self.command.clone(), |c, child| {
            c.subcommand(child.command())
        })
    }

    /// The handler of the command that was typed, with that command's matches: the walk down
    /// the tree along the parsed subcommands.
    pub fn resolve<'m>(&self, m: &'m ArgMatches) -> Option<(Handler, &'m ArgMatches)> {
        if let Some((name, sub)) = m.subcommand()
            && let Some(child) = self.children.iter().find(|c| c.name() == name)
        {
            return child.resolve(sub);
        }
        self.handler.map(|h| (h, m))
    }

    /// Every node with its path from here, depth first: for tests over the whole tree.
    pub fn walk(&self) -> Vec<(Vec<String>, &Node)> {
        let mut out = vec![(vec![self.name().to_owned()], self)];
        for c in &self.children {
            for (mut path, n) in c.walk() {
                path.insert(0, self.name().to_owned());
                out.push((path, n));
            }
        }
        out
    }

    pub fn has_handler(&self) -> bool {
        self.handler.is_some()
    }

    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// Runs the subcommand typed under a group whose handler reads its own subcommands (`portfolio`,
/// `milestone`): `run` gives `None` for a name it does not have.
pub async fn run_subcommand<'a, F, Fut>(group: &str, m: &'a ArgMatches, run: F) -> Done
where
    F: FnOnce(&'a str, &'a ArgMatches) -> Fut,
    Fut: Future<Output = Option<Result<Outcome, Failure>>>,
{
    let (sub, sm) = m
        .subcommand()
        .ok_or_else(|| Failure::usage(format!("a {group} command is needed")))?;
    match run(sub, sm).await {
        Some(done) => done.map(Some),
        None => Err(Failure::usage(format!("unknown command `{group} {sub}`"))),
    }
}
