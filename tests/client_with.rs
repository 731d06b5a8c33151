//! Derived clients (`fastgpt_client_with`) through the C ABI: overrides take effect (headers as
//! the mock saw them, retries as the mock counted them, timeouts), bad overrides are rejected,
//! lifetimes (parent freed first, derived freed first, both with calls in flight), and the cost of
//! one derive + free (printed; run with --release --nocapture for the number in the README).

mod common;

use std::ffi::CString;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// `fastgpt_client_with(parent, overrides)`.
fn derive(parent: &Client, overrides: Option<&str>) -> Result<Client, Failure> {
    let text = overrides.map(|o| CString::new(o).unwrap());
    let mut out = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let st =
        fastgpt_client_with(parent.raw(), text.as_ref().map_or(std::ptr::null(), |t| t.as_ptr()), &mut out, &mut err);
    if st == FASTGPT_OK {
        assert!(err.is_null() && !out.is_null());
        Ok(Client(out))
    } else {
        assert!(out.is_null(), "outputs are written only on success");
        Err(Failure::take(st, err))
    }
}

fn histories() -> Value {
    json!({"appId": APP_ID})
}

/// The request headers the mock received (its `echo_headers` fault answers with them).
fn echoed_headers(client: &Client) -> Value {
    call(fastgpt_get_chat_histories, client, &histories()).expect("echo_headers answers").json()
}

