//! Shared by the library's and the command line's tests: whole result objects and whole
//! exchanges from recorded replies, one fake Kanboard (projects, tasks, blocking links and the
//! Portfolio plugin) served over JSON-RPC, batches included, the small pieces of other mock
//! servers, and what an old Kanboard does differently on this machine.

pub mod fake;
mod full_replies;
mod mock;
pub mod old_kanboard;
mod recording;

pub use fake::{FakeKanboard, FakeMilestone, FakePortfolio, FakeTask, serve};
pub use full_replies::{full, recorded_result};
pub use mock::{Echo, Reply, each_call, received, url};
pub use recording::Recording;
