//! `kanboard call METHOD --param k=v`: any method by name. A schema method gets its parameters
//! typed and its result decoded as the generated commands do; any other name (a plugin, a newer
//! server) is sent as given and printed raw.

use crate::ctx::Ctx;
use crate::failure::Failure;
use crate::node::{Handler, Node};
use crate::output::Outcome;
use crate::params::{self, Kind, Shape};
use crate::user_json::{self, UserJsonError};
use clap::{Arg, ArgAction, ArgMatches, Command};
use kanboard::descriptor::{MethodDescriptor, ParamDescriptor};
use serde_json::{Map, Value};

fn command() -> Command {
    Command::new("call")
        .about("Call any JSON-RPC method by name")
        .long_about(
            "Call any JSON-RPC method by name.\n\nFor a schema method, each --param is typed as the schema \
             says (by its wire or SDK name) and the result is decoded as the method's own command does. \
             Any other method is sent as given (values that parse as JSON are sent as JSON) and its raw \
             result printed.",
        )
        .arg(Arg::new("method").value_name("METHOD").required(true).help("e.g. getTask"))
        .arg(
            Arg::new("param")
                .long("param")
                .short('p')
                .value_name("KEY=VALUE")
                .action(ArgAction::Append)
                .help("One named parameter (repeatable)"),
        )
        .arg(
            Arg::new("params")
                .long("params")
                .value_name("JSON")
                .help("All parameters as one JSON object; --param entries are added to it"),
        )
        .arg(
            Arg::new("raw")
                .long("raw")
                .action(ArgAction::SetTrue)
                .help("Print the server's result as it came, without decoding"),
        )
}

fn typed(p: &ParamDescriptor, text: &str) -> Result<Value, Failure> {
    let bad = |what: &str| {
        Failure::usage(format!("--param {}={text:?}: {what}", p.wire))
            .hint(format!("`{}` is {}", p.wire, p.ty))
    };
    let one = |k: Kind, t: &str| -> Result<Value, Failure> {
        Ok(match k {
            Kind::Int => Value::from(t.trim().parse::<i64>().map_err(|_| bad("not an integer"))?),
            Kind::Float => Value::from(t.trim().parse::<f64>().map_err(|_| bad("not a number"))?),
            Kind::Bool => Value::from(match t.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => return Err(bad("not true or false")),
            }),
            Kind::Json => user_json::parse(t).map_err(|e| bad(&e.to_string()))?,
            Kind::Bytes => params::upload(t)?,
            _ => Value::String(t.to_owned()),
        })
    };
    match params::shape(p.ty) {
        Shape::One(k) => one(k, text),
        Shape::List(k) => match user_json::parse(text) {
            Ok(v @ Value::Array(_)) => Ok(v),
            Err(e @ UserJsonError::IntegerOutOfRange(_)) => Err(bad(&e.to_string())),
            _ => text
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| one(k, s))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
        },
        Shape::Map => match user_json::parse(text) {
            Ok(v @ Value::Object(_)) => Ok(v),
            Err(e @ UserJsonError::IntegerOutOfRange(_)) => Err(bad(&e.to_string())),
            _ => Err(bad("not a JSON object")),
        },
    }
}

/// `kanboard call METHOD`: any method by name.
pub fn node() -> Node {
    Node::leaf(
        command(),
        Handler::Fn(|ctx, m| Box::pin(async move { run(ctx, m).await.map(Some) })),
    )
}

async fn run(ctx: &Ctx, m: &ArgMatches) -> Result<Outcome, Failure> {
    let name = m.get_one::<String>("method").expect("required");
    let desc = MethodDescriptor::find(name);
    let mut params = match m.get_one::<String>("params") {
        Some(text) => match user_json::parse(text) {
            Ok(Value::Object(o)) => o,
            Err(e @ UserJsonError::IntegerOutOfRange(_)) => {
                return Err(Failure::usage(format!("--params: {e}")));
            }
            _ => {
                return Err(Failure::usage("--params must be a JSON object")
                    .hint(r#"e.g. --params '{"task_id": 1}'"#));
            }
        },
        None => Map::new(),
    };
    for kv in m.get_many::<String>("param").into_iter().flatten() {
        let (k, v) = kv
            .split_once('=')
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| Failure::usage(format!("--param {kv:?} is not KEY=VALUE")))?;
        match desc {
            Some(d) => {
                let p = d
                    .params
                    .iter()
                    .find(|p| p.wire == k || p.name == k)
                    .ok_or_else(|| {
                        let known: Vec<&str> = d.params.iter().map(|p| p.wire).collect();
                        Failure::usage(format!("{} has no parameter `{k}`", d.rpc_name)).hint(
                            if known.is_empty() {
                                "it takes no parameters".to_owned()
                            } else {
                                format!("it takes {}", known.join(", "))
                            },
                        )
                    })?;
                params.insert(p.wire.into(), typed(p, v)?);
            }
            None => {
                // Text that is not JSON is sent as text; JSON with an integer that would be
                // sent changed is refused rather than guessed at.
                let value = match user_json::parse(v) {
                    Ok(value) => value,
                    Err(e @ UserJsonError::IntegerOutOfRange(_)) => {
                        return Err(Failure::usage(format!("--param {k}: {e}")));
                    }
                    Err(_) => Value::String(v.into()),
                };
                params.insert(k.into(), value);
            }
        }
    }
    let kb = ctx.client()?;
    match desc {
        Some(d) if !m.get_flag("raw") => {
            let v = crate::invoke::call(ctx, &kb, d, params).await?;
            Ok(Outcome::of_method(d, v))
        }
        _ => {
            let method = desc.map(|d| d.rpc_name).unwrap_or(name);
            let v = kb
                .call(method, params::Sendable(&params))
                .await
                .map_err(|e| ctx.fail(e))?;
            Ok(Outcome::Value(v, None))
        }
    }
}
