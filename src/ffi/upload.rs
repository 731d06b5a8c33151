//! File uploads: a collection from a local file (`collection/create/localFile`), from a path or
//! from a buffer, with progress events.
//!
//! The file is sent as `multipart/form-data` (part `data`: `request_json`, part `file`: the file),
//! streamed in 64 KiB chunks from its source: a 1 GiB file costs a few buffers, not 1 GiB. Like
//! every call that adds something, an upload is never re-sent once its body may have reached the
//! server; it is retried only when the connection could not be made (then it is sent again from
//! the start of its source).

use std::ffi::{c_char, c_void};
use std::path::PathBuf;
use std::sync::Arc;

use super::call::{run_with_events, start_async, stop_tokens};
use super::cancel::fastgpt_cancel;
use super::client::fastgpt_client;
use super::error::fastgpt_error;
use super::event::fastgpt_event_cb;
use super::response::fastgpt_response;
use super::status::fastgpt_status;
use super::{boundary, out_arg, ref_arg, str_arg};
use crate::delivery::Mailbox;
use crate::endpoints::{self, Prepared, CREATE_FILE_COLLECTION};
use crate::error::Error;
use crate::events::StreamEvent;
use crate::upload::{ProgressSink, Source, Upload};

/// Creates a collection from the file at `file_path`, uploaded under its file name (the last path
/// component, which FastGPT uses as the collection's name unless `name` is given). `request_json`
/// holds the collection options and goes to the server as the `data` part unchanged.
///
/// `cb` may be NULL; otherwise it receives `FASTGPT_EVENT_UPLOAD_PROGRESS` events on THIS thread as
/// the file goes out (`upload_sent` of `upload_total` bytes, about every 0.1% and at the end;
/// returning non-zero aborts the upload with `FASTGPT_ERR_ABORTED_BY_CALLBACK`). The upload waits
/// for the callback, so a slow callback slows the upload rather than queueing reports.
/// A path that names no readable regular file fails with `FASTGPT_ERR_INVALID_ARGUMENT` before
/// any I/O. `timeout_ms` bounds the whole upload: raise it for large files on slow links.
/// Result: `{"collectionId":"...","results":{"insertLen":0}}` (the server parses and trains the
/// file in the background).
///
/// Collection options (all optional): `parentId`, `name`, `trainingType` (`chunk` | `qa`),
/// `chunkSettingMode` (`auto` | `custom`), `chunkSplitMode`, `chunkSize`, `indexSize`,
/// `chunkSplitter`, `qaPrompt`, `indexPrefixTitle`, `customPdfParse`, `tags`, `metadata`,
/// `createTime`.
///
/// `POST /api/core/dataset/collection/create/localFile` (multipart). Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_file_collection(
    client: *const fastgpt_client,
    file_path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    upload_blocking(client, || path_source(file_path), request_json, cancel, cb, userdata, out_response, out_err)
}

/// Async `fastgpt_create_file_collection`: returns at once; `cb` (required) receives the
/// `FASTGPT_EVENT_UPLOAD_PROGRESS` events on a library thread, then exactly one COMPLETE.
/// `POST /api/core/dataset/collection/create/localFile` (multipart). Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_file_collection_async(
    client: *const fastgpt_client,
    file_path: *const c_char,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    upload_async(client, || path_source(file_path), request_json, cancel, cb, userdata, out_err)
}

/// As `fastgpt_create_file_collection`, for a file already in memory: `data` (`data_len` bytes;
/// NULL only when `data_len` is 0) is copied before the call returns, and uploaded as `file_name`.
///
/// `POST /api/core/dataset/collection/create/localFile` (multipart). Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_file_collection_from_buffer(
    client: *const fastgpt_client,
    file_name: *const c_char,
    data: *const u8,
    data_len: usize,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    let source = || buffer_source(file_name, data, data_len);
    upload_blocking(client, source, request_json, cancel, cb, userdata, out_response, out_err)
}

/// Async `fastgpt_create_file_collection_from_buffer`: `data` is copied before it returns; `cb`
/// (required) receives the progress events on a library thread, then exactly one COMPLETE.
/// `POST /api/core/dataset/collection/create/localFile` (multipart). Required: `datasetId`.
#[no_mangle]
pub unsafe extern "C" fn fastgpt_create_file_collection_from_buffer_async(
    client: *const fastgpt_client,
    file_name: *const c_char,
    data: *const u8,
    data_len: usize,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    upload_async(client, || buffer_source(file_name, data, data_len), request_json, cancel, cb, userdata, out_err)
}

