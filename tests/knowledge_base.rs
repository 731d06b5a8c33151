//! The knowledge-base endpoints through the C ABI against fastgpt-mock, blocking and async:
//! datasets, collections (empty, text, link, API files, a local file from a path or a buffer with
//! progress), data, search and training usage, with FastGPT's error shapes.

mod common;

use std::ffi::{c_void, CString};
use std::sync::Arc;
use std::time::Duration;

use common::*;

/// Runs `f` and `f_async` on `request`; both must succeed, and the blocking result is returned.
fn both(f: Blocking, f_async: Async, client: &Client, request: Value) -> Value {
    let blocking = call(f, client, &request).unwrap_or_else(|e| panic!("blocking {request}: {e:?}"));
    let (_, asynced) = call_async(f_async, client, &request);
    asynced.unwrap_or_else(|e| panic!("async {request}: {e:?}"));
    blocking.json()
}

fn ok(f: Blocking, client: &Client, request: Value) -> Value {
    call(f, client, &request).unwrap_or_else(|e| panic!("{request}: {e:?}")).json()
}

#[test]
fn datasets_collections_data_and_search() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));

    // Datasets.
    let dataset = ok(fastgpt_create_dataset, &client, json!({"name": "Docs", "intro": "product docs"}));
    let dataset = dataset.as_str().expect("the new id").to_owned();
    let (_, second) = call_async(fastgpt_create_dataset_async, &client, &json!({"name": "Other"}));
    let other = second.unwrap().json().as_str().unwrap().to_owned();
    let list = both(fastgpt_list_datasets, fastgpt_list_datasets_async, &client, json!({}));
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Docs") && names.contains(&"Other"), "{names:?}");
    let detail = both(fastgpt_get_dataset, fastgpt_get_dataset_async, &client, json!({"id": dataset}));
    assert_eq!((detail["_id"].as_str(), detail["name"].as_str()), (Some(dataset.as_str()), Some("Docs")));

    // Collections.
    let empty =
        ok(fastgpt_create_collection, &client, json!({"datasetId": dataset, "name": "Manual", "type": "virtual"}));
    let manual = empty.as_str().unwrap().to_owned();
    let text = both(
        fastgpt_create_text_collection,
        fastgpt_create_text_collection_async,
        &client,
        json!({"datasetId": dataset, "name": "Intro", "text": "FastGPT is a knowledge base platform.\n\nIt answers questions."}),
    );
    assert!(text["collectionId"].is_string() && text["results"]["insertLen"].as_u64().unwrap() >= 1, "{text}");
    let link =
        ok(fastgpt_create_link_collection, &client, json!({"datasetId": dataset, "link": "https://example.com/a"}));
    assert!(link["collectionId"].is_string());
    ok(fastgpt_create_api_collection, &client, json!({"datasetId": dataset, "name": "a.pdf", "apiFileId": "f1"}));
    ok(
        fastgpt_create_api_collection_v2,
        &client,
        json!({"datasetId": dataset, "apiFiles": [{"id": "f2", "name": "b.pdf", "type": "file"}]}),
    );
    let collections = both(
        fastgpt_list_collections,
        fastgpt_list_collections_async,
        &client,
        json!({"datasetId": dataset, "pageSize": 30}),
    );
    assert!(collections["total"].as_u64().unwrap() >= 4, "{collections}");
    let got = both(fastgpt_get_collection, fastgpt_get_collection_async, &client, json!({"id": manual}));
    assert_eq!(got["name"], "Manual");
    both(
        fastgpt_update_collection,
        fastgpt_update_collection_async,
        &client,
        json!({"id": manual, "name": "Handbook"}),
    );
    assert_eq!(ok(fastgpt_get_collection, &client, json!({"id": manual}))["name"], "Handbook");

    // Data.
    let bill = ok(fastgpt_create_training_usage, &client, json!({"datasetId": dataset, "name": "import"}));
    let pushed = both(
        fastgpt_push_data,
        fastgpt_push_data_async,
        &client,
        json!({"collectionId": manual, "trainingType": "chunk", "billId": bill,
               "data": [{"q": "What is libfastgpt?", "a": "A native FastGPT client."}, {"q": "Second?"}]}),
    );
    assert!(pushed["insertLen"].as_u64().unwrap() >= 1, "{pushed}");
    let data = both(fastgpt_list_data, fastgpt_list_data_async, &client, json!({"collectionId": manual}));
    let id_of = |q: &str| {
        let item = data["list"].as_array().unwrap().iter().find(|d| d["q"] == q).expect("pushed data is listed");
        item["_id"].as_str().unwrap().to_owned()
    };
    let (first, second) = (id_of("What is libfastgpt?"), id_of("Second?"));
    let item = both(fastgpt_get_data, fastgpt_get_data_async, &client, json!({"id": first}));
    assert_eq!(item["q"], "What is libfastgpt?");
    ok(fastgpt_update_data, &client, json!({"dataId": first, "q": "What is libfastgpt, really?"}));
    assert_eq!(ok(fastgpt_get_data, &client, json!({"id": first}))["q"], "What is libfastgpt, really?");

    // Search.
    let found = both(
        fastgpt_search_test,
        fastgpt_search_test_async,
        &client,
        json!({"datasetId": dataset, "text": "libfastgpt"}),
    );
    let hits = found["list"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["q"].as_str().unwrap().contains("libfastgpt")), "{found}");

    // Deleting.
    assert_eq!(ok(fastgpt_delete_data, &client, json!({"id": first})), "success");
    let (_, deleted) = call_async(fastgpt_delete_data_async, &client, &json!({"id": second}));
    deleted.unwrap();
    for id in [&first, &second] {
        let f = call(fastgpt_get_data, &client, &json!({"id": id})).unwrap_err();
        assert_eq!(f.status, FASTGPT_ERR_API, "{f:?}");
    }
    ok(fastgpt_delete_collections, &client, json!({"collectionIds": [manual]}));
    let f = call(fastgpt_get_collection, &client, &json!({"id": manual})).unwrap_err();
    assert!(f.message.contains("unExistCollection") || f.api_code != 0, "{f:?}");
    ok(fastgpt_delete_collections, &client, json!({"id": text["collectionId"]}));
    let (_, deleted) = call_async(fastgpt_delete_dataset_async, &client, &json!({"id": other}));
    deleted.unwrap();
    ok(fastgpt_delete_dataset, &client, json!({"id": dataset}));
    let f = call(fastgpt_get_dataset, &client, &json!({"id": dataset})).unwrap_err();
    assert_eq!((f.status, f.api_code), (FASTGPT_ERR_API, 501002), "unExistDataset: {f:?}");
}

