//! The `api` resource modules: each resource's handle with one constructor per method, the request
//! builders, parameter types, and the method and parameter docs.

use super::descriptors::default_json;
use super::docs;
use super::models::field_type;
use super::paths;
use crate::ir::{Kind, MapKey, Method, Outcome, Param, Resource, Returns, Ty};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// (field type in the builder, argument type, conversion of the argument named `v`).
fn param_parts(ty: &Ty) -> (TokenStream, TokenStream, TokenStream) {
    param_parts_of(ty, &quote!(v))
}

/// As [`param_parts`], converting the expression `v`.
fn param_parts_of(ty: &Ty, v: &TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    let lib = paths::lib();
    match ty {
        Ty::Int => (quote!(i64), quote!(i64), quote!(#v)),
        Ty::Float => (quote!(f64), quote!(f64), quote!(#v)),
        Ty::Bool => (quote!(bool), quote!(bool), quote!(#v)),
        Ty::String => (quote!(String), quote!(impl Into<String>), quote!(#v.into())),
        Ty::Date => (
            quote!(#lib::DateInput),
            quote!(impl Into<#lib::DateInput>),
            quote!(#v.into()),
        ),
        Ty::Secret => (
            quote!(#lib::Secret),
            quote!(impl Into<#lib::Secret>),
            quote!(#v.into()),
        ),
        Ty::Bytes => (
            quote!(#lib::FileContent),
            quote!(impl Into<#lib::FileContent>),
            quote!(#v.into()),
        ),
        Ty::Json => (
            quote!(serde_json::Value),
            quote!(impl Into<serde_json::Value>),
            quote!(#v.into()),
        ),
        Ty::Enum(n) | Ty::Id(n) => {
            let models = paths::models_of(n);
            let n = naming::ty(n);
            (
                quote!(#models::#n),
                quote!(impl Into<#models::#n>),
                quote!(#v.into()),
            )
        }
        Ty::List(t) => {
            let (item, arg, conv) = param_parts_of(t, &quote!(x));
            // Plain numbers need no conversion; text and enums go through `Into`.
            let collect = if conv.to_string() == "x" {
                quote!(#v.into_iter().collect())
            } else {
                quote!(#v.into_iter().map(Into::into).collect())
            };
            (
                quote!(Vec<#item>),
                quote!(impl IntoIterator<Item = #arg>),
                collect,
            )
        }
        Ty::Map(k, t) => {
            let (val, arg, vconv) = param_parts_of(t, &quote!(v));
            let (kf, ka, kconv) = if *k == MapKey::Int {
                (quote!(i64), quote!(i64), quote!(k))
            } else {
                (quote!(String), quote!(impl Into<String>), quote!(k.into()))
            };
            (
                quote!(indexmap::IndexMap<#kf, #val>),
                quote!(impl IntoIterator<Item = (#ka, #arg)>),
                quote!(#v.into_iter().map(|(k, v)| (#kconv, #vconv)).collect()),
            )
        }
        // Rejected by the checker.
        Ty::Model(_) | Ty::Timestamp | Ty::Optional(_) => unreachable!("checked in ir::check"),
    }
}

pub(super) fn output_type(r: &Returns) -> TokenStream {
    match r.kind {
        Kind::NewId => field_type(&r.ty),
        Kind::Success => quote!(()),
        _ => field_type(&r.ty),
    }
}

fn example_arg(ty: &Ty) -> String {
    match ty {
        Ty::Int | Ty::Id(_) => "1".into(),
        Ty::Float => "1.5".into(),
        Ty::Bool => "true".into(),
        Ty::String => "\"text\"".into(),
        Ty::Date => "\"2026-12-31\"".into(),
        Ty::Secret => "\"s3cret-passw0rd\"".into(),
        Ty::Bytes => "b\"hello\".to_vec()".into(),
        Ty::Json => "serde_json::json!({})".into(),
        Ty::Enum(n) => format!("kanboard::models::{n}::from(\"value\")"),
        Ty::List(t) => format!("[{}]", example_arg(t)),
        Ty::Map(k, v) => {
            let k = if *k == MapKey::Int { "1" } else { "\"key\"" };
            format!("[({k}, {})]", example_arg(v))
        }
        Ty::Model(_) | Ty::Timestamp | Ty::Optional(_) => unreachable!("checked in ir::check"),
    }
}

fn outcome_text(o: Outcome) -> String {
    let lib = paths::lib_doc();
    match o {
        Outcome::Value => "is decoded as a value".into(),
        Outcome::Empty => "gives the empty value".into(),
        Outcome::NotFound => format!("is [`Error::NotFound`]({lib}::Error::NotFound)"),
        Outcome::Rejected => format!("is [`Error::Rejected`]({lib}::Error::Rejected)"),
    }
}

/// A result type for a doc, models and enums linked: "a list of [`Task`](...)".
fn type_doc(ty: &Ty) -> String {
    match ty {
        Ty::Model(n) | Ty::Enum(n) => format!("[`{n}`]({}::{n})", paths::models_doc(n)),
        Ty::List(t) => format!("a list of {}", type_doc(t)),
        Ty::Map(k, v) => format!(
            "a map from {} keys to {}",
            if *k == MapKey::Int { "integer" } else { "text" },
            type_doc(v)
        ),
        Ty::Optional(t) => format!("{}, or `None`", type_doc(t)),
        other => format!("`{}`", field_type(other)).replace(' ', ""),
    }
}

fn method_doc(r: &Resource, m: &Method) -> String {
    let mut s = m.doc.trim_end().to_owned();
    s.push_str(&format!("\n\nJSON-RPC method `{}`.", m.rpc));
    if m.user_only {
        s.push_str(" Needs a user login (`Auth::User`); refused before sending with an app token.");
    }
    if let Some(p) = &r.plugin {
        s.push_str(&format!(
            " Served by the `{p}` server plugin, not by Kanboard itself."
        ));
    }
    let builder = naming::builder(&m.name);
    let module = naming::field(&r.name);
    let required: Vec<&Param> = m.params.iter().filter(|p| p.required).collect();
    if !required.is_empty() {
        s.push_str("\n\n# Arguments\n");
        for p in &required {
            s.push_str(&format!(
                "\n- `{}`: {}",
                naming::field(&p.name),
                param_doc(p)
            ));
        }
    }
    let optional: Vec<String> = m
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let id = naming::field(&p.name);
            format!("[`{id}`](crate::api::{module}::{builder}::{id})")
        })
        .collect();
    if !optional.is_empty() {
        s.push_str(&format!(
            "\n\nOptional parameters, set on the builder and sent only when set: {}.",
            optional.join(", ")
        ));
    }
    let ret = &m.returns;
    let (what, kind) = match ret.kind {
        Kind::NewId => ("the new id (`i64`)".to_owned(), "NewId"),
        Kind::Success => ("`()` once the server answers `true`".to_owned(), "Success"),
        Kind::Model => (type_doc(&ret.ty), "Model"),
        Kind::List => (type_doc(&ret.ty), "List"),
        Kind::Map => (type_doc(&ret.ty), "Map"),
        Kind::Value => (type_doc(&ret.ty), "Value"),
    };
    let mut chars = what.chars();
    let what: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    s.push_str(&format!(
        "\n\n# Returns\n\n{what}, read under the [`{kind}`]({}::descriptor::ReturnKind::{kind}) \
         convention (what `false`, `null`, `0` and empty results mean).",
        paths::lib_doc()
    ));
    // Only what differs from the convention is said here; the convention's doc says the rest.
    let given = [ret.on_false, ret.on_null, ret.on_zero, ret.on_empty];
    let names = ["`false`", "`null`", "`0`", "an empty result"];
    for ((o, d), name) in given.iter().zip(ret.kind.default_outcomes()).zip(names) {
        if *o != d {
            s.push_str(&format!(
                " Unlike the convention's default, {name} here {}.",
                outcome_text(*o)
            ));
        }
    }
    if let Some(d) = &ret.doc {
        s.push(' ');
        s.push_str(d.trim());
    }
    let required: Vec<String> = m
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| example_arg(&p.ty))
        .collect();
    let optional = m
        .params
        .iter()
        .find(|p| !p.required)
        .map(|p| format!(".{}({})", naming::field(&p.name), example_arg(&p.ty)))
        .unwrap_or_default();
    s.push_str(&format!(
        "\n\n# Example\n```no_run\n{}# async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {{\n\
         let result = kb.{}().{}({}){}.send().await?;\n# let _ = result;\n# Ok(())\n# }}\n```",
        paths::example_use(),
        naming::field(&r.name),
        naming::field(&m.name),
        required.join(", "),
        optional
    ));
    s
}

pub(super) fn resource_mod(r: &Resource) -> TokenStream {
    let modname = naming::field(&r.name);
    let handle = naming::resource(&r.name);
    let mut rdoc = r.doc.trim_end().to_owned();
    if let Some(first) = r.methods.first() {
        let args: Vec<String> = first
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| example_arg(&p.ty))
            .collect();
        rdoc.push_str(&format!(
            "\n\n# Example\n```no_run\n{}# async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {{\n\
             let result = kb.{}().{}({}).send().await?;\n# let _ = result;\n# Ok(())\n# }}\n```",
            paths::example_use(),
            r.name,
            naming::field(&first.name),
            args.join(", ")
        ));
    }
    let doc = docs(&rdoc);
    let lib = paths::lib();
    let ctors = r.methods.iter().map(|m| constructor(r, m));
    let builders = r.methods.iter().map(builder);
    quote! {
        #doc
        pub mod #modname {
            #doc
            #[derive(Debug, Clone)]
            pub struct #handle {
                client: #lib::KanboardClient,
            }

            impl #handle {
                pub(crate) fn new(client: #lib::KanboardClient) -> Self {
                    Self { client }
                }

                #(#ctors)*
            }

            #(#builders)*
        }
    }
}

fn constructor(r: &Resource, m: &Method) -> TokenStream {
    let name = naming::field(&m.name);
    let b = naming::builder(&m.name);
    let doc = docs(&method_doc(r, m));
    let args = m.params.iter().filter(|p| p.required).map(|p| {
        let id = naming::field(&p.name);
        let (_, arg, _) = param_parts(&p.ty);
        quote!(#id: #arg)
    });
    let inits = m.params.iter().map(|p| {
        let id = naming::field(&p.name);
        if p.required {
            let (_, _, conv) = param_parts_of(&p.ty, &quote!(#id));
            if id == conv.to_string() {
                quote!(#id)
            } else {
                quote!(#id: #conv)
            }
        } else {
            quote!(#id: None)
        }
    });
    quote! {
        #doc
        pub fn #name(&self, #(#args),*) -> #b {
            #b {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    }
}

fn param_doc(p: &Param) -> String {
    let mut s = p.doc.clone();
    if p.wire != p.name {
        s.push_str(&format!(" Sent as `{}`.", p.wire));
    }
    if let Some(d) = &p.default {
        s.push_str(&format!(" Server default: `{}`.", default_json(d)));
    }
    match (p.span.since, p.span.until) {
        (None, None) => {}
        (since, until) => s.push_str(&format!(
            " Kanboard {}{}: an older or newer server would drop it, so the call is refused \
             before sending (`Error::NotInRelease`).",
            since.map(|v| format!("{v} and later")).unwrap_or_default(),
            until.map(|v| format!(" up to {v}")).unwrap_or_default(),
        )),
    }
    s
}

fn builder(m: &Method) -> TokenStream {
    let b = naming::builder(&m.name);
    let out = output_type(&m.returns);
    let desc = naming::descriptor(&m.rpc);
    let rpc = &m.rpc;
    let fields = m.params.iter().map(|p| {
        let id = naming::field(&p.name);
        let (fty, _, _) = param_parts(&p.ty);
        let wire = &p.wire;
        let rename = (id != wire.as_str()).then(|| quote!(#[serde(rename = #wire)]));
        let d = docs(&param_doc(p));
        if p.required {
            quote!(#d #rename #id: #fty,)
        } else {
            quote!(#d #rename #[serde(skip_serializing_if = "Option::is_none")] #id: Option<#fty>,)
        }
    });
    let setters = m.params.iter().filter(|p| !p.required).map(|p| {
        let id = naming::field(&p.name);
        let (_, arg, conv) = param_parts(&p.ty);
        let d = docs(&param_doc(p));
        quote! {
            #d
            pub fn #id(mut self, v: #arg) -> Self {
                self.#id = Some(#conv);
                self
            }
        }
    });
    let bdoc = docs(&if m.params.iter().any(|p| !p.required) {
        format!("Request builder for `{rpc}`: set optional parameters, then `.send().await`.")
    } else {
        format!("Request for `{rpc}`, ready to `.send().await` (it has no optional parameters).")
    });
    let l = paths::lib_doc();
    let retries = if m.read_only {
        format!(
            "Read-only, so retried on connection errors and HTTP 5xx when the client has a \
             [`RetryPolicy`]({l}::RetryPolicy)."
        )
    } else {
        format!(
            "It changes the server, so it is retried only under \
             [`RetryPolicy::retry_writes`]({l}::RetryPolicy::retry_writes)."
        )
    };
    let lib = paths::lib();
    let send_doc = docs(&format!("Sends `{rpc}` and decodes its result. {retries}"));
    quote! {
        #bdoc
        #[derive(Debug, Clone, serde::Serialize)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #b {
            #[serde(skip)]
            client: #lib::KanboardClient,
            #(#fields)*
        }

        impl #b {
            #(#setters)*

            #send_doc
            pub async fn send(self) -> #lib::Result<#out> {
                #lib::__generated::send(self).await
            }
        }

        impl #lib::Request for #b {
            type Output = #out;

            fn descriptor(&self) -> &'static #lib::descriptor::MethodDescriptor {
                &super::descriptors::#desc
            }

            fn client(&self) -> &#lib::KanboardClient {
                &self.client
            }
        }
    }
}
