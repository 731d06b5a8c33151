//! A 1 GiB file is uploaded without costing 1 GiB: it is streamed from disk in small chunks.
//! (Its own test binary, so the process's peak RSS belongs to this upload alone.)

mod common;

use std::ffi::CString;

use common::*;

/// VmHWM (peak resident set) of this process, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn a_1_gib_sparse_file_uploads_in_bounded_memory() {
    const SIZE: u64 = 1 << 30;
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let request = CString::new(json!({"name": "Big"}).to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    assert_eq!(
        unsafe { fastgpt_create_dataset(client.raw(), request.as_ptr(), std::ptr::null(), &mut resp, &mut err) },
        FASTGPT_OK
    );
    let dataset = Reply::read(resp).json().as_str().unwrap().to_owned();
    fastgpt_response_free(resp);

    // Sparse: 1 GiB long, no disk blocks (reads give zeros).
    let path = std::env::temp_dir().join(format!("fastgpt-sparse-{}.bin", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(SIZE).unwrap();
    drop(file);

    let before = peak_rss_kib();
    let c_path = CString::new(path.to_str().unwrap()).unwrap();
    let request = CString::new(json!({"datasetId": dataset, "trainingType": "chunk"}).to_string()).unwrap();
    let started = std::time::Instant::now();
    let st = unsafe {
        fastgpt_create_file_collection(
            client.raw(),
            c_path.as_ptr(),
            request.as_ptr(),
            std::ptr::null(),
            None,
            std::ptr::null_mut(),
            &mut resp,
            &mut err,
        )
    };
    let elapsed = started.elapsed();
    std::fs::remove_file(&path).unwrap();
    if st != FASTGPT_OK {
        panic!("upload failed: {:?}", Failure::take(st, err));
    }
    let collection = Reply::read(resp).json()["collectionId"].as_str().unwrap().to_owned();
    fastgpt_response_free(resp);
    let after = peak_rss_kib();
    let grew_mib = (after.saturating_sub(before)) as f64 / 1024.0;
    println!("1 GiB upload in {elapsed:?}; peak RSS {before} KiB -> {after} KiB (+{grew_mib:.1} MiB)");
    assert!(after < 64 * 1024, "peak RSS {after} KiB for the whole process (client + mock) is under 64 MiB");

    let received = uploads(&mock).into_iter().find(|u| u["collectionId"] == collection.as_str()).expect("received");
    assert_eq!(received["bytes"], SIZE, "every byte arrived");
    assert!(received["maxBuffered"].as_u64().unwrap() < 1 << 20, "the mock never held the file either");
}