#[test]
fn limits_are_checked_before_io_and_server_errors_keep_their_shape() {
    // A closed port: anything that reached the network would be CONNECT.
    let closed = Client::new(r#"{"base_url": "http://127.0.0.1:9", "max_retries": 0}"#).unwrap();
    let items: Vec<Value> = (0..201).map(|i| json!({"q": format!("q{i}")})).collect();
    let f = call(fastgpt_push_data, &closed, &json!({"collectionId": "c", "data": items})).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_INVALID_ARGUMENT);
    assert!(f.message.contains("200"), "{}", f.message);
    let f = call(fastgpt_update_collection, &closed, &json!({"name": "x"})).unwrap_err();
    assert!(f.message.contains("\"id\"") && f.message.contains("\"externalFileId\""), "{}", f.message);

    let mock = mock();
    let client = Client::for_mock(&mock, json!({"max_retries": 0}));
    let f = call(fastgpt_get_dataset, &client, &json!({"id": "not-an-object-id"})).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_API);
    assert_eq!(f.http_status, 500, "FastGPT's envelope on HTTP 500");
    let bad_key = Client::new(&json!({"base_url": mock.base_url(), "api_key": "fastgpt-wrong"}).to_string()).unwrap();
    let f = call(fastgpt_list_datasets, &bad_key, &json!({})).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_AUTH);
}

