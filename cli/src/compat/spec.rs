//! kanboard-cli's table parsed into command specs, each resolved against the schema's
//! descriptor table when parsed.

use super::table::TABLE;
use kanboard::descriptor::{MethodDescriptor, ParamDescriptor};
use serde_json::{Map, Value};
use std::sync::OnceLock;

/// Named JSON values: a call's parameters, or the values a message names.
pub type Params = Map<String, Value>;

/// One argument of a kanboard-cli command.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgSpec {
    /// A positional (`id` is its clap id and shown name), for parameter `param`.
    Pos {
        id: String,
        param: String,
        rest: bool,
    },
    /// An option; `param` is None for a switch that only selects the other method.
    Opt {
        long: String,
        short: Option<char>,
        param: Option<String>,
        required: bool,
        choice: Option<(Vec<(String, Value)>, String)>,
        pairs: bool,
    },
    /// Two positionals KEY VALUE sent as the one-entry map `param`.
    MapEntry { param: String },
    /// A file path: content into `blob`, base name into `filename`.
    Upload { id: String, blob: String },
}

/// How table output shows a command's result where rows of its fields would not do. The other
/// formats print the result as every command does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum View {
    /// The board drawn as columns and swimlanes (`crate::board_view`).
    Board,
    /// Tasks with their column and swimlane names in place of the ids (`crate::task_names`).
    TaskNames,
}

impl View {
    fn parse(name: &str) -> Result<View, String> {
        match name {
            "board" => Ok(View::Board),
            "names" => Ok(View::TaskNames),
            other => Err(format!("unknown view `{other}`")),
        }
    }
}

/// One kanboard-cli command.
#[derive(Debug, Clone)]
pub struct Spec {
    /// `task`, or `group member` for a nested group.
    pub group: String,
    pub name: String,
    /// The method called.
    pub main: &'static MethodDescriptor,
    /// The other method and the argument that selects it.
    pub alt: Option<(&'static MethodDescriptor, String)>,
    pub args: Vec<ArgSpec>,
    pub done: Option<String>,
    pub remove: bool,
    pub needs_option: bool,
    pub inert: Vec<String>,
    pub view: Option<View>,
}

fn parse_arg(tok: &str) -> Result<ArgSpec, String> {
    if let Some(inner) = tok.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        let (inner, rest) = match inner.strip_suffix("...") {
            Some(i) => (i, true),
            None => (inner, false),
        };
        return Ok(match inner.split_once(':') {
            Some((id, blob)) if blob.starts_with('@') => ArgSpec::Upload {
                id: id.into(),
                blob: blob[1..].into(),
            },
            Some((id, param)) => ArgSpec::Pos {
                id: id.into(),
                param: param.into(),
                rest,
            },
            None => ArgSpec::Pos {
                id: inner.into(),
                param: inner.into(),
                rest,
            },
        });
    }
    if let Some(p) = tok.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        return Ok(ArgSpec::MapEntry { param: p.into() });
    }
    let (short, body) = match tok.split_once('/') {
        Some((s, b)) if s.len() == 2 && s.starts_with('-') => (s.chars().nth(1), b),
        _ => (None, tok),
    };
    let body = body
        .strip_prefix("--")
        .ok_or_else(|| format!("bad argument {tok:?}"))?;
    let (body, required) = match body.strip_suffix('!') {
        Some(b) => (b, true),
        None => (body, false),
    };
    if let Some(long) = body.strip_suffix('?') {
        return Ok(ArgSpec::Opt {
            long: long.into(),
            short,
            param: None,
            required: false,
            choice: None,
            pairs: false,
        });
    }
    let (long, param_part) = match body.split_once(':') {
        Some((l, p)) => (l.to_owned(), p.to_owned()),
        None => (body.to_owned(), body.replace('-', "_")),
    };
    let mut choice = None;
    let mut pairs = false;
    let param = if let Some(p) = param_part.strip_suffix("[kv]") {
        pairs = true;
        p.to_owned()
    } else if let Some((p, rest)) = param_part.split_once('{') {
        let (map, default) = rest
            .split_once("}=")
            .ok_or_else(|| format!("choice without default in {tok:?}"))?;
        let values = map
            .split(',')
            .map(|kv| {
                let (k, v) = kv.split_once('=').ok_or(format!("bad choice {kv:?}"))?;
                let v: Value = serde_json::from_str(v).unwrap_or(Value::String(v.into()));
                Ok((k.to_owned(), v))
            })
            .collect::<Result<Vec<_>, String>>()?;
        choice = Some((values, default.to_owned()));
        p.to_owned()
    } else {
        param_part
    };
    Ok(ArgSpec::Opt {
        long,
        short,
        param: Some(param),
        required,
        choice,
        pairs,
    })
}

