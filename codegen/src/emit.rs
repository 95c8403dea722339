//! Token emission: checked schema in, one Rust file out.
//!
//! Generated items call into hand-written runtime code (`crate::de`, `crate::request`,
//! `crate::descriptor`) so that the logic lives in one tested place and the output stays data.

use crate::ir::{
    Api, DriftKind, Enum, Kind, MapKey, Method, Model, Outcome, Param, Resource, Returns, Ty,
};
use crate::naming;
use crate::schema::DefaultValue;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` lines for a block of text.
fn docs(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

pub fn api(api: &Api) -> TokenStream {
    let ids = api.ids.iter().map(|(name, doc)| id_def(name, doc));
    let enums = api.enums.iter().map(enum_def);
    let models = api
        .models
        .iter()
        .map(|m| model_def(m, &senders(api, &m.name)));
    let resources = api.resources.iter().map(resource_mod);
    let accessors = api.resources.iter().map(|r| {
        let m = naming::field(&r.name);
        let ty = naming::resource(&r.name);
        let modname = naming::field(&r.name);
        let doc = docs(&format!(
            "The `{}` resource: {}",
            r.name,
            first_sentence(&r.doc)
        ));
        quote! {
            #doc
            pub fn #m(&self) -> api::#modname::#ty {
                api::#modname::#ty::new(self.clone())
            }
        }
    });
    let descriptors = api
        .resources
        .iter()
        .flat_map(|r| r.methods.iter().map(move |m| descriptor(r, m)));
    let all = api
        .resources
        .iter()
        .flat_map(|r| r.methods.iter())
        .map(|m| naming::descriptor(&m.rpc));
    let resource_rows = api.resources.iter().map(|r| {
        let name = &r.name;
        let summary = first_sentence(&r.doc);
        let plugin = match &r.plugin {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        quote!(crate::descriptor::ResourceDescriptor { name: #name, summary: #summary, plugin: #plugin })
    });
    let model_rows = api.models.iter().map(model_descriptor);
    let id_rows = api.ids.iter().map(|(name, doc)| {
        let summary = first_sentence(doc);
        quote!(crate::descriptor::IdDescriptor { name: #name, summary: #summary })
    });
    let enum_rows = api.enums.iter().map(|e| {
        let name = &e.name;
        let summary = first_sentence(&e.doc);
        let values = e.values.iter().map(|(w, _)| w.as_str());
        quote!(crate::descriptor::EnumDescriptor { name: #name, summary: #summary, values: &[#(#values),*] })
    });
    quote! {
        /// Models that results decode into, one per result shape the server sends.
        pub mod models {
            #(#ids)*
            #(#enums)*
            #(#models)*
        }

        /// One module per resource: the handle returned by the client's accessor and one request
        /// builder per method.
        pub mod api {
            #(#resources)*

            /// A static description of every method in the schema, for tools that work on the
            /// API as data (drift checks, the command line).
            pub mod descriptors {
                #[allow(unused_imports)]
                use crate::descriptor::{
                    Deviation, DeviationKind, MethodDescriptor, Outcome, ParamDescriptor, ReturnDescriptor,
                    ReturnKind,
                };
                #(#descriptors)*

                /// Every method, in schema order.
                pub static METHODS: &[&MethodDescriptor] = &[#(&#all),*];

                /// Every resource, in schema order.
                pub static RESOURCES: &[crate::descriptor::ResourceDescriptor] = &[#(#resource_rows),*];

                /// Every id type, in schema order.
                pub static IDS: &[crate::descriptor::IdDescriptor] = &[#(#id_rows),*];

                /// Every enum with its known values, in schema order.
                pub static ENUMS: &[crate::descriptor::EnumDescriptor] = &[#(#enum_rows),*];

                /// Every model with its keys, in schema order.
                pub static MODELS: &[crate::descriptor::ModelDescriptor] = &[#(#model_rows),*];

            }
        }

        impl crate::KanboardClient {
            #(#accessors)*
        }
    }
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    line.to_owned()
}

// ---------------------------------------------------------------- models and enums

/// An id newtype: an integer on the wire, a type of its own in Rust.
fn id_def(name: &str, doc: &str) -> TokenStream {
    let ident = naming::ty(name);
    let doc = docs(doc);
    quote! {
        #doc
        ///
        /// An integer on the wire (`serde(transparent)`); `From<i64>` and `.get()` convert.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct #ident(pub i64);

        impl #ident {
            /// The id as a plain integer.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for #ident {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl From<#ident> for i64 {
            fn from(id: #ident) -> i64 {
                id.0
            }
        }

        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl crate::de::Loose for #ident {
            fn from_loose(v: serde_json::Value) -> Result<Self, crate::de::LooseError> {
                i64::from_loose(v).map(Self)
            }
        }
    }
}

fn enum_def(e: &Enum) -> TokenStream {
    let name = naming::ty(&e.name);
    let doc = docs(&e.doc);
    let variants: Vec<_> = e.values.iter().map(|(_, v)| naming::ty(v)).collect();
    let wires: Vec<_> = e.values.iter().map(|(w, _)| w.as_str()).collect();
    let vdocs = wires
        .iter()
        .map(|w| docs(&format!("Sent and received as `{w}`.")));
    quote! {
        #doc
        ///
        /// Open: a value this client does not list (from a plugin or a newer server) is kept in
        /// `Other` rather than failing the call.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #( #vdocs #variants, )*
            /// A value not listed in the schema, kept as sent.
            Other(String),
        }

        impl #name {
            /// The value as Kanboard spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #( Self::#variants => #wires, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for #name {
            fn from(s: &str) -> Self {
                match s {
                    #( #wires => Self::#variants, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl From<String> for #name {
            fn from(s: String) -> Self {
                Self::from(s.as_str())
            }
        }

        impl Default for #name {
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl crate::de::Loose for #name {
            fn from_loose(v: serde_json::Value) -> Result<Self, crate::de::LooseError> {
                String::from_loose(v).map(Self::from)
            }
        }
    }
}

fn field_type(ty: &Ty) -> TokenStream {
    match ty {
        Ty::Int => quote!(i64),
        Ty::Float => quote!(f64),
        Ty::String | Ty::Date => quote!(String),
        Ty::Secret => quote!(crate::Secret),
        Ty::Bool => quote!(bool),
        Ty::Timestamp => quote!(Option<jiff::Timestamp>),
        Ty::Bytes => quote!(Vec<u8>),
        Ty::Json => quote!(serde_json::Value),
        Ty::List(t) => {
            let t = field_type(t);
            quote!(Vec<#t>)
        }
        Ty::Map(k, v) => {
            let k = if *k == MapKey::Int {
                quote!(i64)
            } else {
                quote!(String)
            };
            let v = field_type(v);
            quote!(indexmap::IndexMap<#k, #v>)
        }
        Ty::Model(n) | Ty::Enum(n) | Ty::Id(n) => {
            let n = naming::ty(n);
            quote!(crate::models::#n)
        }
        // A nullable timestamp is already an Option.
        Ty::Optional(t) if **t == Ty::Timestamp => field_type(t),
        Ty::Optional(t) => {
            let t = field_type(t);
            quote!(Option<#t>)
        }
    }
}

/// Markdown links to the methods whose result holds model `name` (directly or inside another
/// model), for its doc: `getTask`, `getAllTasks`, ...
fn senders(api: &Api, name: &str) -> Vec<String> {
    fn holds(api: &Api, ty: &Ty, name: &str, seen: &mut Vec<String>) -> bool {
        match ty {
            Ty::Model(n) if n == name => true,
            Ty::Model(n) => {
                if seen.contains(n) {
                    return false;
                }
                seen.push(n.clone());
                api.models
                    .iter()
                    .filter(|m| m.name == *n)
                    .flat_map(|m| &m.fields)
                    .any(|f| holds(api, &f.ty, name, seen))
            }
            Ty::List(t) | Ty::Map(_, t) | Ty::Optional(t) => holds(api, t, name, seen),
            _ => false,
        }
    }
    api.resources
        .iter()
        .flat_map(|r| r.methods.iter().map(move |m| (r, m)))
        .filter(|(_, m)| holds(api, &m.returns.ty, name, &mut Vec::new()))
        .map(|(r, m)| {
            format!(
                "[`{}`](crate::api::{}::{}::{})",
                m.rpc,
                naming::field(&r.name),
                naming::resource(&r.name),
                naming::field(&m.name)
            )
        })
        .collect()
}

fn model_def(m: &Model, senders: &[String]) -> TokenStream {
    let name = naming::ty(&m.name);
    let mut model_doc = m.doc.clone();
    if !senders.is_empty() {
        model_doc.push_str(&format!("\n\nIn the results of {}.", senders.join(", ")));
    }
    if !m.ignored.is_empty() {
        let kept_out = m
            .ignored
            .iter()
            .map(|(k, why)| format!("`{k}` ({why})"))
            .collect::<Vec<_>>()
            .join(", ");
        model_doc.push_str(&format!("\n\nSent but not kept: {kept_out}."));
    }
    let doc = docs(&model_doc);
    let fields = m.fields.iter().map(|f| {
        let ident = naming::field(&f.name);
        let wire = &f.wire;
        let rename = (ident != wire.as_str()).then(|| quote!(rename = #wire,));
        let with = match &f.ty {
            Ty::Timestamp | Ty::Optional(_) if is_timestamp(&f.ty) => "crate::de::timestamp",
            _ => "crate::de::loose",
        };
        let mut text = f.doc.clone();
        // A key every reply has is required: absent, the reply does not decode. A key sent only
        // sometimes is an `Option`, `None` when absent (never a made-up default).
        let (ty, attrs) = match &f.when {
            None => (field_type(&f.ty), quote!(#[serde(#rename deserialize_with = #with)])),
            Some(when) => {
                text.push_str(&format!("\n\nSent only {when}; `None` when absent."));
                let inner = field_type(&f.ty);
                let ty = if matches!(f.ty, Ty::Optional(_) | Ty::Timestamp) {
                    inner
                } else {
                    quote!(Option<#inner>)
                };
                let with = if matches!(f.ty, Ty::Optional(_) | Ty::Timestamp) {
                    with.to_owned()
                } else if with == "crate::de::loose" {
                    "crate::de::loose_present".to_owned()
                } else {
                    with.to_owned()
                };
                (
                    ty,
                    quote!(#[serde(#rename default, deserialize_with = #with, skip_serializing_if = "Option::is_none")]),
                )
            }
        };
        let fdoc = docs(&text);
        quote! {
            #fdoc
            #attrs
            pub #ident: #ty,
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl crate::de::Loose for #name {
            fn from_loose(v: serde_json::Value) -> Result<Self, crate::de::LooseError> {
                crate::de::from_value(v)
            }
        }
    }
}

/// The row of the model descriptor table for `m`.
fn model_descriptor(m: &Model) -> TokenStream {
    let name = &m.name;
    let fields = m.fields.iter().map(|f| {
        let (fname, wire, ty) = (&f.name, &f.wire, f.ty.spelling());
        let when = match &f.when {
            Some(w) => quote!(Some(#w)),
            None => quote!(None),
        };
        quote!(crate::descriptor::FieldDescriptor { name: #fname, wire: #wire, ty: #ty, when: #when })
    });
    let ignored = m
        .ignored
        .iter()
        .map(|(k, r)| quote!(crate::descriptor::IgnoredKey { key: #k, reason: #r }));
    quote!(crate::descriptor::ModelDescriptor { name: #name, fields: &[#(#fields),*], ignored: &[#(#ignored),*] })
}

fn is_timestamp(ty: &Ty) -> bool {
    match ty {
        Ty::Timestamp => true,
        Ty::Optional(t) => **t == Ty::Timestamp,
        _ => false,
    }
}

// ---------------------------------------------------------------- resources and builders

/// (field type in the builder, argument type, conversion of the argument named `v`).
fn param_parts(ty: &Ty) -> (TokenStream, TokenStream, TokenStream) {
    param_parts_of(ty, &quote!(v))
}

/// As [`param_parts`], converting the expression `v`.
fn param_parts_of(ty: &Ty, v: &TokenStream) -> (TokenStream, TokenStream, TokenStream) {
    match ty {
        Ty::Int => (quote!(i64), quote!(i64), quote!(#v)),
        Ty::Float => (quote!(f64), quote!(f64), quote!(#v)),
        Ty::Bool => (quote!(bool), quote!(bool), quote!(#v)),
        Ty::String => (quote!(String), quote!(impl Into<String>), quote!(#v.into())),
        Ty::Date => (
            quote!(crate::DateInput),
            quote!(impl Into<crate::DateInput>),
            quote!(#v.into()),
        ),
        Ty::Secret => (
            quote!(crate::Secret),
            quote!(impl Into<crate::Secret>),
            quote!(#v.into()),
        ),
        Ty::Bytes => (
            quote!(crate::FileContent),
            quote!(impl Into<crate::FileContent>),
            quote!(#v.into()),
        ),
        Ty::Json => (
            quote!(serde_json::Value),
            quote!(impl Into<serde_json::Value>),
            quote!(#v.into()),
        ),
        Ty::Enum(n) | Ty::Id(n) => {
            let n = naming::ty(n);
            (
                quote!(crate::models::#n),
                quote!(impl Into<crate::models::#n>),
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

fn output_type(r: &Returns) -> TokenStream {
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

fn outcome_text(o: Outcome) -> &'static str {
    match o {
        Outcome::Value => "is decoded as a value",
        Outcome::Empty => "gives the empty value",
        Outcome::NotFound => "is [`Error::NotFound`](crate::Error::NotFound)",
        Outcome::Rejected => "is [`Error::Rejected`](crate::Error::Rejected)",
    }
}

/// A result type for a doc, models and enums linked: "a list of [`Task`](...)".
fn type_doc(ty: &Ty) -> String {
    match ty {
        Ty::Model(n) | Ty::Enum(n) => format!("[`{n}`](crate::models::{n})"),
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
        "\n\n# Returns\n\n{what}, read under the [`{kind}`](crate::descriptor::ReturnKind::{kind}) \
         convention (what `false`, `null`, `0` and empty results mean)."
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
        "\n\n# Example\n```no_run\n# async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {{\n\
         let result = kb.{}().{}({}){}.send().await?;\n# let _ = result;\n# Ok(())\n# }}\n```",
        naming::field(&r.name),
        naming::field(&m.name),
        required.join(", "),
        optional
    ));
    s
}

