//! The live server's Kanboard release, and the one place the live tests decide what an older
//! release does with a call: a parameter newer than the server is refused by the client before
//! sending, and an old release on a newer PHP refuses dates.

use super::{Live, Tally};
use kanboard::{Error, KanboardClient, KanboardVersion};
use std::fmt::Debug;

impl Live {
    /// The server's release, as `getVersion` tells the client (asked once per client).
    pub async fn release(&self) -> KanboardVersion {
        release_of(&self.app()).await
    }

    /// Whether this server refuses every date: see `old_kanboard::dates_refused`.
    pub async fn dates_refused(&self) -> bool {
        dates_refused(&self.app()).await
    }
}

/// The release of the server `kb` talks to. A server whose `getVersion` is not a release
/// number (a development checkout) stops the test: the live tests expect per release.
pub async fn release_of(kb: &KanboardClient) -> KanboardVersion {
    kb.server_version()
        .await
        .expect("getVersion")
        .expect("the live tests need a server whose getVersion is a release number")
}

/// Whether the server `kb` talks to refuses every date (an old release on PHP 8.2+).
pub async fn dates_refused(kb: &KanboardClient) -> bool {
    let v = release_of(kb).await;
    kanboard_test_support::old_kanboard::dates_refused(
        (v.major, v.minor, v.patch),
        kanboard_test_support::old_kanboard::server_php(),
    )
}

/// Sends `call`, which uses `parameter` of `method`, a parameter only some releases have (the
/// schema's `since`). On a server whose release has it: the call's result (`Some`), which must
/// succeed. On an older one: checks that the client refused it before sending, with
/// `Error::NotInRelease` naming the method, the parameter, its releases and the server's, and
/// that `state` (what the call would have changed) reads the same before and after; records
/// the refusal in `t` and gives `None`, so that the caller goes on without the parameter.
pub async fn expect_refused_on_old<T, S, F>(
    t: &Tally,
    kb: &KanboardClient,
    (method, parameter): (&'static str, &'static str),
    state: impl AsyncFn() -> S,
    call: F,
) -> Option<T>
where
    S: PartialEq + Debug,
    F: Future<Output = kanboard::Result<T>>,
    T: Debug,
{
    let available = kanboard::descriptor::MethodDescriptor::find(method)
        .unwrap_or_else(|| panic!("{method} is not in the schema"))
        .params
        .iter()
        .find(|p| p.wire == parameter)
        .unwrap_or_else(|| panic!("{method} has no parameter {parameter} in the schema"))
        .available;
    assert!(
        !available.is_always(),
        "{method}'s {parameter} is in every release: send it as usual"
    );
    let server = release_of(kb).await;
    if available.includes(server) {
        return Some(
            call.await
                .unwrap_or_else(|e| panic!("{method} with {parameter} on {server}: {e:?}")),
        );
    }
    let before = state().await;
    let refused = call.await;
    match &refused {
        Err(Error::NotInRelease {
            method: m,
            parameter: Some(p),
            available: a,
            server: s,
        }) if m == method && p == parameter && *a == available && *s == server => {}
        other => panic!(
            "{method} with {parameter} ({available}) on Kanboard {server}: expected the client's \
             NotInRelease, got {other:?}"
        ),
    }
    assert_eq!(
        state().await,
        before,
        "{method} refused locally on {server}, yet the server's state changed"
    );
    t.refused(method, parameter);
    None
}

/// Sends `call`, which sends a date (`method`'s `parameter`). On a server that refuses every
/// date (an old release on PHP 8.2+, see `old_kanboard::dates_refused`): checks that the
/// server answered `false` and that `state` reads the same before and after; records the
/// refusal in `t` and gives `None`, so that the caller goes on without the date. Elsewhere: the
/// call's result, which must succeed.
pub async fn expect_date_refused_on_old<T, S, F>(
    t: &Tally,
    kb: &KanboardClient,
    (method, parameter): (&'static str, &'static str),
    state: impl AsyncFn() -> S,
    call: F,
) -> Option<T>
where
    S: PartialEq + Debug,
    F: Future<Output = kanboard::Result<T>>,
    T: Debug,
{
    let server = release_of(kb).await;
    if !dates_refused(kb).await {
        return Some(
            call.await
                .unwrap_or_else(|e| panic!("{method} with {parameter} on {server}: {e:?}")),
        );
    }
    let before = state().await;
    let refused = call.await;
    assert!(
        matches!(&refused, Err(e) if e.is_rejected()),
        "{method} with {parameter}: Kanboard {server} on PHP 8.2+ refuses every date with \
         `false`, got {refused:?}"
    );
    assert_eq!(
        state().await,
        before,
        "{method} refused by {server}, yet the server's state changed"
    );
    t.date_refused(method, parameter);
    None
}
