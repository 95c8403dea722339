//! The plugin's schema becomes typed resources on `kanboard::KanboardClient`.

fn main() -> std::process::ExitCode {
    kanboard_codegen::Extension::new("schema/timesheet.yaml", "TimesheetExt").build()
}
