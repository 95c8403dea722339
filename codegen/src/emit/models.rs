//! The `models` module: id newtypes, enums, models and their field types, and the model rows of
//! the descriptor table.

use super::{docs, paths};
use crate::ir::{Api, Enum, MapKey, Model, Ty};
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// An id newtype: an integer on the wire, a type of its own in Rust.
pub(super) fn id_def(name: &str, doc: &str) -> TokenStream {
    let lib = paths::lib();
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

        impl #lib::de::Loose for #ident {
            fn from_loose(v: serde_json::Value) -> Result<Self, #lib::de::LooseError> {
                <i64 as #lib::de::Loose>::from_loose(v).map(Self)
            }
        }
    }
}

pub(super) fn enum_def(e: &Enum) -> TokenStream {
    let lib = paths::lib();
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

        impl #lib::de::Loose for #name {
            fn from_loose(v: serde_json::Value) -> Result<Self, #lib::de::LooseError> {
                <String as #lib::de::Loose>::from_loose(v).map(Self::from)
            }
        }
    }
}

pub(super) fn field_type(ty: &Ty) -> TokenStream {
    match ty {
        Ty::Int => quote!(i64),
        Ty::Float => quote!(f64),
        Ty::String | Ty::Date => quote!(String),
        Ty::Secret => {
            let lib = paths::lib();
            quote!(#lib::Secret)
        }
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
            let models = paths::models_of(n);
            let n = naming::ty(n);
            quote!(#models::#n)
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
pub(super) fn senders(api: &Api, name: &str) -> Vec<String> {
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

pub(super) fn model_def(m: &Model, senders: &[String]) -> TokenStream {
    let lib = paths::lib();
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
        let de = paths::lib_doc();
        let with = match &f.ty {
            Ty::Timestamp | Ty::Optional(_) if is_timestamp(&f.ty) => format!("{de}::de::timestamp"),
            _ => format!("{de}::de::loose"),
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
                    with.clone()
                } else if with.ends_with("::de::loose") {
                    format!("{de}::de::loose_present")
                } else {
                    with.clone()
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

        impl #lib::de::Loose for #name {
            fn from_loose(v: serde_json::Value) -> Result<Self, #lib::de::LooseError> {
                #lib::de::from_value(v)
            }
        }
    }
}

/// The row of the model descriptor table for `m`.
pub(super) fn model_descriptor(m: &Model) -> TokenStream {
    let lib = paths::lib();
    let name = &m.name;
    let fields = m.fields.iter().map(|f| {
        let (fname, wire, ty) = (&f.name, &f.wire, f.ty.spelling());
        let when = match &f.when {
            Some(w) => quote!(Some(#w)),
            None => quote!(None),
        };
        quote!(#lib::descriptor::FieldDescriptor { name: #fname, wire: #wire, ty: #ty, when: #when })
    });
    let ignored = m
        .ignored
        .iter()
        .map(|(k, r)| quote!(#lib::descriptor::IgnoredKey { key: #k, reason: #r }));
    let columns = &m.columns;
    quote!(#lib::descriptor::ModelDescriptor { name: #name, fields: &[#(#fields),*], ignored: &[#(#ignored),*], columns: &[#(#columns),*] })
}

fn is_timestamp(ty: &Ty) -> bool {
    match ty {
        Ty::Timestamp => true,
        Ty::Optional(t) => **t == Ty::Timestamp,
        _ => false,
    }
}
