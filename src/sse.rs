//! A sans-IO Server-Sent Events parser.
//!
//! Bytes go in through [`SseParser::feed`] in chunks of any size; whole events come out. The
//! parser does no I/O and knows nothing of FastGPT. It follows the WHATWG "event stream
//! interpretation" rules
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>):
//!
//! - Lines end with LF, CR or CRLF. A CRLF split across two feeds is one line ending: a CR at
//!   the end of a chunk ends the line at once (no waiting for the next byte) and a LF at the
//!   start of the next chunk is then swallowed.
//! - One UTF-8 byte order mark (EF BB BF) at the very start of the stream is skipped, also when
//!   it arrives split across feeds. Anywhere else it is ordinary content.
//! - A line starting with `:` is a comment and is ignored. `name: value` sets field `name`; one
//!   space after the colon is removed. A line without a colon is a field with an empty value.
//! - `data` appends its value to the data buffer (lines joined with `\n`); `event` sets the event
//!   type; `id` sets the last event ID unless the value contains NUL; `retry` sets the
//!   reconnection time if the value is all ASCII digits. Other fields are ignored.
//! - A blank line dispatches the event if at least one `data` line was seen (even an empty one),
//!   otherwise it just resets the event type. An incomplete event at end of input is discarded.
//!
//! Deliberate differences from the letter of the spec (which describes a browser API):
//!
//! - The stream is not decoded as UTF-8 up front: [`SseEvent::data`] keeps the raw bytes so the
//!   consumer gets byte-exact payloads and decides about invalid UTF-8. `event` and `id` values
//!   are decoded lossily (invalid sequences become U+FFFD), which is what a decoding browser
//!   would see.
//! - An event without an `event` field has an empty [`SseEvent::event`], not `"message"`.
//! - [`SseEvent::id`] is the *last event ID* as of dispatch, as in the spec: it persists across
//!   events until another `id` field changes it (`id:` with an empty value makes it `Some("")`);
//!   `None` means no `id` field has been seen on the stream yet.
//! - [`SseEvent::retry`] is the `retry` value set inside this event's block, if any. A `retry` in
//!   a block that dispatches nothing is not lost: [`SseParser::retry`] has the latest value. A
//!   value too large for `u64` saturates.
//! - Memory is capped (see [`SseParser::new`]); the spec has no limit.
//!
//! Cost: every input byte is examined a constant number of times (the scan for a line ending
//! never restarts from the beginning of a buffered partial line), a line wholly inside the
//! current chunk is parsed in place without being copied into the line buffer, and comment
//! lines are skipped without being buffered at all.

