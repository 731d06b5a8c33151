//! A streaming `multipart/form-data` reader for `collection/create/localFile`: the file part is
//! counted and hashed as it arrives and only a short prefix is kept, so a 1 GiB upload costs the
//! mock a few KiB, as multer's disk storage costs FastGPT no memory either.

use bytes::{Buf, Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::Incoming;

/// How many leading bytes of the file the mock keeps (for tests to compare).
pub const HEAD_BYTES: usize = 64;
/// Cap on all the non-file fields together (the `data` JSON string among them).
const MAX_FIELDS: usize = 1 << 20;
const MAX_HEADERS: usize = 16 * 1024;

/// The `file` part as received.
#[derive(Debug, Clone, Default)]
pub struct FilePart {
    pub filename: String,
    pub content_type: String,
    pub bytes: u64,
    /// FNV-1a 64 of the whole content, hex.
    pub fnv1a64: String,
    pub head: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct Form {
    pub file: Option<FilePart>,
    /// What multer would reject the form with once it is read ("Unexpected field", "File too
    /// large"); the rest of the body is still drained so the client sees the answer.
    pub rejected: Option<String>,
    /// Text fields by name (the `data` JSON string among them).
    pub fields: Vec<(String, String)>,
    /// The most bytes the reader ever held at once (proof that the upload was not buffered).
    pub max_buffered: usize,
    field_bytes: usize,
}

/// Why a body could not be read as a form. `Io` means the connection broke.
#[derive(Debug)]
pub enum FormError {
    Io,
    Bad(String),
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_string())
    })
}

struct Fnv(u64);