// --- uploads ---------------------------------------------------------------------------------

fn temp_file(name: &str, content: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fastgpt-kb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn upload_path(
    client: &Client,
    path: &std::path::Path,
    request: &Value,
    collector: Option<&Arc<Collector>>,
) -> Result<Reply, Failure> {
    let path = CString::new(path.to_str().unwrap()).unwrap();
    let request = CString::new(request.to_string()).unwrap();
    let (cb, ud) = match collector {
        Some(c) => (Some(collect as unsafe extern "C" fn(*mut c_void, *const fastgpt_event) -> i32), userdata(c)),
        None => (None, std::ptr::null_mut()),
    };
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let st = unsafe {
        fastgpt_create_file_collection(
            client.raw(),
            path.as_ptr(),
            request.as_ptr(),
            std::ptr::null(),
            cb,
            ud,
            &mut resp,
            &mut err,
        )
    };
    if st == FASTGPT_OK {
        let reply = Reply::read(resp);
        fastgpt_response_free(resp);
        Ok(reply)
    } else {
        assert!(resp.is_null());
        Err(Failure::take(st, err))
    }
}

#[test]
fn a_file_uploads_from_a_path_and_from_a_buffer_with_progress() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({}));
    let dataset = ok(fastgpt_create_dataset, &client, json!({"name": "Files"})).as_str().unwrap().to_owned();
    let content: Vec<u8> = (0..300_000u32).map(|i| b"abcdefghij\n"[(i % 11) as usize]).collect();
    let path = temp_file("guide – 指南.md", &content);

    // From a path, blocking, with progress on this thread.
    let collector = Arc::new(Collector::default());
    let request = json!({"datasetId": dataset, "trainingType": "chunk", "chunkSize": 512});
    let reply = upload_path(&client, &path, &request, Some(&collector)).unwrap().json();
    let collection = reply["collectionId"].as_str().expect("collectionId").to_owned();
    let events = collector.events.lock().unwrap().clone();
    assert!(events.iter().all(|e| e.kind == FASTGPT_EVENT_UPLOAD_PROGRESS && e.thread == std::thread::current().id()));
    let sent: Vec<u64> = events.iter().map(|e| e.upload.0).collect();
    assert!(sent.len() >= 2 && sent.windows(2).all(|w| w[0] < w[1]), "{sent:?}");
    assert_eq!(events.last().unwrap().upload, (content.len() as u64, content.len() as u64));
    let last: Value = serde_json::from_slice(&events.last().unwrap().data).unwrap();
    assert_eq!(last, json!({"sent": content.len(), "total": content.len()}));

    let received = uploads(&mock);
    let up = received.iter().find(|u| u["collectionId"] == collection.as_str()).expect("the mock got it");
    assert_eq!(up["bytes"], content.len());
    assert_eq!(up["filename"], "guide – 指南.md", "a UTF-8 file name arrives intact");
    assert_eq!(up["data"]["chunkSize"], 512, "the options arrive as the data part");
    assert_eq!(up["head"].as_str().unwrap(), std::str::from_utf8(&content[..64]).unwrap());
    let detail = ok(fastgpt_get_collection, &client, json!({"id": collection}));
    assert_eq!(detail["file"]["contentLength"], content.len());

    // From a buffer, async: progress then exactly one COMPLETE.
    let collector = Arc::new(Collector::default());
    let name = CString::new("notes.txt").unwrap();
    let request = CString::new(json!({"datasetId": dataset}).to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let st = unsafe {
        fastgpt_create_file_collection_from_buffer_async(
            client.raw(),
            name.as_ptr(),
            content.as_ptr(),
            content.len(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            &mut err,
        )
    };
    assert_eq!(st, FASTGPT_OK);
    let events = collector.wait_complete(Duration::from_secs(30));
    let reply = outcome(&events).unwrap().json();
    assert!(reply["collectionId"].is_string());
    let progress: Vec<&Event> = events.iter().filter(|e| e.kind == FASTGPT_EVENT_UPLOAD_PROGRESS).collect();
    assert_eq!(progress.last().unwrap().upload, (content.len() as u64, content.len() as u64));
    let up = uploads(&mock).into_iter().find(|u| u["collectionId"] == reply["collectionId"]).unwrap();
    assert_eq!((up["bytes"].as_u64(), up["filename"].as_str()), (Some(content.len() as u64), Some("notes.txt")));

    // A callback that returns non-zero aborts the upload.
    let collector = Arc::new(Collector { abort_after: Some(1), ..Collector::default() });
    let f = upload_path(&client, &path, &json!({"datasetId": dataset}), Some(&collector)).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_ABORTED_BY_CALLBACK);
}

