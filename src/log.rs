//! Logging: what a client did (one line per request attempt, stream start and end, config
//! decisions), for whoever embeds the library. Each client has a [`Logger`]; by default it writes
//! to stderr at the level of the `FASTGPT_LOG` environment variable (read once per process), and
//! an embedder may give it a sink instead (the C layer adapts its callback to one).
//!
//! Rules every log site follows:
//! - Disabled logging costs one relaxed atomic load: [`log_at!`] checks the level before anything
//!   is formatted.
//! - One line per message, `event key=value ...` (logfmt): values that may hold spaces or
//!   arbitrary text go through [`quote`], so a server's message cannot forge or split lines.
//! - Never the API key or a header value; bodies only at [`Level::Trace`]. As a last line of
//!   defence every message is scrubbed of the key before it leaves the logger.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

/// Severity, most severe first. The numbers are the C constants `FASTGPT_LOG_*` (0 is "off").
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// A call failed (the caller also gets the error).
    Error = 1,
    /// Something went wrong and was handled: an attempt that is retried, a risky config.
    Warn = 2,
    /// One line per successful request attempt, stream end, client configuration.
    Info = 3,
    /// Stream start, call end, derived clients, cancellations.
    Debug = 4,
    /// Request and response bodies (the API key redacted).
    Trace = 5,
}

/// Logging off: no level is delivered.
pub const OFF: u8 = 0;

/// The environment variable with the default level: `error`, `warn`, `info`, `debug`, `trace`
/// (or `off`, or unset).
pub const ENV_LOG: &str = "FASTGPT_LOG";

impl Level {
    pub const ALL: [Level; 5] = [Level::Error, Level::Warn, Level::Info, Level::Debug, Level::Trace];

    pub fn from_u8(n: u8) -> Option<Level> {
        Level::ALL.into_iter().find(|l| *l as u8 == n)
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
            Level::Trace => "TRACE",
        }
    }

    /// A level as written in `FASTGPT_LOG` (case-insensitive; `off`, `none`, `0` and "" are off).
    pub fn parse(text: &str) -> Option<u8> {
        let t = text.trim();
        if ["", "off", "none", "0"].iter().any(|o| t.eq_ignore_ascii_case(o)) {
            return Some(OFF);
        }
        Level::ALL
            .into_iter()
            .find(|l| t.eq_ignore_ascii_case(l.name()) || (t == "warning" && *l == Level::Warn))
            .map(|l| l as u8)
    }
}

/// The level from `FASTGPT_LOG`, read once per process (an unknown value warns once on stderr and
/// leaves logging off, so a typo is noticed).
pub fn env_level() -> u8 {
    static LEVEL: OnceLock<u8> = OnceLock::new();
    *LEVEL.get_or_init(|| {
        let value = std::env::var(ENV_LOG).unwrap_or_default();
        Level::parse(&value).unwrap_or_else(|| {
            let _ = writeln!(
                std::io::stderr().lock(),
                "libfastgpt: {ENV_LOG}={} is not one of error, warn, info, debug, trace, off: logging stays off",
                quote(&value)
            );
            OFF
        })
    })
}

/// Where lines go instead of stderr. Called on any thread, with no lock held.
pub type Sink = dyn Fn(Level, &str) + Send + Sync;

/// A client's logger: a level checked with one atomic load and a sink (stderr when none).
pub struct Logger {
    /// The most verbose level delivered; [`OFF`] delivers nothing.
    level: AtomicU8,
    sink: RwLock<Option<Arc<Sink>>>,
    /// Scrubbed from every line (defence in depth: no log site formats it).
    secret: Option<String>,
}

impl Logger {
    /// A logger to stderr at the `FASTGPT_LOG` level that hides `secret` (the API key).
    pub fn new(secret: Option<String>) -> Logger {
        Logger { level: AtomicU8::new(env_level()), sink: RwLock::new(None), secret: secret.filter(|s| !s.is_empty()) }
    }