/// Every kanboard-cli command of the table, parsed once. The table is checked against the
/// schema by the tests (`every_line_maps_onto_schema_parameters`): a line that names a method or
/// parameter the schema lacks fails there, and is left out here rather than stopping the program.
pub fn specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|line| parse_line(line).ok())
            .collect()
    })
}

/// Each table line that does not map onto the schema, with why.
pub fn table_errors() -> Vec<String> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|line| parse_line(line).err().map(|e| format!("{e} in {line:?}")))
        .collect()
}

fn parse_line(line: &str) -> Result<Spec, String> {
    let cols: Vec<&str> = line.split('|').map(str::trim).collect();
    let [group, name, rpc, args, done] = cols[..] else {
        return Err("expected 5 columns".into());
    };
    let find = |rpc: &str| {
        MethodDescriptor::find(rpc).ok_or_else(|| format!("`{rpc}` is not a schema method"))
    };
    let (main, alt) = match rpc.split_once('/') {
        Some((main, other)) => {
            let (other, when) = other.split_once('@').ok_or("alternative without @arg")?;
            (find(main)?, Some((find(other)?, when.to_owned())))
        }
        None => (find(rpc)?, None),
    };
    let mut spec = Spec {
        group: group.into(),
        name: name.into(),
        main,
        alt,
        args: Vec::new(),
        done: (!done.is_empty()).then(|| done.to_owned()),
        remove: false,
        needs_option: false,
        inert: Vec::new(),
        view: None,
    };
    let mut pending: Vec<String> = Vec::new();
    for tok in args.split_whitespace() {
        match tok {
            "+remove" => spec.remove = true,
            "+one" => spec.needs_option = true,
            t if t.starts_with("+inert:") => spec.inert.push(t["+inert:--".len()..].to_owned()),
            t if t.starts_with("+view:") => spec.view = Some(View::parse(&t["+view:".len()..])?),
            t if t.starts_with('{') => {
                // `<key> <value> {p}`: the two positionals before it belong to the map entry.
                for _ in 0..2 {
                    pending.pop();
                    spec.args.pop();
                }
                spec.args.push(parse_arg(t)?);
            }
            t => {
                pending.push(t.to_owned());
                spec.args.push(parse_arg(t)?);
            }
        }
    }
    spec.check()?;
    Ok(spec)
}

impl Spec {
    /// The method(s) the command may call.
    pub fn methods(&self) -> impl Iterator<Item = &'static MethodDescriptor> {
        std::iter::once(self.main).chain(self.alt.as_ref().map(|(m, _)| *m))
    }

    /// The parameter descriptor of `name` in the command's method(s).
    pub fn param(&self, name: &str) -> Option<&'static ParamDescriptor> {
        self.methods()
            .flat_map(|m| m.params.iter())
            .find(|p| p.name == name)
    }

    /// Every argument names a parameter of the command's methods, and every required parameter
    /// of the main method is given by some argument.
    fn check(&self) -> Result<(), String> {
        let mut covered: Vec<&str> = Vec::new();
        for a in &self.args {
            let names: Vec<&str> = match a {
                ArgSpec::Pos { param, .. } => vec![param],
                ArgSpec::Opt { param: Some(p), .. } => vec![p],
                ArgSpec::Opt { param: None, .. } => vec![],
                ArgSpec::MapEntry { param } => vec![param],
                ArgSpec::Upload { blob, .. } => vec![blob, "filename"],
            };
            for n in names {
                if self.param(n).is_none() {
                    return Err(format!("`{n}` is not a parameter of {}", self.rpc_names()));
                }
                covered.push(n);
            }
        }
        if let Some((_, when)) = &self.alt
            && !self.args.iter().any(|a| match a {
                ArgSpec::Opt { long, param, .. } => {
                    long.replace('-', "_") == *when || param.as_deref() == Some(when.as_str())
                }
                _ => false,
            })
        {
            return Err(format!("no argument `{when}` selects the other method"));
        }
        let missing: Vec<&str> = self
            .main
            .params
            .iter()
            .filter(|p| p.required && !covered.contains(&p.name))
            .map(|p| p.name)
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "required parameters of {} not given: {}",
                self.main.rpc_name,
                missing.join(", ")
            ));
        }
        Ok(())
    }

    fn rpc_names(&self) -> String {
        self.methods()
            .map(|m| m.rpc_name)
            .collect::<Vec<_>>()
            .join(" or ")
    }
}
