//! Bad input through the C ABI, for every exported function: the function list and each
//! function's parameters are read from include/fastgpt.h, so a new function (or a new parameter)
//! cannot be skipped — the test fails until the table below knows how to call it.
//!
//! For each function and each pointer parameter: that pointer NULL, the others valid. For each
//! string parameter: invalid UTF-8, invalid JSON, JSON that is not an object, missing required
//! fields (each one in turn, names read from the header docs), wrong field types. Every case must
//! give its documented status and a non-empty message (never a crash), leave the outputs
//! untouched, make no callback when the start fails, and reject before any I/O: the client points
//! at a closed port with `max_retries: 0`, so a request that reached the network would give
//! FASTGPT_ERR_CONNECT instead.

mod common;

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void, CStr, CString};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use common::*;
use fastgpt::endpoints::Endpoint;
use fastgpt::ffi::log::*;

/// One prototype of the header.
#[derive(Debug, Clone)]
struct Proto {
    ret: String,
    name: String,
    params: Vec<(String, String)>,
    docs: String,
}

fn header_prototypes() -> Vec<Proto> {
    let h = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/fastgpt.h")).unwrap();
    let start = h.find("extern \"C\" {").expect("extern \"C\" block");
    let end = h[start..].find("#ifdef __cplusplus\n}").expect("end of extern \"C\"") + start;
    let block = &h[start..end];
    let block = &block[block.find('\n').unwrap() + 1..];
    let mut protos = Vec::new();
    let mut docs = String::new();
    let mut decl = String::new();
    for line in block.lines() {
        let t = line.trim();
        if let Some(c) = t.strip_prefix("//") {
            docs.push_str(c);
            docs.push('\n');
            continue;
        }
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        decl.push_str(t);
        decl.push(' ');
        if !t.ends_with(';') {
            continue;
        }
        let (decl, docs) = (std::mem::take(&mut decl), std::mem::take(&mut docs));
        let Some(open) = decl.find('(') else { continue };
        let head = decl[..open].trim();
        let name_at = head.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
        let name = head[name_at..].to_string();
        let ret = head[..name_at].trim().to_string();
        let inner = decl[open + 1..decl.rfind(')').unwrap()].trim();
        let params = if inner == "void" || inner.is_empty() {
            Vec::new()
        } else {
            inner
                .split(',')
                .map(|p| {
                    let p = p.trim();
                    let at = p.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap() + 1;
                    (p[..at].trim().to_string(), p[at..].to_string())
                })
                .collect()
        };
        protos.push(Proto { ret, name, params, docs });
    }
    protos
}

/// What a call returned, whatever its C return type.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ret {
    Unit,
    Num(i64),
    Ptr(usize),
}

trait IntoRet {
    fn into_ret(self) -> Ret;
}
impl IntoRet for () {
    fn into_ret(self) -> Ret {
        Ret::Unit
    }
}
impl IntoRet for i32 {
    fn into_ret(self) -> Ret {
        Ret::Num(self.into())
    }
}
impl IntoRet for u32 {
    fn into_ret(self) -> Ret {
        Ret::Num(self.into())
    }
}
impl IntoRet for i64 {
    fn into_ret(self) -> Ret {
        Ret::Num(self)
    }
}
impl IntoRet for bool {
    fn into_ret(self) -> Ret {
        Ret::Num(self.into())
    }
}
impl<T> IntoRet for *const T {
    fn into_ret(self) -> Ret {
        Ret::Ptr(self as usize)
    }
}
impl<T> IntoRet for *mut T {
    fn into_ret(self) -> Ret {
        Ret::Ptr(self as usize)
    }
}

/// A dangling marker stored in output slots: a function that fails must leave it there.
const SENTINEL: usize = 0x5e17;

/// Every argument any exported function takes, by its name in the header. Each field holds a
/// valid value; the walker replaces one at a time with NULL or bad input.
struct Args {
    config_json: *const c_char,
    out_client: *mut *mut fastgpt_client,
    client: *mut fastgpt_client,
    resp: *mut fastgpt_response,
    len: *mut usize,
    name: *const c_char,
    err: *mut fastgpt_error,
    status: i32,
    cancel: *mut fastgpt_cancel,
    request_json: *const c_char,
    method: *const c_char,
    path: *const c_char,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    file_path: *const c_char,
    file_name: *const c_char,
    data: *const u8,
    data_len: usize,
    op: *mut fastgpt_operation,
    parent: *mut fastgpt_client,
    overrides_json: *const c_char,
    level: i32,
    log_cb: fastgpt_log_cb,
    free_userdata: fastgpt_free_cb,
    index: usize,
    out_name: *mut *const c_char,
}

type Call = Box<dyn Fn(&Args) -> Ret>;

/// `entry!(f(a, b, c))` → ("f", ["a", "b", "c"], a closure calling f with those fields of Args).
macro_rules! entry {
    ($f:ident ( $($p:ident),* )) => {
        (
            stringify!($f),
            vec![$(stringify!($p)),*],
            Box::new(|_a: &Args| {
                #[allow(unused_unsafe)]
                unsafe { $f($(_a.$p as _),*) }.into_ret()
            }) as Call,
        )
    };
}

