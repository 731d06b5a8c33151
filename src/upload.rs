//! File uploads: the `multipart/form-data` body FastGPT's `collection/create/localFile` reads
//! (part `data`: the collection options as JSON text; part `file`: the file), streamed from its
//! source in small chunks so a 1 GiB file costs a few buffers, not 1 GiB, and rebuilt from the
//! source for each attempt (a file is reopened, a buffer re-read), never from what was sent.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::error::{Error, ErrorKind};

/// How much of the source one chunk of the body holds.
const CHUNK: usize = 64 * 1024;

/// Where the file's bytes come from.
#[derive(Clone)]
pub enum Source {
    /// A file on disk, read as it is sent.
    Path(PathBuf),
    /// Bytes already in memory.
    Memory(Bytes),
}

/// Receives `(bytes sent, bytes in all)` as the body goes out; the upload waits for it, so a slow
/// receiver slows the upload instead of queueing reports.
pub type ProgressSink = Arc<dyn Fn(u64, u64) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>> + Send + Sync>;

/// One file upload, ready to be sent (again).
pub struct Upload {
    source: Source,
    /// The file's length when the upload was prepared; a file that changes size fails the upload.
    file_len: u64,
    head: Bytes,
    tail: Bytes,
    boundary: String,
    progress: Option<ProgressSink>,
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(p) => format!("file {}", p.display()),
            Source::Memory(b) => format!("{} bytes in memory", b.len()),
        };
        f.debug_struct("Upload").field("source", &source).field("total", &self.total_len()).finish()
    }
}

impl Upload {
    /// Lays out the body around the file: `data_json` (already checked) as part `data`, then the
    /// file as part `file` named `file_name`. A path must name a readable regular file.
    pub fn new(source: Source, file_name: &str, data_json: &str) -> Result<Upload, Error> {
        if file_name.is_empty() {
            return Err(Error::invalid_argument("file_name must not be empty"));
        }
        let file_len = match &source {
            Source::Memory(b) => b.len() as u64,
            Source::Path(path) => {
                let meta = std::fs::metadata(path)
                    .map_err(|e| Error::invalid_argument(format!("cannot read the file {}: {e}", path.display())))?;
                if !meta.is_file() {
                    return Err(Error::invalid_argument(format!("{} is not a regular file", path.display())));
                }
                // Opened once now so an unreadable file fails before any I/O, not mid-request.
                std::fs::File::open(path)
                    .map_err(|e| Error::invalid_argument(format!("cannot open the file {}: {e}", path.display())))?;
                meta.len()
            }
        };
        let boundary = format!("----libfastgpt-{:016x}{:016x}", random_u64(), random_u64());
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\nContent-Type: application/json\r\n\r\n{data_json}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
            quoted(file_name),
            content_type_for(file_name),
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        Ok(Upload { source, file_len, head: head.into(), tail: tail.into(), boundary, progress: None })
    }

    /// Reports progress to `sink` while the body is sent.
    pub fn with_progress(mut self, sink: ProgressSink) -> Upload {
        self.progress = Some(sink);
        self
    }

    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The whole body's length (sent as `Content-Length`).
    pub fn total_len(&self) -> u64 {
        self.head.len() as u64 + self.file_len + self.tail.len() as u64
    }

    /// A fresh body for one attempt.
    pub fn body(self: &Arc<Self>) -> reqwest::Body {
        let state = BodyState { upload: Arc::clone(self), stage: Stage::Head, sent: 0, reported: 0 };
        reqwest::Body::wrap_stream(futures_util::stream::try_unfold(state, BodyState::next))
    }
}

enum Stage {
    Head,
    File(Option<tokio::fs::File>, u64),
    Memory(usize),
    Tail,
    Done,
}

struct BodyState {
    upload: Arc<Upload>,
    stage: Stage,
    sent: u64,
    reported: u64,
}

