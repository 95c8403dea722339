//! What an old Kanboard does differently on this machine, for the live tests of the library and
//! of the command line alike. Release numbers are plain `(major, minor, patch)` here: this crate
//! does not depend on the library.

/// The first release whose date validation works on PHP 8.2 and later (its ChangeLog: "Update
/// date parsing logic to be compatible with PHP 8.2").
pub const DATES_ON_PHP_8_2: (u16, u16, u16) = (1, 2, 26);

/// The PHP that runs the live server, `(major, minor)`: from KANBOARD_PHP_VERSION (which
/// `scripts/kanboard-server.sh start` exports), `None` when unset or unreadable.
pub fn server_php() -> Option<(u16, u16)> {
    let v = std::env::var("KANBOARD_PHP_VERSION").ok()?;
    let mut parts = v.trim().split('.').map(|p| p.parse::<u16>().ok());
    Some((parts.next()??, parts.next()??))
}

/// Whether the server refuses every date (answers `false` to any call that sends one, e.g.
/// createTask's `date_due`, createProject's `start_date`): Kanboard before 1.2.26 reads
/// `DateTime::getLastErrors()` as an array, which PHP 8.2 and later return as `false` when the
/// date is fine, so every date fails validation. Not a difference of the API: the same release
/// on the PHP it was made for takes dates. With the PHP unknown (a server not started by
/// `kanboard-server.sh`), the PHP a release was made for is assumed.
pub fn dates_refused(release: (u16, u16, u16), php: Option<(u16, u16)>) -> bool {
    release < DATES_ON_PHP_8_2 && php.is_some_and(|php| php >= (8, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_refused_only_by_old_releases_on_new_php() {
        assert!(dates_refused((1, 2, 20), Some((8, 2))));
        assert!(dates_refused((1, 2, 25), Some((8, 3))));
        assert!(!dates_refused((1, 2, 26), Some((8, 2))));
        assert!(!dates_refused((1, 2, 20), Some((8, 1))));
        assert!(!dates_refused((1, 2, 20), Some((7, 4))));
        assert!(!dates_refused((1, 2, 20), None));
        assert!(!dates_refused((1, 2, 53), Some((8, 4))));
    }
}