fn table() -> BTreeMap<String, (Vec<&'static str>, Call)> {
    let entries = vec![
        entry!(fastgpt_version()),
        entry!(fastgpt_abi_version()),
        entry!(fastgpt_status_str(status)),
        entry!(fastgpt_client_new(config_json, out_client, out_err)),
        entry!(fastgpt_client_free(client)),
        entry!(fastgpt_client_with(parent, overrides_json, out_client, out_err)),
        entry!(fastgpt_client_set_log_callback(client, level, log_cb, userdata, free_userdata, out_err)),
        entry!(fastgpt_response_status(resp)),
        entry!(fastgpt_response_body(resp, len)),
        entry!(fastgpt_response_data(resp, len)),
        entry!(fastgpt_response_header(resp, name)),
        entry!(fastgpt_response_free(resp)),
        entry!(fastgpt_error_code(err)),
        entry!(fastgpt_error_message(err)),
        entry!(fastgpt_error_http_status(err)),
        entry!(fastgpt_error_api_code(err)),
        entry!(fastgpt_error_body(err, len)),
        entry!(fastgpt_error_header(err, name)),
        entry!(fastgpt_error_header_at(err, index, out_name)),
        entry!(fastgpt_error_free(err)),
        entry!(fastgpt_cancel_new()),
        entry!(fastgpt_cancel_trigger(cancel)),
        entry!(fastgpt_cancel_is_triggered(cancel)),
        entry!(fastgpt_cancel_free(cancel)),
        entry!(fastgpt_operation_retain(op)),
        entry!(fastgpt_operation_resume(op, out_err)),
        entry!(fastgpt_operation_free(op)),
        entry!(fastgpt_create_file_collection(
            client,
            file_path,
            request_json,
            cancel,
            cb,
            userdata,
            out_response,
            out_err
        )),
        entry!(fastgpt_create_file_collection_async(client, file_path, request_json, cancel, cb, userdata, out_err)),
        entry!(fastgpt_create_file_collection_from_buffer(
            client,
            file_name,
            data,
            data_len,
            request_json,
            cancel,
            cb,
            userdata,
            out_response,
            out_err
        )),
        entry!(fastgpt_create_file_collection_from_buffer_async(
            client,
            file_name,
            data,
            data_len,
            request_json,
            cancel,
            cb,
            userdata,
            out_err
        )),
        entry!(fastgpt_request(client, method, path, request_json, cancel, out_response, out_err)),
        entry!(fastgpt_request_async(client, method, path, request_json, cancel, cb, userdata, out_err)),
    ];
    let mut map = BTreeMap::new();
    for (name, params, call) in entries {
        assert!(map.insert(name.to_string(), (params, call)).is_none(), "{name} twice in the table");
    }
    // The generated endpoint functions, from the table's registry: nothing to add by hand.
    use fastgpt::ffi::endpoint_registry::{STREAMS, UNARY};
    let unary = vec!["client", "request_json", "cancel", "out_response", "out_err"];
    let unary_async = vec!["client", "request_json", "cancel", "cb", "userdata", "out_err"];
    let stream = vec!["client", "request_json", "cancel", "cb", "userdata", "out_response", "out_err"];
    for &(name, blocking, start) in UNARY {
        let call: Call = Box::new(move |a: &Args| {
            unsafe { blocking(a.client, a.request_json, a.cancel, a.out_response, a.out_err) }.into_ret()
        });
        map.insert(format!("fastgpt_{name}"), (unary.clone(), call));
        let call: Call = Box::new(move |a: &Args| {
            unsafe { start(a.client, a.request_json, a.cancel, a.cb, a.userdata, a.out_err) }.into_ret()
        });
        map.insert(format!("fastgpt_{name}_async"), (unary_async.clone(), call));
    }
    for &(name, blocking, start) in STREAMS {
        let call: Call = Box::new(move |a: &Args| {
            unsafe { blocking(a.client, a.request_json, a.cancel, a.cb, a.userdata, a.out_response, a.out_err) }
                .into_ret()
        });
        map.insert(format!("fastgpt_{name}"), (stream.clone(), call));
        let call: Call = Box::new(move |a: &Args| {
            unsafe { start(a.client, a.request_json, a.cancel, a.cb, a.userdata, a.out_err) }.into_ret()
        });
        map.insert(format!("fastgpt_{name}_async"), (unary_async.clone(), call));
    }
    map
}

/// Events delivered with a NULL userdata (the library must pass it through untouched).
static NULL_USERDATA_EVENTS: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn walker_cb(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    if userdata.is_null() {
        NULL_USERDATA_EVENTS.fetch_add(1, Ordering::SeqCst);
        return 0;
    }
    collect(userdata, event)
}

/// A callback that keeps the operation handle of its COMPLETE (a real, ended operation's handle).
unsafe extern "C" fn keep_operation(userdata: *mut c_void, event: *const fastgpt_event) -> i32 {
    let slot = &*(userdata as *const (Mutex<*mut fastgpt_operation>, Condvar));
    let mut op = slot.0.lock().unwrap();
    *op = fastgpt_operation_retain((*event).operation);
    slot.1.notify_all();
    0
}