/// The body of both blocking uploads: progress events (if `cb`) on this thread, then the result.
///
/// # Safety
/// Pointer arguments as documented on `fastgpt_create_file_collection`.
unsafe fn upload_blocking(
    client: *const fastgpt_client,
    source: impl FnOnce() -> Result<(Source, String), Error>,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_response: *mut *mut fastgpt_response,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let c_client = ref_arg(client, "client")?;
        let client = Arc::clone(&c_client.inner);
        let (source, name) = source()?;
        let (prepared, upload) = upload_request(source, &name, request_json)?;
        out_arg(out_response, "out_response")?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let stop = stop_tokens(c_client, &cancel);
        let resp = run_with_events(stop, cb, userdata, move |mailbox| {
            let prepared = with_upload(prepared, upload, cb.is_some(), &mailbox);
            client.call_until(prepared, cancel, Some(mailbox.abort.clone()))
        })?;
        *out_response = fastgpt_response::into_raw(resp);
        Ok(())
    })
}

/// The body of both async uploads: progress events, then exactly one COMPLETE, on library threads.
///
/// # Safety
/// Pointer arguments as documented on `fastgpt_create_file_collection_async`.
unsafe fn upload_async(
    client: *const fastgpt_client,
    source: impl FnOnce() -> Result<(Source, String), Error>,
    request_json: *const c_char,
    cancel: *const fastgpt_cancel,
    cb: fastgpt_event_cb,
    userdata: *mut c_void,
    out_err: *mut *mut fastgpt_error,
) -> fastgpt_status {
    boundary(out_err, || {
        let c_client = ref_arg(client, "client")?;
        let client = Arc::clone(&c_client.inner);
        let (source, name) = source()?;
        let (prepared, upload) = upload_request(source, &name, request_json)?;
        let cancel = fastgpt_cancel::token_of(cancel);
        let stop = stop_tokens(c_client, &cancel);
        start_async(c_client, stop, cb, userdata, move |mailbox| {
            let prepared = with_upload(prepared, upload, true, &mailbox);
            client.call_until(prepared, cancel, Some(mailbox.abort.clone()))
        })
    })
}

/// The file at `file_path` and the name it is uploaded under.
unsafe fn path_source(file_path: *const c_char) -> Result<(Source, String), Error> {
    let path = PathBuf::from(str_arg(file_path, "file_path")?);
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::invalid_argument(format!("file_path {} names no file", path.display())))?
        .to_owned();
    Ok((Source::Path(path), name))
}

/// `data_len` bytes at `data`, copied, and the name they are uploaded under.
unsafe fn buffer_source(file_name: *const c_char, data: *const u8, data_len: usize) -> Result<(Source, String), Error> {
    let name = str_arg(file_name, "file_name")?.to_owned();
    if data.is_null() {
        if data_len != 0 {
            return Err(Error::new(crate::error::ErrorKind::NullArgument, "data is NULL (with a non-zero data_len)"));
        }
        return Ok((Source::Memory(bytes::Bytes::new()), name));
    }
    // SAFETY: the caller passes `data_len` readable bytes at `data`, borrowed for this call.
    Ok((Source::Memory(bytes::Bytes::copy_from_slice(std::slice::from_raw_parts(data, data_len))), name))
}

/// Checks `request_json` (the `data` part) as the endpoint's request, before any I/O.
unsafe fn upload_request(source: Source, name: &str, request_json: *const c_char) -> Result<(Prepared, Upload), Error> {
    let text = str_arg(request_json, "request_json")?;
    let request = endpoints::parse_request(Some(text))?;
    let mut prepared = CREATE_FILE_COLLECTION.prepare(request)?;
    // The multipart body replaces the JSON one; the `data` part is the caller's text unchanged.
    prepared.body = None;
    let upload = Upload::new(source, name, text)?;
    Ok((prepared, upload))
}

/// Attaches the upload (with progress events into `mailbox` when someone listens) to `prepared`.
fn with_upload(mut prepared: Prepared, upload: Upload, report: bool, mailbox: &Arc<Mailbox>) -> Prepared {
    let upload = if report {
        let mailbox = Arc::clone(mailbox);
        let sink: ProgressSink = Arc::new(move |sent, total| {
            let mailbox = Arc::clone(&mailbox);
            Box::pin(async move {
                mailbox.send_events(&mut vec![StreamEvent::upload_progress(sent, total)]).await?;
                mailbox.flush();
                Ok(())
            })
        });
        upload.with_progress(sink)
    } else {
        upload
    };
    prepared.upload = Some(Arc::new(upload));
    prepared
}