impl BodyState {
    async fn next(mut self) -> Result<Option<(Bytes, BodyState)>, Error> {
        let chunk = match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Head => {
                self.stage = match &self.upload.source {
                    Source::Path(_) => Stage::File(None, 0),
                    Source::Memory(_) => Stage::Memory(0),
                };
                self.upload.head.clone()
            }
            Stage::Memory(at) => {
                let Source::Memory(bytes) = &self.upload.source else { unreachable!("memory stage") };
                let end = (at + CHUNK).min(bytes.len());
                let chunk = bytes.slice(at..end);
                self.stage = if end == bytes.len() { Stage::Tail } else { Stage::Memory(end) };
                self.report(end as u64).await?;
                chunk
            }
            Stage::File(file, read) => {
                let upload = Arc::clone(&self.upload);
                let Source::Path(path) = &upload.source else { unreachable!("file stage") };
                let mut file = match file {
                    Some(f) => f,
                    None => tokio::fs::File::open(path).await.map_err(|e| {
                        Error::new(ErrorKind::InvalidArgument, format!("cannot open the file {}: {e}", path.display()))
                    })?,
                };
                let want = CHUNK.min((self.upload.file_len - read) as usize);
                let mut buf = vec![0u8; want];
                let mut filled = 0;
                while filled < want {
                    use tokio::io::AsyncReadExt;
                    let n = file.read(&mut buf[filled..]).await.map_err(|e| {
                        Error::new(ErrorKind::Internal, format!("reading {} failed: {e}", path.display()))
                    })?;
                    if n == 0 {
                        return Err(Error::invalid_argument(format!(
                            "{} shrank while it was uploaded ({} of {} bytes)",
                            path.display(),
                            read + filled as u64,
                            self.upload.file_len
                        )));
                    }
                    filled += n;
                }
                let read = read + want as u64;
                self.stage = if read == self.upload.file_len { Stage::Tail } else { Stage::File(Some(file), read) };
                self.report(read).await?;
                Bytes::from(buf)
            }
            Stage::Tail => self.upload.tail.clone(),
            Stage::Done => return Ok(None),
        };
        self.sent += chunk.len() as u64;
        Ok(Some((chunk, self)))
    }

    /// Reports `file_bytes` of the file sent, at most about 1000 times per file and always at
    /// its end (a 1 GiB file: every MiB).
    async fn report(&mut self, file_bytes: u64) -> Result<(), Error> {
        let Some(sink) = &self.upload.progress else { return Ok(()) };
        let total = self.upload.file_len;
        let step = (total / 1000).max(CHUNK as u64);
        if file_bytes == total || file_bytes - self.reported >= step {
            self.reported = file_bytes;
            sink(file_bytes, total).await?;
        }
        Ok(())
    }
}

/// A file name inside `filename="..."`: the quote, backslash and line breaks percent-encoded (as
/// browsers do); other UTF-8 is sent as it is (FastGPT's multer reads the name's raw bytes).
fn quoted(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '"' => out.push_str("%22"),
            '\\' => out.push_str("%5C"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The part's type by extension, for the formats FastGPT reads; else octet-stream.
fn content_type_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "txt" => "text/plain",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "csv" => "text/csv",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // RandomState is seeded from the OS once per process and varies per instance.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn collect(upload: Upload) -> Vec<u8> {
        let upload = Arc::new(upload);
        let state = BodyState { upload: Arc::clone(&upload), stage: Stage::Head, sent: 0, reported: 0 };
        let stream = futures_util::stream::try_unfold(state, BodyState::next);
        let chunks: Vec<Result<Bytes, Error>> = stream.collect().await;
        chunks.into_iter().flat_map(|c| c.unwrap().to_vec()).collect()
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_body_is_a_multipart_form_with_data_then_file() {
        let up =
            Upload::new(Source::Memory(Bytes::from_static(b"hello")), "a \"b\".txt", r#"{"datasetId":"d"}"#).unwrap();
        let total = up.total_len();
        let boundary = up.boundary.clone();
        assert_eq!(up.content_type(), format!("multipart/form-data; boundary={boundary}"));
        let body = String::from_utf8(collect(up).await).unwrap();
        assert_eq!(body.len() as u64, total, "Content-Length matches the body");
        let expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\nContent-Type: application/json\r\n\r\n{{\"datasetId\":\"d\"}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a %22b%22.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}--\r\n"
        );
        assert_eq!(body, expected);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_file_is_read_in_chunks_with_progress_to_its_end() {
        let dir = std::env::temp_dir().join(format!("fastgpt-upload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.bin");
        let content: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let reports = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink_reports = Arc::clone(&reports);
        let sink: ProgressSink = Arc::new(move |sent, total| {
            sink_reports.lock().unwrap().push((sent, total));
            Box::pin(async { Ok(()) })
        });
        let up = Upload::new(Source::Path(path.clone()), "big.bin", "{}").unwrap().with_progress(sink);
        let body = collect(up).await;
        let start = body.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let file_start = start + 4 + body[start + 4..].windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        assert_eq!(&body[file_start..file_start + content.len()], &content[..]);
        let reports = reports.lock().unwrap().clone();
        let n = content.len() as u64;
        assert_eq!(reports.last(), Some(&(n, n)), "the last report is the whole file");
        assert!(reports.windows(2).all(|w| w[0].0 < w[1].0), "{reports:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_files_and_empty_names_fail_before_io() {
        let e = Upload::new(Source::Path("/nonexistent/x.txt".into()), "x.txt", "{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
        assert!(e.message.contains("/nonexistent/x.txt"), "{}", e.message);
        let e = Upload::new(Source::Path("/".into()), "x", "{}").unwrap_err();
        assert!(e.message.contains("not a regular file"), "{}", e.message);
        let e = Upload::new(Source::Memory(Bytes::new()), "", "{}").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidArgument);
    }
}
