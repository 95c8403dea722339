//! Heap use, measured with a counting global allocator: decoding a 10,000-task result, and
//! sending a 5 MB upload. The figures are printed; the bounds asserted are stated beside them.
//!
//! The allocator counts a `realloc` as a new block plus the old one (the worst case), so the
//! peaks are upper bounds of what a real allocator needs.

mod raw_server;

use kanboard::KanboardClient;
use kanboard::de::Loose;
use kanboard::models::Task;
use peak_alloc::PeakAlloc;
use raw_server::Script;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::sync::atomic::Ordering;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The tests of this file measure one at a time: a peak is only meaningful without a neighbour.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const TASKS: usize = 10_000;
/// Bound on the heap a 10,000-task decode may use, as a multiple of the reply's size. The JSON
/// tree the envelope parses into is most of it (measured 9.24x: 71.1 MiB for a 7.69 MiB reply).
const DECODE_BOUND: f64 = 10.0;
/// The same through the client, which also holds the reply's bytes (measured 10.24x).
const CALL_BOUND: f64 = 11.0;
/// Bound on the heap an upload may add, as a multiple of the file's size: the base64 body
/// (4/3) plus the request's own bytes and slack, and no second copy of the encoding.
const UPLOAD_BOUND: f64 = 1.5;
const UPLOAD_SIZE: usize = 5 * 1024 * 1024;

/// A getAllTasks reply of `n` tasks shaped like the recorded one.
fn tasks_reply(n: usize) -> Vec<u8> {
    let sample: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/samples/getAllTasks.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let template = sample["response"]["result"][0].clone();
    let tasks: Vec<Value> = (1..=n)
        .map(|i| {
            let mut t = template.clone();
            t["id"] = json!(i);
            t["title"] = json!(format!("Task number {i}"));
            t["url"] = json!(format!(
                "http://localhost/?controller=TaskViewController&action=show&task_id={i}"
            ));
            t
        })
        .collect();
    serde_json::to_vec(&json!({"jsonrpc": "2.0", "result": tasks, "id": 1})).unwrap()
}

/// Runs `f` and returns its value with the heap it used at its peak beyond what was live before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let out = f();
    (out, HEAP.peak_usage().saturating_sub(before))
}

fn mib(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

#[test]
fn decoding_10000_tasks_stays_within_its_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let body = tasks_reply(TASKS);
    let (tasks, peak) = peak_of(|| {
        let reply = kanboard::envelope::decode_single("getAllTasks", 1, 200, &body).unwrap();
        Vec::<Task>::from_loose(reply.result).unwrap()
    });
    assert_eq!(tasks.len(), TASKS);
    assert_eq!(tasks[TASKS - 1].id.get(), TASKS as i64);
    let ratio = peak as f64 / body.len() as f64;
    println!(
        "decode {TASKS} tasks: body {:.2} MiB, peak heap {:.2} MiB = {ratio:.2}x the body (bound {DECODE_BOUND}x)",
        mib(body.len()),
        mib(peak)
    );
    assert!(
        ratio <= DECODE_BOUND,
        "decoding used {ratio:.2}x the body, over the bound of {DECODE_BOUND}x"
    );
}

#[test]
fn a_10000_task_call_end_to_end_stays_within_its_bound() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = tasks_reply(TASKS);
    let reply_len = body.len();
    let template: Value = serde_json::from_slice(&body).unwrap();
    let result = template["result"].clone();
    drop(template);
    let server = rt.block_on(raw_server::start(Script::Result(result)));
    let kb = KanboardClient::new(server.http(), "token").unwrap();
    // A first call warms the connection machinery so its one-off allocations are not counted.
    rt.block_on(kb.application().get_version().send()).ok();
    let (tasks, peak) = peak_of(|| rt.block_on(kb.tasks().get_all_tasks(1).send()).unwrap());
    assert_eq!(tasks.len(), TASKS);
    let ratio = peak as f64 / reply_len as f64;
    println!(
        "getAllTasks of {TASKS} tasks through the client: reply {:.2} MiB, peak heap {:.2} MiB = {ratio:.2}x the reply (bound {CALL_BOUND}x)",
        mib(reply_len),
        mib(peak)
    );
    assert!(ratio <= CALL_BOUND, "{ratio:.2}x is over {CALL_BOUND}x");
}