/// Starts an async unary call delivering to a new collector.
fn start_async(client: &Client) -> Arc<Collector> {
    let collector = Arc::new(Collector::default());
    let request = CString::new(histories().to_string()).unwrap();
    let st = unsafe {
        fastgpt_get_chat_histories_async(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    collector
}

#[test]
fn headers_are_merged_over_the_parents() {
    let mock = mock();
    let parent = Client::for_mock(
        &mock,
        json!({"headers": {"x-mock-fault": "echo_headers", "X-Tenant": "parent", "x-keep": "kept"}}),
    );
    let derived = derive(&parent, Some(r#"{"headers": {"x-tenant": "tenant-b", "X-Request-Id": "r-1"}}"#)).unwrap();
    let seen = echoed_headers(&derived);
    assert_eq!(seen["x-tenant"], "tenant-b", "a name given replaces the parent's value: {seen}");
    assert_eq!(seen["x-keep"], "kept", "the parent's other headers stay: {seen}");
    assert_eq!(seen["x-request-id"], "r-1", "{seen}");
    assert_eq!(seen["authorization"], format!("Bearer {DEFAULT_KEY}"), "the parent's key: {seen}");
    assert!(seen["user-agent"].as_str().unwrap().starts_with("libfastgpt/"), "{seen}");

    // The parent is unchanged, and a derived client's derived client accumulates.
    let seen = echoed_headers(&parent);
    assert_eq!((seen["x-tenant"].as_str(), seen.get("x-request-id")), (Some("parent"), None), "{seen}");
    let grandchild = derive(&derived, Some(r#"{"headers": {"x-request-id": "r-2"}}"#)).unwrap();
    let seen = echoed_headers(&grandchild);
    assert_eq!((seen["x-tenant"].as_str(), seen["x-request-id"].as_str()), (Some("tenant-b"), Some("r-2")), "{seen}");

    // NULL and {} are plain copies.
    for copy in [derive(&parent, None).unwrap(), derive(&parent, Some("{}")).unwrap()] {
        let seen = echoed_headers(&copy);
        assert_eq!((seen["x-tenant"].as_str(), seen.get("x-request-id")), (Some("parent"), None), "{seen}");
    }
}

#[test]
fn max_retries_is_overridden_as_the_mock_counts() {
    let mock = mock();
    let parent = Client::for_mock(&mock, json!({"max_retries": 0, "headers": {"x-mock-fault": "rate_limit_ms=5"}}));
    let more = derive(&parent, Some(r#"{"max_retries": 3, "headers": {"x-mock-id": "retries-3"}}"#)).unwrap();
    let f = call(fastgpt_get_chat_histories, &more, &histories()).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_RATE_LIMITED);
    assert_eq!(mock.request_count("retries-3"), 4, "1 + max_retries requests");

    let same = derive(&parent, Some(r#"{"headers": {"x-mock-id": "retries-parent"}}"#)).unwrap();
    call(fastgpt_get_chat_histories, &same, &histories()).unwrap_err();
    assert_eq!(mock.request_count("retries-parent"), 1, "the parent's max_retries 0");

    // The other way round: a parent that retries, a call that must not.
    let parent = Client::for_mock(&mock, json!({"max_retries": 2, "headers": {"x-mock-fault": "rate_limit_ms=5"}}));
    let none = derive(&parent, Some(r#"{"max_retries": 0, "headers": {"x-mock-id": "retries-0"}}"#)).unwrap();
    call(fastgpt_get_chat_histories, &none, &histories()).unwrap_err();
    assert_eq!(mock.request_count("retries-0"), 1);
}

#[test]
fn timeouts_are_overridden() {
    let mock = mock();
    let parent = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_first_byte=700"}}));
    let short = derive(&parent, Some(r#"{"timeout_ms": 150}"#)).unwrap();
    let start = Instant::now();
    let f = call(fastgpt_get_chat_histories, &short, &histories()).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_TIMEOUT, "{f:?}");
    assert!(f.message.contains("150 ms"), "{}", f.message);
    assert!(start.elapsed() < Duration::from_millis(650), "{:?}", start.elapsed());
    call(fastgpt_get_chat_histories, &parent, &histories()).expect("the parent's 10 min timeout waits");

    // The stream idle timeout, on a stream that stalls mid-way.
    let parent = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "stall_mid_stream=700"}}));
    let impatient = derive(&parent, Some(r#"{"stream_idle_timeout_ms": 150}"#)).unwrap();
    let (_, out) = stream(&impatient, &chat_request("a stream that stalls for a while"));
    let f = out.unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_TIMEOUT, "{f:?}");
    assert!(f.message.contains("stream_idle_timeout_ms"), "{}", f.message);
    let (_, out) = stream(&parent, &chat_request("a stream that stalls for a while"));
    out.expect("the parent's 60 s idle timeout waits");
}

#[test]
fn bad_overrides_are_rejected_by_name() {
    let parent = Client::new("{}").unwrap();
    for (overrides, status, names) in [
        ("{", FASTGPT_ERR_INVALID_JSON, "overrides_json"),
        ("[]", FASTGPT_ERR_INVALID_JSON, "object"),
        ("null", FASTGPT_ERR_INVALID_JSON, "object"),
        (r#"{"timeout": 5}"#, FASTGPT_ERR_INVALID_ARGUMENT, "\"timeout\""),
        (r#"{"base_url": "http://elsewhere"}"#, FASTGPT_ERR_INVALID_ARGUMENT, "\"base_url\" cannot be overridden"),
        (r#"{"api_key": "fastgpt-other"}"#, FASTGPT_ERR_INVALID_ARGUMENT, "\"api_key\" cannot be overridden"),
        (r#"{"timeout_ms": 0}"#, FASTGPT_ERR_INVALID_ARGUMENT, "timeout_ms"),
        (r#"{"timeout_ms": "5"}"#, FASTGPT_ERR_INVALID_ARGUMENT, "timeout_ms"),
        (r#"{"max_retries": -1}"#, FASTGPT_ERR_INVALID_ARGUMENT, "max_retries"),
        (r#"{"stream_idle_timeout_ms": 1.5}"#, FASTGPT_ERR_INVALID_ARGUMENT, "stream_idle_timeout_ms"),
        (r#"{"headers": ["x"]}"#, FASTGPT_ERR_INVALID_ARGUMENT, "headers"),
        (r#"{"headers": {"authorization": "Bearer x"}}"#, FASTGPT_ERR_INVALID_ARGUMENT, "api_key"),
        (r#"{"headers": {"bad name": "x"}}"#, FASTGPT_ERR_INVALID_ARGUMENT, "bad name"),
        (r#"{"headers": {"x-a": "line\nbreak"}}"#, FASTGPT_ERR_INVALID_ARGUMENT, "x-a"),
    ] {
        let f = derive(&parent, Some(overrides)).map(|_| ()).unwrap_err();
        assert_eq!(f.status, status, "{overrides}: {f:?}");
        assert!(f.message.contains(names), "{overrides}: {}", f.message);
    }
    let mut out = std::ptr::null_mut();
    assert_eq!(
        fastgpt_client_with(std::ptr::null(), c"{}".as_ptr(), &mut out, std::ptr::null_mut()),
        FASTGPT_ERR_NULL_ARGUMENT
    );
    assert!(out.is_null());
    assert_eq!(
        fastgpt_client_with(parent.raw(), c"{}".as_ptr(), std::ptr::null_mut(), std::ptr::null_mut()),
        FASTGPT_ERR_NULL_ARGUMENT
    );
    assert_eq!(
        fastgpt_client_with(parent.raw(), c"\xff".as_ptr(), &mut out, std::ptr::null_mut()),
        FASTGPT_ERR_INVALID_UTF8
    );
}

#[test]
fn freeing_the_parent_first_cancels_the_derived_clients_calls() {
    let mock = mock();
    let parent = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_first_byte=2000"}}));
    let derived = derive(&parent, Some(r#"{"timeout_ms": 30000}"#)).unwrap();
    let grandchild = derive(&derived, None).unwrap();
    let on_parent = start_async(&parent);
    let on_derived = start_async(&derived);
    let on_grandchild = start_async(&grandchild);
    std::thread::sleep(Duration::from_millis(100));
    let start = Instant::now();
    drop(parent);
    for c in [&on_parent, &on_derived, &on_grandchild] {
        let events = c.wait_complete(Duration::from_secs(5));
        assert_eq!(outcome(&events).unwrap_err().status, FASTGPT_ERR_CANCELLED);
    }
    assert!(start.elapsed() < Duration::from_millis(1500), "cancelled, not waited out: {:?}", start.elapsed());
    // The derived clients stay valid: their calls end CANCELLED at once, before any I/O.
    let before = mock.request_count("after-parent");
    let f = call(fastgpt_get_chat_histories, &derived, &histories()).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_CANCELLED);
    let (_, out) = stream(&grandchild, &chat_request("hi"));
    assert_eq!(out.unwrap_err().status, FASTGPT_ERR_CANCELLED);
    assert_eq!(mock.request_count("after-parent"), before);
    // Deriving from a derived client of a freed parent still works, and is cancelled too.
    let late = derive(&derived, None).unwrap();
    assert_eq!(call(fastgpt_get_chat_histories, &late, &histories()).unwrap_err().status, FASTGPT_ERR_CANCELLED);
    drop((derived, grandchild, late));
}

#[test]
fn freeing_the_derived_client_first_cancels_only_its_own_calls() {
    let mock = mock();
    let parent = Client::for_mock(&mock, json!({"headers": {"x-mock-fault": "slow_first_byte=600"}}));
    let derived = derive(&parent, None).unwrap();
    let sibling = derive(&parent, None).unwrap();
    let on_parent = start_async(&parent);
    let on_derived = start_async(&derived);
    let on_sibling = start_async(&sibling);
    // A blocking stream through the derived client on another thread, cancelled by the free too.
    let derived_raw = derived.raw() as usize;
    let streamer = std::thread::spawn(move || {
        let request = CString::new(chat_request("hi").to_string()).unwrap();
        let mut resp = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let st = unsafe {
            fastgpt_stream_chat_completion(
                derived_raw as *const fastgpt_client,
                request.as_ptr(),
                std::ptr::null(),
                None,
                std::ptr::null_mut(),
                &mut resp,
                &mut err,
            )
        };
        fastgpt_error_free(err);
        fastgpt_response_free(resp);
        st
    });
    std::thread::sleep(Duration::from_millis(100));
    drop(derived);
    let events = on_derived.wait_complete(Duration::from_secs(5));
    assert_eq!(outcome(&events).unwrap_err().status, FASTGPT_ERR_CANCELLED);
    assert_eq!(streamer.join().unwrap(), FASTGPT_ERR_CANCELLED);
    for c in [&on_parent, &on_sibling] {
        let events = c.wait_complete(Duration::from_secs(10));
        outcome(&events).expect("the parent's and a sibling's calls are untouched");
    }
    call(fastgpt_get_chat_histories, &parent, &histories()).expect("the parent still works");
}

#[test]
fn a_derived_client_outlives_its_parent_only_as_a_cancelled_scope_and_frees_cleanly() {
    // Many derived clients, freed in both orders, with and without calls: no leak or crash
    // (ASan/valgrind runs of the suite check the memory side).
    let mock = mock();
    for round in 0..20 {
        let parent = Client::for_mock(&mock, json!({}));
        let children: Vec<Client> = (0..5).map(|_| derive(&parent, Some(r#"{"max_retries": 0}"#)).unwrap()).collect();
        call(fastgpt_get_chat_histories, &children[round % 5], &histories()).unwrap();
        if round % 2 == 0 {
            drop(parent);
            drop(children);
        } else {
            drop(children);
            drop(parent);
        }
    }
}

/// The cost of one `fastgpt_client_with` + `fastgpt_client_free`, printed, and checked only
/// against a `fastgpt_client_new` + `fastgpt_client_free` measured alongside (the machine is
/// shared, so no absolute bound): deriving must be cheaper than building a client (its HTTP client,
/// connector and TLS configuration; since the system's roots are read at the first https handshake,
/// not here, a new client costs tens of microseconds, no longer milliseconds).
/// `cargo test --release --test client_with -- --nocapture derive_cost` gives the README's number.
#[test]
fn derive_cost() {
    let config = CString::new(r#"{"base_url": "http://127.0.0.1:9", "headers": {"x-app": "a"}}"#).unwrap();
    let new_ns = {
        let n = 20;
        let start = Instant::now();
        for _ in 0..n {
            let mut out = std::ptr::null_mut();
            assert_eq!(fastgpt_client_new(config.as_ptr(), &mut out, std::ptr::null_mut()), FASTGPT_OK);
            fastgpt_client_free(out);
        }
        start.elapsed().as_nanos() / n
    };
    println!("fastgpt_client_new + fastgpt_client_free: {new_ns} ns");
    let parent = Client::new(config.to_str().unwrap()).unwrap();
    let cases = [
        ("NULL", None),
        ("{}", Some(CString::new("{}").unwrap())),
        (
            "timeout+retries+2 headers",
            Some(
                CString::new(
                    r#"{"timeout_ms": 5000, "max_retries": 1, "headers": {"x-tenant": "t-42", "x-request-id": "r-1"}}"#,
                )
                .unwrap(),
            ),
        ),
    ];
    for (what, overrides) in &cases {
        let ptr = overrides.as_ref().map_or(std::ptr::null(), |o| o.as_ptr());
        let once = || {
            let mut out = std::ptr::null_mut();
            assert_eq!(fastgpt_client_with(parent.raw(), ptr, &mut out, std::ptr::null_mut()), FASTGPT_OK);
            fastgpt_client_free(out);
        };
        for _ in 0..1000 {
            once();
        }
        let n = 20_000;
        let start = Instant::now();
        for _ in 0..n {
            once();
        }
        let per = start.elapsed().as_nanos() / n;
        println!("fastgpt_client_with({what}) + fastgpt_client_free: {per} ns");
        assert!(per * 2 < new_ns, "{what}: {per} ns is not much cheaper than a new client ({new_ns} ns)");
    }
}