    /// A logger for a derived client: the same sink and level as this one now; changing either
    /// logger later does not change the other.
    pub fn derive(&self) -> Logger {
        Logger {
            level: AtomicU8::new(self.level.load(Ordering::Relaxed)),
            sink: RwLock::new(self.sink.read().unwrap_or_else(PoisonError::into_inner).clone()),
            secret: self.secret.clone(),
        }
    }

    /// Whether a line at `level` would be delivered: the check every log site makes first.
    #[inline]
    pub fn enabled(&self, level: Level) -> bool {
        level as u8 <= self.level.load(Ordering::Relaxed)
    }

    /// Sends lines up to `level` to `sink` instead of stderr; `None` goes back to stderr at the
    /// `FASTGPT_LOG` level. The previous sink is dropped once no line in progress uses it.
    pub fn set_sink(&self, level: u8, sink: Option<Arc<Sink>>) {
        let level = if sink.is_some() { level.min(Level::Trace as u8) } else { env_level() };
        let old = {
            let mut slot = self.sink.write().unwrap_or_else(PoisonError::into_inner);
            // Under the lock, so a concurrent set_sink cannot pair one call's level with the
            // other's sink.
            self.level.store(level, Ordering::Relaxed);
            std::mem::replace(&mut *slot, sink)
        };
        // Dropped outside the lock: a C sink's free function may run here.
        drop(old);
    }

    /// Delivers one line (use [`log_at!`], which checks [`Logger::enabled`] first).
    pub fn write(&self, level: Level, args: fmt::Arguments<'_>) {
        let mut line = fmt::format(args);
        if let Some(secret) = &self.secret {
            if line.contains(secret.as_str()) {
                line = line.replace(secret.as_str(), "[REDACTED]");
            }
        }
        // Cloned so that no lock is held while the sink runs (it may take its time or log again).
        let sink = self.sink.read().unwrap_or_else(PoisonError::into_inner).clone();
        match sink {
            Some(sink) => sink(level, &line),
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{} libfastgpt {:<5} {line}", utc_now(), level.name());
            }
        }
    }
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger").field("level", &self.level.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

/// `log_at!(logger, Level::Info, "format", args...)`: formats and delivers only when enabled.
macro_rules! log_at {
    ($logger:expr, $level:expr, $($arg:tt)+) => {{
        let logger: &$crate::log::Logger = &$logger;
        let level: $crate::log::Level = $level;
        if logger.enabled(level) {
            logger.write(level, format_args!($($arg)+));
        }
    }};
}
pub(crate) use log_at;

/// A logfmt value: `"..."` with quotes, backslashes and control characters escaped, so the line
/// stays one line whatever the text holds.
pub fn quote(text: &str) -> Quoted<'_> {
    Quoted(text)
}

pub struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_control() => write!(f, "\\u{{{:x}}}", c as u32)?,
                c => f.write_char(c)?,
            }
        }
        f.write_char('"')
    }
}

/// Largest body shown at trace level; the rest is counted, not printed.
pub const MAX_LOGGED_BODY: usize = 16 * 1024;

/// A body for a trace line: `bytes=N body="..."`, cut at [`MAX_LOGGED_BODY`].
pub fn body(bytes: &[u8]) -> Body<'_> {
    Body(bytes)
}

pub struct Body<'a>(&'a [u8]);

impl fmt::Display for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = &self.0[..self.0.len().min(MAX_LOGGED_BODY)];
        let text = String::from_utf8_lossy(shown);
        write!(f, "bytes={} body={}", self.0.len(), quote(&text))?;
        if shown.len() < self.0.len() {
            f.write_str(" body_truncated=true")?;
        }
        Ok(())
    }
}

