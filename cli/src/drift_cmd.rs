//! `kanboard schema drift [--manifest FILE ...]`: the live probe of `kanboard::drift`, which asks
//! the configured server about every schema method with calls it rejects before running them.
//! Exit code 0 when the schema matches, 8 when it does not, 9 when the probe could not check (no verdict).

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::node::{Handler, Node};
use crate::output::Outcome;
use crate::progress;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::drift::{self, Manifest, ProbeReport, Verdict};
use serde_json::{Value, json};
use std::path::PathBuf;

fn command() -> Command {
    Command::new("schema")
        .about("Check the schema this tool is built from against your Kanboard")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("drift")
                .about("Probe the server for differences from the schema, without running any method")
                .long_about(
                    "Probe the server for differences from the schema, without running any method.\n\n\
                     Every schema method is called with parameters the server rejects before the \
                     method runs; the answers show whether it exists, its required parameters, its \
                     parameter count and whether it is user-only. Needs the application token (a \
                     user login would be recorded by Kanboard).\n\n\
                     Exit code 0 when nothing differs, 8 when something does (the report lists \
                     it), 9 when some methods could not be checked and the rest show no \
                     difference (no verdict).",
                )
                .arg(
                    Arg::new("manifest")
                        .long("manifest")
                        .value_name("FILE")
                        .action(ArgAction::Append)
                        .value_parser(clap::value_parser!(PathBuf))
                        .help("A server manifest (scripts/kanboard-manifest.php): its methods the schema lacks are probed too (repeatable)"),
                ),
        )
}

fn report_json(r: &ProbeReport) -> Value {
    let d = &r.drift;
    let s = &r.stats;
    json!({
        "clean": r.is_clean(),
        "title": d.title,
        "schema_methods": d.schema_methods,
        "findings": d.findings.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        "declared": d.declared.iter().map(|x| json!({"finding": x.finding.to_string(), "reasons": x.reasons})).collect::<Vec<_>>(),
        "user_only": r.user_only,
        "bounded": r.bounded.iter().map(|(m, n)| json!({"method": m, "max_params": n})).collect::<Vec<_>>(),
        "manifest_only": r.manifest_only,
        "plugins_absent": r.plugins_absent.iter().map(|(p, n)| json!({"plugin": p, "methods": n})).collect::<Vec<_>>(),
        "stopped": r.stopped.iter().map(|(m, why)| json!({"method": m, "reason": why})).collect::<Vec<_>>(),
        "stats": {"methods": s.methods, "calls": s.calls, "requests": s.requests, "rounds": s.rounds,
                  "seconds": s.elapsed.as_secs_f64(), "unexpected": s.unexpected},
    })
}

/// `kanboard schema ...`: the schema against a server.
pub fn node() -> Node {
    Node::leaf(command(), Handler::Fn(|ctx, m| Box::pin(run(ctx, m))))
}

async fn run(ctx: &Ctx, m: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    let Some(("drift", sm)) = m.subcommand() else {
        return Err(
            Failure::usage("`kanboard schema` needs a command").hint("kanboard schema drift")
        );
    };
    let mut manifests = Vec::new();
    for path in sm.get_many::<PathBuf>("manifest").into_iter().flatten() {
        manifests.push(Manifest::read(path).map_err(|e| {
            Failure::usage(format!("manifest {}: {e}", path.display()))
                .hint("give a manifest written by scripts/kanboard-manifest.php")
        })?);
    }
    let kb = ctx.client()?;
    let pb = progress::stages(1, "schema drift");
    pb.set_message("probing every method");
    let report = drift::probe(&kb, &drift::schema(), &manifests).await;
    pb.finish_and_clear();
    let report = report.map_err(|e| ctx.fail(e))?;
    let outcome = Outcome::Report(report.to_string(), report_json(&report));
    let verdict = report.verdict();
    if verdict == Verdict::NoDrift {
        return Ok(Some(outcome));
    }
    crate::output::print(&ctx.style(), &outcome)
        .map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
    // The exit code is the verdict's own (`Verdict::exit_code`), which the library's programs share.
    let exit = Exit::of_code(verdict.exit_code());
    if verdict == Verdict::Unchecked {
        let u = report.drift.unchecked;
        return Err(Failure::new(
            exit,
            format!(
                "could not check {u} of {} methods: no verdict (see the report)",
                report.drift.schema_methods
            ),
        )
        .hint("the server answered the probes in a way that proves nothing: is this a Kanboard, reached directly, with a token that has API access?"));
    }
    let n = report.drift.findings.len();
    let what = format!(
        "the schema and the server differ ({n} difference{})",
        if n == 1 { "" } else { "s" }
    );
    Err(Failure::new(exit, what)
        .hint("a newer or patched Kanboard, or a plugin version the schema does not describe"))
}
