//! The method rows of the descriptor table: parameters with their server defaults, return kind and
//! outcomes, declared drift, decoder.

use super::builders::output_type;
use super::{docs, first_sentence, paths};
use crate::ir::{DriftKind, Kind, Method, Outcome, Release, Resource, Span, Ty};
use crate::naming;
use crate::schema::DefaultValue;
use proc_macro2::TokenStream;
use quote::quote;

pub(super) fn default_json(d: &DefaultValue) -> String {
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

/// The releases that have a method or parameter, as the descriptor's `Availability`.
fn availability(span: Span) -> TokenStream {
    let lib = paths::lib();
    let one = |r: Option<Release>| match r {
        Some(Release(a, b, c)) => quote!(Some(#lib::KanboardVersion::new(#a, #b, #c))),
        None => quote!(None),
    };
    let (since, until) = (one(span.since), one(span.until));
    quote!(#lib::Availability { since: #since, until: #until })
}

/// The schema's `releases:` as the descriptor table's `RELEASES`.
pub(super) fn releases(range: Option<(Release, Release)>) -> TokenStream {
    let lib = paths::lib();
    match range {
        Some((Release(a, b, c), Release(d, e, f))) => quote!(Some((
            #lib::KanboardVersion::new(#a, #b, #c),
            #lib::KanboardVersion::new(#d, #e, #f)
        ))),
        None => quote!(None),
    }
}

pub(super) fn descriptor(r: &Resource, m: &Method) -> TokenStream {
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
        let available = availability(p.span);
        quote! {
            ParamDescriptor { name: #name, wire: #wire, ty: #ty, required: #required, default: #default, doc: #doc, available: #available }
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
    let rdoc = match &ret.doc {
        Some(d) => quote!(Some(#d)),
        None => quote!(None),
    };
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
    let available = availability(m.span);
    let lib = paths::lib();
    let decoder = if ret.kind == Kind::Value && ret.ty == Ty::Bytes {
        // Bytes have one JSON form, base64 as the server sends them, not a list of numbers.
        quote!(#lib::__generated::bytes_decoder)
    } else {
        let out = output_type(ret);
        quote!(#lib::__generated::decoder::<#out>)
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
                doc: #rdoc,
            },
            user_only: #user_only,
            read_only: #read_only,
            plugin: #plugin,
            deviations: &[#(#drift),*],
            available: #available,
            decoder: #decoder,
        };
    }
}
