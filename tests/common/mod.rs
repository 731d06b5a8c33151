//! Test support: drive the C ABI from Rust exactly as a C program would, against an in-process
//! `fastgpt-mock`. Each test file includes this module.
#![allow(dead_code)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

pub use fastgpt::endpoints::Field;
pub use fastgpt::ffi::cancel::*;
pub use fastgpt::ffi::client::*;
pub use fastgpt::ffi::endpoints::*;
pub use fastgpt::ffi::error::*;
pub use fastgpt::ffi::event::*;
#[allow(unused_imports)] // used by the tests that pause and resume
pub use fastgpt::ffi::operation::*;
#[allow(unused_imports)] // not every test file calls these
pub use fastgpt::ffi::request::*;
pub use fastgpt::ffi::response::*;
pub use fastgpt::ffi::status::*;
#[allow(unused_imports)]
pub use fastgpt::ffi::upload::*;
#[allow(unused_imports)]
pub use fastgpt_mock::{MockConfig, MockServer, APP_ID, DEFAULT_KEY};
pub use serde_json::{json, Value};

pub fn mock() -> MockServer {
    fastgpt_mock::spawn(MockConfig::default()).expect("mock starts")
}

pub fn mock_with(config: MockConfig) -> MockServer {
    fastgpt_mock::spawn(config).expect("mock starts")
}

/// An owned `fastgpt_client *`.
pub struct Client(pub *mut fastgpt_client);

// SAFETY: the C ABI makes clients usable from any thread.
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    /// A client for `mock` with the mock's key, plus extra config keys.
    pub fn for_mock(mock: &MockServer, extra: Value) -> Client {
        let mut config = json!({"base_url": mock.base_url(), "api_key": DEFAULT_KEY});
        for (k, v) in extra.as_object().expect("object") {
            config[k] = v.clone();
        }
        Client::new(&config.to_string()).expect("client")
    }

    pub fn new(config: &str) -> Result<Client, Failure> {
        let config = CString::new(config).unwrap();
        let mut client = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        let status = fastgpt_client_new(config.as_ptr(), &mut client, &mut err);
        if status == FASTGPT_OK {
            assert!(err.is_null());
            Ok(Client(client))
        } else {
            assert!(client.is_null(), "outputs are written only on success");
            Err(Failure::take(status, err))
        }
    }

    pub fn raw(&self) -> *const fastgpt_client {
        self.0
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        fastgpt_client_free(self.0);
    }
}

/// A failed call, copied out of its `fastgpt_error`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: i32,
    pub code: i32,
    pub message: String,
    pub http_status: i32,
    pub api_code: i64,
    pub body: Option<Vec<u8>>,
    /// The headers of the answer that caused it (names lower case), as `fastgpt_error_header_at`
    /// walks them.
    pub headers: Vec<(String, String)>,
}

impl Failure {
    /// The first value of header `name` (lower case), if the error came with it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Copies and frees `err`.
    pub fn take(status: i32, err: *mut fastgpt_error) -> Failure {
        assert!(!err.is_null(), "a failure (status {status}) comes with an error object");
        let f = Failure::read(status, err);
        fastgpt_error_free(err);
        f
    }

    pub fn read(status: i32, err: *const fastgpt_error) -> Failure {
        let mut len = 0usize;
        let body = fastgpt_error_body(err, &mut len);
        let body = (!body.is_null()).then(|| unsafe { std::slice::from_raw_parts(body.cast::<u8>(), len) }.to_vec());
        let text = |p: *const c_char| unsafe { CStr::from_ptr(p) }.to_str().expect("UTF-8").to_owned();
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let mut name = std::ptr::null();
            let value = fastgpt_error_header_at(err, headers.len(), &mut name);
            if value.is_null() {
                assert!(name.is_null(), "no name past the last header");
                break;
            }
            headers.push((text(name), text(value)));
        }
        // The lookup by name agrees with the walk, whatever the case of the name asked for.
        for (name, _) in &headers {
            let first = &headers.iter().find(|(n, _)| n == name).expect("there").1;
            let upper = std::ffi::CString::new(name.to_ascii_uppercase()).unwrap();
            assert_eq!(&text(fastgpt_error_header(err, upper.as_ptr())), first, "fastgpt_error_header({name})");
        }
        assert!(fastgpt_error_header(err, c"x-not-sent-by-anyone".as_ptr()).is_null());
        Failure {
            status,
            code: fastgpt_error_code(err),
            message: unsafe { CStr::from_ptr(fastgpt_error_message(err)) }.to_string_lossy().into_owned(),
            http_status: fastgpt_error_http_status(err),
            api_code: fastgpt_error_api_code(err),
            body,
            headers,
        }
    }
}

