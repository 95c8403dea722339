//! One difference between the schema and a server, and whether the schema declares it.

use super::spec::{DeviationSpec, MethodSpec};
use crate::descriptor::DeviationKind;
use crate::{Availability, KanboardVersion};
use std::fmt;

/// A difference between the schema and a server (its manifest, or the server itself as probed).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Finding {
    /// The schema has the method; the server does not.
    MethodMissingOnServer {
        /// The JSON-RPC method name.
        method: String,
    },
    /// The server has the method; the schema does not.
    MethodMissingInSchema {
        /// The JSON-RPC method name.
        method: String,
    },
    /// The parameter at this (0-based) position has another name on the server.
    ParamName {
        /// The JSON-RPC method name.
        method: String,
        /// The parameter's 0-based position (JSON-RPC positional order).
        position: usize,
        /// The name the schema sends.
        schema: String,
        /// The name the server expects.
        server: String,
    },
    /// The schema and the server disagree on whether the parameter is required. From a live
    /// probe, `schema_required: true` means the server does not require it: optional there, or
    /// gone (a [`Finding::ParamCount`] then says so; when the server has no optional parameter at
    /// all, the probe reports [`Finding::ParamMissingOnServer`] instead).
    Required {
        /// The JSON-RPC method name.
        method: String,
        /// The parameter's wire name.
        param: String,
        /// Whether the schema requires it (the server then does not).
        schema_required: bool,
    },
    /// The server has a parameter the schema lacks.
    ParamMissingInSchema {
        /// The JSON-RPC method name.
        method: String,
        /// The server's name for the parameter.
        param: String,
        /// Whether the server requires it: a call without it fails.
        required: bool,
    },
    /// The schema has a parameter the server lacks.
    ParamMissingOnServer {
        /// The JSON-RPC method name.
        method: String,
        /// The schema's wire name for the parameter.
        param: String,
    },
    /// The server takes another number of parameters (a live probe cannot see the names of
    /// optional parameters, only how many there are).
    ParamCount {
        /// The JSON-RPC method name.
        method: String,
        /// How many parameters the schema lists.
        schema: usize,
        /// How many the server takes.
        server: usize,
        /// When the server has fewer optional parameters than the schema has parameters its
        /// required ones do not account for: those schema parameters (the server lacks some of
        /// them) and how many of them at least it lacks. Empty and 0 otherwise.
        missing_from: Vec<String>,
        /// How many of `missing_from` the server lacks at least.
        missing_at_least: usize,
    },
    /// A live probe found fewer parameters than the schema lists and could not count them
    /// exactly without risking a run: the server takes at most `server_at_most`.
    FewerParams {
        /// The JSON-RPC method name.
        method: String,
        /// How many parameters the schema lists.
        schema: usize,
        /// The most the server can take, as far as the probe went.
        server_at_most: usize,
    },
    /// The schema's user-only flag is not the server's.
    UserOnly {
        /// The JSON-RPC method name.
        method: String,
        /// Whether the schema marks it user-only (the server then does not).
        schema: bool,
    },
    /// The server has a method or parameter that the schema's `since` / `until` say its release
    /// does not have: the schema's `since` / `until` is wrong.
    NotInRelease {
        /// The JSON-RPC method name.
        method: String,
        /// The parameter's wire name; `None` for the method itself.
        param: Option<String>,
        /// The releases the schema gives it.
        available: Availability,
        /// The server's release.
        release: KanboardVersion,
    },
}

impl Finding {
    /// The JSON-RPC method the difference is about.
    pub fn method(&self) -> &str {
        match self {
            Finding::MethodMissingOnServer { method }
            | Finding::MethodMissingInSchema { method }
            | Finding::ParamName { method, .. }
            | Finding::Required { method, .. }
            | Finding::ParamMissingInSchema { method, .. }
            | Finding::ParamMissingOnServer { method, .. }
            | Finding::ParamCount { method, .. }
            | Finding::FewerParams { method, .. }
            | Finding::UserOnly { method, .. }
            | Finding::NotInRelease { method, .. } => method,
        }
    }