fn resource_mod(r: &Resource) -> TokenStream {
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
            "\n\n# Example\n```no_run\n# async fn example(kb: kanboard::KanboardClient) -> kanboard::Result<()> {{\n\
             let result = kb.{}().{}({}).send().await?;\n# let _ = result;\n# Ok(())\n# }}\n```",
            r.name,
            naming::field(&first.name),
            args.join(", ")
        ));
    }
    let doc = docs(&rdoc);
    let ctors = r.methods.iter().map(|m| constructor(r, m));
    let builders = r.methods.iter().map(builder);
    quote! {
        #doc
        pub mod #modname {
            #doc
            #[derive(Debug, Clone)]
            pub struct #handle {
                client: crate::KanboardClient,
            }

            impl #handle {
                pub(crate) fn new(client: crate::KanboardClient) -> Self {
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
    let retries = if m.read_only {
        "Read-only, so retried on connection errors and HTTP 5xx when the client has a \
         [`RetryPolicy`](crate::RetryPolicy)."
    } else {
        "It changes the server, so it is retried only under \
         [`RetryPolicy::retry_writes`](crate::RetryPolicy::retry_writes)."
    };
    let send_doc = docs(&format!("Sends `{rpc}` and decodes its result. {retries}"));
    quote! {
        #bdoc
        #[derive(Debug, Clone, serde::Serialize)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #b {
            #[serde(skip)]
            client: crate::KanboardClient,
            #(#fields)*
        }

        impl #b {
            #(#setters)*

            #send_doc
            pub async fn send(self) -> crate::Result<#out> {
                crate::request::send(self).await
            }
        }

        impl crate::request::Request for #b {
            type Output = #out;

            fn descriptor(&self) -> &'static crate::descriptor::MethodDescriptor {
                &super::descriptors::#desc
            }

            fn client(&self) -> &crate::KanboardClient {
                &self.client
            }
        }
    }
}

