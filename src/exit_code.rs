//! The exit codes of the `kanboard` command, for any program built on this crate that wants to
//! end the same way (the `drift_probe` example does): one table, so they cannot drift apart.

use crate::error::{Error, SizeLimit};

/// Anything not below: a file that cannot be written, a confirmation declined.
pub const OTHER: u8 = 1;
/// The command line is wrong.
pub const USAGE: u8 = 2;
/// The configuration is missing or invalid.
pub const CONFIG: u8 = 3;
/// The server refused the credentials or the permission.
pub const AUTH: u8 = 4;
/// The object asked for does not exist.
pub const NOT_FOUND: u8 = 5;
/// The server could not be reached.
pub const CONNECTION: u8 = 6;
/// The server answered with an error, refused the operation or sent a broken reply.
pub const SERVER: u8 = 7;
/// A drift check found that the schema and the server differ.
pub const DRIFT: u8 = 8;
/// A drift check could not check some methods and found no difference in the others: no
/// verdict either way.
pub const UNCHECKED: u8 = 9;

/// The exit code for a library error.
pub fn of_error(e: &Error) -> u8 {
    match e {
        Error::Config { .. } => CONFIG,
        Error::Auth { .. } => AUTH,
        Error::BatchRefused { source, .. } => of_error(source),
        Error::NotFound { .. } => NOT_FOUND,
        Error::Connection { .. } => CONNECTION,
        Error::Input { .. } => USAGE,
        // Nothing was sent: the call asks for what the server's release cannot do.
        Error::NotInRelease { .. } => USAGE,
        Error::TooLarge {
            what: SizeLimit::Upload,
            ..
        } => USAGE,
        // The URL points somewhere that is not the endpoint.
        Error::Redirect { .. } => CONFIG,
        _ => SERVER,
    }
}