impl Fnv {
    fn update(&mut self, data: &[u8]) {
        for b in data {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The first position of `needle` in `hay` (a `\r` scan, then a compare).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = *needle.first()?;
    let mut from = 0;
    while from + needle.len() <= hay.len() {
        let i = hay[from..].iter().position(|&b| b == first)? + from;
        if hay.len() - i < needle.len() {
            return None;
        }
        if &hay[i..i + needle.len()] == needle {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

enum Sink {
    File(FilePart, Fnv),
    Field(String, Vec<u8>),
    Skip,
}

/// multer's `single('file')` limits.
pub struct Limits {
    /// `limits.fileSize` in bytes (`None`: unlimited).
    pub max_file: Option<u64>,
}

impl Sink {
    fn write(&mut self, data: &[u8], limits: &Limits, form: &mut Form) -> Result<(), FormError> {
        match self {
            Sink::File(f, h) => {
                f.bytes += data.len() as u64;
                if limits.max_file.is_some_and(|max| f.bytes > max) {
                    form.rejected.get_or_insert_with(|| "File too large".into());
                }
                h.update(data);
                let room = HEAD_BYTES.saturating_sub(f.head.len());
                f.head.extend_from_slice(&data[..room.min(data.len())]);
            }
            Sink::Field(name, v) => {
                form.field_bytes += data.len();
                if form.field_bytes > MAX_FIELDS {
                    return Err(FormError::Bad(format!("Multipart: field {name} too large")));
                }
                v.extend_from_slice(data);
            }
            Sink::Skip => {}
        }
        Ok(())
    }

    fn finish(self, form: &mut Form) {
        match self {
            Sink::File(mut f, h) => {
                f.fnv1a64 = format!("{:016x}", h.0);
                if form.file.is_some() {
                    // `single('file')` takes one file.
                    form.rejected.get_or_insert_with(|| "Unexpected field".into());
                }
                form.file.get_or_insert(f);
            }
            Sink::Field(name, v) => form.fields.push((name, String::from_utf8_lossy(&v).into_owned())),
            Sink::Skip => {}
        }
    }
}

/// `name="..."` / `filename="..."` from a Content-Disposition value.
fn disposition_param(value: &str, key: &str) -> Option<String> {
    value.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"').to_string())
    })
}

fn part_sink(headers: &str, rejected: &mut Option<String>) -> Sink {
    let mut name = None;
    let mut filename = None;
    let mut content_type = String::new();
    for line in headers.split("\r\n") {
        let Some((k, v)) = line.split_once(':') else { continue };
        if k.trim().eq_ignore_ascii_case("content-disposition") {
            name = disposition_param(v, "name");
            filename = disposition_param(v, "filename");
        } else if k.trim().eq_ignore_ascii_case("content-type") {
            content_type = v.trim().to_string();
        }
    }
    match (name.as_deref(), filename) {
        (Some("file"), Some(filename)) => {
            Sink::File(FilePart { filename, content_type, ..FilePart::default() }, Fnv(0xcbf2_9ce4_8422_2325))
        }
        (Some(n), None) => Sink::Field(n.to_string(), Vec::new()),
        // A file under another field name: multer's LIMIT_UNEXPECTED_FILE.
        (_, Some(_)) => {
            rejected.get_or_insert_with(|| "Unexpected field".into());
            Sink::Skip
        }
        _ => Sink::Skip,
    }
}

enum Phase {
    /// Before the first boundary line.
    Preamble,
    /// Reading a part's headers.
    Headers,
    Body(Sink),
    Done,
}

/// Reads the whole body as a form, holding at most one network chunk plus a boundary.
pub async fn read(mut body: Incoming, boundary: &str, limits: &Limits) -> Result<Form, FormError> {
    let first = format!("--{boundary}");
    let delim = format!("\r\n--{boundary}");
    let mut form = Form::default();
    let mut buf = BytesMut::new();
    let mut phase = Phase::Preamble;
    let mut eof = false;
    loop {
        // Consume as much of `buf` as the phase allows.
        loop {
            match &mut phase {
                Phase::Preamble => match find(&buf, first.as_bytes()) {
                    Some(i) => {
                        buf.advance(i + first.len());
                        phase = Phase::Headers;
                    }
                    None => {
                        let keep = first.len();
                        if buf.len() > keep {
                            buf.advance(buf.len() - keep);
                        }
                        break;
                    }
                },
                Phase::Headers => {
                    if buf.len() >= 2 && &buf[..2] == b"--" {
                        phase = Phase::Done;
                        continue;
                    }
                    match find(&buf, b"\r\n\r\n") {
                        Some(i) => {
                            let head = String::from_utf8_lossy(&buf[..i]).into_owned();
                            buf.advance(i + 4);
                            phase = Phase::Body(part_sink(head.trim_start_matches("\r\n"), &mut form.rejected));
                        }
                        None if buf.len() > MAX_HEADERS => {
                            return Err(FormError::Bad("Multipart: part headers too large".into()))
                        }
                        None => break,
                    }
                }
                Phase::Body(sink) => match find(&buf, delim.as_bytes()) {
                    Some(i) => {
                        sink.write(&buf[..i], limits, &mut form)?;
                        buf.advance(i + delim.len());
                        if let Phase::Body(sink) = std::mem::replace(&mut phase, Phase::Headers) {
                            sink.finish(&mut form);
                        }
                    }
                    None => {
                        // Everything but a possible partial delimiter at the end is content.
                        let safe = buf.len().saturating_sub(delim.len());
                        if safe > 0 {
                            sink.write(&buf[..safe], limits, &mut form)?;
                            buf.advance(safe);
                        }
                        break;
                    }
                },
                Phase::Done => {
                    buf.clear();
                    break;
                }
            }
        }
        if eof {
            break;
        }
        match body.frame().await {
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    append(&mut buf, data);
                    form.max_buffered = form.max_buffered.max(buf.len());
                }
            }
            Some(Err(_)) => return Err(FormError::Io),
            None => eof = true,
        }
    }
    match phase {
        Phase::Done => Ok(form),
        Phase::Preamble => Err(FormError::Bad("Multipart: Boundary not found".into())),
        _ => Err(FormError::Bad("Unexpected end of form".into())),
    }
}

fn append(buf: &mut BytesMut, data: Bytes) {
    buf.extend_from_slice(&data);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_from_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(boundary("multipart/form-data; charset=x; boundary=\"q r\"").as_deref(), Some("q r"));
        assert_eq!(boundary("application/json"), None);
        assert_eq!(boundary("multipart/form-data"), None);
    }

    #[test]
    fn find_across_candidates() {
        assert_eq!(find(b"ab\r\r\n--x", b"\r\n--x"), Some(3));
        assert_eq!(find(b"\r\n--", b"\r\n--x"), None);
        assert_eq!(find(b"", b"a"), None);
    }
}