/// The client's configuration after normalisation, at INFO (and a WARN for risky choices).
/// Header and key values are never shown: names and "set" only.
pub fn config_decisions(logger: &Logger, c: &crate::config::Config) {
    log_at!(
        logger,
        Level::Info,
        "client base_url={} api_key={} timeout_ms={} connect_timeout_ms={} stream_idle_timeout_ms={} max_retries={} \
         max_retry_delay_ms={} headers={} user_agent={} proxy={} ca_cert_pem={} tls_verify={}",
        quote(&c.base_url),
        if c.api_key.is_some() { "set" } else { "none" },
        ms(c.timeout),
        ms(c.connect_timeout),
        ms(c.stream_idle_timeout),
        c.max_retries,
        ms(c.max_retry_delay),
        header_names(&c.headers),
        quote(&c.user_agent),
        if c.proxy.is_some() { "set" } else { "none" },
        if c.ca_cert_pem.is_some() { "set" } else { "none" },
        !c.danger_accept_invalid_certs,
    );
    if c.danger_accept_invalid_certs {
        log_at!(
            logger,
            Level::Warn,
            "client tls_verify=false: certificates are not checked (danger_accept_invalid_certs)"
        );
    }
    if c.api_key.is_some() && c.base_url.starts_with("http://") && !is_loopback(&c.base_url) {
        log_at!(
            logger,
            Level::Warn,
            "client base_url={} is plain http: the API key crosses the network unencrypted",
            quote(&c.base_url)
        );
    }
}

