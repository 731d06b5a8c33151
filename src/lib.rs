//! libfastgpt: a native client for the FastGPT API, shipped as a C ABI library.
//!
//! The Rust core knows nothing of C:
//! - [`config`]: client configuration from JSON and the environment;
//! - [`endpoints`]: the one table of FastGPT operations (method, path, params, required fields, retry safety);
//! - [`transport`]: HTTP with auth, retries, backoff, Retry-After, timeouts and route fallbacks;
//! - [`tls`]: the rustls configuration (trusted roots read at the first certificate check);
//! - [`upload`]: multipart file uploads streamed from disk or memory, with progress;
//! - [`error`]: error kinds and the classification of FastGPT's envelopes;
//! - [`sse`]: a sans-IO Server-Sent Events parser;
//! - [`events`]: FastGPT's stream events and the accumulated answer;
//! - [`response`]: the result of a successful call;
//! - [`runtime`]: the process-wide runtime and the fork guard;
//! - [`delivery`]: how an operation's events reach its consumer (mailbox, flow control, pause,
//!   the bounded callback threads);
//! - [`local`]: blocking calls run on the caller's thread (a current-thread runtime per thread);
//! - [`log`]: per-client log lines (`FASTGPT_LOG` to stderr, or an embedder's sink);
//! - [`client`]: the client that ties them together.
//!
//! [`ffi`] is the thin C layer over it: pointer checks, the panic boundary, conversions.

pub mod client;
pub mod config;
pub mod delivery;
pub mod endpoints;
pub mod error;
pub mod events;
pub mod local;
pub mod log;
pub mod response;
pub mod runtime;
pub mod sse;
pub mod tls;
pub mod transport;
pub mod upload;

pub mod ffi;

pub use client::Client;
pub use config::Config;
pub use error::{Error, ErrorKind};
