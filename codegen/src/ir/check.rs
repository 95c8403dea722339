//! `check`: the schema's ids, enums, models and resources with their methods and parameters, checked
//! in file order and turned into an [`Api`].

use super::docs::{FIELD_HINT, PARAM_HINT, require_doc};
use super::drift::check_drift;
use super::returns::check_returns;
use super::types::{Names, parse_ty};
use super::{Api, Enum, Field, Method, Model, Param, Resource, Ty, at, diag};
use crate::Diagnostic;
use crate::schema::SchemaFile;
use std::collections::{BTreeMap, BTreeSet};

fn is_snake(s: &str) -> bool {
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_camel(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Read-only unless the name says it changes something; used for opt-in retries.
fn default_read_only(rpc: &str) -> bool {
    ["get", "is", "check", "search"].iter().any(|p| {
        rpc.strip_prefix(p)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

pub fn check(file: SchemaFile) -> Result<Api, Diagnostic> {
    if file.version.value != 1 {
        return Err(diag(
            at(&file.version),
            "unsupported schema version: only `version: 1` exists",
        ));
    }
    let none = Vec::new();
    let ext = file.externs.as_ref();
    let (ext_ids, ext_enums, ext_models) = (
        ext.map_or(&none, |e| &e.ids),
        ext.map_or(&none, |e| &e.enums),
        ext.map_or(&none, |e| &e.models),
    );
    let mut externs = BTreeSet::new();
    for n in ext_ids.iter().chain(ext_enums).chain(ext_models) {
        let declared = file.models.contains_key(&n.value)
            || file.enums.contains_key(&n.value)
            || file.ids.contains_key(&n.value);
        if !is_camel(&n.value) || declared || !externs.insert(n.value.clone()) {
            return Err(diag(
                at(n),
                format!(
                    "`extern` name `{}` must be CamelCase, listed once, and not declared in this schema too",
                    n.value
                ),
            ));
        }
    }
    let names = Names {
        models: file
            .models
            .keys()
            .cloned()
            .chain(ext_models.iter().map(|n| n.value.clone()))
            .collect(),
        enums: file
            .enums
            .keys()
            .cloned()
            .chain(ext_enums.iter().map(|n| n.value.clone()))
            .collect(),
        ids: file
            .ids
            .keys()
            .cloned()
            .chain(ext_ids.iter().map(|n| n.value.clone()))
            .collect(),
    };
    let mut ids = Vec::new();
    for (name, doc) in &file.ids {
        if !is_camel(name)
            || !name.ends_with("Id")
            || names.models.contains(name)
            || names.enums.contains(name)
        {
            return Err(diag(
                at(doc),
                format!(
                    "id type `{name}` must be CamelCase, end in `Id`, and not share a model's or enum's name"
                ),
            ));
        }
        if doc.value.trim().is_empty() {
            return Err(diag(
                at(doc),
                format!("id type `{name}` needs a doc: whose id it is"),
            ));
        }
        ids.push((name.clone(), doc.value.clone()));
    }

    let mut enums = Vec::new();
    for (name, def) in &file.enums {
        if !is_camel(name) || names.models.contains(name) {
            return Err(diag(
                at(def),
                format!("enum `{name}` must be CamelCase and not share a model's name"),
            ));
        }
        let mut values = Vec::new();
        let mut seen = BTreeSet::new();
        for (wire, variant) in &def.value.values {
            if !is_camel(&variant.value)
                || variant.value == "Other"
                || !seen.insert(variant.value.clone())
            {
                return Err(diag(
                    at(variant),
                    format!(
                        "variant `{}` of `{name}` must be a unique CamelCase name other than `Other` \
                         (kept for values the schema does not list)",
                        variant.value
                    ),
                ));
            }
            values.push((wire.clone(), variant.value.clone()));
        }
        let doc = require_doc(
            def.value.doc.as_deref(),
            at(def),
            &format!("enum `{name}`"),
            name,
            None,
            "where its values come from, what the server does with one it does not know",
        )?;
        enums.push(Enum {
            name: name.clone(),
            doc,
            values,
        });
    }

    let mut models: Vec<Model> = Vec::new();
    for (name, def) in &file.models {
        if !is_camel(name) {
            return Err(diag(at(def), format!("model `{name}` must be CamelCase")));
        }
        // An extended model's fields come first; it must be declared above, so order is plain.
        let (mut fields, mut ignored) = match &def.value.extends {
            None => (Vec::new(), Vec::new()),
            Some(base) => match models.iter().find(|m| m.name == base.value) {
                Some(m) => (m.fields.clone(), m.ignored.clone()),
                None => {
                    return Err(diag(
                        at(base),
                        format!(
                            "`extends: {}` names no model declared above this one; declare the base model first",
                            base.value
                        ),
                    ));
                }
            },
        };
        for (fname, f) in &def.value.fields {
            let ty = parse_ty(&f.value.ty, &names).map_err(|m| diag(at(f), m))?;
            if matches!(ty, Ty::Date | Ty::Secret) {
                return Err(diag(
                    at(f),
                    format!(
                        "`{}` is for parameters; a model field holding a date is a `timestamp`",
                        ty.spelling()
                    ),
                ));
            }
            if !is_snake(fname) {
                return Err(diag(
                    at(f),
                    format!(
                        "field `{fname}` must be snake_case (set `wire:` for the server's name)"
                    ),
                ));
            }
            let wire = f.value.wire.clone().unwrap_or_else(|| fname.clone());
            if fields.iter().any(|x| x.wire == wire || x.name == *fname) {
                return Err(diag(
                    at(f),
                    format!("field `{fname}` is already in the model (from `extends` or above)"),
                ));
            }
            if f.value.when.as_deref().is_some_and(|w| w.trim().is_empty()) {
                return Err(diag(
                    at(f),
                    "`when:` must say when the server sends the key".to_owned(),
                ));
            }
            let doc = require_doc(
                f.value.doc.as_deref(),
                at(f),
                &format!("field `{fname}` of `{name}`"),
                fname,
                Some(&ty),
                FIELD_HINT,
            )?;
            fields.push(Field {
                wire,
                name: fname.clone(),
                ty,
                doc,
                when: f.value.when.clone(),
            });
        }
        for (key, reason) in &def.value.ignored {
            if fields.iter().any(|f| f.wire == *key) {
                return Err(diag(
                    at(reason),
                    format!("`{key}` is both a field and ignored; keep one"),
                ));
            }
            if reason.value.trim().is_empty() {
                return Err(diag(at(reason), format!("say why `{key}` is not kept")));
            }
            ignored.push((key.clone(), reason.value.clone()));
        }
        let mut columns: Vec<String> = Vec::new();
        for c in &def.value.columns {
            if !fields.iter().any(|f| f.wire == c.value) {
                return Err(diag(
                    at(c),
                    format!(
                        "column `{}` is not a field of `{name}`; name one of its fields as the server sends it",
                        c.value
                    ),
                ));
            }
            if columns.contains(&c.value) {
                return Err(diag(at(c), format!("column `{}` is listed twice", c.value)));
            }
            columns.push(c.value.clone());
        }
        let doc = require_doc(
            def.value.doc.as_deref(),
            at(def),
            &format!("model `{name}`"),
            name,
            None,
            "which methods send this shape",
        )?;
        models.push(Model {
            name: name.clone(),
            doc,
            fields,
            ignored,
            columns,
        });
    }

    let range = super::releases::check_range(&file.releases)?;
    let mut resources = Vec::new();
    let mut rpc_seen: BTreeMap<String, String> = BTreeMap::new();
    for (rname, rdef) in &file.resources {
        if !is_snake(rname) {
            return Err(diag(
                at(rdef),
                format!("resource `{rname}` must be snake_case, like `tasks`"),
            ));
        }
        let mut methods = Vec::new();
        for (mname, m) in &rdef.value.methods {
            let md = &m.value;
            if !is_snake(mname) {
                return Err(diag(
                    at(m),
                    format!("method `{mname}` must be snake_case, like `create_task`"),
                ));
            }
            let rpc = md.rpc.value.clone();
            let key = rpc.to_ascii_lowercase(); // the server matches names without case
            if let Some(prev) = rpc_seen.insert(key, format!("{rname}.{mname}")) {
                return Err(diag(
                    at(&md.rpc),
                    format!(
                        "duplicate method: `{rpc}` is already declared as `{prev}`; declare each JSON-RPC method once"
                    ),
                ));
            }
            let span = super::releases::check_span(
                &format!("method `{mname}`"),
                md.since.as_ref().map(|s| s.value.as_str()),
                md.until.as_ref().map(|s| s.value.as_str()),
                at(m),
                range,
                Default::default(),
            )?;
            let mut params = Vec::new();
            let mut wires = BTreeSet::new();
            for (pname, p) in &md.params {
                let ty = parse_ty(&p.value.ty, &names).map_err(|e| diag(at(p), e))?;
                if matches!(ty, Ty::Model(_) | Ty::Timestamp | Ty::Optional(_)) {
                    return Err(diag(
                        at(p),
                        format!(
                            "parameter `{pname}` has type `{}`: parameters are scalars, date, secret, bytes, json, \
                             list or map; say `required: false` instead of `?`",
                            ty.spelling()
                        ),
                    ));
                }
                if !is_snake(pname) {
                    return Err(diag(
                        at(p),
                        format!(
                            "parameter `{pname}` must be snake_case (set `wire:` for the server's name)"
                        ),
                    ));
                }
                let wire = p.value.wire.clone().unwrap_or_else(|| pname.clone());
                if !wires.insert(wire.clone()) {
                    return Err(diag(
                        at(p),
                        format!("two parameters of `{mname}` are sent as `{wire}`"),
                    ));
                }
                let doc = require_doc(
                    p.value.doc.as_deref(),
                    at(p),
                    &format!("parameter `{pname}` of `{mname}`"),
                    pname,
                    Some(&ty),
                    PARAM_HINT,
                )?;
                let pspan = super::releases::check_span(
                    &format!("parameter `{pname}` of `{mname}`"),
                    p.value.since.as_deref(),
                    p.value.until.as_deref(),
                    at(p),
                    range,
                    span,
                )?;
                params.push(Param {
                    name: pname.clone(),
                    wire,
                    ty,
                    required: p.value.required,
                    default: p.value.default.clone(),
                    doc,
                    span: pspan,
                    at: at(p),
                });
            }
            let returns = check_returns(&md.returns, &names)?;
            let user_only = match md.auth.as_ref().map(|a| a.value.as_str()) {
                None | Some("any") => false,
                Some("user") => true,
                Some(other) => {
                    return Err(diag(
                        at(md.auth.as_ref().expect("matched Some")),
                        format!(
                            "`auth: {other}`: use `any` (app token or user) or `user` (user login only)"
                        ),
                    ));
                }
            };
            methods.push(Method {
                name: mname.clone(),
                read_only: md.read_only.unwrap_or_else(|| default_read_only(&rpc)),
                rpc,
                doc: require_doc(
                    Some(&md.doc),
                    at(m),
                    &format!("method `{mname}`"),
                    mname,
                    None,
                    "what it does, what it reads or changes",
                )?,
                params,
                returns,
                user_only,
                drift: check_drift(mname, &md.drift, &wires)?,
                span,
                at: at(m),
            });
        }
        resources.push(Resource {
            name: rname.clone(),
            doc: require_doc(
                Some(&rdef.value.doc),
                at(rdef),
                &format!("resource `{rname}`"),
                rname,
                None,
                "what its methods cover, who may call them",
            )?,
            plugin: rdef.value.plugin.clone(),
            methods,
        });
    }
    Ok(Api {
        ids,
        enums,
        models,
        releases: range,
        resources,
        externs,
    })
}
