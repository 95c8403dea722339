//! A made-up Kanboard plugin ("Timesheet") as typed methods on [`kanboard::KanboardClient`]:
//! `build.rs` turns `schema/timesheet.yaml` into this crate's `models` and `api` and the
//! [`TimesheetExt`] trait, with `kanboard_codegen::Extension`. Calls go through the client's
//! own transport, errors, return conventions, batches and descriptor table.
//!
//! ```no_run
//! use example_timesheet::TimesheetExt;
//! # async fn run(kb: kanboard::KanboardClient) -> kanboard::Result<()> {
//! let id = kb.timesheets().add_timesheet_entry(12, 1, 1.5).note("review").send().await?;
//! for entry in kb.timesheets().get_timesheet(12).send().await? {
//!     println!("#{} {}h {}", entry.id, entry.hours, entry.note);
//! }
//! # let _ = id; Ok(()) }
//! ```

include!(concat!(env!("OUT_DIR"), "/timesheet.rs"));
