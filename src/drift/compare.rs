//! The static check: the schema against a server manifest, method by method and parameter by
//! parameter, and the parameter comparison a live probe shares with it.

use super::finding::Finding;
use super::manifest::Manifest;
use super::release::{self, ForRelease};
use super::report::DriftReport;
use super::spec::{MethodSpec, ParamSpec};
use std::collections::HashMap;

/// Compares the schema's methods from the manifest's origin (Kanboard itself, or the manifest's
/// plugin) with the manifest. Deliberate differences declared in the schema are listed apart,
/// and declarations that no longer match anything are reported as stale.
///
/// With the manifest's `kanboard_version` a release number, the schema is taken for that
/// release: what its `since` / `until` leave out is expected absent, and reported
/// ([`Finding::NotInRelease`]) when the manifest has it. Without one, the whole schema is
/// compared.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use kanboard::drift;
/// let manifest = drift::Manifest::read("tests/fixtures/manifests/kanboard-1.2.36.json")?;
/// let report = drift::compare(&drift::schema(), &manifest);
/// assert!(report.is_clean(), "{report}");
/// # Ok(()) }
/// ```
pub fn compare(schema: &[MethodSpec], manifest: &Manifest) -> DriftReport {
    let scope: Vec<MethodSpec> = schema
        .iter()
        .filter(|m| m.is_from(manifest.plugin.as_deref()))
        .cloned()
        .collect();
    let mut server = manifest.specs();
    let server_methods = server.len();
    let schema = ForRelease::new(&scope, manifest.release());
    let mut findings = schema.take_out(&mut server);
    findings.extend(compare_specs(&schema.kept, &server));
    release::in_schema_order(&mut findings, &scope);
    let mut report = DriftReport::settle(
        format!("{} vs manifest of {}", schema.label(), manifest.label()),
        &schema.kept,
        findings,
        true,
    );
    report.server_methods = Some(server_methods);
    report.release = schema.release;
    report.left_out = schema.left_out;
    report
}

/// Every difference between two method lists whose signatures are fully known, in the order of
/// `schema`, then the server's extra methods.
pub fn compare_specs(schema: &[MethodSpec], server: &[MethodSpec]) -> Vec<Finding> {
    let by_name: HashMap<&str, &MethodSpec> = server.iter().map(|m| (m.name.as_str(), m)).collect();
    let mut out = Vec::new();
    for s in schema {
        match by_name.get(s.name.as_str()) {
            None => out.push(Finding::MethodMissingOnServer {
                method: s.name.clone(),
            }),
            Some(v) => {
                if s.user_only != v.user_only {
                    out.push(Finding::UserOnly {
                        method: s.name.clone(),
                        schema: s.user_only,
                    });
                }
                out.extend(compare_params(&s.name, &s.params, &v.params));
            }
        }
    }
    let known: std::collections::HashSet<&str> = schema.iter().map(|m| m.name.as_str()).collect();
    for v in server {
        if !known.contains(v.name.as_str()) {
            out.push(Finding::MethodMissingInSchema {
                method: v.name.clone(),
            });
        }
    }
    out
}

/// Parameters matched by name; an unmatched schema parameter and an unmatched server parameter
/// at the same position are one renamed parameter.
fn compare_params(method: &str, schema: &[ParamSpec], server: &[ParamSpec]) -> Vec<Finding> {
    let mut out = Vec::new();
    let pos_in = |list: &[ParamSpec], name: &str| list.iter().position(|p| p.name == name);
    let mut server_unmatched: Vec<(usize, &ParamSpec)> = server
        .iter()
        .enumerate()
        .filter(|(_, p)| pos_in(schema, &p.name).is_none())
        .collect();
    let mut schema_unmatched = Vec::new();
    for (i, s) in schema.iter().enumerate() {
        match pos_in(server, &s.name) {
            Some(j) => {
                if s.required != server[j].required {
                    out.push(Finding::Required {
                        method: method.into(),
                        param: s.name.clone(),
                        schema_required: s.required,
                    });
                }
            }
            None => schema_unmatched.push((i, s)),
        }
    }
    for (i, s) in schema_unmatched {
        match server_unmatched.iter().position(|(j, _)| *j == i) {
            Some(k) => {
                let (_, v) = server_unmatched.remove(k);
                out.push(Finding::ParamName {
                    method: method.into(),
                    position: i,
                    schema: s.name.clone(),
                    server: v.name.clone(),
                });
                if s.required != v.required {
                    out.push(Finding::Required {
                        method: method.into(),
                        param: s.name.clone(),
                        schema_required: s.required,
                    });
                }
            }
            None => out.push(Finding::ParamMissingOnServer {
                method: method.into(),
                param: s.name.clone(),
            }),
        }
    }
    for (_, v) in server_unmatched {
        out.push(Finding::ParamMissingInSchema {
            method: method.into(),
            param: v.name.clone(),
            required: v.required,
        });
    }
    out
}

