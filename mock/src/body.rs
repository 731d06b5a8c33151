//! The one response body type: a whole buffer, a bounded channel fed by a producer task (streams),
//! or a generated run of filler bytes (huge bodies without holding them in memory).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::sync::mpsc;

/// 64 KiB of filler, sliced (never copied) into huge bodies and huge events.
pub static FILLER: [u8; 65536] = [b'x'; 65536];

/// How many chunks a stream producer may run ahead of the socket. Small on purpose: a slow
/// client must slow the producer down instead of making the mock buffer without bound.
const STREAM_DEPTH: usize = 4;

pub enum Body {
    Full(Option<Bytes>),
    /// Chunks from a producer task. An `Err` aborts the connection (no chunked terminator), and
    /// dropping the receiver (client gone) makes the producer's next send fail so it stops.
    Channel(mpsc::Receiver<io::Result<Bytes>>),
    /// `head`, then `fill` filler bytes, then `tail`.
    Filler {
        head: Option<Bytes>,
        fill: usize,
        tail: Option<Bytes>,
        len: u64,
    },
}

impl Body {
    pub fn full(b: impl Into<Bytes>) -> Self {
        Body::Full(Some(b.into()))
    }

    pub fn empty() -> Self {
        Body::Full(None)
    }

    pub fn channel() -> (mpsc::Sender<io::Result<Bytes>>, Self) {
        let (tx, rx) = mpsc::channel(STREAM_DEPTH);
        (tx, Body::Channel(rx))
    }

    pub fn filler(head: Bytes, fill: usize, tail: Bytes) -> Self {
        let len = (head.len() + fill + tail.len()) as u64;
        Body::Filler { head: Some(head), fill, tail: Some(tail), len }
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Body::Channel(rx) => rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data))),
            Body::Filler { head, fill, tail, .. } => {
                let next = if let Some(h) = head.take() {
                    Some(h)
                } else if *fill > 0 {
                    let n = (*fill).min(FILLER.len());
                    *fill -= n;
                    Some(Bytes::from_static(&FILLER[..n]))
                } else {
                    tail.take()
                };
                Poll::Ready(next.map(|b| Ok(Frame::data(b))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Body::Filler { len, .. } => SizeHint::with_exact(*len),
            Body::Channel(_) => SizeHint::default(),
        }
    }
}