fn is_loopback(base_url: &str) -> bool {
    let url = reqwest::Url::parse(base_url).ok();
    let host = url.as_ref().and_then(|u| u.host_str()).unwrap_or_default();
    host.eq_ignore_ascii_case("localhost")
        || host.trim_matches(|c| c == '[' || c == ']').parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `[name,name]`: header names only (values may be credentials).
fn header_names(headers: &[(String, String)]) -> String {
    let names: Vec<&str> = headers.iter().map(|(n, _)| n.as_str()).collect();
    format!("[{}]", names.join(","))
}

/// What a derived client overrides, values of headers left out.
pub fn overrides(o: &crate::config::Overrides) -> String {
    let mut out = String::new();
    if let Some(t) = o.timeout {
        let _ = write!(out, "timeout_ms={} ", ms(t));
    }
    if let Some(t) = o.stream_idle_timeout {
        let _ = write!(out, "stream_idle_timeout_ms={} ", ms(t));
    }
    if let Some(n) = o.max_retries {
        let _ = write!(out, "max_retries={n} ");
    }
    let _ = write!(out, "headers={}", header_names(&o.headers));
    out
}

/// `result=ok` or `result=error status=N error="..."` for call and stream end lines.
pub fn outcome<T>(result: &Result<T, crate::Error>) -> String {
    match result {
        Ok(_) => "result=ok".into(),
        Err(e) => format!("result=error status={} error={}", e.kind as i32, quote(&e.message)),
    }
}

/// The level of an end line: failures are errors, the rest (success, cancellation) is `ok`.
pub fn end_level<T>(result: &Result<T, crate::Error>, ok: Level) -> Level {
    match result {
        Err(e) if e.kind != crate::ErrorKind::Cancelled => Level::Error,
        _ => ok,
    }
}

/// Milliseconds, for `duration_ms=` values.
pub fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// `2026-11-30T09:12:47.123Z`: the stderr line prefix (no date library for one format).
fn utc_now() -> String {
    utc(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default())
}

fn utc(since: Duration) -> String {
    let secs = since.as_secs();
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn capture(logger: &Logger, level: u8) -> Arc<Mutex<Vec<(Level, String)>>> {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink_lines = Arc::clone(&lines);
        logger.set_sink(level, Some(Arc::new(move |l, m: &str| sink_lines.lock().unwrap().push((l, m.to_string())))));
        lines
    }

    #[test]
    fn levels_parse_as_written_in_the_environment() {
        assert_eq!(Level::parse("debug"), Some(Level::Debug as u8));
        assert_eq!(Level::parse(" TRACE "), Some(5));
        assert_eq!(Level::parse("warning"), Some(2));
        assert_eq!(Level::parse(""), Some(OFF));
        assert_eq!(Level::parse("off"), Some(OFF));
        assert_eq!(Level::parse("verbose"), None);
        for l in Level::ALL {
            assert_eq!(Level::from_u8(l as u8), Some(l));
            assert_eq!(Level::parse(&l.name().to_lowercase()), Some(l as u8));
        }
        assert_eq!(Level::from_u8(0), None);
        assert_eq!(Level::from_u8(6), None);
    }

    #[test]
    fn the_level_filters_and_the_sink_replaces_stderr() {
        let logger = Logger::new(None);
        let lines = capture(&logger, Level::Info as u8);
        log_at!(logger, Level::Debug, "hidden {}", 1);
        log_at!(logger, Level::Info, "shown {}", 2);
        log_at!(logger, Level::Error, "shown {}", 3);
        let got = lines.lock().unwrap().clone();
        assert_eq!(got, vec![(Level::Info, "shown 2".to_string()), (Level::Error, "shown 3".to_string())]);
        logger.set_sink(OFF, Some(Arc::new(|_, _: &str| panic!("off delivers nothing"))));
        log_at!(logger, Level::Error, "nothing");
    }

    #[test]
    fn disabled_sites_do_not_format() {
        struct Explodes;
        impl fmt::Display for Explodes {
            fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
                panic!("formatted while disabled")
            }
        }
        let logger = Logger::new(None);
        logger.set_sink(Level::Warn as u8, Some(Arc::new(|_, _: &str| {})));
        log_at!(logger, Level::Debug, "{}", Explodes);
    }

    #[test]
    fn the_secret_never_leaves_the_logger() {
        let logger = Logger::new(Some("fastgpt-s3cr3t".into()));
        let lines = capture(&logger, Level::Trace as u8);
        log_at!(logger, Level::Trace, "body={}", quote("{\"authorization\":\"Bearer fastgpt-s3cr3t\"}"));
        let got = lines.lock().unwrap().clone();
        assert!(!got[0].1.contains("s3cr3t") && got[0].1.contains("[REDACTED]"), "{got:?}");
    }

    #[test]
    fn derived_loggers_start_equal_and_then_are_independent() {
        let parent = Logger::new(None);
        let parent_lines = capture(&parent, Level::Info as u8);
        let child = parent.derive();
        log_at!(child, Level::Info, "from child");
        assert_eq!(parent_lines.lock().unwrap().len(), 1, "the derived logger uses the parent's sink");
        let child_lines = capture(&child, Level::Debug as u8);
        log_at!(child, Level::Debug, "child only");
        log_at!(parent, Level::Debug, "parent filtered");
        assert_eq!(parent_lines.lock().unwrap().len(), 1);
        assert_eq!(child_lines.lock().unwrap().len(), 1);
    }

    #[test]
    fn quoting_keeps_one_line() {
        assert_eq!(quote("a \"b\"\n\\c\u{1}").to_string(), r#""a \"b\"\n\\c\u{1}""#);
        let big = vec![b'x'; MAX_LOGGED_BODY + 10];
        let shown = body(&big).to_string();
        assert!(shown.starts_with(&format!("bytes={} body=\"x", big.len())) && shown.ends_with("body_truncated=true"));
    }

    #[test]
    fn timestamps_are_utc_iso8601() {
        assert_eq!(utc(Duration::from_millis(1_700_000_000_250)), "2023-11-14T22:13:20.250Z");
        assert_eq!(utc(Duration::from_secs(951_782_400)), "2000-02-29T00:00:00.000Z");
        assert_eq!(utc(Duration::ZERO), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_now().len(), "2026-11-30T09:12:47.123Z".len());
    }
}
