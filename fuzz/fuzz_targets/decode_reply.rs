//! One reply body through the envelope decoder and the typed decoding of a method.
//! The first two bytes choose the method and the HTTP status; the rest is the body.
#![no_main]

use kanboard::api::descriptors::{METHODS, decode_normalized};
use libfuzzer_sys::fuzz_target;

const STATUSES: [u16; 8] = [200, 200, 200, 200, 401, 403, 500, 404];

fuzz_target!(|data: &[u8]| {
    let [m, s, body @ ..] = data else { return };
    let method = METHODS[usize::from(*m) % METHODS.len()];
    let status = STATUSES[usize::from(*s) % STATUSES.len()];
    match kanboard::envelope::decode_single(method.rpc_name, 1, status, body) {
        Ok(reply) => match decode_normalized(method, reply.result) {
            Ok(v) => drop(serde_json::to_vec(&v)),
            Err(e) => drop(format!("{e} {e:?}")),
        },
        Err(e) => drop(format!("{e} {e:?}")),
    }
    let _ = kanboard::envelope::first_param(body);
});
