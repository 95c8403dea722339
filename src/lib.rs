//! A typed async client for [Kanboard](https://kanboard.org)'s JSON-RPC API.
//!
//! The API surface (models, resources, one request builder per method, the descriptor table)
//! is generated at build time from `schema/kanboard.yaml`; this crate's hand-written code is
//! the transport, the loose-type decoding, the error mapping and the configuration
//! ([`config`]), plus [`orchestration`] (portfolios, milestones, dependencies, critical path)
//! and [`drift`] (does the schema match a server?) on top of the typed client.
//!
//! ```no_run
//! # async fn example() -> kanboard::Result<()> {
//! let kb = kanboard::KanboardClient::new("http://localhost/jsonrpc.php", "your-api-token")?;
//! println!("Kanboard {}", kb.application().get_version().send().await?);
//! for task in kb.tasks().get_all_tasks(1).send().await? {
//!     println!("#{} {}", task.id, task.title);
//! }
//! # Ok(()) }
//! ```
//!
//! Ids are types of their own, one per kind the schema declares (`ProjectId`, `TaskId`, `UserId`, …),
//! integers on the wire: a task's project id where its id belongs does not compile.
//!
//! ```no_run
//! # async fn example(kb: kanboard::KanboardClient, task: kanboard::models::Task) -> kanboard::Result<()> {
//! kb.tasks()
//!     .move_task_position(task.project_id, task.id, task.column_id, 1, task.swimlane_id)
//!     .send()
//!     .await?;
//! kb.tasks().get_task(42).send().await?; // a plain integer is taken as any id
//! # Ok(()) }
//! ```
//!
//! ```compile_fail
//! # async fn example(kb: kanboard::KanboardClient, task: kanboard::models::Task) -> kanboard::Result<()> {
//! kb.tasks()
//!     .move_task_position(task.id, task.project_id, task.column_id, 1, task.swimlane_id)
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]
mod batch;
mod body;
mod client;
pub mod config;
mod convention;
pub mod de;
pub mod descriptor;
pub mod drift;
mod dynamic;
pub mod envelope;
mod error;
pub mod exit_code;
mod inputs;
pub mod orchestration;
mod release_check;
mod request;
pub mod safe_file;
mod version;

pub use batch::{Batch, BatchResults, FromReply, Slot};
pub use client::{Auth, ClientBuilder, KanboardClient, RetryPolicy};
pub use dynamic::{DynamicRequest, TypedValue};
pub use error::{AuthFailure, Body, Error, OptionalExt, Result, SizeLimit};
pub use inputs::{DateInput, FileContent, Secret};
pub use request::Request;
pub use version::{Availability, BadVersion, KanboardVersion};

// The generated models, resources and descriptor table.
include!(concat!(env!("OUT_DIR"), "/kanboard_api.rs"));

/// What generated code calls, here and in crates built from their own plugin schema with
/// `kanboard_codegen::Extension`; not an API of its own.
#[doc(hidden)]
pub mod __generated {
    pub use crate::dynamic::{Decoder, bytes_decoder, decoder};
    pub use crate::request::send;
}
