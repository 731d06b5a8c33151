//! The knowledge-base routes end to end: shapes, FastGPT's validation errors, and a large
//! `localFile` upload that the mock counts without buffering.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use fastgpt_mock::MockServer;
use serde_json::{json, Value};

fn get(m: &MockServer, path: &str) -> Reply {
    call(m, "GET", path, &[("Authorization", KEY)], Value::Null)
}

fn err(r: &Reply) -> (u16, Value, Value) {
    let v = r.json();
    (r.status, v["code"].clone(), v["message"].clone())
}

fn new_dataset(m: &MockServer, name: &str) -> String {
    let r = post(m, "/api/core/dataset/create", json!({"name": name, "intro": "about"}));
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["data"].as_str().expect("id").to_string()
}

#[test]
fn datasets_crud_and_errors() {
    let m = mock();
    let r = post(&m, "/api/core/dataset/create", json!({"intro": "no name"}));
    assert_eq!(err(&r), (500, json!(500), json!("datasets validation failed: name: Path `name` is required.")));
    let r = post(&m, "/api/core/dataset/create", json!({"name": "x", "vectorModel": "nope"}));
    assert_eq!(r.json()["message"], "System not embedding model");
    let r = post(&m, "/api/core/dataset/create", json!({"name": "x", "agentModel": "nope"}));
    assert_eq!(r.json()["message"], "System not llm model");
    let r = post(&m, "/api/core/dataset/create", json!({"name": "x", "type": "weird"}));
    assert_eq!(
        r.json()["message"],
        "datasets validation failed: type: `weird` is not a valid enum value for path `type`."
    );

    let id = new_dataset(&m, "Manual");
    assert_eq!(id.len(), 24);
    let folder = post(&m, "/api/core/dataset/create", json!({"name": "Dir", "type": "folder"})).json()["data"].clone();
    let child =
        post(&m, "/api/core/dataset/create", json!({"name": "Child", "parentId": folder})).json()["data"].clone();

    let r = post(&m, "/api/core/dataset/list", json!({}));
    let list = r.json()["data"].as_array().cloned().expect("array");
    let names: Vec<&str> = list.iter().filter_map(|d| d["name"].as_str()).collect();
    assert!(names.contains(&"Manual") && names.contains(&"Dir") && !names.contains(&"Child"), "{names:?}");
    let manual = list.iter().find(|d| d["_id"] == id.as_str()).unwrap();
    assert_eq!(manual["vectorModel"]["model"], "text-embedding-3-small");
    assert_eq!(manual["type"], "dataset");
    let r = post(&m, "/api/core/dataset/list", json!({"parentId": folder}));
    assert_eq!(r.json()["data"][0]["_id"], child);
    let r = post(&m, "/api/core/dataset/list", json!({"searchKey": "chi"}));
    assert_eq!(r.json()["data"].as_array().map(Vec::len), Some(1));

    let r = get(&m, &format!("/api/core/dataset/detail?id={id}"));
    let d = &r.json()["data"];
    assert_eq!(
        (d["_id"].as_str(), d["name"].as_str(), d["intro"].as_str()),
        (Some(id.as_str()), Some("Manual"), Some("about"))
    );
    assert_eq!(d["agentModel"]["model"], "gpt-4o-mini");
    // The id check comes before authentication, as in the handler.
    let r = call(&m, "GET", "/api/core/dataset/detail", &[], Value::Null);
    assert_eq!(
        r.json(),
        json!({"code": 507004, "statusText": "missingParams", "message": "error.missingParams", "data": null})
    );
    let r = get(&m, "/api/core/dataset/detail?id=66e29b870b24ce35330c0fff");
    assert_eq!((r.status, r.json()["statusText"].clone()), (500, json!("unExistDataset")));
    assert_eq!(r.json()["code"], 501002);
    let r = get(&m, "/api/core/dataset/detail?id=abc");
    assert!(r.json()["message"].as_str().unwrap().starts_with("Cast to ObjectId failed for value \"abc\""));
    let r = call(
        &m,
        "GET",
        &format!("/api/core/dataset/detail?id={id}"),
        &[("Authorization", "Bearer fastgpt-bad")],
        Value::Null,
    );
    assert_eq!(r.json()["statusText"], "unAuthApiKey");

    let r = call(
        &m,
        "DELETE",
        &format!("/api/core/dataset/delete?id={folder}", folder = folder.as_str().unwrap()),
        &[("Authorization", KEY)],
        Value::Null,
    );
    assert_eq!(r.json(), json!({"code": 200, "statusText": "", "message": "", "data": null}));
    let r = get(&m, &format!("/api/core/dataset/detail?id={}", child.as_str().unwrap()));
    assert_eq!(r.json()["statusText"], "unExistDataset", "sub-datasets go with their folder");

    let r = post(&m, "/api/support/wallet/usage/createTrainingUsage", json!({"datasetId": id, "name": "bill"}));
    assert_eq!(r.json()["data"].as_str().map(str::len), Some(24));
    let r = post(&m, "/api/support/wallet/usage/createTrainingUsage", json!({"name": "bill"}));
    assert_eq!(r.json()["statusText"], "unExistDataset");
}

