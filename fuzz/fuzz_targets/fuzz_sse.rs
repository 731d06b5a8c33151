//! The SSE parser and the FastGPT event model on arbitrary server bytes, fed in arbitrary chunks.
//!
//! Input layout: byte 0 = options (bit 0: detail mode, bit 1: small cap), bytes 1..9 = seed of
//! the chunk split, the rest = the stream. Invariants:
//! - no panic, whatever the bytes and the split;
//! - the events (and the error, and `finish`'s verdict) are the same for one feed, a seeded
//!   random split and a byte-at-a-time split: chunk boundaries are invisible;
//! - no dispatched event is larger than the cap (memory per event is bounded by it);
//! - the interpreter's events keep their promises (text never empty, DONE only for `[DONE]`),
//!   and a successful `finish` is valid JSON in the documented shape.
#![no_main]

use fastgpt::events::{EventKind, StreamInterpreter};
use fastgpt::sse::{SseError, SseEvent, SseParser};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    error: Option<SseError>,
    /// `finish()` after a clean feed: whether a partial event was pending.
    pending: Option<bool>,
}

fn parse(stream: &[u8], cap: usize, chunks: impl Iterator<Item = usize>) -> Outcome {
    let mut parser = SseParser::new(cap);
    let mut events = Vec::new();
    let mut rest = stream;
    let mut chunks = chunks;
    while !rest.is_empty() {
        let n = chunks.next().unwrap_or(rest.len()).clamp(1, rest.len());
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        if let Err(e) = parser.feed(chunk, &mut events) {
            // Poisoned: every later feed fails the same way.
            assert_eq!(parser.feed(b"data: x\n\n", &mut Vec::new()), Err(e.clone()));
            return Outcome { events, error: Some(e), pending: None };
        }
    }
    Outcome { events, error: None, pending: Some(parser.finish()) }
}

/// Chunk lengths 1..=64 from a xorshift generator seeded by the input.
fn split(seed: u64) -> impl Iterator<Item = usize> {
    let mut x = seed | 1;
    std::iter::from_fn(move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        Some((x % 64) as usize + 1)
    })
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 9 {
        return;
    }
    let options = input[0];
    let seed = u64::from_le_bytes(input[1..9].try_into().unwrap());
    let stream = &input[9..];
    let detail = options & 1 != 0;
    let cap = if options & 2 != 0 { 1024 } else { 64 * 1024 };

    let whole = parse(stream, cap, std::iter::empty());
    let random = parse(stream, cap, split(seed));
    assert_eq!(whole, random, "a random split changed the outcome");
    if stream.len() <= 4096 {
        let bytes = parse(stream, cap, std::iter::repeat(1));
        assert_eq!(whole, bytes, "a byte-at-a-time split changed the outcome");
    }
    for ev in &whole.events {
        assert!(ev.data.len() + ev.event.len() <= cap, "an event larger than the cap was dispatched");
    }

    // The FastGPT event model over the frames, as the client runs it.
    let _ = detail;
    let mut interpreter = StreamInterpreter::new(Some("chat".into()));
    let mut failed = false;
    for frame in whole.events {
        let raw = frame.data.clone();
        match interpreter.on_frame(frame) {
            Ok(ev) => {
                assert_eq!(ev.data, raw, "event data is byte-exact");
                assert!(ev.text().is_none_or(|t| !t.is_empty()), "text is never empty");
                assert!(ev.reasoning().is_none_or(|t| !t.is_empty()), "reasoning is never empty");
                assert_eq!(ev.kind == EventKind::Done, raw == b"[DONE]" && matches!(ev.name.as_str(), "" | "answer" | "fastAnswer"));
                assert_eq!(ev.kind == EventKind::Error, ev.error.is_some());
                if interpreter.finished() {
                    break;
                }
            }
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    if !failed {
        if let Ok(resp) = interpreter.finish(200, Default::default()) {
            let v: serde_json::Value = serde_json::from_slice(&resp.body).expect("the accumulated response is JSON");
            assert!(v["choices"][0]["message"]["content"].is_string(), "{v}");
        }
    }
});
