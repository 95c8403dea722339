//! Token emission: checked schema in, one Rust file out.
//!
//! Generated items call into hand-written runtime code (`crate::de`, `crate::request`,
//! `crate::descriptor`) so that the logic lives in one tested place and the output stays data.

mod builders;
mod descriptors;
mod models;
pub(crate) mod paths;

use self::builders::resource_mod;
use self::descriptors::descriptor;
use self::models::{enum_def, id_def, model_def, model_descriptor, senders};
use crate::ir::Api;
use crate::naming;
use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = ...]` lines for a block of text.
fn docs(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|l| format!(" {l}"));
    quote! { #( #[doc = #lines] )* }
}

/// The generated code of `api`; with `ext`, for a crate other than `kanboard`, whose resources
/// hang off an extension trait of that name.
pub fn api(api: &Api, ext: Option<&str>) -> TokenStream {
    let lib = paths::lib();
    let ids = api.ids.iter().map(|(name, doc)| id_def(name, doc));
    let enums = api.enums.iter().map(enum_def);
    let models = api
        .models
        .iter()
        .map(|m| model_def(m, &senders(api, &m.name)));
    let resources = api.resources.iter().map(resource_mod);
    // Each resource's accessor: its doc and signature, then the body that makes the handle.
    let signatures: Vec<(TokenStream, TokenStream, TokenStream)> = api
        .resources
        .iter()
        .map(|r| {
            let m = naming::field(&r.name);
            let ty = naming::resource(&r.name);
            let doc = docs(&format!(
                "The `{}` resource: {}",
                r.name,
                first_sentence(&r.doc)
            ));
            (
                doc,
                quote!(fn #m(&self) -> api::#m::#ty),
                quote!(api::#m::#ty::new(self.clone())),
            )
        })
        .collect();
    // A trait's impl has no visibility of its own.
    let vis = if ext.is_none() { quote!(pub) } else { quote!() };
    let accessors = signatures
        .iter()
        .map(|(doc, sig, body)| quote!(#doc #vis #sig { #body }));
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
        quote!(#lib::descriptor::ResourceDescriptor { name: #name, summary: #summary, plugin: #plugin })
    });
    let model_rows = api.models.iter().map(model_descriptor);
    let releases = self::descriptors::releases(api.releases);
    let id_rows = api.ids.iter().map(|(name, doc)| {
        let summary = first_sentence(doc);
        quote!(#lib::descriptor::IdDescriptor { name: #name, summary: #summary })
    });
    let enum_rows = api.enums.iter().map(|e| {
        let name = &e.name;
        let summary = first_sentence(&e.doc);
        let values = e.values.iter().map(|(w, _)| w.as_str());
        quote!(#lib::descriptor::EnumDescriptor { name: #name, summary: #summary, values: &[#(#values),*] })
    });
    let client_impl = match ext {
        None => quote! {
            impl crate::KanboardClient {
                #(#accessors)*
            }
        },
        Some(name) => {
            let t = quote::format_ident!("{name}");
            let sigs = signatures.iter().map(|(doc, sig, _)| quote!(#doc #sig;));
            let tdoc = docs(&format!(
                "The resources of this schema on a [`KanboardClient`](kanboard::KanboardClient): \
                 `use` this trait and call them as the client's own (`kb.{}()`).",
                api.resources
                    .first()
                    .map(|r| r.name.as_str())
                    .unwrap_or("resource")
            ));
            quote! {
                #tdoc
                pub trait #t {
                    #(#sigs)*
                }

                impl #t for #lib::KanboardClient {
                    #(#accessors)*
                }
            }
        }
    };
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
                use #lib::descriptor::{
                    Deviation, DeviationKind, MethodDescriptor, Outcome, ParamDescriptor, ReturnDescriptor,
                    ReturnKind,
                };
                #(#descriptors)*

                /// Every method, in schema order.
                pub static METHODS: &[&MethodDescriptor] = &[#(&#all),*];

                /// Every resource, in schema order.
                pub static RESOURCES: &[#lib::descriptor::ResourceDescriptor] = &[#(#resource_rows),*];

                /// Every id type, in schema order.
                pub static IDS: &[#lib::descriptor::IdDescriptor] = &[#(#id_rows),*];

                /// Every enum with its known values, in schema order.
                pub static ENUMS: &[#lib::descriptor::EnumDescriptor] = &[#(#enum_rows),*];

                /// Every model with its keys, in schema order.
                pub static MODELS: &[#lib::descriptor::ModelDescriptor] = &[#(#model_rows),*];

                /// The oldest and the newest Kanboard release the schema describes; the
                /// `available` of each method and parameter is within them.
                pub static RELEASES: Option<(#lib::KanboardVersion, #lib::KanboardVersion)> = #releases;

            }
        }

        #client_impl
    }
}

fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    line.to_owned()
}