    /// The deviations of `spec` that declare this difference, if it is declared.
    pub(crate) fn declared_by<'a>(&self, spec: &'a MethodSpec) -> Vec<&'a DeviationSpec> {
        let find = |kinds: &[DeviationKind], param: Option<&str>| -> Vec<&'a DeviationSpec> {
            spec.deviations
                .iter()
                .filter(|d| kinds.contains(&d.kind) && d.param.as_deref() == param)
                .take(1)
                .collect()
        };
        match self {
            Finding::MethodMissingOnServer { .. } => find(&[DeviationKind::MethodAbsent], None),
            // A wrong `since` / `until` is fixed in the schema, never declared.
            Finding::MethodMissingInSchema { .. } | Finding::NotInRelease { .. } => Vec::new(),
            Finding::ParamName { schema, .. } => find(&[DeviationKind::ParamName], Some(schema)),
            // A parameter the server does not require may be one it does not have at all.
            Finding::Required {
                param,
                schema_required: true,
                ..
            } => find(
                &[DeviationKind::Required, DeviationKind::ParamExtra],
                Some(param),
            ),
            Finding::Required { param, .. } => find(&[DeviationKind::Required], Some(param)),
            Finding::ParamMissingInSchema { param, .. } => {
                find(&[DeviationKind::ParamOmitted], Some(param))
            }
            Finding::ParamMissingOnServer { param, .. } => {
                find(&[DeviationKind::ParamExtra], Some(param))
            }
            Finding::UserOnly { .. } => find(&[DeviationKind::UserOnly], None),
            // Declared when the omitted and extra parameters account for the whole difference.
            Finding::ParamCount { schema, server, .. } => {
                declared_count(spec, |net| net == *server as isize, *schema)
            }
            Finding::FewerParams {
                schema,
                server_at_most,
                ..
            } => declared_count(spec, |net| net <= *server_at_most as isize, *schema),
        }
    }
}

/// The omitted and extra parameters `spec` declares, when with them the schema's count
/// (`schema + omitted - extra`) passes `fits`.
fn declared_count(
    spec: &MethodSpec,
    fits: impl Fn(isize) -> bool,
    schema: usize,
) -> Vec<&DeviationSpec> {
    let of = |kind| {
        spec.deviations
            .iter()
            .filter(move |d: &&DeviationSpec| d.kind == kind)
    };
    let (omitted, extra) = (
        of(DeviationKind::ParamOmitted).count(),
        of(DeviationKind::ParamExtra).count(),
    );
    if omitted + extra == 0 || !fits(schema as isize + omitted as isize - extra as isize) {
        return Vec::new();
    }
    of(DeviationKind::ParamOmitted)
        .chain(of(DeviationKind::ParamExtra))
        .collect()
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::MethodMissingOnServer { method } => {
                write!(f, "{method}: in the schema, missing on the server")
            }
            Finding::MethodMissingInSchema { method } => {
                write!(f, "{method}: on the server, missing in the schema")
            }
            Finding::ParamName {
                method,
                position,
                schema,
                server,
            } => write!(
                f,
                "{method}: parameter {} is `{schema}` in the schema, `{server}` on the server",
                position + 1
            ),
            Finding::Required {
                method,
                param,
                schema_required: true,
            } => write!(
                f,
                "{method}: `{param}` is required in the schema, not by the server"
            ),
            Finding::Required { method, param, .. } => write!(
                f,
                "{method}: `{param}` is optional in the schema, required by the server"
            ),
            Finding::ParamMissingInSchema {
                method,
                param,
                required,
            } => write!(
                f,
                "{method}: the server has {} parameter `{param}`, the schema does not",
                if *required { "required" } else { "optional" }
            ),
            Finding::ParamMissingOnServer { method, param } => write!(
                f,
                "{method}: the schema has parameter `{param}`, the server does not"
            ),
            Finding::ParamCount {
                method,
                schema,
                server,
                missing_from,
                missing_at_least,
            } => {
                write!(
                    f,
                    "{method}: the server takes {server} parameter{}, the schema lists {schema}",
                    if *server == 1 { "" } else { "s" }
                )?;
                if *missing_at_least > 0 {
                    let names: Vec<String> =
                        missing_from.iter().map(|p| format!("`{p}`")).collect();
                    match missing_at_least {
                        1 => write!(
                            f,
                            "; at least one of {} is not on the server",
                            names.join(", ")
                        )?,
                        n => write!(
                            f,
                            "; at least {n} of {} are not on the server",
                            names.join(", ")
                        )?,
                    }
                }
                Ok(())
            }
            Finding::FewerParams {
                method,
                schema,
                server_at_most,
            } => write!(
                f,
                "{method}: the server takes at most {server_at_most} parameter{}, the schema lists {schema}",
                if *server_at_most == 1 { "" } else { "s" }
            ),
            Finding::UserOnly {
                method,
                schema: true,
            } => write!(
                f,
                "{method}: user-only in the schema, open to the application token on the server"
            ),
            Finding::UserOnly { method, .. } => write!(
                f,
                "{method}: open to the application token in the schema, user-only on the server"
            ),
            Finding::NotInRelease {
                method,
                param,
                available,
                release,
            } => {
                write!(f, "{method}: ")?;
                if let Some(p) = param {
                    write!(f, "parameter `{p}` ")?;
                }
                write!(
                    f,
                    "on the server (Kanboard {release}), the schema says {available}: its `since`/`until` is wrong"
                )
            }
        }
    }
}
