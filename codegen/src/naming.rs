//! Rust names for schema names: case conversion and keyword escaping in one place.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A field, parameter or method name; a keyword gets a trailing `_` (`type` → `type_`).
pub fn field(name: &str) -> Ident {
    if KEYWORDS.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// A type name as written in the schema (already CamelCase).
pub fn ty(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The request builder for a method: `create_task` → `CreateTask`.
pub fn builder(method: &str) -> Ident {
    Ident::new(&method.to_upper_camel_case(), Span::call_site())
}

/// The resource handle: `task_links` → `TaskLinks`.
pub fn resource(name: &str) -> Ident {
    Ident::new(&name.to_upper_camel_case(), Span::call_site())
}

/// The descriptor static for a JSON-RPC method: `createTask` → `CREATE_TASK`.
pub fn descriptor(rpc: &str) -> Ident {
    Ident::new(&rpc.to_shouty_snake_case(), Span::call_site())
}
