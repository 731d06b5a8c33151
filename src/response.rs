//! The result of a successful call, as the client builds it and the C layer hands it out.

use reqwest::header::HeaderMap;

/// A complete answer: of a unary call, or a stream's accumulated answer in the non-stream shape.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// As received (names are lower case).
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Where the result is within `body`: the envelope's `data`, or all of it.
    pub data: std::ops::Range<usize>,
}

impl Response {
    pub fn data(&self) -> &[u8] {
        &self.body[self.data.clone()]
    }
}