use std::borrow::Cow;
use std::fmt;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event` field's value (lossy UTF-8); empty when the event had no `event` field.
    pub event: String,
    /// The raw bytes of the event's `data` lines, joined with `\n` (no trailing `\n`).
    pub data: Vec<u8>,
    /// The last event ID as of this event (lossy UTF-8); persists across events per WHATWG.
    pub id: Option<String>,
    /// The `retry` value (milliseconds) given in this event's block, if any.
    pub retry: Option<u64>,
}

impl SseEvent {
    /// The data as text, with invalid UTF-8 replaced by U+FFFD (borrowed when already valid).
    pub fn data_str(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.data)
    }
}

/// Why the parser gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SseError {
    /// One event (its data and name plus the line being read) grew past `limit` bytes.
    EventTooLarge { limit: usize },
}

impl fmt::Display for SseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SseError::EventTooLarge { limit } => {
                write!(f, "a server-sent event is larger than the limit of {limit} bytes")
            }
        }
    }
}

impl std::error::Error for SseError {}

const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// Where the parser is within the current line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineState {
    /// No byte of the current line seen yet.
    Start,
    /// Inside a comment line: bytes are skipped until the line ending.
    Comment,
    /// `SseParser::line` holds the (non-empty) beginning of a field line.
    Buffered,
}

/// Incremental SSE parser; see the [module docs](self) for the rules it follows.
#[derive(Debug)]
pub struct SseParser {
    max_event_bytes: usize,
    /// Set once the cap was exceeded; every later feed fails the same way.
    poisoned: bool,
    /// `Some(n)`: still at the start of the stream with `n` bytes of a BOM matched so far.
    bom_matched: Option<u8>,
    /// The last chunk ended with CR, so a LF starting the next chunk finishes that CRLF.
    pending_cr: bool,
    state: LineState,
    /// The beginning of a field line that did not end within its chunk. Reused across lines.
    line: Vec<u8>,
    /// Event block being accumulated since the last blank line.
    data: Vec<u8>,
    /// Whether a `data` field was seen in this block (the data itself may be empty).
    has_data: bool,
    event: String,
    block_retry: Option<u64>,
    /// Whether any field line was seen in this block (used by `finish` to report truncation).
    block_started: bool,
    /// Stream-wide state, kept across events (and across `finish`, like an EventSource's).
    last_event_id: Option<String>,
    retry: Option<u64>,
    /// Bytes examined by line-ending and colon searches, to assert linear time in tests.
    #[cfg(test)]
    scanned: usize,
}

impl SseParser {
    /// A parser that fails with [`SseError::EventTooLarge`] once the memory held for one event —
    /// its data so far, its `event` name and the line being read — would exceed
    /// `max_event_bytes`. Comment lines are never buffered, so any length is fine for them.
    pub fn new(max_event_bytes: usize) -> Self {
        SseParser {
            max_event_bytes,
            poisoned: false,
            bom_matched: Some(0),
            pending_cr: false,
            state: LineState::Start,
            line: Vec::new(),
            data: Vec::new(),
            has_data: false,
            event: String::new(),
            block_retry: None,
            block_started: false,
            last_event_id: None,
            retry: None,
            #[cfg(test)]
            scanned: 0,
        }
    }

    /// Feeds the next chunk of the stream; events it completes are pushed to `out` in order.
    ///
    /// Returns an error once an event exceeds the cap. The parser is then poisoned: every later
    /// call returns the same error (events completed earlier in the same chunk are still pushed).
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        if self.poisoned {
            return Err(self.too_large());
        }
        let mut input = bytes;
        if let Some(matched) = self.bom_matched {
            // Match as much of the BOM as this chunk offers; a prefix may span feeds.
            let mut k = usize::from(matched);
            let mut i = 0;
            while k < BOM.len() && i < input.len() && input[i] == BOM[k] {
                k += 1;
                i += 1;
            }
            if k == BOM.len() {
                self.bom_matched = None;
                input = &input[i..];
            } else if i == input.len() {
                // Chunk exhausted while still matching: wait for more.
                self.bom_matched = Some(k as u8);
                return Ok(());
            } else {
                // Not a BOM after all: the bytes matched so far are content. Those from this
                // chunk are still in `input[..i]`, so replay the whole prefix from the constant
                // and carry on after it.
                self.bom_matched = None;
                self.process(&BOM[..k], out)?;
                input = &input[i..];
            }
        }
        self.process(input, out)
    }

    /// Signals the end of the stream. Per WHATWG an event not terminated by a blank line is
    /// discarded; returns whether anything was pending — a partial line (even a comment or a
    /// partial BOM) or field lines since the last blank line — so the caller can tell a
    /// truncated stream from a clean end.
    ///
    /// The parser is then ready for a new stream (a BOM is skipped again); the last event ID and
    /// retry value are kept, as an EventSource keeps them across reconnections. A poisoned parser
    /// stays poisoned and returns `true`.
    pub fn finish(&mut self) -> bool {
        if self.poisoned {
            return true;
        }
        let pending = self.state != LineState::Start || self.block_started || self.bom_matched.is_some_and(|k| k > 0);
        self.bom_matched = Some(0);
        self.pending_cr = false;
        self.state = LineState::Start;
        self.line.clear();
        self.reset_block();
        pending
    }

    /// The last event ID seen on the stream (`id` field), if any.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The latest valid `retry` value (milliseconds) seen on the stream, dispatched or not.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    fn too_large(&self) -> SseError {
        SseError::EventTooLarge { limit: self.max_event_bytes }
    }

    /// Fails (and poisons) if holding a field line of `line_len` bytes on top of what the event
    /// already holds would break the cap. Called before buffering, so memory never exceeds it.
    fn check_size(&mut self, line_len: usize) -> Result<(), SseError> {
        let held = self.data.len() + self.event.len();
        if held.saturating_add(line_len) > self.max_event_bytes {
            self.poisoned = true;
            return Err(self.too_large());
        }
        Ok(())
    }

    /// Position of the first CR or LF in `s`.
    fn find_eol(&mut self, s: &[u8]) -> Option<usize> {
        // SIMD search: this scan is most of a stream's parsing cost.
        let found = memchr::memchr2(b'\n', b'\r', s);
        #[cfg(test)]
        {
            self.scanned += found.map_or(s.len(), |p| p + 1);
        }
        found
    }

    /// Consumes the line ending at `input[eol]` and returns the rest of the input.
    fn skip_eol<'a>(&mut self, input: &'a [u8], eol: usize) -> &'a [u8] {
        if input[eol] == b'\r' {
            match input.get(eol + 1) {
                Some(b'\n') => return &input[eol + 2..],
                // The LF of a CRLF may be the first byte of the next chunk.
                None => self.pending_cr = true,
                Some(_) => {}
            }
        }
        &input[eol + 1..]
    }

    fn process(&mut self, mut input: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        if self.pending_cr && !input.is_empty() {
            self.pending_cr = false;
            if input[0] == b'\n' {
                input = &input[1..];
            }
        }
        while !input.is_empty() {
            // A comment is known from its first byte: skip it instead of buffering it.
            if self.state == LineState::Start && input[0] == b':' {
                self.state = LineState::Comment;
            }
            let eol = self.find_eol(input);
            match (self.state, eol) {
                (LineState::Comment, None) => return Ok(()),
                (LineState::Comment, Some(p)) => {
                    self.state = LineState::Start;
                    input = self.skip_eol(input, p);
                }
                (LineState::Start, Some(p)) => {
                    // Whole line inside this chunk: parse it in place, no copy.
                    self.check_size(p)?;
                    self.process_line(&input[..p], out);
                    input = self.skip_eol(input, p);
                }
                (LineState::Buffered, Some(p)) => {
                    self.check_size(self.line.len() + p)?;
                    self.line.extend_from_slice(&input[..p]);
                    // Take the buffer out to lend it to `process_line`, then put it back empty
                    // so its capacity is reused by the next long line.
                    let line = std::mem::take(&mut self.line);
                    self.process_line(&line, out);
                    self.line = line;
                    self.line.clear();
                    self.state = LineState::Start;
                    input = self.skip_eol(input, p);
                }
                (LineState::Start | LineState::Buffered, None) => {
                    // The line goes on past this chunk: keep it (already scanned, so the next
                    // feed searches only the new bytes). Check first, so a line that never
                    // ends fails as soon as it is too long rather than when it ends.
                    self.check_size(self.line.len() + input.len())?;
                    self.line.extend_from_slice(input);
                    self.state = LineState::Buffered;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Interprets one complete line (without its line ending).
    fn process_line(&mut self, line: &[u8], out: &mut Vec<SseEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        let colon = memchr::memchr(b':', line);
        #[cfg(test)]
        {
            self.scanned += colon.map_or(line.len(), |c| c + 1);
        }
        let (name, value) = match colon {
            // Comments are normally skipped before reaching here; stay correct regardless.
            Some(0) => return,
            Some(c) => {
                let value = &line[c + 1..];
                (&line[..c], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        self.block_started = true;
        match name {
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                // One spare byte: a consumer can NUL-terminate the data in place without a copy.
                self.data.reserve(value.len() + 1);
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => {
                self.event.clear();
                self.event.push_str(&String::from_utf8_lossy(value));
            }
            // An ID with NUL is ignored (it could not be sent back in a Last-Event-ID header).
            b"id" if !value.contains(&0) => {
                self.last_event_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                let ms = value.iter().fold(0u64, |acc, &d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
                self.retry = Some(ms);
                self.block_retry = Some(ms);
            }
            // Unknown fields, and `id`/`retry` with invalid values, are ignored.
            _ => {}
        }
    }

    /// Blank line: emit the event if it has data, and start a new block either way.
    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        if self.has_data {
            // The data and name move into the event; the next event's buffers start empty.
            out.push(SseEvent {
                event: std::mem::take(&mut self.event),
                data: std::mem::take(&mut self.data),
                id: self.last_event_id.clone(),
                retry: self.block_retry,
            });
        }
        self.reset_block();
    }

    fn reset_block(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.event.clear();
        self.block_retry = None;
        self.block_started = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: usize = 1 << 20;

    fn ev(event: &str, data: &[u8]) -> SseEvent {
        SseEvent { event: event.into(), data: data.to_vec(), id: None, retry: None }
    }

    fn parse(bytes: &[u8]) -> Vec<SseEvent> {
        parse_chunks(&[bytes])
    }

    fn parse_chunks(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out).unwrap();
        }
        out
    }

    fn datas(events: &[SseEvent]) -> Vec<String> {
        events.iter().map(|e| e.data_str().into_owned()).collect()
    }

    // ---- FastGPT transcripts -------------------------------------------------------------

    #[test]
    fn fastgpt_detail_false() {
        let t = concat!(
            "data: {\"id\":\"c1\",\"object\":\"\",\"created\":0,\"model\":\"\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"你好\"},\"index\":0,\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"！\"},\"index\":0,\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{},\"index\":0,\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        );
        let events = parse(t.as_bytes());
        assert_eq!(events.len(), 4);
        assert!(events.iter().all(|e| e.event.is_empty() && e.id.is_none() && e.retry.is_none()));
        assert!(events[0].data_str().contains("你好"));
        assert!(events[0].data.starts_with(b"{\"id\"") && events[0].data.ends_with(b"}]}"));
        assert_eq!(events[3].data, b"[DONE]");
    }

    #[test]
    fn fastgpt_detail_true() {
        let t = concat!(
            "event: flowNodeStatus\ndata: {\"status\":\"running\",\"name\":\"AI 对话\"}\n\n",
            "event: answer\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
            "event: answer\ndata: [DONE]\n\n",
            "event: flowResponses\ndata: [{\"moduleName\":\"AI 对话\",\"runningTime\":1.2}]\n\n",
        );
        let events = parse(t.as_bytes());
        let names: Vec<_> = events.iter().map(|e| e.event.as_str()).collect();
        assert_eq!(names, ["flowNodeStatus", "answer", "answer", "flowResponses"]);
        assert_eq!(events[2].data, b"[DONE]");
        assert_eq!(events[3].data_str(), "[{\"moduleName\":\"AI 对话\",\"runningTime\":1.2}]");
    }

    #[test]
    fn fastgpt_error_frame() {
        let t = "event: error\ndata: {\"code\":500,\"statusText\":\"\",\"message\":\"余额不足\"}\n\n";
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        p.feed(t.as_bytes(), &mut out).unwrap();
        assert_eq!(out, [ev("error", "{\"code\":500,\"statusText\":\"\",\"message\":\"余额不足\"}".as_bytes())]);
        assert!(!p.finish());
    }

    // ---- line endings --------------------------------------------------------------------

    #[test]
    fn every_line_ending_style() {
        for eol in ["\n", "\r", "\r\n"] {
            let t = format!("event: a{eol}data: 1{eol}data: 2{eol}{eol}data: 3{eol}{eol}");
            assert_eq!(parse(t.as_bytes()), [ev("a", b"1\n2"), ev("", b"3")], "eol {eol:?}");
        }
        // Mixed in one stream.
        assert_eq!(parse(b"data: a\r\ndata: b\rdata: c\n\r\n"), [ev("", b"a\nb\nc")]);
        // CR CR is two line endings (line end + blank line); LF CR likewise.
        assert_eq!(parse(b"data: a\r\rdata: b\n\rdata: c\n\n"), [ev("", b"a"), ev("", b"b"), ev("", b"c")]);
    }

    #[test]
    fn crlf_split_across_feeds_is_one_line_ending() {
        // Were the LF a second line ending, "a" would be dispatched alone.
        assert_eq!(parse_chunks(&[b"data: a\r", b"\ndata: b\r\n\r\n"]), [ev("", b"a\nb")]);
        assert_eq!(parse_chunks(&[b"data: a\r", b"\n", b"data: b\r", b"\n\r", b"\n"]), [ev("", b"a\nb")]);
        // An empty feed in between does not lose the pending CR.
        assert_eq!(parse_chunks(&[b"data: a\r", b"", b"\ndata: b\n\n"]), [ev("", b"a\nb")]);
        // A CR followed by something else in the next chunk is just a CR.
        assert_eq!(parse_chunks(&[b"data: a\r", b"data: b\r", b"\r"]), [ev("", b"a\nb")]);
        // A CR ending a chunk dispatches at once, without waiting for the next byte.
        assert_eq!(parse_chunks(&[b"data: a\r\r"]), [ev("", b"a")]);
        // LF then CR at a chunk boundary: two line endings.
        assert_eq!(parse_chunks(&[b"data: a\n", b"\rdata: b\n\n"]), [ev("", b"a"), ev("", b"b")]);
    }

    // ---- BOM -----------------------------------------------------------------------------

    #[test]
    fn bom_is_skipped_at_stream_start_only() {
        let t = b"\xEF\xBB\xBFdata: x\n\n";
        for i in 0..=t.len() {
            for j in i..=t.len() {
                assert_eq!(parse_chunks(&[&t[..i], &t[i..j], &t[j..]]), [ev("", b"x")], "split {i},{j}");
            }
        }
        // A second BOM is content: the field name is then "\u{feff}data", which is unknown.
        assert_eq!(parse(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\n"), []);
        // A BOM later in the stream is content too.
        assert_eq!(parse(b"data: x\n\n\xEF\xBB\xBFdata: y\n\n"), [ev("", b"x")]);
        assert_eq!(parse(b"data: \xEF\xBB\xBF\n\n"), [ev("", b"\xEF\xBB\xBF")]);
    }

    #[test]
    fn partial_bom_is_content() {
        // "\xEF\xBBdata" is an unknown field; the following line must still be seen.
        for t in [&b"\xEF\xBBdata: x\n\ndata: y\n\n"[..], b"\xEFdata: x\ndata: y\n\n", b"\xEF\xBB\ndata: y\n\n"] {
            let whole = parse(t);
            assert_eq!(whole, [ev("", b"y")]);
            for i in 0..=t.len() {
                assert_eq!(parse_chunks(&[&t[..i], &t[i..]]), whole, "split {i}");
            }
        }
        // A partial BOM counts toward the cap like any line content.
        let mut p = SseParser::new(4);
        let mut out = Vec::new();
        p.feed(b"\xEF\xBB", &mut out).unwrap();
        assert_eq!(p.feed(b"abc", &mut out), Err(SseError::EventTooLarge { limit: 4 }));
        // And is reported by finish as a pending partial line.
        let mut p = SseParser::new(BIG);
        p.feed(b"\xEF", &mut out).unwrap();
        assert!(p.finish());
    }

    // ---- fields --------------------------------------------------------------------------

    #[test]
    fn comments_are_ignored() {
        let t = b": hello\n:\ndata: a\n: in the middle\ndata: b\n\n:keepalive\n\n";
        assert_eq!(parse(t), [ev("", b"a\nb")]);
        // A colon not at line start is not a comment.
        assert_eq!(parse(b" : x\ndata: a\n\n"), [ev("", b"a")]);
        // Data containing colons keeps everything after the first one.
        assert_eq!(parse(b"data: {\"a\":1}: x\n\n"), [ev("", b"{\"a\":1}: x")]);
    }

    #[test]
    fn data_field_variants() {
        assert_eq!(datas(&parse(b"data:x\n\n")), ["x"]);
        assert_eq!(datas(&parse(b"data:  x \n\n")), [" x "], "only one space is removed");
        assert_eq!(datas(&parse(b"data:\tx\n\n")), ["\tx"], "tab is not stripped");
        assert_eq!(datas(&parse(b"data:\n\n")), [""], "empty data still dispatches");
        assert_eq!(datas(&parse(b"data\n\n")), [""], "no colon: empty value");
        assert_eq!(datas(&parse(b"data\ndata\n\n")), ["\n"]);
        assert_eq!(datas(&parse(b"data: a\ndata:\ndata: b\n\n")), ["a\n\nb"]);
        assert_eq!(datas(&parse(b"data: a\n\n\n\ndata: b\n\n")), ["a", "b"], "extra blank lines");
        assert_eq!(parse(b"Data: x\n\n"), [], "field names are case-sensitive");
        assert_eq!(parse(b"data : x\n\n"), [], "'data ' is another field");
    }

    #[test]
    fn field_without_colon() {
        assert_eq!(parse(b"event\ndata: x\n\n"), [ev("", b"x")]);
        let t = b"id: 7\ndata: a\n\nid\ndata: b\n\n";
        let ids: Vec<_> = parse(t).into_iter().map(|e| e.id).collect();
        assert_eq!(ids, [Some("7".into()), Some(String::new())]);
    }

    #[test]
    fn event_without_data_is_not_dispatched_and_name_resets() {
        assert_eq!(parse(b"event: ping\n\n"), []);
        assert_eq!(parse(b"event: ping\n\ndata: x\n\n"), [ev("", b"x")]);
        assert_eq!(parse(b"event: a\nevent: b\ndata: x\n\n"), [ev("b", b"x")], "last event field wins");
        assert_eq!(parse(b"event: answer\ndata: 1\n\ndata: 2\n\n"), [ev("answer", b"1"), ev("", b"2")]);
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert_eq!(parse(b"foo: bar\ndata: x\nbaz\n\n"), [ev("", b"x")]);
        assert_eq!(parse(b"foo: bar\n\n"), []);
    }

    #[test]
    fn id_and_retry() {
        let t = b"id: 1\nretry: 3000\ndata: a\n\ndata: b\n\nid: x\0y\ndata: c\n\nretry: 12a\nretry:\nretry: -1\ndata: d\n\n";
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        p.feed(t, &mut out).unwrap();
        let got: Vec<_> = out.iter().map(|e| (e.data_str().into_owned(), e.id.clone(), e.retry)).collect();
        assert_eq!(
            got,
            [
                ("a".into(), Some("1".into()), Some(3000)),
                ("b".into(), Some("1".into()), None), // id persists, retry is per block
                ("c".into(), Some("1".into()), None), // id with NUL ignored
                ("d".into(), Some("1".into()), None), // invalid retry values ignored
            ]
        );
        assert_eq!(p.retry(), Some(3000));
        assert_eq!(p.last_event_id(), Some("1"));

        // retry/id in a block without data still take effect stream-wide.
        let mut p = SseParser::new(BIG);
        p.feed(b"retry: 10000\nid: 5\n\n", &mut out).unwrap();
        assert_eq!((p.retry(), p.last_event_id()), (Some(10000), Some("5")));
        p.feed(b"retry: 99999999999999999999999\n\n", &mut out).unwrap();
        assert_eq!(p.retry(), Some(u64::MAX), "saturates");
        // They survive finish (as across EventSource reconnections).
        assert!(!p.finish());
        assert_eq!((p.retry(), p.last_event_id()), (Some(u64::MAX), Some("5")));
        // Spaces: only one is removed; "retry:  5" is not all digits.
        p.feed(b"retry:  5\n\n", &mut out).unwrap();
        assert_eq!(p.retry(), Some(u64::MAX));
    }

    #[test]
    fn invalid_utf8() {
        let t = b"event: a\xFFb\nid: \xC3\ndata: \xFF\xFE\x00\xC3(\ndata: \xE2\x82\n\n";
        let events = parse(t);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, b"\xFF\xFE\x00\xC3(\n\xE2\x82", "data is byte-exact");
        assert_eq!(events[0].event, "a\u{FFFD}b");
        assert_eq!(events[0].id.as_deref(), Some("\u{FFFD}"));
        assert_eq!(events[0].data_str(), "\u{FFFD}\u{FFFD}\0\u{FFFD}(\n\u{FFFD}");
        // data_str borrows when the data is valid.
        assert!(matches!(ev("", b"ok").data_str(), Cow::Borrowed("ok")));
    }

    // ---- chunking invariance -------------------------------------------------------------

    /// ~400 bytes mixing every construct the parser knows.
    fn mixed_transcript() -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(b"\xEF\xBB\xBF: stream start\r\n");
        t.extend_from_slice(b"retry: 2500\nid: 1\r\n");
        t.extend_from_slice(
            "event: answer\rdata: {\"choices\":[{\"delta\":{\"content\":\"你好\"}}]}\r\n\r\n".as_bytes(),
        );
        t.extend_from_slice(b"data:no-space\ndata\ndata: tail\r\r");
        t.extend_from_slice(b":comment with data: inside\nevent: ping\n\n");
        t.extend_from_slice(b"id: 2\nevent: fastAnswer\ndata: \xFF\xC3 raw\r\ndata:\n\n");
        t.extend_from_slice(b"foo: bar\nid: bad\0id\ndata: after-bad-id\n\r");
        t.extend_from_slice(b"event: answer\ndata: [DONE]\n\n");
        t.extend_from_slice(
            "event: flowResponses\ndata: [{\"moduleName\":\"AI 对话\",\"tokens\":42}]\r\n\r\n".as_bytes(),
        );
        t.extend_from_slice(b"event: error\r\ndata: {\"message\":\"x\"}\r\n\r\n");
        t.extend_from_slice(b"data: truncated");
        t
    }

    fn mixed_expected() -> Vec<SseEvent> {
        let with = |event: &str, data: &[u8], id: &str, retry: Option<u64>| SseEvent {
            event: event.into(),
            data: data.to_vec(),
            id: Some(id.into()),
            retry,
        };
        vec![
            with("answer", "{\"choices\":[{\"delta\":{\"content\":\"你好\"}}]}".as_bytes(), "1", Some(2500)),
            with("", b"no-space\n\ntail", "1", None),
            with("fastAnswer", b"\xFF\xC3 raw\n", "2", None),
            with("", b"after-bad-id", "2", None),
            with("answer", b"[DONE]", "2", None),
            with("flowResponses", "[{\"moduleName\":\"AI 对话\",\"tokens\":42}]".as_bytes(), "2", None),
            with("error", b"{\"message\":\"x\"}", "2", None),
        ]
    }

    /// Feeds `chunks` and returns the events plus what `finish` said.
    fn run(chunks: &[&[u8]]) -> (Vec<SseEvent>, bool) {
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        for c in chunks {
            p.feed(c, &mut out).unwrap();
        }
        (out, p.finish())
    }

    #[test]
    fn mixed_transcript_whole() {
        let t = mixed_transcript();
        assert!((350..=450).contains(&t.len()), "len {}", t.len());
        assert_eq!(run(&[&t]), (mixed_expected(), true));
    }

    #[test]
    fn every_two_way_split_matches_whole() {
        let t = mixed_transcript();
        let whole = run(&[&t]);
        for i in 0..=t.len() {
            assert_eq!(run(&[&t[..i], &t[i..]]), whole, "split at {i}");
        }
    }

    #[test]
    fn one_byte_feeds_match_whole() {
        let t = mixed_transcript();
        let chunks: Vec<&[u8]> = t.chunks(1).collect();
        assert_eq!(run(&chunks), run(&[&t]));
    }

    #[test]
    fn every_three_way_split_matches_whole() {
        let t = b"\xEF\xBB\xBFid: 9\r\nevent: answer\rdata: a\r\n: c\r\ndata:b\r\r\ndata: [DONE]\n\nevent: x\n";
        let whole = run(&[t]);
        assert_eq!(whole.0.len(), 2);
        assert!(whole.1);
        for i in 0..=t.len() {
            for j in i..=t.len() {
                assert_eq!(run(&[&t[..i], &t[i..j], &t[j..]]), whole, "split at {i},{j}");
            }
        }
    }

    /// A deliberately naive reference: decode everything at once, split lines, apply the rules.
    fn reference(stream: &[u8]) -> (Vec<SseEvent>, bool) {
        let s = stream.strip_prefix(BOM).unwrap_or(stream);
        let mut lines = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < s.len() {
            match s[i] {
                b'\r' if s.get(i + 1) == Some(&b'\n') => {
                    lines.push(&s[start..i]);
                    i += 2;
                    start = i;
                }
                b'\r' | b'\n' => {
                    lines.push(&s[start..i]);
                    i += 1;
                    start = i;
                }
                _ => i += 1,
            }
        }
        let partial = start < s.len();
        let (mut out, mut data, mut has_data, mut event, mut id, mut retry, mut started) =
            (Vec::new(), Vec::new(), false, String::new(), None, None, false);
        for line in lines {
            if line.is_empty() {
                if has_data {
                    out.push(SseEvent { event: event.clone(), data: data.clone(), id: id.clone(), retry });
                }
                (data, has_data, event, retry, started) = (Vec::new(), false, String::new(), None, false);
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            started = true;
            let (name, value) = match line.iter().position(|&b| b == b':') {
                Some(c) => (&line[..c], line[c + 1..].strip_prefix(b" ").unwrap_or(&line[c + 1..])),
                None => (line, &b""[..]),
            };
            match name {
                b"data" => {
                    if has_data {
                        data.push(b'\n');
                    }
                    data.extend_from_slice(value);
                    has_data = true;
                }
                b"event" => event = String::from_utf8_lossy(value).into_owned(),
                b"id" if !value.contains(&0) => id = Some(String::from_utf8_lossy(value).into_owned()),
                b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                    retry = std::str::from_utf8(value).unwrap().parse().ok().or(Some(u64::MAX))
                }
                _ => {}
            }
        }
        (out, partial || started)
    }

    #[test]
    fn random_streams_match_reference_under_random_chunking() {
        // Tokens chosen so random concatenations hit every rule and boundary.
        const TOKENS: &[&[u8]] = &[
            b"data",
            b"data:",
            b"data: ",
            b"event: ",
            b"event",
            b"id: ",
            b"id",
            b"retry: ",
            b"12",
            b"x",
            b" ",
            b":",
            b"\0",
            b"\r",
            b"\n",
            b"\r\n",
            b"\n\n",
            b"\xEF",
            b"\xBB\xBF",
            b"\xFF",
            b"zz",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for round in 0..3000 {
            let mut s = Vec::new();
            if round % 5 == 0 {
                s.extend_from_slice(BOM);
            }
            for _ in 0..next(24) {
                s.extend_from_slice(TOKENS[next(TOKENS.len())]);
            }
            let mut chunks = Vec::new();
            let mut rest = &s[..];
            while !rest.is_empty() {
                let n = next(rest.len().min(8) + 1);
                chunks.push(&rest[..n]);
                rest = &rest[n..];
            }
            assert_eq!(run(&chunks), reference(&s), "stream {:?} chunks {chunks:?}", String::from_utf8_lossy(&s));
        }
    }

    // ---- size cap ------------------------------------------------------------------------

    const CAP: usize = 64 * 1024;

    #[test]
    fn giant_line_without_newline_fails_early() {
        let chunk = vec![b'a'; 4096];
        let mut p = SseParser::new(CAP);
        let mut out = Vec::new();
        p.feed(b"data: ", &mut out).unwrap();
        let mut fed = 6;
        let err = loop {
            match p.feed(&chunk, &mut out) {
                Ok(()) => fed += chunk.len(),
                Err(e) => break e,
            }
            assert!(fed <= 1 << 20, "no error after 1 MiB");
        };
        assert_eq!(err, SseError::EventTooLarge { limit: CAP });
        assert!(fed <= CAP, "accepted {fed} bytes");
        assert!(p.line.len() <= CAP && p.line.capacity() <= 2 * CAP, "buffered {}", p.line.capacity());

        // All in one slice: rejected without buffering anything.
        let mut p = SseParser::new(CAP);
        let mut line = b"data: ".to_vec();
        line.resize(1 << 20, b'a');
        assert_eq!(p.feed(&line, &mut out), Err(SseError::EventTooLarge { limit: CAP }));
        assert_eq!(p.line.capacity(), 0);
        assert!(out.is_empty());
    }

    #[test]
    fn many_small_data_lines_exceed_cap() {
        let mut p = SseParser::new(CAP);
        let mut out = Vec::new();
        let line = format!("data: {}\n", "x".repeat(100));
        let mut fed = 0;
        let err = loop {
            match p.feed(line.as_bytes(), &mut out) {
                Ok(()) => fed += line.len(),
                Err(e) => break e,
            }
            assert!(fed < 2 * CAP, "no error");
        };
        assert_eq!(err, SseError::EventTooLarge { limit: CAP });
        assert!(p.data.len() <= CAP);
        assert!(out.is_empty());
        // The cap is per event: the same lines in small events are fine.
        let mut p = SseParser::new(CAP);
        for _ in 0..2000 {
            p.feed(line.as_bytes(), &mut out).unwrap();
            p.feed(b"\n", &mut out).unwrap();
        }
        assert_eq!(out.len(), 2000);
    }

    #[test]
    fn cap_boundary_and_event_name() {
        let mut out = Vec::new();
        // A 10-byte line fits a cap of 10, not of 9.
        assert!(SseParser::new(10).feed(b"data:12345\n\n", &mut out).is_ok());
        assert!(SseParser::new(9).feed(b"data:12345\n\n", &mut out).is_err());
        // Same when the line is split across feeds.
        let mut p = SseParser::new(10);
        p.feed(b"data:1", &mut out).unwrap();
        p.feed(b"2345", &mut out).unwrap();
        p.feed(b"\n\n", &mut out).unwrap();
        let mut p = SseParser::new(9);
        p.feed(b"data:1", &mut out).unwrap();
        assert!(p.feed(b"2345", &mut out).is_err());
        // The event name is part of the event's memory.
        let mut p = SseParser::new(20);
        p.feed(b"event: 0123456789\n", &mut out).unwrap();
        assert!(p.feed(b"data: 0123456789\n", &mut out).is_err());
    }

    #[test]
    fn long_comment_line_is_skipped_without_buffering() {
        let mut p = SseParser::new(CAP);
        let mut out = Vec::new();
        let mut comment = vec![b':'];
        comment.resize(1 << 20, b'c');
        // In one slice and in pieces, including a comment whose ':' starts a chunk.
        p.feed(&comment, &mut out).unwrap();
        p.feed(b"\n", &mut out).unwrap();
        for piece in comment.chunks(1000) {
            p.feed(piece, &mut out).unwrap();
        }
        p.feed(b"\ndata: ok\n\n", &mut out).unwrap();
        assert_eq!(out, [ev("", b"ok")]);
        assert_eq!(p.line.capacity(), 0, "comment was buffered");
    }

    #[test]
    fn poisoned_parser_keeps_failing() {
        let mut p = SseParser::new(8);
        let mut out = Vec::new();
        p.feed(b"data: 1\n\n", &mut out).unwrap();
        // Events completed before the overflow in the same chunk are delivered.
        let err = p.feed(b"data: 2\n\ndata: 123456789\n\n", &mut out).unwrap_err();
        assert_eq!(datas(&out), ["1", "2"]);
        for bytes in [&b""[..], b"data: x\n\n", b"\n"] {
            assert_eq!(p.feed(bytes, &mut out), Err(err.clone()));
        }
        assert_eq!(out.len(), 2);
        assert!(p.finish());
        assert_eq!(p.feed(b"data: x\n\n", &mut out), Err(err.clone()));
        assert_eq!(err.to_string(), "a server-sent event is larger than the limit of 8 bytes");
    }

    // ---- finish --------------------------------------------------------------------------

    #[test]
    fn finish_reports_pending_input() {
        let pending = |chunks: &[&[u8]]| run(chunks).1;
        assert!(!pending(&[]), "empty stream");
        assert!(!pending(&[b"data: a\n\n"]), "clean end");
        assert!(!pending(&[b"data: a\r\n\r\n"]));
        assert!(!pending(&[b"data: a\r\r"]));
        assert!(!pending(&[b"data: a\n\n: keepalive\n"]), "complete comments are not pending");
        assert!(!pending(&[b"event: ping\n\n"]), "nothing dispatched, but the block was closed");
        assert!(!pending(&[b"\xEF\xBB\xBF"]), "a whole BOM alone");
        assert!(pending(&[b"data: a\n\ndata: b"]), "partial line");
        assert!(pending(&[b"data: a\n\ndata: b\n"]), "undispatched data");
        assert!(pending(&[b"data: a\n\ndata: b\r"]), "undispatched data after CR");
        assert!(pending(&[b"event: answer\n"]), "block started");
        assert!(pending(&[b"id: 3\n"]), "block started");
        assert!(pending(&[b": partial comm"]), "partial comment line");
        assert!(pending(&[b"\xEF\xBB"]), "partial BOM");
        assert!(pending(&[b"d"]));
    }

    #[test]
    fn finish_discards_and_resets_for_a_new_stream() {
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        p.feed(b"\xEF\xBB\xBFid: 1\nevent: answer\ndata: lost\r", &mut out).unwrap();
        assert!(p.finish());
        assert!(out.is_empty(), "incomplete event discarded");
        // A BOM is skipped again at the start of the new stream (else the field would be
        // "\u{feff}data", unknown); the last event ID carries over.
        p.feed(b"\xEF\xBB\xBFdata: new\n\n", &mut out).unwrap();
        assert_eq!(out, [SseEvent { event: String::new(), data: b"new".to_vec(), id: Some("1".into()), retry: None }]);
        assert!(!p.finish());
    }

    // ---- cost ----------------------------------------------------------------------------

    #[test]
    fn zero_copy_for_lines_within_a_chunk() {
        let mut p = SseParser::new(BIG);
        let mut out = Vec::new();
        p.feed(b"event: answer\ndata: x\n\n: c\n", &mut out).unwrap();
        assert_eq!(out, [ev("answer", b"x")]);
        assert_eq!(p.line.capacity(), 0, "lines inside the chunk were copied");
    }

    #[test]
    fn linear_time_on_a_giant_line_fed_byte_by_byte() {
        const N: usize = 4 << 20;
        let mut stream = b"data: ".to_vec();
        stream.resize(N - 2, b'z');
        stream.extend_from_slice(b"\n\n");
        let mut p = SseParser::new(8 << 20);
        let mut out = Vec::new();
        for b in stream.chunks(1) {
            p.feed(b, &mut out).unwrap();
        }
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data.len(), N - 8);
        assert!(p.scanned <= 2 * N, "scanned {} bytes for {N}", p.scanned);

        // Same bound for many lines in odd-sized chunks.
        let mut p = SseParser::new(8 << 20);
        out.clear();
        let t = mixed_transcript().repeat(200);
        for c in t.chunks(7) {
            p.feed(c, &mut out).unwrap();
        }
        assert!(p.scanned <= 2 * t.len(), "scanned {} bytes for {}", p.scanned, t.len());
    }
}