// ---------------------------------------------------------------- descriptor table

fn default_json(d: &DefaultValue) -> String {
    match d {
        DefaultValue::Null => "null".into(),
        DefaultValue::Bool(b) => b.to_string(),
        DefaultValue::Int(i) => i.to_string(),
        DefaultValue::Float(f) => format!("{f:?}"),
        DefaultValue::Str(s) => format!("{s:?}"),
        DefaultValue::EmptyList => "[]".into(),
    }
}

fn outcome_tokens(o: Outcome) -> TokenStream {
    match o {
        Outcome::Value => quote!(Outcome::Value),
        Outcome::Empty => quote!(Outcome::Empty),
        Outcome::NotFound => quote!(Outcome::NotFound),
        Outcome::Rejected => quote!(Outcome::Rejected),
    }
}

fn descriptor(r: &Resource, m: &Method) -> TokenStream {
    let id = naming::descriptor(&m.rpc);
    let rpc = &m.rpc;
    let resource = &r.name;
    let rust_name = &m.name;
    let summary = first_sentence(&m.doc);
    let user_only = m.user_only;
    let read_only = m.read_only;
    let plugin = match &r.plugin {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    let params = m.params.iter().map(|p| {
        let name = &p.name;
        let wire = &p.wire;
        let ty = p.ty.spelling();
        let required = p.required;
        let default = match &p.default {
            Some(d) => {
                let s = default_json(d);
                quote!(Some(#s))
            }
            None => quote!(None),
        };
        let doc = &p.doc;
        quote! {
            ParamDescriptor { name: #name, wire: #wire, ty: #ty, required: #required, default: #default, doc: #doc }
        }
    });
    let ret = &m.returns;
    let kind = match ret.kind {
        Kind::NewId => quote!(ReturnKind::NewId),
        Kind::Model => quote!(ReturnKind::Model),
        Kind::List => quote!(ReturnKind::List),
        Kind::Map => quote!(ReturnKind::Map),
        Kind::Success => quote!(ReturnKind::Success),
        Kind::Value => quote!(ReturnKind::Value),
    };
    let rty = ret.ty.spelling();
    let (f, n, z, e) = (
        outcome_tokens(ret.on_false),
        outcome_tokens(ret.on_null),
        outcome_tokens(ret.on_zero),
        outcome_tokens(ret.on_empty),
    );
    let drift = m.drift.iter().map(|d| {
        let param = match &d.param {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        let kind = match d.kind {
            DriftKind::ParamName => quote!(DeviationKind::ParamName),
            DriftKind::Required => quote!(DeviationKind::Required),
            DriftKind::ParamOmitted => quote!(DeviationKind::ParamOmitted),
            DriftKind::ParamExtra => quote!(DeviationKind::ParamExtra),
            DriftKind::UserOnly => quote!(DeviationKind::UserOnly),
            DriftKind::MethodAbsent => quote!(DeviationKind::MethodAbsent),
        };
        let reason = &d.reason;
        quote!(Deviation { param: #param, kind: #kind, reason: #reason })
    });
    let doc = docs(&format!("`{rpc}` (`{resource}.{rust_name}`)."));
    let decoder = if ret.kind == Kind::Value && ret.ty == Ty::Bytes {
        // Bytes have one JSON form, base64 as the server sends them, not a list of numbers.
        quote!(crate::dynamic::bytes_decoder)
    } else {
        let out = output_type(ret);
        quote!(crate::dynamic::decoder::<#out>)
    };
    quote! {
        #doc
        pub static #id: MethodDescriptor = MethodDescriptor {
            rpc_name: #rpc,
            resource: #resource,
            rust_name: #rust_name,
            summary: #summary,
            params: &[#(#params),*],
            returns: ReturnDescriptor {
                kind: #kind,
                ty: #rty,
                on_false: #f,
                on_null: #n,
                on_zero: #z,
                on_empty: #e,
            },
            user_only: #user_only,
            read_only: #read_only,
            plugin: #plugin,
            deviations: &[#(#drift),*],
            decoder: #decoder,
        };
    }
}