#[test]
fn upload_errors_before_and_after_io() {
    let mock = mock();
    let client = Client::for_mock(&mock, json!({"max_retries": 0}));
    let path = temp_file("a.txt", b"hello");
    // Before any I/O: the data part's required field, a missing file.
    let f = upload_path(&client, &path, &json!({}), None).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_INVALID_ARGUMENT);
    assert!(f.message.contains("datasetId"), "{}", f.message);
    let f =
        upload_path(&client, std::path::Path::new("/nonexistent/b.txt"), &json!({"datasetId": "d"}), None).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_INVALID_ARGUMENT);
    assert!(f.message.contains("/nonexistent/b.txt"), "{}", f.message);
    assert_eq!(mock.active_streams(), 0);
    // The server's own refusal (multer's size limit), as FastGPT sends it.
    let limited = Client::for_mock(&mock, json!({"headers": {"x-mock-upload-max-mb": "1"}, "max_retries": 0}));
    let dataset = ok(fastgpt_create_dataset, &client, json!({"name": "Small"})).as_str().unwrap().to_owned();
    let big = temp_file("big.bin", &vec![7u8; 2 << 20]);
    let f = upload_path(&limited, &big, &json!({"datasetId": dataset}), None).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_API, "{f:?}");
    assert!(f.message.contains("File too large"), "{}", f.message);
}

/// A connection that cannot be made is retried, and the file is sent again from its start; an
/// upload the server may have received is never re-sent (it would create a second collection).
#[test]
fn uploads_are_replayed_from_the_source_only_when_nothing_was_sent() {
    let mock = mock();
    let path = temp_file("replay.txt", b"replayed content");
    let setup = Client::for_mock(&mock, json!({}));
    let dataset = ok(fastgpt_create_dataset, &setup, json!({"name": "Replay"})).as_str().unwrap().to_owned();
    let client = Client::for_mock(
        &mock,
        json!({"headers": {"x-mock-fault": "reset_before_headers;times=1", "x-mock-id": "reset-upload"}, "max_retries": 2}),
    );
    let f = upload_path(&client, &path, &json!({"datasetId": dataset}), None).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_CONNECT, "the server may have acted: not re-sent ({f:?})");
    assert_eq!(mock.request_count("reset-upload"), 1);
    let client = Client::for_mock(
        &mock,
        json!({"headers": {"x-mock-fault": "status=503;times=1", "x-mock-id": "busy-upload"}, "max_retries": 2}),
    );
    let reply = upload_path(&client, &path, &json!({"datasetId": dataset}), None).expect("503: sent again");
    assert_eq!(mock.request_count("busy-upload"), 2);
    let up = uploads(&mock).into_iter().find(|u| u["collectionId"] == reply.json()["collectionId"]).unwrap();
    assert_eq!(up["bytes"], 16, "the whole file again, from its start");
}