/// A successful call's response, copied out.
#[derive(Debug, Clone)]
pub struct Reply {
    pub http_status: i32,
    pub body: String,
    pub data: String,
    pub content_type: Option<String>,
}

impl Reply {
    pub fn read(resp: *const fastgpt_response) -> Reply {
        let text = |ptr: *const c_char, len: usize| {
            assert!(!ptr.is_null());
            assert_eq!(unsafe { *ptr.add(len) }, 0, "NUL-terminated");
            String::from_utf8(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }.to_vec()).unwrap()
        };
        let mut len = 0;
        let body = text(fastgpt_response_body(resp, &mut len), len);
        let data = text(fastgpt_response_data(resp, &mut len), len);
        let ct = fastgpt_response_header(resp, c"Content-Type".as_ptr());
        Reply {
            http_status: fastgpt_response_status(resp),
            body,
            data,
            content_type: (!ct.is_null()).then(|| unsafe { CStr::from_ptr(ct) }.to_string_lossy().into_owned()),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).expect("data is JSON")
    }
}

pub type Blocking = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;

pub type Async = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_error,
) -> fastgpt_status;

pub fn call(f: Blocking, client: &Client, request: &Value) -> Result<Reply, Failure> {
    call_with(f, client, &request.to_string(), std::ptr::null())
}

pub fn call_with(f: Blocking, client: &Client, request: &str, cancel: *const fastgpt_cancel) -> Result<Reply, Failure> {
    let request = CString::new(request).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status = unsafe { f(client.raw(), request.as_ptr(), cancel, &mut resp, &mut err) };
    if status == FASTGPT_OK {
        assert!(err.is_null());
        let reply = Reply::read(resp);
        fastgpt_response_free(resp);
        Ok(reply)
    } else {
        assert!(resp.is_null(), "outputs are written only on success");
        Err(Failure::take(status, err))
    }
}

/// One event as the callback saw it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: u32,
    pub name: String,
    pub data: Vec<u8>,
    pub text: Option<String>,
    pub reasoning: Option<String>,
    pub status: i32,
    pub error: Option<Failure>,
    pub reply: Option<Reply>,
    pub thread: std::thread::ThreadId,
    /// UPLOAD_PROGRESS: (bytes sent, file size).
    pub upload: (u64, u64),
}

