//! One batch reply body through the batch decoder and each call's typed decoding.
//! The first byte chooses how many calls were sent (1-4) and their methods; the rest is the body.
#![no_main]

use kanboard::api::descriptors::{METHODS, decode_normalized};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [n, body @ ..] = data else { return };
    let calls: Vec<(&str, u64)> = (0..=u64::from(*n % 4))
        .map(|i| {
            let m = METHODS[(usize::from(*n) * 7 + i as usize * 13) % METHODS.len()];
            (m.rpc_name, i + 1)
        })
        .collect();
    match kanboard::envelope::decode_batch(&calls, 200, body) {
        Ok(replies) => {
            assert_eq!(replies.len(), calls.len(), "one result per call");
            for (r, (name, _)) in replies.into_iter().zip(&calls) {
                let method = kanboard::descriptor::MethodDescriptor::find(name).unwrap();
                match r.map(|r| decode_normalized(method, r.result)) {
                    Ok(Ok(v)) => drop(serde_json::to_vec(&v)),
                    Ok(Err(e)) | Err(e) => drop(format!("{e} {e:?}")),
                }
            }
        }
        Err(e) => drop(format!("{e} {e:?}")),
    }
});