#[test]
fn collections_data_and_search() {
    let m = mock();
    let ds = new_dataset(&m, "KB");
    let r = post(&m, "/api/core/dataset/collection/create", json!({"datasetId": ds, "name": "Empty"}));
    assert_eq!(r.json()["message"], "dataset_collections validation failed: type: Path `type` is required.");
    let r = post(&m, "/api/core/dataset/collection/create", json!({"name": "Empty", "type": "virtual"}));
    assert_eq!(r.json()["statusText"], "unExistDataset");
    let r = post(
        &m,
        "/api/core/dataset/collection/create",
        json!({"datasetId": ds, "name": "Empty", "type": "virtual", "externalFileId": "ext-1"}),
    );
    let empty = r.json()["data"].as_str().expect("collection id").to_string();

    let text = "Rust is a systems language.\n\nFastGPT is a knowledge base platform.\n\nBananas are yellow.";
    let r = post(
        &m,
        "/api/core/dataset/collection/create/text",
        json!({"datasetId": ds, "name": "notes", "text": text, "trainingType": "chunk", "chunkSize": 40}),
    );
    let created = r.json()["data"].clone();
    assert_eq!(created["results"], json!({"insertLen": 3}), "{created}");
    let notes = created["collectionId"].as_str().unwrap().to_string();
    let r =
        post(&m, "/api/core/dataset/collection/create/link", json!({"datasetId": ds, "link": "https://example.com/a"}));
    assert_eq!(r.json()["data"]["results"], json!({"insertLen": 0}));
    let link = r.json()["data"]["collectionId"].as_str().unwrap().to_string();
    let r = post(
        &m,
        "/api/core/dataset/collection/create/text",
        json!({"datasetId": ds, "name": "bad", "text": "x", "trainingType": "magic"}),
    );
    assert_eq!(r.json()["message"], "dataset_collections validation failed: trainingType: `magic` is not a valid enum value for path `trainingType`.");

    // listV2: newest first, pagination from the body, search by name.
    let r = post(&m, "/api/core/dataset/collection/listV2", json!({"datasetId": ds, "offset": 0, "pageSize": 2}));
    let page = &r.json()["data"];
    assert_eq!(page["total"], 3);
    assert_eq!(page["list"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["list"][0]["_id"], link.as_str());
    let r = post(
        &m,
        "/api/core/dataset/collection/listV2",
        json!({"datasetId": ds, "offset": 0, "pageSize": 10, "searchText": "NOTES"}),
    );
    let item = &r.json()["data"]["list"][0];
    assert_eq!((item["name"].as_str(), item["dataAmount"].as_u64()), (Some("notes.txt"), Some(3)));
    assert_eq!(item["type"], "file");

    let r = get(&m, &format!("/api/core/dataset/collection/detail?id={link}"));
    let d = &r.json()["data"];
    assert_eq!(
        (d["rawLink"].as_str(), d["sourceId"].as_str()),
        (Some("https://example.com/a"), Some("https://example.com/a"))
    );
    assert_eq!(d["dataset"]["_id"], ds.as_str());
    let r = get(&m, "/api/core/dataset/collection/detail?id=66e29b870b24ce35330c0fff");
    assert_eq!(
        (r.json()["code"].clone(), r.json()["message"].clone()),
        (json!(501003), json!("common:error_collection_not_exist"))
    );

    // update: POST and PUT, by id or by datasetId + externalFileId.
    let r = post(
        &m,
        "/api/core/dataset/collection/update",
        json!({"id": notes, "name": "renamed", "forbid": true, "tags": ["t1"]}),
    );
    assert_eq!(r.json()["data"], Value::Null);
    let r = call(
        &m,
        "PUT",
        "/api/core/dataset/collection/update",
        &[("Authorization", KEY)],
        json!({"datasetId": ds, "externalFileId": "ext-1", "name": "by-ext"}),
    );
    assert_eq!(r.status, 200);
    let d = get(&m, &format!("/api/core/dataset/collection/detail?id={empty}")).json();
    assert_eq!(d["data"]["name"], "by-ext");
    let d = get(&m, &format!("/api/core/dataset/collection/detail?id={notes}")).json();
    assert_eq!((d["data"]["name"].as_str(), d["data"]["forbid"].as_bool()), (Some("renamed"), Some(true)));
    assert_eq!(d["data"]["tags"], json!(["t1"]));
    let r = post(&m, "/api/core/dataset/collection/update", json!({"datasetId": ds, "externalFileId": "nope"}));
    assert_eq!(r.json()["statusText"], "fileNotFound");
    let r = call(&m, "POST", "/api/core/dataset/collection/update", &[], json!({"name": "x"}));
    assert_eq!(r.json()["statusText"], "missingParams", "checked before authentication");
    post(&m, "/api/core/dataset/collection/update", json!({"id": notes, "forbid": false}));

    // pushData: the 200 limit and the empty check come before authentication.
    let many: Vec<Value> = (0..201).map(|i| json!({"q": format!("q{i}")})).collect();
    let r = call(&m, "POST", "/api/core/dataset/data/pushData", &[], json!({"collectionId": empty, "data": many}));
    assert_eq!(err(&r), (500, json!(500), json!("Data is too long, max 200")));
    let r = post(&m, "/api/core/dataset/data/pushData", json!({"data": []}));
    assert_eq!(r.json()["message"], "collectionId or data is empty");
    let r =
        post(&m, "/api/core/dataset/data/pushData", json!({"collectionId": empty, "trainingType": "nope", "data": []}));
    assert_eq!(r.json()["message"], "Training mode \"nope\" is inValid");
    let r = post(
        &m,
        "/api/core/dataset/data/pushData",
        json!({"collectionId": empty, "trainingType": "chunk", "data": [
            {"q": "What colour are bananas?", "a": "Yellow", "indexes": [{"type": "custom", "text": "banana colour"}]},
            {"q": "", "a": "dropped: no q"},
            {"q": "Who makes FastGPT?", "a": "labring"}]}),
    );
    assert_eq!(r.json()["data"], json!({"insertLen": 2}));

    let r = post(&m, "/api/core/dataset/data/v2/list", json!({"collectionId": empty, "offset": 0, "pageSize": 50}));
    let page = r.json()["data"].clone();
    assert_eq!(page["total"], 2);
    assert_eq!(page["list"].as_array().map(Vec::len), Some(2), "pageSize is capped at 30, not below 2");
    assert_eq!(page["list"][0]["chunkIndex"], 0);
    let data_id = page["list"][0]["_id"].as_str().unwrap().to_string();
    let r = post(
        &m,
        "/api/core/dataset/data/v2/list",
        json!({"collectionId": empty, "searchText": "labring", "pageSize": 10}),
    );
    assert_eq!(r.json()["data"]["total"], 1);

    let d = get(&m, &format!("/api/core/dataset/data/detail?id={data_id}")).json()["data"].clone();
    assert_eq!(
        (d["id"].as_str(), d["q"].as_str(), d["a"].as_str()),
        (Some(data_id.as_str()), Some("What colour are bananas?"), Some("Yellow"))
    );
    assert_eq!(d["indexes"][0]["text"], "banana colour");
    assert_eq!((d["collectionId"].as_str(), d["sourceName"].as_str()), (Some(empty.as_str()), Some("by-ext")));
    let r = call(
        &m,
        "PUT",
        "/api/core/dataset/data/update",
        &[("Authorization", KEY)],
        json!({"dataId": data_id, "q": "Banana colour?"}),
    );
    assert_eq!(r.json()["data"], Value::Null);
    assert_eq!(get(&m, &format!("/api/core/dataset/data/detail?id={data_id}")).json()["data"]["q"], "Banana colour?");

    // searchTest: a word match over the pushed and chunked data.
    let r = post(&m, "/api/core/dataset/searchTest", json!({"datasetId": ds, "text": "bananas yellow", "limit": 5000}));
    let res = r.json()["data"].clone();
    for key in ["list", "duration", "usingReRank", "searchMode", "limit", "similarity", "usingSimilarityFilter"] {
        assert!(res.get(key).is_some(), "{key} in {res}");
    }
    let list = res["list"].as_array().unwrap();
    assert!(!list.is_empty());
    assert_eq!(list[0]["q"], "Bananas are yellow.", "both words match only the chunk");
    assert_eq!(list[0]["score"][0]["type"], "embedding");
    assert!(list.iter().all(|i| i["datasetId"] == ds.as_str() && i["collectionId"].is_string()));
    let r = post(
        &m,
        "/api/core/dataset/searchTest",
        json!({"datasetId": ds, "text": "bananas", "searchMode": "fullTextRecall", "similarity": 0.5}),
    );
    assert_eq!(r.json()["data"]["list"][0]["score"][0]["type"], "fullText");
    let r = call(&m, "POST", "/api/core/dataset/searchTest", &[], json!({"datasetId": ds}));
    assert_eq!(r.json()["statusText"], "missingParams");

    let r = call(
        &m,
        "DELETE",
        &format!("/api/core/dataset/data/delete?id={data_id}"),
        &[("Authorization", KEY)],
        Value::Null,
    );
    assert_eq!(r.json()["data"], "success");
    let r = get(&m, &format!("/api/core/dataset/data/detail?id={data_id}"));
    assert_eq!(err(&r), (500, json!(500), json!("common:core.dataset.error.Data not found")));

    // API-file collections (4.14.5.1 answers null; a known apiFileId is skipped).
    for _ in 0..2 {
        let r = post(
            &m,
            "/api/core/dataset/collection/create/apiCollection",
            json!({"datasetId": ds, "name": "remote.pdf", "apiFileId": "f1"}),
        );
        assert_eq!(r.json()["data"], Value::Null);
    }
    let r = post(
        &m,
        "/api/core/dataset/collection/create/apiCollectionV2",
        json!({"datasetId": ds,
        "apiFiles": [{"id": "f1", "name": "remote.pdf", "type": "file"}, {"id": "f2", "name": "other.md", "type": "file"}]}),
    );
    assert_eq!(r.status, 200);
    let r = post(&m, "/api/core/dataset/collection/listV2", json!({"datasetId": ds, "pageSize": 30}));
    assert_eq!(r.json()["data"]["total"], 5);

    // delete: collectionIds in the body, or ?id=.
    let r = post(&m, "/api/core/dataset/collection/delete", json!({"collectionIds": [notes, link]}));
    assert_eq!(r.json()["data"], Value::Null);
    let r = call(
        &m,
        "DELETE",
        &format!("/api/core/dataset/collection/delete?id={empty}"),
        &[("Authorization", KEY)],
        Value::Null,
    );
    assert_eq!(r.status, 200);
    let r = post(&m, "/api/core/dataset/collection/listV2", json!({"datasetId": ds, "pageSize": 30}));
    assert_eq!(r.json()["data"]["total"], 2);
    let r = post(&m, "/api/core/dataset/collection/delete", json!({}));
    assert_eq!(r.json()["statusText"], "missingParams");
    let r = post(&m, "/api/core/dataset/searchTest", json!({"datasetId": ds, "text": "bananas"}));
    assert_eq!(r.json()["data"]["list"], json!([]), "deleted collections take their data along");
}

#[test]
fn search_test_frequency_limit() {
    let m = mock();
    let ds = new_dataset(&m, "KB");
    let started = std::time::Instant::now();
    let statuses: Vec<Value> = (0..20)
        .map(|_| {
            post(&m, "/api/core/dataset/searchTest", json!({"datasetId": ds, "text": "x"})).json()["statusText"].clone()
        })
        .collect();
    let refused = statuses.iter().filter(|s| *s == "tooManyRequest").count();
    // 15 a second pass; within one second the other 5 are refused.
    if started.elapsed() < Duration::from_millis(900) {
        assert_eq!(refused, 5, "{statuses:?}");
    } else {
        assert!(refused <= 5, "{statuses:?}");
    }
    assert!(statuses[..15].iter().all(|s| *s == ""), "{statuses:?}");
}

fn fnv1a64(data: &[u8], mut h: u64) -> u64 {
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Sends a multipart upload of `size` generated bytes in 64 KiB writes and returns the reply.
fn upload(m: &MockServer, key: &str, size: usize, data_field: Option<&str>, filename: &str) -> (Reply, u64) {
    upload_with(m, key, size, data_field, filename, "file", "")
}

/// `upload` with the file part under `field` and extra request header lines.
fn upload_with(
    m: &MockServer,
    key: &str,
    size: usize,
    data_field: Option<&str>,
    filename: &str,
    field: &str,
    extra: &str,
) -> (Reply, u64) {
    let boundary = "----mockboundary7MA4YWxkTrZu0gW";
    let mut head = String::new();
    if let Some(d) = data_field {
        head.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{d}\r\n"));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    ));
    let tail = format!("\r\n--{boundary}--\r\n");
    let total = head.len() + size + tail.len();
    let mut s = TcpStream::connect(m.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let req = format!(
        "POST /api/core/dataset/collection/create/localFile HTTP/1.1\r\nHost: mock\r\nConnection: close\r\nAuthorization: {key}\r\n{extra}Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n"
    );
    s.write_all(req.as_bytes()).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    // Content with near-boundaries in it: CRLF and dashes that must not end the part.
    let mut block = vec![0u8; 64 * 1024];
    for (i, b) in block.iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    block[100..106].copy_from_slice(b"\r\n--\r\n");
    block[1000..1000 + 8].copy_from_slice(b"\r\n------");
    let mut hash = 0xcbf2_9ce4_8422_2325;
    let mut left = size;
    while left > 0 {
        let n = left.min(block.len());
        hash = fnv1a64(&block[..n], hash);
        s.write_all(&block[..n]).unwrap();
        left -= n;
    }
    s.write_all(tail.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    (parse(&out), hash)
}

#[test]
fn local_file_upload_is_counted_not_buffered() {
    let m = mock();
    let ds = new_dataset(&m, "Files");
    const SIZE: usize = 48 * 1024 * 1024 + 7;
    let data = json!({"datasetId": ds, "trainingType": "chunk", "chunkSize": 512}).to_string();
    let (r, hash) = upload(&m, KEY, SIZE, Some(&data), "%E6%89%8B%E5%86%8C.bin");
    assert_eq!(r.status, 200, "{}", r.text());
    let created = r.json()["data"].clone();
    assert_eq!(created["results"], json!({"insertLen": 0}), "files are parsed later, as FastGPT queues them");
    let id = created["collectionId"].as_str().unwrap().to_string();

    let d = get(&m, &format!("/api/core/dataset/collection/detail?id={id}")).json()["data"].clone();
    assert_eq!(d["file"]["contentLength"], SIZE as u64);
    assert_eq!(d["name"], "手册.bin", "the file name is URI-decoded");
    assert_eq!(d["chunkSize"], 512);
    let u = call(&m, "GET", "/mock/uploads", &[], Value::Null).json();
    let up = &u["uploads"][0];
    assert_eq!(up["bytes"], SIZE as u64);
    assert_eq!(up["fnv1a64"], format!("{hash:016x}"));
    assert_eq!(up["data"]["datasetId"], ds.as_str());
    let held = up["maxBuffered"].as_u64().unwrap();
    assert!(held < 1024 * 1024, "the mock held {held} bytes at once");
}

#[test]
fn local_file_errors() {
    let m = mock();
    let ds = new_dataset(&m, "Files");
    let data = json!({"datasetId": ds}).to_string();
    // The form is read before authentication, as multer runs first.
    let (r, _) = upload(&m, "Bearer fastgpt-wrong", 1000, Some(&data), "a.txt");
    assert_eq!((r.status, r.json()["statusText"].clone()), (500, json!("unAuthApiKey")));
    // `data` that is not JSON counts as `{}`: no datasetId, so no dataset.
    let (r, _) = upload(&m, KEY, 10, Some("{not json"), "a.txt");
    assert_eq!(r.json()["statusText"], "unExistDataset", "{}", r.text());
    let (r, _) = upload(&m, KEY, 10, None, "a.txt");
    assert_eq!(r.json()["statusText"], "unExistDataset", "no data field: no datasetId");
    // multer's limits: a file over `limits.fileSize`, a file under another field name.
    let (r, _) = upload_with(&m, KEY, 2 << 20, Some(&data), "big.bin", "file", "x-mock-upload-max-mb: 1\r\n");
    assert_eq!(r.json()["message"], "File too large");
    let (r, _) = upload_with(&m, KEY, 10, Some(&data), "a.txt", "document", "");
    assert_eq!(r.json()["message"], "Unexpected field");
    let r = post(&m, "/api/core/dataset/collection/create/localFile", json!({"datasetId": ds}));
    assert_eq!(r.json()["message"], "Multipart: Boundary not found");
    // A form without a file part.
    let body = "--b\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n{}\r\n--b--\r\n";
    let mut s = TcpStream::connect(m.addr()).unwrap();
    let req = format!(
        "POST /api/core/dataset/collection/create/localFile HTTP/1.1\r\nHost: m\r\nConnection: close\r\nAuthorization: {KEY}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    assert_eq!(parse(&out).json()["message"], "File not found");
}