impl Event {
    pub fn data_str(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// Collects events; `abort_after` makes the callback return non-zero after that many events.
#[derive(Default)]
pub struct Collector {
    pub events: Mutex<Vec<Event>>,
    pub done: Condvar,
    pub abort_after: Option<usize>,
    pub delay_per_event: Option<Duration>,
}

impl Collector {
    pub fn completes(&self) -> usize {
        self.events.lock().unwrap().iter().filter(|e| e.kind == FASTGPT_EVENT_COMPLETE).count()
    }

    /// Waits for COMPLETE (at most `limit`), then a moment more to catch anything after it.
    pub fn wait_complete(&self, limit: Duration) -> Vec<Event> {
        let guard = self.events.lock().unwrap();
        let (guard, timeout) = self
            .done
            .wait_timeout_while(guard, limit, |evs| !evs.iter().any(|e| e.kind == FASTGPT_EVENT_COMPLETE))
            .unwrap();
        assert!(!timeout.timed_out(), "no COMPLETE within {limit:?}");
        drop(guard);
        std::thread::sleep(Duration::from_millis(30));
        let events = self.events.lock().unwrap().clone();
        assert_eq!(events.iter().filter(|e| e.kind == FASTGPT_EVENT_COMPLETE).count(), 1, "exactly one COMPLETE");
        assert_eq!(events.last().unwrap().kind, FASTGPT_EVENT_COMPLETE, "COMPLETE is last");
        events
    }
}

fn copy(ptr: *const c_char, len: usize) -> Vec<u8> {
    if ptr.is_null() {
        return Vec::new();
    }
    assert_eq!(unsafe { *ptr.add(len) }, 0, "event strings are NUL-terminated");
    unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }.to_vec()
}

pub unsafe extern "C" fn collect(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    let collector = &*(userdata as *const Collector);
    let ev = &*event;
    let text = |p: *const c_char, n| (!p.is_null()).then(|| String::from_utf8(copy(p, n)).expect("text is UTF-8"));
    let record = Event {
        kind: ev.kind,
        name: String::from_utf8(copy(ev.name, ev.name_len)).unwrap(),
        data: copy(ev.data, ev.data_len),
        text: text(ev.text, ev.text_len),
        reasoning: text(ev.reasoning, ev.reasoning_len),
        status: ev.status,
        error: (!ev.error.is_null()).then(|| Failure::read(ev.status, ev.error)),
        reply: (!ev.response.is_null()).then(|| Reply::read(ev.response)),
        thread: std::thread::current().id(),
        upload: (ev.upload_sent, ev.upload_total),
    };
    if let Some(d) = collector.delay_per_event {
        std::thread::sleep(d);
    }
    let mut events = collector.events.lock().unwrap();
    events.push(record);
    let n = events.len();
    collector.done.notify_all();
    match collector.abort_after {
        Some(limit) if n >= limit => 1,
        _ => 0,
    }
}

/// The userdata pointer for a collector. The library's reference is kept for the whole test
/// process on purpose (so even a buggy second COMPLETE could not touch freed memory) and recorded
/// in a static list, so LeakSanitizer sees it as reachable rather than leaked.
pub fn userdata(c: &Arc<Collector>) -> *mut c_void {
    static KEPT: Mutex<Vec<Arc<Collector>>> = Mutex::new(Vec::new());
    KEPT.lock().unwrap_or_else(|p| p.into_inner()).push(Arc::clone(c));
    Arc::as_ptr(c) as *mut c_void
}

/// Final outcome from a list of events ending with COMPLETE.
pub fn outcome(events: &[Event]) -> Result<Reply, Failure> {
    let last = events.last().expect("events");
    assert_eq!(last.kind, FASTGPT_EVENT_COMPLETE);
    if last.status == FASTGPT_OK {
        assert!(last.error.is_none());
        Ok(last.reply.clone().expect("COMPLETE on success carries the response"))
    } else {
        assert!(last.reply.is_none());
        Err(last.error.clone().expect("COMPLETE on failure carries the error"))
    }
}

pub fn call_async(f: Async, client: &Client, request: &Value) -> (Vec<Event>, Result<Reply, Failure>) {
    let collector = Arc::new(Collector::default());
    let request = CString::new(request.to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let status =
        unsafe { f(client.raw(), request.as_ptr(), std::ptr::null(), Some(collect), userdata(&collector), &mut err) };
    if status != FASTGPT_OK {
        std::thread::sleep(Duration::from_millis(50));
        assert!(collector.events.lock().unwrap().is_empty(), "a failed start makes no callback");
        return (Vec::new(), Err(Failure::take(status, err)));
    }
    let events = collector.wait_complete(Duration::from_secs(30));
    let out = outcome(&events);
    (events, out)
}

/// A blocking stream: events on this thread, then the accumulated response.
pub fn stream(client: &Client, request: &Value) -> (Vec<Event>, Result<Reply, Failure>) {
    stream_with(client, request, Arc::new(Collector::default()), std::ptr::null())
}

pub fn stream_with(
    client: &Client,
    request: &Value,
    collector: Arc<Collector>,
    cancel: *const fastgpt_cancel,
) -> (Vec<Event>, Result<Reply, Failure>) {
    stream_via(fastgpt_stream_chat_completion, client, request, collector, cancel)
}

/// A blocking stream function (v1 or v2).
pub type StreamFn = unsafe extern "C" fn(
    *const fastgpt_client,
    *const c_char,
    *const fastgpt_cancel,
    fastgpt_event_cb,
    *mut c_void,
    *mut *mut fastgpt_response,
    *mut *mut fastgpt_error,
) -> fastgpt_status;

/// A blocking stream through `f`: events on this thread, then the accumulated response.
pub fn stream_via(
    f: StreamFn,
    client: &Client,
    request: &Value,
    collector: Arc<Collector>,
    cancel: *const fastgpt_cancel,
) -> (Vec<Event>, Result<Reply, Failure>) {
    let request = CString::new(request.to_string()).unwrap();
    let mut resp = std::ptr::null_mut();
    let mut err = std::ptr::null_mut();
    let status =
        unsafe { f(client.raw(), request.as_ptr(), cancel, Some(collect), userdata(&collector), &mut resp, &mut err) };
    let events = collector.events.lock().unwrap().clone();
    assert!(events.iter().all(|e| e.kind != FASTGPT_EVENT_COMPLETE), "a blocking stream delivers no COMPLETE");
    assert!(
        events.iter().all(|e| e.thread == std::thread::current().id()),
        "blocking stream calls back on the caller's thread"
    );
    if status == FASTGPT_OK {
        let reply = Reply::read(resp);
        fastgpt_response_free(resp);
        (events, Ok(reply))
    } else {
        assert!(resp.is_null());
        (events, Err(Failure::take(status, err)))
    }
}

/// Starts an async stream delivering to `collector`; the start must succeed.
pub fn start_stream_async(client: &Client, request: &Value, collector: &Arc<Collector>) {
    let request = CString::new(request.to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let st = unsafe {
        fastgpt_stream_chat_completion_async(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(collector),
            &mut err,
        )
    };
    if st != FASTGPT_OK {
        panic!("stream start failed: {:?}", Failure::take(st, err));
    }
}

pub fn stream_async(client: &Client, request: &Value) -> (Vec<Event>, Result<Reply, Failure>) {
    let collector = Arc::new(Collector::default());
    let request = CString::new(request.to_string()).unwrap();
    let mut err = std::ptr::null_mut();
    let status = unsafe {
        fastgpt_stream_chat_completion_async(
            client.raw(),
            request.as_ptr(),
            std::ptr::null(),
            Some(collect),
            userdata(&collector),
            &mut err,
        )
    };
    if status != FASTGPT_OK {
        return (Vec::new(), Err(Failure::take(status, err)));
    }
    let events = collector.wait_complete(Duration::from_secs(30));
    assert!(events.iter().all(|e| e.thread != std::thread::current().id()), "async callbacks run on library threads");
    let out = outcome(&events);
    (events, out)
}

/// The text of the events, concatenated.
pub fn text_of(events: &[Event]) -> String {
    events.iter().filter_map(|e| e.text.clone()).collect()
}

pub fn chat_request(question: &str) -> Value {
    json!({"messages": [{"role": "user", "content": question}]})
}

/// What the mock received (`GET /mock/uploads`, a test-only route outside `/api/`).
pub fn uploads(mock: &MockServer) -> Vec<Value> {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(mock.addr()).unwrap();
    write!(conn, "GET /mock/uploads HTTP/1.1\r\nHost: mock\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    conn.read_to_string(&mut raw).unwrap();
    let body = &raw[raw.find("\r\n\r\n").expect("headers end") + 4..];
    // The mock answers with Content-Length (no chunking), so the rest is the JSON.
    serde_json::from_str::<Value>(body).unwrap_or_else(|e| panic!("{e}: {body}"))["uploads"].as_array().unwrap().clone()
}

/// A valid value for `field` (the first alternative of an `AnyOf`): (name, value).
pub fn valid_value(field: &Field) -> (&'static str, Value) {
    let value = match *field {
        Field::Str("appId") => json!(APP_ID),
        Field::Str("dateStart") => json!("2024-01-01T00:00:00.000Z"),
        Field::Str("dateEnd") => json!("2024-02-01T00:00:00.000Z"),
        Field::Str(_) => json!("x1"),
        Field::Array("messages") => json!([{"role": "user", "content": "hi"}]),
        Field::Array(_) | Field::ArrayMax(..) => json!([{"q": "x1"}]),
        Field::OneOf(_, values) => json!(values[0]),
        Field::AnyOf(alternatives) => return valid_value(&alternatives[0]),
    };
    (field.name(), value)
}

/// A request with every required field of an endpoint valid.
pub fn valid_request(required: &[Field]) -> serde_json::Map<String, Value> {
    required.iter().map(valid_value).map(|(k, v)| (k.to_string(), v)).collect()
}