/// A live `fastgpt_operation *` reference (of an async call to the mock, which has ended).
fn real_operation(client: &Client) -> *mut fastgpt_operation {
    let slot = Box::new((Mutex::new(std::ptr::null_mut::<fastgpt_operation>()), Condvar::new()));
    let req = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
    let ud = &*slot as *const _ as *mut c_void;
    let st = unsafe {
        fastgpt_get_chat_histories_async(
            client.raw(),
            req.as_ptr(),
            std::ptr::null(),
            Some(keep_operation),
            ud,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(st, FASTGPT_OK);
    let guard = slot.1.wait_while(slot.0.lock().unwrap(), |op| op.is_null()).unwrap();
    let op = *guard;
    drop(guard);
    // After COMPLETE the library never touches userdata again: the slot may go.
    std::thread::sleep(Duration::from_millis(20));
    op
}

/// Log lines delivered to the walker's log callback, and userdata releases.
static LOG_LINES: AtomicUsize = AtomicUsize::new(0);
static LOG_FREES: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn walker_log_cb(_userdata: *mut c_void, level: i32, message: *const c_char) {
    assert!((FASTGPT_LOG_ERROR..=FASTGPT_LOG_TRACE).contains(&level));
    assert!(!CStr::from_ptr(message).to_bytes().is_empty());
    LOG_LINES.fetch_add(1, Ordering::SeqCst);
}

unsafe extern "C" fn walker_free(_userdata: *mut c_void) {
    LOG_FREES.fetch_add(1, Ordering::SeqCst);
}

/// The world a call runs in: a client whose server port is closed, a real response and error.
struct World {
    /// A small file for the upload functions.
    upload_file: std::path::PathBuf,
    closed_config: CString,
    closed_client: Client,
    mock_client: Client,
    _mock: MockServer,
}

impl World {
    fn new() -> World {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let closed_config = CString::new(
            json!({"base_url": format!("http://127.0.0.1:{port}"), "api_key": "fastgpt-walker",
                   "max_retries": 0, "connect_timeout_ms": 3000, "timeout_ms": 5000})
            .to_string(),
        )
        .unwrap();
        let mock = mock();
        let closed_client = Client::new(closed_config.to_str().unwrap()).unwrap();
        let upload_file = std::env::temp_dir().join(format!("fastgpt-walk-{}.txt", std::process::id()));
        std::fs::write(&upload_file, b"a small file to upload").unwrap();
        World {
            upload_file,
            closed_config,
            closed_client,
            mock_client: Client::for_mock(&mock, json!({})),
            _mock: mock,
        }
    }
}

/// The objects and buffers behind one set of [`Args`]; frees what it owns.
struct Owned {
    args: Args,
    strings: Vec<CString>,
    out_client: Box<*mut fastgpt_client>,
    out_response: Box<*mut fastgpt_response>,
    out_err: Box<*mut fastgpt_error>,
    len: Box<usize>,
    out_name: Box<*const c_char>,
    collector: Arc<Collector>,
    /// Objects a *_free call took over.
    consumed: Vec<&'static str>,
    orig: Origs,
    orig_op: *mut fastgpt_operation,
}

type Origs = (*mut fastgpt_client, *mut fastgpt_response, *mut fastgpt_error, *mut fastgpt_cancel);

impl Owned {
    fn new(world: &World, proto: &Proto) -> Owned {
        // Only what the function takes is built (building a client costs a TLS setup).
        let takes = |name: &str| proto.params.iter().any(|(_, n)| n == name);
        let mut e = std::ptr::null_mut();
        let mut client = std::ptr::null_mut();
        // One shared client (each costs ~20 ms in a debug build), a fresh one to free.
        let own_client = proto.name == "fastgpt_client_free";
        if own_client {
            assert_eq!(fastgpt_client_new(world.closed_config.as_ptr(), &mut client, &mut e), FASTGPT_OK);
        } else if takes("client") {
            client = world.closed_client.0;
        }
        let parent = if takes("parent") { world.closed_client.0 } else { std::ptr::null_mut() };
        // A real response (from the mock) and a real error (from bad config).
        let mut resp = std::ptr::null_mut();
        if takes("resp") {
            let req = CString::new(json!({"appId": APP_ID}).to_string()).unwrap();
            let st = unsafe {
                fastgpt_get_chat_histories(world.mock_client.raw(), req.as_ptr(), std::ptr::null(), &mut resp, &mut e)
            };
            assert_eq!(st, FASTGPT_OK);
        }
        let op = if takes("op") { real_operation(&world.mock_client) } else { std::ptr::null_mut() };
        let mut err = std::ptr::null_mut();
        if takes("err") {
            let mut unused = std::ptr::null_mut();
            assert_eq!(fastgpt_client_new(c"[]".as_ptr(), &mut unused, &mut err), FASTGPT_ERR_INVALID_JSON);
        }

        let request = valid_request(&required_fields(proto));
        let strings = vec![
            CString::new("{}").unwrap(),
            CString::new(Value::Object(request).to_string()).unwrap(),
            CString::new("GET").unwrap(),
            CString::new("/api/core/chat/init").unwrap(),
            CString::new("content-type").unwrap(),
            CString::new(world.upload_file.to_str().unwrap()).unwrap(),
            CString::new("notes.txt").unwrap(),
            CString::new(r#"{"timeout_ms": 1000, "headers": {"x-tenant": "t"}}"#).unwrap(),
        ];
        let collector = Arc::new(Collector::default());
        let mut out_client = Box::new(SENTINEL as *mut fastgpt_client);
        let mut out_response = Box::new(SENTINEL as *mut fastgpt_response);
        let mut out_err = Box::new(std::ptr::null_mut());
        let mut len = Box::new(usize::MAX);
        let mut out_name = Box::new(SENTINEL as *const c_char);
        let args = Args {
            config_json: strings[0].as_ptr(),
            out_client: &mut *out_client,
            client,
            resp,
            len: &mut *len,
            name: strings[4].as_ptr(),
            err,
            status: FASTGPT_ERR_CONNECT,
            cancel: fastgpt_cancel_new(),
            request_json: strings[1].as_ptr(),
            method: strings[2].as_ptr(),
            path: strings[3].as_ptr(),
            out_response: &mut *out_response,
            out_err: &mut *out_err,
            cb: Some(walker_cb),
            userdata: userdata(&collector),
            file_path: strings[5].as_ptr(),
            file_name: strings[6].as_ptr(),
            data: b"file content".as_ptr(),
            data_len: 12,
            op,
            parent,
            overrides_json: strings[7].as_ptr(),
            level: FASTGPT_LOG_DEBUG,
            log_cb: Some(walker_log_cb),
            free_userdata: Some(walker_free),
            index: 0,
            out_name: &mut *out_name,
        };
        let orig = (if own_client { args.client } else { std::ptr::null_mut() }, args.resp, args.err, args.cancel);
        Owned {
            args,
            strings,
            out_client,
            out_response,
            out_err,
            len,
            out_name,
            collector,
            consumed: Vec::new(),
            orig,
            orig_op: op,
        }
    }

    fn set_str(&mut self, param: &str, value: Option<&[u8]>) {
        let ptr = match value {
            None => std::ptr::null(),
            Some(bytes) => {
                self.strings.push(CString::new(bytes).unwrap());
                self.strings.last().unwrap().as_ptr()
            }
        };
        match param {
            "config_json" => self.args.config_json = ptr,
            "request_json" => self.args.request_json = ptr,
            "method" => self.args.method = ptr,
            "path" => self.args.path = ptr,
            "name" => self.args.name = ptr,
            "file_path" => self.args.file_path = ptr,
            "file_name" => self.args.file_name = ptr,
            "overrides_json" => self.args.overrides_json = ptr,
            other => panic!("{other} is not a string parameter this walker knows"),
        }
    }

    fn set_null(&mut self, param: &str) {
        let a = &mut self.args;
        match param {
            "out_client" => a.out_client = std::ptr::null_mut(),
            "client" => a.client = std::ptr::null_mut(),
            "resp" => a.resp = std::ptr::null_mut(),
            "len" => a.len = std::ptr::null_mut(),
            "err" => a.err = std::ptr::null_mut(),
            "cancel" => a.cancel = std::ptr::null_mut(),
            "out_response" => a.out_response = std::ptr::null_mut(),
            "out_err" => a.out_err = std::ptr::null_mut(),
            "cb" => a.cb = None,
            "userdata" => a.userdata = std::ptr::null_mut(),
            "data" => a.data = std::ptr::null(),
            "op" => a.op = std::ptr::null_mut(),
            "parent" => a.parent = std::ptr::null_mut(),
            "log_cb" => a.log_cb = None,
            "free_userdata" => a.free_userdata = None,
            "out_name" => a.out_name = std::ptr::null_mut(),
            s => self.set_str(s, None),
        }
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // The originals, whatever the args were changed to.
        let (client, resp, err, cancel) = self.orig;
        if !self.consumed.contains(&"client") {
            fastgpt_client_free(client);
        }
        if !self.consumed.contains(&"resp") {
            fastgpt_response_free(resp);
        }
        if !self.consumed.contains(&"err") {
            fastgpt_error_free(err);
        }
        if !self.consumed.contains(&"cancel") {
            fastgpt_cancel_free(cancel);
        }
        if !self.consumed.contains(&"op") {
            fastgpt_operation_free(self.orig_op);
        }
        if *self.out_client != SENTINEL as *mut _ {
            fastgpt_client_free(*self.out_client);
        }
        if *self.out_response != SENTINEL as *mut _ {
            fastgpt_response_free(*self.out_response);
        }
        fastgpt_error_free(*self.out_err);
    }
}

/// The endpoint a function calls (`fastgpt_<name>`, `_async`, `_from_buffer`), from the table.
fn endpoint_of(proto: &Proto) -> Option<&'static Endpoint> {
    let name = proto.name.strip_prefix("fastgpt_")?.trim_end_matches("_async").trim_end_matches("_from_buffer");
    fastgpt::endpoints::by_name(name)
}

/// The required request fields of a function: its endpoint's checks in the table.
fn required_fields(proto: &Proto) -> Vec<Field> {
    endpoint_of(proto).map(|e| e.required.to_vec()).unwrap_or_default()
}

/// What a case must produce.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// The call is valid and goes to the (closed) network: blocking → CONNECT, async → OK and
    /// exactly one COMPLETE carrying CONNECT.
    Io,
    /// Valid, no I/O: OK.
    Ok,
    /// Fails with this status before any I/O; async: no callback.
    Status(i32),
    /// A non-fallible function's documented result.
    Ret(Ret),
    /// A non-fallible function returning a non-NULL string.
    NonNullStr,
    /// Whatever the all-valid call gives (out_err NULL only drops the error object).
    SameAsValid,
}

struct Walk {
    cases: usize,
    null_userdata_calls: usize,
    pending: Vec<(String, Arc<Collector>, bool)>,
}

/// Returns a status and takes `out_err` last (`fastgpt_error_code` returns a status but is an
/// accessor).
fn is_fallible(p: &Proto) -> bool {
    p.ret == "fastgpt_status" && p.params.last().is_some_and(|(_, n)| n == "out_err")
}

fn is_async(p: &Proto) -> bool {
    p.params.iter().any(|(_, n)| n == "cb") && p.name.ends_with("_async")
}

fn does_io(p: &Proto) -> bool {
    p.params.iter().any(|(_, n)| n == "client") && is_fallible(p) && p.name != "fastgpt_client_set_log_callback"
}

/// Runs one case and checks it.
fn run_case(
    world: &World,
    walk: &mut Walk,
    table: &BTreeMap<String, (Vec<&str>, Call)>,
    p: &Proto,
    what: &str,
    expect: Expect,
    setup: &dyn Fn(&mut Owned),
) {
    let mut o = Owned::new(world, p);
    setup(&mut o);
    let desc = format!("{}({what})", p.name);
    let ret = (table[p.name.as_str()].1)(&o.args);
    walk.cases += 1;
    if p.name.ends_with("_free") {
        // The object passed (if not NULL) now belongs to the library.
        for (_, n) in &p.params {
            let consumed = match n.as_str() {
                "client" => !o.args.client.is_null(),
                "resp" => !o.args.resp.is_null(),
                "err" => !o.args.err.is_null(),
                "cancel" => !o.args.cancel.is_null(),
                "op" => !o.args.op.is_null(),
                _ => false,
            };
            if consumed {
                o.consumed.push(match n.as_str() {
                    "client" => "client",
                    "resp" => "resp",
                    "err" => "err",
                    "op" => "op",
                    _ => "cancel",
                });
            }
        }
    }
    let out_err = *o.out_err;
    let expect = if expect == Expect::SameAsValid {
        if does_io(p) {
            Expect::Io
        } else {
            Expect::Ok
        }
    } else {
        expect
    };
    match expect {
        Expect::Status(want) => {
            assert_eq!(ret, Ret::Num(want.into()), "{desc}");
            if !o.args.out_err.is_null() {
                assert!(!out_err.is_null(), "{desc}: an error object");
                assert_eq!(fastgpt_error_code(out_err), want, "{desc}");
                let msg = unsafe { CStr::from_ptr(fastgpt_error_message(out_err)) }.to_str().unwrap();
                assert!(!msg.is_empty(), "{desc}: a message");
                assert_eq!(fastgpt_error_http_status(out_err), 0, "{desc}: no answer was involved");
            }
            assert_eq!(*o.out_client, SENTINEL as *mut _, "{desc}: out_client untouched");
            assert_eq!(*o.out_response, SENTINEL as *mut _, "{desc}: out_response untouched");
            if is_async(p) {
                walk.pending.push((desc.clone(), Arc::clone(&o.collector), false));
            }
        }
        Expect::Io => {
            if is_async(p) {
                assert_eq!(ret, Ret::Num(FASTGPT_OK.into()), "{desc}: an async start is accepted");
                if !o.args.userdata.is_null() {
                    // Waited for here: freeing the client (below) would cancel the call.
                    let events = o.collector.wait_complete(Duration::from_secs(20));
                    assert_eq!(events.len(), 1, "{desc}: only COMPLETE");
                    assert_eq!(events[0].status, FASTGPT_ERR_CONNECT, "{desc}: went to the closed port");
                } else {
                    let deadline = std::time::Instant::now() + Duration::from_secs(20);
                    while NULL_USERDATA_EVENTS.load(Ordering::SeqCst) < walk.null_userdata_calls + 1 {
                        assert!(std::time::Instant::now() < deadline, "{desc}: COMPLETE with NULL userdata");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    walk.null_userdata_calls += 1;
                }
            } else {
                assert_eq!(ret, Ret::Num(FASTGPT_ERR_CONNECT.into()), "{desc}: went to the closed port");
                assert_eq!(*o.out_response, SENTINEL as *mut _, "{desc}: out_response untouched");
                if !o.args.out_err.is_null() {
                    assert_eq!(fastgpt_error_code(out_err), FASTGPT_ERR_CONNECT, "{desc}");
                }
            }
        }
        Expect::Ok => {
            assert_eq!(ret, Ret::Num(FASTGPT_OK.into()), "{desc}");
            assert!(out_err.is_null(), "{desc}: no error on success");
            if p.name == "fastgpt_client_new" {
                assert!(!(*o.out_client).is_null() && *o.out_client != SENTINEL as *mut _, "{desc}: a client");
            }
        }
        Expect::Ret(want) => assert_eq!(ret, want, "{desc}"),
        Expect::NonNullStr => {
            let Ret::Ptr(ptr) = ret else { panic!("{desc}: {ret:?}") };
            assert_ne!(ptr, 0, "{desc}: never NULL");
            unsafe { CStr::from_ptr(ptr as *const c_char) }.to_str().expect("UTF-8");
        }
        Expect::SameAsValid => unreachable!(),
    }
    // Name outputs of header walks: NULL past the last header.
    if p.params.iter().any(|(_, n)| n == "out_name") && !o.args.out_name.is_null() {
        assert!((*o.out_name).is_null(), "{desc}: *out_name is NULL past the last header");
    }
    // Length outputs of accessors: 0 when NULL is returned.
    if p.params.iter().any(|(_, n)| n == "len") && !o.args.len.is_null() && ret == Ret::Ptr(0) {
        assert_eq!(*o.len, 0, "{desc}: *len is 0 when NULL is returned");
    }
    let _ = o.strings.len();
}

/// The documented result of a non-fallible function with pointer `param` NULL.
fn null_expectation(p: &Proto, param: &str) -> Expect {
    match (p.name.as_str(), param) {
        (f, _) if f.ends_with("_free") => Expect::Ret(Ret::Unit),
        ("fastgpt_cancel_trigger", _) => Expect::Ret(Ret::Unit),
        ("fastgpt_cancel_is_triggered", _) => Expect::Ret(Ret::Num(0)),
        ("fastgpt_operation_retain", _) => Expect::Ret(Ret::Ptr(0)),
        ("fastgpt_response_status", _) => Expect::Ret(Ret::Num(0)),
        ("fastgpt_response_body" | "fastgpt_response_data", "resp") => Expect::Ret(Ret::Ptr(0)),
        ("fastgpt_response_body" | "fastgpt_response_data", "len") => Expect::NonNullStr,
        ("fastgpt_response_header", _) => Expect::Ret(Ret::Ptr(0)),
        ("fastgpt_error_code", _) => Expect::Ret(Ret::Num(FASTGPT_ERR_NULL_ARGUMENT.into())),
        ("fastgpt_error_message", _) => Expect::NonNullStr,
        ("fastgpt_error_http_status" | "fastgpt_error_api_code", _) => Expect::Ret(Ret::Num(0)),
        // The walker's error has no body: NULL either way, and *len (when given) is 0.
        ("fastgpt_error_body", _) => Expect::Ret(Ret::Ptr(0)),
        // No headers either (a NULL `*out_name` is checked below).
        ("fastgpt_error_header" | "fastgpt_error_header_at", _) => Expect::Ret(Ret::Ptr(0)),
        // Documented optional pointers of fallible functions.
        ("fastgpt_client_new", "config_json") => Expect::Ok,
        ("fastgpt_client_with", "overrides_json") => Expect::Ok,
        // NULL log_cb: back to stderr (the others are then ignored); NULL userdata/free: allowed.
        ("fastgpt_client_set_log_callback", "log_cb" | "userdata" | "free_userdata") => Expect::Ok,
        ("fastgpt_request" | "fastgpt_request_async", "request_json") => Expect::Io,
        // Blocking streams: events and the result are both optional.
        (f, "cb" | "userdata" | "out_response") if table_streams().iter().any(|s| f == format!("fastgpt_{s}")) => {
            Expect::Io
        }
        // Blocking uploads: progress events are optional.
        ("fastgpt_create_file_collection" | "fastgpt_create_file_collection_from_buffer", "cb" | "userdata") => {
            Expect::Io
        }
        (_, "userdata" | "cancel") => Expect::Io,
        (_, "out_err") => Expect::SameAsValid,
        _ if is_fallible(p) => Expect::Status(FASTGPT_ERR_NULL_ARGUMENT),
        _ => panic!("{}: no documented NULL behaviour for {param} in this test", p.name),
    }
}

fn table_streams() -> Vec<&'static str> {
    fastgpt::ffi::endpoint_registry::STREAMS.iter().map(|s| s.0).collect()
}

/// Bad values for a string parameter, with the status each must give.
fn bad_strings(p: &Proto, param: &str) -> Vec<(String, Vec<u8>, i32)> {
    let invalid_json_status = FASTGPT_ERR_INVALID_JSON;
    let mut cases: Vec<(String, Vec<u8>, i32)> = vec![
        ("invalid UTF-8".into(), b"\xff\xfe".to_vec(), FASTGPT_ERR_INVALID_UTF8),
        ("invalid UTF-8 inside JSON".into(), b"{\"appId\":\"\xc3\x28\"}".to_vec(), FASTGPT_ERR_INVALID_UTF8),
    ];
    match param {
        "overrides_json" => {
            for (what, text) in [
                ("truncated JSON", "{\"timeout_ms\":"),
                ("not JSON", "timeout_ms=5"),
                ("empty", ""),
                ("an array", "[]"),
                ("a number", "42"),
                ("null", "null"),
            ] {
                cases.push((what.into(), text.into(), invalid_json_status));
            }
            cases.push(("deeply nested".into(), "[".repeat(100_000).into_bytes(), invalid_json_status));
            for (what, text) in [
                ("unknown key", r#"{"timeout": 5}"#),
                ("a config key that cannot change per call", r#"{"base_url": "http://x"}"#),
                ("api_key per call", r#"{"api_key": "fastgpt-x"}"#),
                ("timeout_ms wrong type", r#"{"timeout_ms": "10"}"#),
                ("timeout_ms zero", r#"{"timeout_ms": 0}"#),
                ("max_retries fractional", r#"{"max_retries": 1.5}"#),
                ("max_retries too large", r#"{"max_retries": 1000}"#),
                ("stream_idle_timeout_ms negative", r#"{"stream_idle_timeout_ms": -1}"#),
                ("headers wrong type", r#"{"headers": "x"}"#),
                ("header value wrong type", r#"{"headers": {"x-a": 5}}"#),
                ("Authorization in headers", r#"{"headers": {"Authorization": "Bearer x"}}"#),
            ] {
                cases.push((what.into(), text.into(), FASTGPT_ERR_INVALID_ARGUMENT));
            }
        }
        "config_json" => {
            for (what, text) in [
                ("truncated JSON", "{\"base_url\":"),
                ("not JSON", "base_url=http://x"),
                ("empty", ""),
                ("an array", "[]"),
                ("a number", "42"),
                ("null", "null"),
            ] {
                cases.push((what.into(), text.into(), invalid_json_status));
            }
            cases.push(("deeply nested".into(), "[".repeat(100_000).into_bytes(), invalid_json_status));
            for (what, text) in [
                ("unknown key", r#"{"base_urll": "http://x"}"#),
                ("base_url wrong type", r#"{"base_url": 5}"#),
                ("base_url not a URL", r#"{"base_url": "not a url"}"#),
                ("timeout_ms wrong type", r#"{"timeout_ms": "10"}"#),
                ("timeout_ms negative", r#"{"timeout_ms": -1}"#),
                ("max_retries fractional", r#"{"max_retries": 1.5}"#),
                ("headers wrong type", r#"{"headers": []}"#),
                ("header value wrong type", r#"{"headers": {"x-a": 5}}"#),
                ("Authorization in headers", r#"{"headers": {"Authorization": "Bearer x"}}"#),
                ("api_key wrong type", r#"{"api_key": 5}"#),
                ("api_key with a newline", r#"{"api_key": "a\nb"}"#),
                ("danger_accept_invalid_certs wrong type", r#"{"danger_accept_invalid_certs": "yes"}"#),
                ("ca_cert_pem not PEM", r#"{"ca_cert_pem": "hello"}"#),
                ("proxy not a URL", r#"{"proxy": "::"}"#),
            ] {
                cases.push((what.into(), text.into(), FASTGPT_ERR_INVALID_ARGUMENT));
            }
        }
        "request_json" => {
            for (what, text) in [
                ("truncated JSON", "{\"appId\":"),
                ("not JSON", "appId=1"),
                ("empty", ""),
                ("an array", "[]"),
                ("a number", "42"),
                ("a string", "\"x\""),
                ("null", "null"),
            ] {
                cases.push((what.into(), text.into(), invalid_json_status));
            }
            cases.push(("deeply nested".into(), "[".repeat(100_000).into_bytes(), invalid_json_status));
            let required = required_fields(p);
            if !required.is_empty() {
                cases.push(("{} (missing fields)".into(), b"{}".to_vec(), FASTGPT_ERR_INVALID_ARGUMENT));
                let all_wrong: serde_json::Map<String, Value> =
                    required.iter().map(|f| (f.name().to_string(), json!(5))).collect();
                cases.push((
                    "every required field a number".into(),
                    Value::Object(all_wrong).to_string().into_bytes(),
                    FASTGPT_ERR_INVALID_ARGUMENT,
                ));
            }
            let full = valid_request(&required);
            for field in &required {
                let name = field.name();
                let mut missing = full.clone();
                for n in field.names() {
                    missing.remove(n);
                }
                cases.push((
                    format!("missing {name}"),
                    Value::Object(missing).to_string().into_bytes(),
                    FASTGPT_ERR_INVALID_ARGUMENT,
                ));
                for (kind, wrong) in [("null", json!(null)), ("wrong type", json!({"x": 1})), ("empty", json!(""))] {
                    if kind == "empty" && name == "messages" {
                        continue;
                    }
                    if kind == "null" && matches!(field, Field::AnyOf(_)) {
                        continue; // null is "absent": another alternative may stand in
                    }
                    let mut bad = full.clone();
                    bad.insert(name.to_string(), wrong);
                    cases.push((
                        format!("{name} {kind}"),
                        Value::Object(bad).to_string().into_bytes(),
                        FASTGPT_ERR_INVALID_ARGUMENT,
                    ));
                }
            }
            if let Some(Field::ArrayMax(name, max)) = required.iter().find(|f| matches!(f, Field::ArrayMax(..))) {
                let mut over = full.clone();
                over.insert(name.to_string(), Value::Array(vec![json!({"q": "x"}); max + 1]));
                cases.push((
                    format!("{name} over {max} items"),
                    Value::Object(over).to_string().into_bytes(),
                    FASTGPT_ERR_INVALID_ARGUMENT,
                ));
            }
        }
        "file_path" => {
            for (what, path) in [("missing file", "/nonexistent/fastgpt/x.txt"), ("a directory", "/"), ("empty", "")] {
                cases.push((what.into(), path.into(), FASTGPT_ERR_INVALID_ARGUMENT));
            }
        }
        "file_name" => {
            cases.push(("empty".into(), Vec::new(), FASTGPT_ERR_INVALID_ARGUMENT));
        }
        "method" => {
            for m in ["", "PATCH", "get ", "{", "GET\n"] {
                cases.push((format!("method {m:?}"), m.into(), FASTGPT_ERR_INVALID_ARGUMENT));
            }
        }
        "path" => {
            for path in
                ["", "/", "api/x", "/v1/x", "/api/../etc", "/api/x?appId=1", "/api/x#f", "/api/a b", "/api/\x01"]
            {
                cases.push((format!("path {path:?}"), path.into(), FASTGPT_ERR_INVALID_ARGUMENT));
            }
        }
        "name" => {}
        other => panic!("{}: string parameter {other} has no bad-input list in this test", p.name),
    }
    cases
}

#[test]
fn every_exported_function_survives_null_and_bad_input() {
    let protos = header_prototypes();
    let table = table();

    // The table covers exactly the header: a new function fails here until it is walked.
    let header_names: Vec<&str> = protos.iter().map(|p| p.name.as_str()).collect();
    let table_names: Vec<&str> = table.keys().map(String::as_str).collect();
    let mut sorted = header_names.clone();
    sorted.sort();
    assert_eq!(sorted, table_names, "the walker's table and include/fastgpt.h list the same functions");
    assert!(protos.len() >= 50, "parsed {} prototypes", protos.len());
    for p in &protos {
        let names: Vec<&str> = p.params.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, table[p.name.as_str()].0, "{}: parameters as in the header", p.name);
        if p.ret == "fastgpt_status" && p.name != "fastgpt_error_code" {
            assert_eq!(
                p.params.last().map(|(t, n)| (t.as_str(), n.as_str())),
                Some(("struct fastgpt_error **", "out_err")),
                "{}: the last parameter is out_err",
                p.name
            );
        }
    }
    // Every endpoint function's docs name the fields the table requires (the walk uses the table).
    for p in protos.iter().filter(|p| !p.name.ends_with("_async")) {
        for field in required_fields(p) {
            assert!(p.docs.contains(&format!("`{}`", field.name())), "{}: the docs name {}", p.name, field.name());
        }
    }

    let world = World::new();
    let mut walk = Walk { cases: 0, null_userdata_calls: 0, pending: Vec::new() };
    let mut per_function = BTreeMap::new();

    for p in &protos {
        let before = walk.cases;
        // All valid.
        let valid = match p.name.as_str() {
            "fastgpt_version" | "fastgpt_status_str" => Expect::NonNullStr,
            "fastgpt_abi_version" => Expect::Ret(Ret::Num(FASTGPT_ABI_VERSION.into())),
            "fastgpt_cancel_new" => Expect::Ret(Ret::Unit), // checked below
            n if n.ends_with("_free") || n == "fastgpt_cancel_trigger" => Expect::Ret(Ret::Unit),
            _ if does_io(p) => Expect::Io,
            _ if is_fallible(p) => Expect::Ok,
            _ => Expect::Ret(Ret::Unit), // accessors: checked below by value
        };
        match (p.name.as_str(), valid) {
            ("fastgpt_cancel_new", _) => {
                let c = fastgpt_cancel_new();
                assert!(!c.is_null());
                assert!(!fastgpt_cancel_is_triggered(c));
                fastgpt_cancel_free(c);
                walk.cases += 1;
            }
            (_, Expect::Ret(Ret::Unit)) if !p.name.ends_with("_free") && p.name != "fastgpt_cancel_trigger" => {
                // Accessors on valid objects: any value, no crash; strings valid UTF-8.
                let o = Owned::new(&world, p);
                let r = (table[p.name.as_str()].1)(&o.args);
                if p.name == "fastgpt_operation_retain" {
                    // The same handle, one more reference: release it.
                    assert_eq!(r, Ret::Ptr(o.args.op as usize), "retain returns its argument");
                    fastgpt_operation_free(o.args.op);
                } else if let Ret::Ptr(ptr) = r {
                    if ptr != 0 {
                        unsafe { CStr::from_ptr(ptr as *const c_char) }.to_str().expect("UTF-8");
                    }
                }
                walk.cases += 1;
            }
            _ => run_case(&world, &mut walk, &table, p, "all valid", valid, &|_| {}),
        }
        // Each pointer parameter NULL in turn.
        for (ty, param) in &p.params {
            if !(ty.contains('*') || ["fastgpt_event_cb", "fastgpt_log_cb", "fastgpt_free_cb"].contains(&ty.as_str())) {
                continue;
            }
            let expect = null_expectation(p, param);
            run_case(&world, &mut walk, &table, p, &format!("{param} = NULL"), expect, &|o| o.set_null(param));
            if let Expect::Status(_) = expect {
                // The message names the parameter.
                let mut o = Owned::new(&world, p);
                o.set_null(param);
                let _ = (table[p.name.as_str()].1)(&o.args);
                let msg = unsafe { CStr::from_ptr(fastgpt_error_message(*o.out_err)) }.to_string_lossy().into_owned();
                assert!(msg.contains(param.as_str()), "{}: the NULL message names {param}: {msg}", p.name);
                walk.cases += 1;
            }
        }
        // Bad strings.
        for (ty, param) in &p.params {
            if ty != "const char *" {
                continue;
            }
            if param == "name" {
                for (what, bytes) in
                    [("invalid UTF-8", &b"\xff"[..]), ("unknown header", b"x-not-there"), ("empty", b"")]
                {
                    run_case(&world, &mut walk, &table, p, &format!("name {what}"), Expect::Ret(Ret::Ptr(0)), &|o| {
                        o.set_str("name", Some(bytes))
                    });
                }
                continue;
            }
            for (what, bytes, status) in bad_strings(p, param) {
                run_case(&world, &mut walk, &table, p, &format!("{param}: {what}"), Expect::Status(status), &|o| {
                    o.set_str(param, Some(&bytes))
                });
                // Also without out_err: the same status, nothing written anywhere.
                run_case(
                    &world,
                    &mut walk,
                    &table,
                    p,
                    &format!("{param}: {what}, out_err NULL"),
                    Expect::Status(status),
                    &|o| {
                        o.set_str(param, Some(&bytes));
                        o.set_null("out_err");
                    },
                );
            }
        }
        // Integer parameters: any value.
        for (_, param) in &p.params {
            if param == "level" {
                for l in [FASTGPT_LOG_OFF, FASTGPT_LOG_ERROR, FASTGPT_LOG_TRACE] {
                    run_case(&world, &mut walk, &table, p, &format!("level = {l}"), Expect::Ok, &|o| o.args.level = l);
                }
                for l in [i32::MIN, -1, 6, 255, 256 + FASTGPT_LOG_INFO, i32::MAX] {
                    run_case(
                        &world,
                        &mut walk,
                        &table,
                        p,
                        &format!("level = {l}"),
                        Expect::Status(FASTGPT_ERR_INVALID_ARGUMENT),
                        &|o| o.args.level = l,
                    );
                }
            }
            if param == "status" {
                for s in [i32::MIN, -1, 0, 1, 5, 30, 99, 100, i32::MAX] {
                    run_case(&world, &mut walk, &table, p, &format!("status = {s}"), Expect::NonNullStr, &|o| {
                        o.args.status = s
                    });
                }
            }
        }
        per_function.insert(p.name.clone(), walk.cases - before);
    }

    // Failed async starts made no callback (checked after a moment, for late ones).
    std::thread::sleep(Duration::from_millis(200));
    for (desc, collector, _) in &walk.pending {
        assert_eq!(collector.events.lock().unwrap().len(), 0, "{desc}: a failed start makes no callback");
    }
    assert_eq!(
        NULL_USERDATA_EVENTS.load(Ordering::SeqCst),
        walk.null_userdata_calls,
        "one COMPLETE per async call with NULL userdata"
    );
    assert_eq!(walk.null_userdata_calls, protos.iter().filter(|p| is_async(p)).count());

    // Every accepted log callback was released when replaced (or is the one still installed).
    let installed = LOG_FREES.load(Ordering::SeqCst);
    assert!(installed > 0, "replaced log callbacks had their userdata released");
    println!("log lines delivered to the walker: {}", LOG_LINES.load(Ordering::SeqCst));

    println!("ABI bad-input walk: {} functions, {} cases", protos.len(), walk.cases);
    for (f, n) in &per_function {
        println!("  {f}: {n}");
    }
}
