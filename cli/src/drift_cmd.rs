//! `kanboard schema drift [--manifest FILE ...]`: the live probe of `kanboard::drift`, which asks
//! the configured server about every schema method with calls it rejects before running them.
//! Exit code 0 when the schema matches, 8 when it does not, 9 when the probe could not check (no verdict).
//! `kanboard schema compare FILE ...`: the static check, against server manifests, no server
//! needed. Both take the schema for the server's (or manifest's) Kanboard release.

use crate::ctx::Ctx;
use crate::failure::{Exit, Failure};
use crate::node::{Handler, Node};
use crate::output::Outcome;
use crate::progress;
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::drift::{self, DriftReport, Manifest, ProbeReport, Verdict};
use serde_json::{Value, json};
use std::path::PathBuf;

fn command() -> Command {
    Command::new("schema")
        .about("Check the schema this tool is built from against your Kanboard")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("drift")
                .about("Probe the server for differences from the schema, running no method but getVersion")
                .long_about(
                    "Probe the server for differences from the schema, running no method but getVersion.\n\n\
                     The server's Kanboard release is asked first (getVersion, which only reads it) \
                     and the schema taken for that release: what its since/until leave out is not \
                     expected there. Then every schema method is called with parameters the server \
                     rejects before the method runs; the answers show whether it exists, its \
                     required parameters, its parameter count and whether it is user-only. Needs \
                     the application token (a user login would be recorded by Kanboard).\n\n\
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
        .subcommand(
            Command::new("compare")
                .about("Compare the schema with server manifests, without a server")
                .long_about(
                    "Compare the schema with server manifests (scripts/kanboard-manifest.php), \
                     without a server: every method and parameter, required or optional, \
                     user-only. Kanboard's own methods are compared with a Kanboard manifest, a \
                     plugin's with that plugin's. The schema is taken for the manifest's Kanboard \
                     release (its kanboard_version): what its since/until leave out is not \
                     expected there.\n\n\
                     Exit code 0 when nothing differs, 8 when something does.",
                )
                .arg(
                    Arg::new("manifest")
                        .value_name("MANIFEST")
                        .required(true)
                        .action(ArgAction::Append)
                        .value_parser(clap::value_parser!(PathBuf))
                        .help("A server manifest, as scripts/kanboard-manifest.php writes it"),
                ),
        )
}

/// The parts of a report both checks have.
fn drift_json(d: &DriftReport) -> Value {
    json!({
        "title": d.title,
        "release": d.release.map(|v| v.to_string()),
        "schema_methods": d.schema_methods,
        "findings": d.findings.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
        "declared": d.declared.iter().map(|x| json!({"finding": x.finding.to_string(), "reasons": x.reasons})).collect::<Vec<_>>(),
        "stale": d.stale.iter().map(|x| json!({"method": x.method, "param": x.deviation.param, "kind": x.deviation.kind.spelling(), "reason": x.deviation.reason})).collect::<Vec<_>>(),
        "not_in_release": d.left_out.iter().map(|l| json!({"method": l.method, "param": l.param, "available": l.available.to_string()})).collect::<Vec<_>>(),
    })
}

fn report_json(r: &ProbeReport) -> Value {
    let s = &r.stats;
    let mut v = drift_json(&r.drift);
    let extra = json!({
        "clean": r.is_clean(),
        "release_unknown": r.release_unknown,
        "user_only": r.user_only,
        "bounded": r.bounded.iter().map(|(m, n)| json!({"method": m, "max_params": n})).collect::<Vec<_>>(),
        "manifest_only": r.manifest_only,
        "plugins_absent": r.plugins_absent.iter().map(|(p, n)| json!({"plugin": p, "methods": n})).collect::<Vec<_>>(),
        "stopped": r.stopped.iter().map(|(m, why)| json!({"method": m, "reason": why})).collect::<Vec<_>>(),
        "stats": {"methods": s.methods, "calls": s.calls, "requests": s.requests, "rounds": s.rounds,
                  "seconds": s.elapsed.as_secs_f64(), "unexpected": s.unexpected},
    });
    if let (Some(v), Value::Object(extra)) = (v.as_object_mut(), extra) {
        v.extend(extra);
    }
    v
}

/// `kanboard schema ...`: the schema against a server.
pub fn node() -> Node {
    Node::leaf(command(), Handler::Fn(|ctx, m| Box::pin(run(ctx, m))))
}

async fn run(ctx: &Ctx, m: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    match m.subcommand() {
        Some(("drift", sm)) => probe(ctx, sm).await,
        Some(("compare", sm)) => compare(ctx, sm),
        _ => Err(Failure::usage("`kanboard schema` needs a command")
            .hint("kanboard schema drift, or kanboard schema compare MANIFEST")),
    }
}

fn read_manifests(sm: &ArgMatches) -> Result<Vec<Manifest>, Failure> {
    sm.get_many::<PathBuf>("manifest")
        .into_iter()
        .flatten()
        .map(|path| {
            Manifest::read(path).map_err(|e| {
                Failure::usage(format!("manifest {}: {e}", path.display()))
                    .hint("give a manifest written by scripts/kanboard-manifest.php")
            })
        })
        .collect()
}

/// The static check: one report per manifest, in the order given.
fn compare(ctx: &Ctx, sm: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    let schema = drift::schema();
    let reports: Vec<DriftReport> = read_manifests(sm)?
        .iter()
        .map(|m| drift::compare(&schema, m))
        .collect();
    let text: String = reports.iter().map(|r| r.to_string()).collect();
    let json = Value::Array(
        reports
            .iter()
            .map(|r| {
                let mut v = drift_json(r);
                v["clean"] = json!(r.is_clean());
                v
            })
            .collect(),
    );
    let outcome = Outcome::Report(text, json);
    let differ: usize = reports
        .iter()
        .filter(|r| !r.is_clean())
        .map(|r| r.findings.len() + r.stale.len())
        .sum();
    if differ == 0 {
        return Ok(Some(outcome));
    }
    crate::output::print(&ctx.style(), &outcome)
        .map_err(|e| Failure::other(format!("cannot write the output: {e}")))?;
    Err(Failure::new(
        Exit::of_code(Verdict::Drift.exit_code()),
        format!(
            "the schema and the manifests differ ({differ} difference{})",
            if differ == 1 { "" } else { "s" }
        ),
    )
    .hint("a newer or patched Kanboard, or a plugin version the schema does not describe"))
}

/// The live probe of the configured server.
async fn probe(ctx: &Ctx, sm: &ArgMatches) -> Result<Option<Outcome>, Failure> {
    let manifests = read_manifests(sm)?;
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
