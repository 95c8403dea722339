//! Code generator for the `kanboard` crate: reads `schema/kanboard.yaml`, checks it and emits the
//! typed models, resource handles, request builders and the method descriptor table.
//!
//! Used from the `kanboard` crate's `build.rs`; it has no runtime dependencies of the client.

mod emit;
mod ir;
mod naming;
mod schema;

use std::fmt;

/// A schema mistake, with the position it was found at (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl Diagnostic {
    /// `file:line:col: message`, the form editors and terminals link to.
    pub fn render(&self, file: &str) -> String {
        format!("{file}:{}:{}: {}", self.line, self.column, self.message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// Parses and checks a schema, returning the generated Rust source, formatted: the `kanboard`
/// crate's own build uses it.
pub fn generate(yaml: &str) -> Result<String, Diagnostic> {
    render(yaml, None, None)
}

/// As [`generate`], for a crate of its own that depends on `kanboard`: a plugin's methods as
/// typed resources on [`KanboardClient`](https://docs.rs/kanboard), through the extension trait
/// `trait_name`, with the client's transport, errors, conventions, batches and release checks.
/// `crate_name` is the crate's name in Rust (`my_plugin`), for the doc examples. Include the
/// output at the crate root. See [`Extension`] for a `build.rs`.
pub fn generate_extension(
    yaml: &str,
    crate_name: &str,
    trait_name: &str,
) -> Result<String, Diagnostic> {
    render(yaml, Some(trait_name), Some(crate_name))
}

fn render(yaml: &str, ext: Option<&str>, krate: Option<&str>) -> Result<String, Diagnostic> {
    let api = load(yaml)?;
    if let Some(t) = ext
        && (!naming_ok(t))
    {
        return Err(Diagnostic {
            line: 0,
            column: 0,
            message: format!("`{t}` is not a Rust type name for the extension trait"),
        });
    }
    let paths = emit::paths::Paths {
        external: ext.is_some(),
        externs: api.externs.clone(),
        trait_use: ext.zip(krate).map(|(t, k)| format!("{k}::{t}")),
    };
    let tokens = emit::paths::with(paths, || emit::api(&api, ext));
    let file: syn::File = syn::parse2(tokens).map_err(|e| Diagnostic {
        line: 0,
        column: 0,
        message: format!("internal error: generated code does not parse: {e}"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Parses and checks a schema without generating code.
pub fn check(yaml: &str) -> Result<(), Diagnostic> {
    load(yaml).map(|_| ())
}

/// One method as the schema declares it, reduced to what a server's own description has too.
/// For tools that compare the schema with a server: the `kanboard` crate's drift tests load
/// edited copies of the schema through it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Signature {
    /// The JSON-RPC name.
    pub rpc: String,
    /// The parameters, in declaration order.
    pub params: Vec<SignatureParam>,
    pub user_only: bool,
    pub plugin: Option<String>,
    /// The declared differences from the server: parameter, kind (`name`, `required`, `omitted`,
    /// `extra`, `user_only`, `absent`) and reason.
    pub drift: Vec<(Option<String>, &'static str, String)>,
    /// The first Kanboard release that has the method (`since`, `1.2.45`), if not every one.
    pub since: Option<String>,
    /// The last Kanboard release that has the method (`until`), if not every one.
    pub until: Option<String>,
}

/// One parameter of a [`Signature`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SignatureParam {
    /// The name sent to the server.
    pub wire: String,
    pub required: bool,
    /// The first Kanboard release that has it, if not every one.
    pub since: Option<String>,
    /// The last Kanboard release that has it, if not every one.
    pub until: Option<String>,
}

/// Parses and checks a schema and lists its methods' signatures, in schema order.
pub fn signatures(yaml: &str) -> Result<Vec<Signature>, Diagnostic> {
    let api = load(yaml)?;
    Ok(api
        .resources
        .iter()
        .flat_map(|r| {
            r.methods.iter().map(|m| Signature {
                rpc: m.rpc.clone(),
                params: m
                    .params
                    .iter()
                    .map(|p| SignatureParam {
                        wire: p.wire.clone(),
                        required: p.required,
                        since: p.span.since.map(|v| v.to_string()),
                        until: p.span.until.map(|v| v.to_string()),
                    })
                    .collect(),
                since: m.span.since.map(|v| v.to_string()),
                until: m.span.until.map(|v| v.to_string()),
                user_only: m.user_only,
                plugin: r.plugin.clone(),
                drift: m
                    .drift
                    .iter()
                    .map(|d| (d.param.clone(), d.kind.spelling(), d.reason.clone()))
                    .collect(),
            })
        })
        .collect())
}

pub use ir::ServerRelease;

/// Checks the schema's `since` / `until` against what each Kanboard release really serves
/// (one [`ServerRelease`] per release manifest): every disagreement, with the line and column
/// of the method or parameter and the value to set. Plugin methods are not judged.
pub fn check_releases(yaml: &str, releases: &[ServerRelease]) -> Result<(), Vec<Diagnostic>> {
    let api = load(yaml).map_err(|d| vec![d])?;
    let found = ir::check_against(&api, releases);
    if found.is_empty() { Ok(()) } else { Err(found) }
}

fn load(yaml: &str) -> Result<ir::Api, Diagnostic> {
    let file: schema::SchemaFile = serde_saphyr::from_str(yaml).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        Diagnostic {
            line,
            column,
            message: first_line(&e.without_snippet().to_string()),
        }
    })?;
    ir::check(file)
}

/// serde-saphyr's messages lead with their own position; keep only what is wrong.
fn first_line(msg: &str) -> String {
    let line = msg.lines().next().unwrap_or(msg).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") => rest,
        _ => line,
    };
    // ... and some end with it too: "... at line 9, column 9".
    match line.rfind(" at line ") {
        Some(at) if line[at..].contains(", column ") => line[..at].to_owned(),
        _ => line.to_owned(),
    }
}

fn naming_ok(t: &str) -> bool {
    t.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && t.chars().all(|c| c.is_ascii_alphanumeric())
}

/// A plugin schema turned into Rust by a crate's `build.rs`:
///
/// ```no_run
/// // build.rs
/// fn main() -> std::process::ExitCode {
///     kanboard_codegen::Extension::new("schema/timesheet.yaml", "TimesheetExt").build()
/// }
/// // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/timesheet.rs"));
/// ```
///
/// The schema has the format of the `kanboard` crate's own (its `schema/README.md`), with an
/// `extern:` list of the core names it uses (`ProjectId`, `Color`, ...). A mistake fails the
/// build with `file:line:col: what to fix`.
#[derive(Debug, Clone)]
pub struct Extension {
    schema: std::path::PathBuf,
    trait_name: String,
}

impl Extension {
    /// The schema file (relative to the crate's directory) and the name of the trait that puts
    /// its resources on the client.
    pub fn new(schema: impl Into<std::path::PathBuf>, trait_name: impl Into<String>) -> Self {
        Extension {
            schema: schema.into(),
            trait_name: trait_name.into(),
        }
    }

    /// Writes `$OUT_DIR/<schema file stem>.rs` and tells cargo to run again when the schema
    /// changes; on a mistake prints it and fails.
    pub fn build(&self) -> std::process::ExitCode {
        match self.write() {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::ExitCode::FAILURE
            }
        }
    }

    fn write(&self) -> Result<(), String> {
        let shown = self.schema.display().to_string();
        println!("cargo::rerun-if-changed={shown}");
        let yaml = std::fs::read_to_string(&self.schema)
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        let krate = std::env::var("CARGO_PKG_NAME")
            .map(|n| n.replace('-', "_"))
            .map_err(|_| "CARGO_PKG_NAME is not set: run from a build script".to_owned())?;
        let code =
            generate_extension(&yaml, &krate, &self.trait_name).map_err(|d| d.render(&shown))?;
        let stem = self
            .schema
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("{shown} has no file name"))?;
        let out = std::env::var("OUT_DIR")
            .map_err(|_| "OUT_DIR is not set: run from a build script".to_owned())?;
        let path = std::path::Path::new(&out).join(format!("{stem}.rs"));
        std::fs::write(&path, code).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}