#[test]
fn an_upload_holds_one_base64_copy() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(raw_server::start(Script::Result(json!(7))));
    let kb = KanboardClient::new(server.http(), "token").unwrap();
    rt.block_on(kb.application().get_version().send()).ok();

    // From memory: the caller's bytes were there before; the call adds the encoded body.
    let file: Vec<u8> = (0..UPLOAD_SIZE).map(|i| (i * 7 % 251) as u8).collect();
    let (id, peak) = peak_of(|| {
        rt.block_on(
            kb.task_files()
                .create_task_file(1, 2, "data.bin", file)
                .send(),
        )
        .unwrap()
    });
    assert_eq!(id, 7);
    let ratio = peak as f64 / UPLOAD_SIZE as f64;
    println!(
        "upload of {:.0} MiB from memory: peak heap added {:.2} MiB = {ratio:.2}x the file (base64 alone is 1.33x; bound {UPLOAD_BOUND}x)",
        mib(UPLOAD_SIZE),
        mib(peak)
    );
    assert!(ratio <= UPLOAD_BOUND, "{ratio:.2}x is over {UPLOAD_BOUND}x");

    // From a path: the file is read and encoded a piece at a time while the body is written.
    let dir = std::env::temp_dir().join(format!("kanboard-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("data.bin");
    std::fs::write(
        &path,
        (0..UPLOAD_SIZE)
            .map(|i| (i % 253) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let (id, peak) = peak_of(|| {
        rt.block_on(
            kb.task_files()
                .create_task_file(1, 2, "data.bin", kanboard::FileContent::path(&path))
                .send(),
        )
        .unwrap()
    });
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(id, 7);
    let ratio = peak as f64 / UPLOAD_SIZE as f64;
    println!(
        "upload of {:.0} MiB from a path: peak heap added {:.2} MiB = {ratio:.2}x the file (base64 alone is 1.33x; bound {UPLOAD_BOUND}x)",
        mib(UPLOAD_SIZE),
        mib(peak),
    );
    assert!(ratio <= UPLOAD_BOUND, "{ratio:.2}x is over {UPLOAD_BOUND}x");
    // Three requests (the warm-up and two uploads), the uploads carrying the whole encoding.
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
    let encoded = UPLOAD_SIZE.div_ceil(3) * 4;
    assert!(server.body_bytes.load(Ordering::SeqCst) > 2 * encoded);
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Bound on the heap a reply over the limit may take, as a multiple of the limit: the buffer
/// grows by doubling up to the limit, and the allocator counts a `realloc` as both blocks;
/// plus [`SLACK`] for the connection's own buffers.
const OVER_LIMIT_BOUND: f64 = 2.0;
const SLACK: usize = 1024 * 1024;

fn within_over_limit_bound(peak: usize, limit: u64) -> bool {
    peak as f64 <= OVER_LIMIT_BOUND * limit as f64 + SLACK as f64
}

#[test]
fn an_endless_reply_takes_no_more_than_the_reply_limit() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    let server = rt.block_on(raw_server::start(Script::Endless));
    // The default limit, as a user who set nothing gets it.
    let kb = KanboardClient::new(server.http(), "token").unwrap();
    let limit = kanboard::ClientBuilder::DEFAULT_MAX_REPLY_SIZE;
    let started = std::time::Instant::now();
    let (result, peak) = peak_of(|| rt.block_on(kb.application().get_version().send()));
    let e = result.unwrap_err();
    assert!(e.is_too_large(), "{e:?}");
    let ratio = peak as f64 / limit as f64;
    println!(
        "endless reply, default limit {:.0} MiB: stopped after {:.2} s, peak heap {:.1} MiB = {ratio:.2}x the limit (bound {OVER_LIMIT_BOUND}x + 1 MiB)",
        mib(limit as usize),
        started.elapsed().as_secs_f64(),
        mib(peak)
    );
    assert!(within_over_limit_bound(peak, limit), "{ratio:.2}x");
}

#[test]
fn a_50_mb_reply_within_and_over_the_limit() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    const LEN: usize = 50_000_000;
    for declared in [true, false] {
        let server = rt.block_on(raw_server::start(Script::Padded { len: LEN, declared }));
        // Within the default limit: read and decoded (the reply's bytes, then its string).
        let kb = KanboardClient::new(server.http(), "token").unwrap();
        let (version, peak) =
            peak_of(|| rt.block_on(kb.application().get_version().send()).unwrap());
        assert!(version.len() > LEN - 100);
        drop(version);
        let ratio = peak as f64 / LEN as f64;
        println!(
            "50 MB reply (Content-Length {}), default limit: peak heap {:.1} MiB = {ratio:.2}x the reply",
            if declared { "sent" } else { "absent" },
            mib(peak)
        );
        // The reply's bytes and the decoded text: about two copies, and a third for the
        // JSON tree's own string while it is decoded.
        assert!(ratio <= 3.5, "{ratio:.2}x");

        // Over a lower limit: refused, holding at most the limit.
        let limit: u64 = 8 * 1024 * 1024;
        let kb = KanboardClient::builder(server.http())
            .app_token("token")
            .max_reply_size(Some(limit))
            .build()
            .unwrap();
        let (result, peak) = peak_of(|| rt.block_on(kb.application().get_version().send()));
        assert!(result.unwrap_err().is_too_large());
        println!(
            "50 MB reply (Content-Length {}), limit 8 MiB: refused, peak heap {:.2} MiB",
            if declared { "sent" } else { "absent" },
            mib(peak)
        );
        assert!(within_over_limit_bound(peak, limit));
    }
}

#[test]
fn failing_calls_of_a_batch_keep_only_their_own_part_of_the_reply() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let rt = runtime();
    const CALLS: usize = 250;
    const EACH: usize = 20_000;
    // Ids 2..=251: the warm-up call takes id 1. No element has a `result`, so every call fails.
    let elements: Vec<Value> = (2..=CALLS as u64 + 1)
        .map(|id| json!({"jsonrpc": "2.0", "id": id, "pad": "x".repeat(EACH)}))
        .collect();
    let body = serde_json::to_vec(&elements).unwrap();
    let reply_len = body.len();
    drop(elements);
    let server = rt.block_on(raw_server::start(Script::Raw {
        status: 200,
        content_type: "application/json",
        body,
    }));
    let kb = KanboardClient::new(server.http(), "token").unwrap();
    rt.block_on(kb.application().get_version().send()).ok();
    let (errors, peak) = peak_of(|| {
        let mut batch = kb.batch();
        let slots: Vec<_> = (0..CALLS)
            .map(|_| batch.add(kb.application().get_version()).unwrap())
            .collect();
        let mut results = rt.block_on(batch.send()).unwrap();
        slots
            .into_iter()
            .map(|s| results.take(s).unwrap_err())
            .collect::<Vec<_>>()
    });
    assert_eq!(errors.len(), CALLS);
    assert!(errors.iter().all(
        |e| matches!(e, kanboard::Error::Response { body, .. } if body.as_str().len() < EACH + 100)
    ));
    let ratio = peak as f64 / reply_len as f64;
    println!(
        "batch of {CALLS} failing calls, reply {:.2} MiB: peak heap {:.2} MiB = {ratio:.2}x the reply (each error keeps its own element)",
        mib(reply_len),
        mib(peak)
    );
    // Before, each error kept the whole reply: 250 copies.
    assert!(ratio <= 6.0, "{ratio:.2}x");
}