/// What a live probe can compare: the server's required parameters by name (in order) and its
/// parameter count, which may be unknown. Optional parameters' names cannot be observed.
pub(crate) fn compare_observed(
    spec: &MethodSpec,
    required: &[String],
    total: Option<usize>,
) -> Vec<Finding> {
    let method = spec.name.as_str();
    let mut out = Vec::new();
    let schema_pos = |name: &str| spec.params.iter().position(|p| p.name == name);
    let mut server_unmatched: Vec<(usize, &String)> = Vec::new();
    for (j, r) in required.iter().enumerate() {
        match schema_pos(r) {
            Some(i) if !spec.params[i].required => out.push(Finding::Required {
                method: method.into(),
                param: r.clone(),
                schema_required: false,
            }),
            Some(_) => {}
            None => server_unmatched.push((j, r)),
        }
    }
    // The schema parameters the server's required ones do not account for (by name, or renamed
    // at the same position): each is one of the server's optional parameters, or gone.
    let mut unaccounted: Vec<&ParamSpec> = Vec::new();
    for (i, p) in spec.params.iter().enumerate() {
        if required.contains(&p.name) {
            continue;
        }
        if p.required
            && let Some(k) = server_unmatched.iter().position(|(j, _)| *j == i)
        {
            let (_, r) = server_unmatched.remove(k);
            out.push(Finding::ParamName {
                method: method.into(),
                position: i,
                schema: p.name.clone(),
                server: r.clone(),
            });
            continue;
        }
        unaccounted.push(p);
    }
    for (_, r) in server_unmatched {
        out.push(Finding::ParamMissingInSchema {
            method: method.into(),
            param: r.clone(),
            required: true,
        });
    }
    // The server's other parameters are optional, their names unseen. With none, every
    // unaccounted schema parameter is gone; with fewer than the unaccounted ones, some are, and
    // only those can be.
    let optional = total.map(|t| t.saturating_sub(required.len()));
    if optional == Some(0) {
        out.extend(unaccounted.iter().map(|p| Finding::ParamMissingOnServer {
            method: method.into(),
            param: p.name.clone(),
        }));
        return out;
    }
    out.extend(
        unaccounted
            .iter()
            .filter(|p| p.required)
            .map(|p| Finding::Required {
                method: method.into(),
                param: p.name.clone(),
                schema_required: true,
            }),
    );
    if let (Some(total), Some(optional)) = (total, optional)
        && optional != unaccounted.len()
    {
        let missing_at_least = unaccounted.len().saturating_sub(optional);
        out.push(Finding::ParamCount {
            method: method.into(),
            schema: spec.params.len(),
            server: total,
            missing_from: if missing_at_least > 0 {
                unaccounted.iter().map(|p| p.name.clone()).collect()
            } else {
                Vec::new()
            },
            missing_at_least,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::DeviationKind;
    use crate::drift::spec::DeviationSpec;

    fn server() -> Vec<MethodSpec> {
        vec![
            MethodSpec::new("getTask").param("task_id", true),
            MethodSpec::new("createTask")
                .param("title", true)
                .param("project_id", true)
                .param("color_id", false),
            MethodSpec {
                user_only: true,
                ..MethodSpec::new("getMe")
            },
            MethodSpec::new("getVersion"),
        ]
    }

    #[test]
    fn identical_lists_do_not_differ() {
        assert!(compare_specs(&server(), &server()).is_empty());
    }

    #[test]
    fn every_kind_of_difference() {
        let mut schema = server();
        schema[0].params[0].name = "id".into(); // renamed
        schema[1].params[2].required = true; // required here, optional there
        schema[1].params.push(ParamSpec {
            name: "owner".into(),
            required: false,
            available: crate::Availability::default(),
        }); // the server lacks it
        schema[2].user_only = false;
        schema.remove(3); // getVersion: the schema lacks it
        schema.push(MethodSpec::new("getNothing")); // the server lacks it
        let mut srv = server();
        srv[1].params.push(ParamSpec {
            name: "x".into(),
            required: true,
            available: crate::Availability::default(),
        });
        srv[1].params.push(ParamSpec {
            name: "tags".into(),
            required: false,
            available: crate::Availability::default(),
        });
        let found = compare_specs(&schema, &srv);
        let text: Vec<String> = found.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "getTask: parameter 1 is `id` in the schema, `task_id` on the server",
                "createTask: `color_id` is required in the schema, not by the server",
                "createTask: parameter 4 is `owner` in the schema, `x` on the server",
                "createTask: `owner` is optional in the schema, required by the server",
                "createTask: the server has optional parameter `tags`, the schema does not",
                "getMe: open to the application token in the schema, user-only on the server",
                "getNothing: in the schema, missing on the server",
                "getVersion: on the server, missing in the schema",
            ]
        );
    }

    #[test]
    fn declared_differences_are_accepted_and_stale_ones_reported() {
        let mut schema = server();
        schema[0].params[0].name = "id".into();
        schema[0].deviations.push(DeviationSpec {
            param: Some("id".into()),
            kind: DeviationKind::ParamName,
            reason: "the server's name is taken".into(),
        });
        schema[3].deviations.push(DeviationSpec {
            param: None,
            kind: DeviationKind::MethodAbsent,
            reason: "newer servers only".into(),
        });
        let raw = compare_specs(&schema, &server());
        let report = DriftReport::settle("t".into(), &schema, raw, true);
        assert!(report.findings.is_empty(), "{report}");
        assert_eq!(report.declared.len(), 1);
        assert_eq!(report.stale.len(), 1);
        assert!(!report.is_clean());
        let text = report.to_string();
        assert!(
            text.contains("getTask: parameter 1 is `id` in the schema, `task_id` on the server: the server's name is taken"),
            "{text}"
        );
        assert!(
            text.contains("getVersion: kind `absent` (newer servers only)"),
            "{text}"
        );
    }

    #[test]
    fn live_comparison_sees_required_names_and_counts() {
        let spec = MethodSpec::new("createTask")
            .param("title", true)
            .param("project_id", true)
            .param("color_id", false);
        let req = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(compare_observed(&spec, &req(&["title", "project_id"]), Some(3)).is_empty());
        let show = |f: Vec<Finding>| f.iter().map(ToString::to_string).collect::<Vec<_>>();
        // Renamed: one finding, the count is the same.
        assert_eq!(
            show(compare_observed(
                &spec,
                &req(&["name", "project_id"]),
                Some(3)
            )),
            ["createTask: parameter 1 is `title` in the schema, `name` on the server"]
        );
        // A new required parameter at the end explains the larger count.
        assert_eq!(
            show(compare_observed(
                &spec,
                &req(&["title", "project_id", "x", "y"]),
                Some(5)
            )),
            [
                "createTask: the server has required parameter `x`, the schema does not",
                "createTask: the server has required parameter `y`, the schema does not",
            ]
        );
        // An optional parameter made required, one required made optional.
        assert_eq!(
            show(compare_observed(
                &spec,
                &req(&["title", "color_id"]),
                Some(3)
            )),
            [
                "createTask: `color_id` is optional in the schema, required by the server",
                "createTask: `project_id` is required in the schema, not by the server",
            ]
        );
        // The only optional parameter gone: the server's required ones account for the rest,
        // so it is the one.
        assert_eq!(
            show(compare_observed(
                &spec,
                &req(&["title", "project_id"]),
                Some(2)
            )),
            ["createTask: the schema has parameter `color_id`, the server does not"]
        );
        // A required parameter gone along with it: the server has no optional parameter left.
        assert_eq!(
            show(compare_observed(&spec, &req(&["title"]), Some(1))),
            [
                "createTask: the schema has parameter `project_id`, the server does not",
                "createTask: the schema has parameter `color_id`, the server does not",
            ]
        );
        // One optional parameter of two gone: which one cannot be seen.
        let two = spec.clone().param("tags", false);
        assert_eq!(
            show(compare_observed(
                &two,
                &req(&["title", "project_id"]),
                Some(3)
            )),
            [
                "createTask: the server takes 3 parameters, the schema lists 4; at least one of `color_id`, `tags` is not on the server"
            ]
        );
        // A required parameter that became optional, and one optional parameter gone.
        assert_eq!(
            show(compare_observed(&two, &req(&["title"]), Some(2))),
            [
                "createTask: `project_id` is required in the schema, not by the server",
                "createTask: the server takes 2 parameters, the schema lists 4; at least 2 of `project_id`, `color_id`, `tags` are not on the server"
            ]
        );
        // One more optional parameter: nothing to name.
        assert_eq!(
            show(compare_observed(
                &spec,
                &req(&["title", "project_id"]),
                Some(4)
            )),
            ["createTask: the server takes 4 parameters, the schema lists 3"]
        );
    }

    /// Every signature over four names (kept in one order, the first `k` required), as a
    /// server and as a schema: what the live comparison says is missing on the server is missing
    /// there, and a count naming candidates names every missing one.
    #[test]
    fn live_comparison_names_only_parameters_the_server_lacks() {
        let pool = ["a", "b", "c", "d"];
        let mut sigs = Vec::new();
        for mask in 0..16u32 {
            let names: Vec<&str> = (0..4)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| pool[i])
                .collect();
            for k in 0..=names.len() {
                let mut m = MethodSpec::new("m");
                for (i, n) in names.iter().enumerate() {
                    m = m.param(*n, i < k);
                }
                sigs.push(m);
            }
        }
        for server in &sigs {
            let required: Vec<String> = server
                .required_names()
                .into_iter()
                .map(str::to_owned)
                .collect();
            let on_server = |p: &str| server.params.iter().any(|x| x.name == p);
            for schema in &sigs {
                let found = compare_observed(schema, &required, Some(server.params.len()));
                // A required parameter renamed in place is reported as renamed, not missing.
                let renamed = |p: &str| {
                    found
                        .iter()
                        .any(|f| matches!(f, Finding::ParamName { schema, .. } if schema == p))
                };
                for f in &found {
                    match f {
                        Finding::ParamMissingOnServer { param, .. } => {
                            assert!(!on_server(param), "{f} {schema:?} {server:?}")
                        }
                        Finding::ParamCount {
                            missing_from,
                            missing_at_least,
                            ..
                        } => {
                            let gone: Vec<&str> = schema
                                .params
                                .iter()
                                .map(|p| p.name.as_str())
                                .filter(|p| !on_server(p) && !renamed(p))
                                .collect();
                            if *missing_at_least > 0 {
                                assert!(
                                    gone.len() >= *missing_at_least,
                                    "{f} {schema:?} {server:?}"
                                );
                                assert!(
                                    gone.iter().all(|g| missing_from.iter().any(|c| c == g)),
                                    "{f} {schema:?} {server:?}"
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    #[test]
    fn declared_omissions_account_for_a_count() {
        let mut spec = MethodSpec::new("m").param("a", true);
        spec.deviations.push(DeviationSpec {
            param: Some("b".into()),
            kind: DeviationKind::ParamOmitted,
            reason: "never needed".into(),
        });
        let raw = compare_observed(&spec, &["a".to_string()], Some(2));
        let report = DriftReport::settle("t".into(), std::slice::from_ref(&spec), raw, false);
        assert!(report.findings.is_empty(), "{report}");
        assert_eq!(report.declared[0].reasons, ["never needed"]);
    }

    #[test]
    fn a_plugin_manifest_is_compared_with_that_plugin_s_methods_only() {
        let manifest = Manifest::from_json(
            r#"{"plugin": "Portfolio", "plugin_version": "1.17.0", "methods": [
                {"name": "getPortfolio", "params": [{"name": "portfolio_id", "position": 0, "required": true}]},
                {"name": "getAllPortfolios", "params": []}]}"#,
        )
        .unwrap();
        let mut schema = server();
        schema.push(MethodSpec {
            plugin: Some("portfolio".into()),
            ..MethodSpec::new("getPortfolio").param("portfolio_id", true)
        });
        let report = compare(&schema, &manifest);
        assert_eq!(report.schema_methods, 1);
        assert_eq!(
            report.findings,
            [Finding::MethodMissingInSchema {
                method: "getAllPortfolios".into()
            }]
        );
        assert!(report.title.contains("plugin Portfolio 1.17.0"), "{report}");
    }
}
