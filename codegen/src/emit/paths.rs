//! Where the generated code finds the `kanboard` library and the models it names: inside the
//! library itself (`crate::`), or from a crate with its own plugin schema (`::kanboard::` for the
//! library and for the core models it declares under `extern:`, `crate::` for its own).

use proc_macro2::TokenStream;
use quote::quote;
use std::cell::RefCell;
use std::collections::BTreeSet;

/// The paths of one generation.
#[derive(Debug, Clone, Default)]
pub struct Paths {
    /// Generating for a crate other than `kanboard`.
    pub external: bool,
    /// Names the schema takes from the core (`extern:`), found under `::kanboard::models`.
    pub externs: BTreeSet<String>,
    /// For a crate other than `kanboard`: `use` line of its extension trait, for doc examples.
    pub trait_use: Option<String>,
}

thread_local! {
    static PATHS: RefCell<Paths> = RefCell::new(Paths::default());
}

/// Runs `f` with `paths` in force (one generation).
pub fn with<T>(paths: Paths, f: impl FnOnce() -> T) -> T {
    let before = PATHS.with(|p| p.replace(paths));
    let out = f();
    PATHS.with(|p| p.replace(before));
    out
}

/// The library's path: `crate` inside it, `::kanboard` elsewhere.
pub fn lib() -> TokenStream {
    if PATHS.with(|p| p.borrow().external) {
        quote!(::kanboard)
    } else {
        quote!(crate)
    }
}

/// The library's path in doc links.
pub fn lib_doc() -> &'static str {
    if PATHS.with(|p| p.borrow().external) {
        "kanboard"
    } else {
        "crate"
    }
}

/// The hidden doc-example line that brings the extension trait into scope, if any.
pub fn example_use() -> String {
    PATHS.with(|p| {
        p.borrow()
            .trait_use
            .as_ref()
            .map(|u| format!("# use {u};\n"))
            .unwrap_or_default()
    })
}

/// The module holding model `name`: the core's for a name declared under `extern:`, else the
/// generated crate's own.
pub fn models_of(name: &str) -> TokenStream {
    if PATHS.with(|p| p.borrow().externs.contains(name)) {
        let lib = lib();
        quote!(#lib::models)
    } else {
        quote!(crate::models)
    }
}

/// As [`models_of`], for doc links.
pub fn models_doc(name: &str) -> String {
    if PATHS.with(|p| p.borrow().externs.contains(name)) {
        format!("{}::models", lib_doc())
    } else {
        "crate::models".into()
    }
}
