//! Generates the typed client from `schema/kanboard.yaml` (see `codegen/`).

use std::process::ExitCode;

const SCHEMA: &str = "schema/kanboard.yaml";

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed={SCHEMA}");
    let yaml = match std::fs::read_to_string(SCHEMA) {
        Ok(y) => y,
        Err(e) => {
            eprintln!("error: cannot read {SCHEMA}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = match kanboard_codegen::generate(&yaml) {
        Ok(code) => code,
        Err(diagnostic) => {
            // Cargo shows a failing build script's stderr; one line, no backtrace.
            eprintln!("error: {}", diagnostic.render(SCHEMA));
            return ExitCode::FAILURE;
        }
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("kanboard_api.rs");
    if let Err(e) = std::fs::write(&out, code) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
