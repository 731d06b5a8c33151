//! Client configuration: parsed from the JSON given to `fastgpt_client_new`, with environment
//! defaults, and the base URL normalised so `https://host`, `.../api` and `.../api/v1` all work.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use crate::error::Error;

pub const DEFAULT_BASE_URL: &str = "http://localhost:3000";
pub const ENV_BASE_URL: &str = "FASTGPT_BASE_URL";
pub const ENV_API_KEY: &str = "FASTGPT_API_KEY";

#[derive(Clone)]
pub struct Config {
    /// Server root without a trailing slash and without `/api`: endpoint paths start with `/api/`.
    pub base_url: String,
    pub api_key: Option<String>,
    /// A whole unary call, retries included; a stream until its response headers.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Longest silence between two reads of a stream (FastGPT sends a heartbeat every 10 s).
    pub stream_idle_timeout: Duration,
    pub max_retries: u32,
    /// A server-requested retry delay longer than this is not waited for: the error is returned.
    pub max_retry_delay: Duration,
    pub headers: Vec<(String, String)>,
    pub user_agent: String,
    pub proxy: Option<String>,
    /// Largest SSE event accepted; a larger one fails the stream with a decode error.
    pub max_event_bytes: usize,
    /// Largest unary response body accepted.
    pub max_response_bytes: usize,
    /// Extra trusted root certificates (PEM), for private CAs. Shared, not copied, by derived
    /// clients: a CA bundle can be large and a derived client may be made per call.
    pub ca_cert_pem: Option<std::sync::Arc<str>>,
    /// Turns off TLS certificate verification. Named to be noticed in review.
    pub danger_accept_invalid_certs: bool,
    /// Most threads this client runs async callbacks on (C layer); bounds the process's threads.
    pub callback_threads: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            base_url: DEFAULT_BASE_URL.to_string(),
            api_key: None,
            timeout: Duration::from_millis(600_000),
            connect_timeout: Duration::from_millis(10_000),
            stream_idle_timeout: Duration::from_millis(60_000),
            max_retries: 2,
            max_retry_delay: Duration::from_millis(60_000),
            headers: Vec::new(),
            user_agent: format!("libfastgpt/{}", env!("CARGO_PKG_VERSION")),
            proxy: None,
            max_event_bytes: 16 * 1024 * 1024,
            max_response_bytes: 64 * 1024 * 1024,
            ca_cert_pem: None,
            danger_accept_invalid_certs: false,
            callback_threads: 4,
        }
    }
}

/// The API key is never printed.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("stream_idle_timeout", &self.stream_idle_timeout)
            .field("max_retries", &self.max_retries)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("headers", &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.as_ref().map(|_| "[set]"))
            .field("max_event_bytes", &self.max_event_bytes)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("danger_accept_invalid_certs", &self.danger_accept_invalid_certs)
            .field("callback_threads", &self.callback_threads)
            .finish()
    }
}

impl Config {
    /// Parses the config object. `env` looks up environment defaults (injected for tests).
    pub fn from_json(json: &Value, env: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        // The text `null` is not `{}` (only a NULL pointer is): like a request, the config must be
        // an object (FASTGPT_ERR_INVALID_JSON otherwise).
        let obj = match json {
            Value::Object(o) => o,
            _ => return Err(Error::new(crate::ErrorKind::InvalidJson, "config must be a JSON object")),
        };
        let mut c = Config::default();
        let base = match obj.get("base_url") {
            Some(v) => Some(string(v, "base_url")?),
            None => env(ENV_BASE_URL).filter(|s| !s.is_empty()),
        };
        if let Some(base) = base {
            c.base_url = normalize_base_url(&base)?;
        }
        c.api_key = match obj.get("api_key") {
            Some(Value::Null) => None,
            Some(v) => Some(string(v, "api_key")?),
            None => env(ENV_API_KEY).filter(|s| !s.is_empty()),
        };
        if let Some(key) = &c.api_key {
            if key.bytes().any(|b| b.is_ascii_control() || b == b' ') {
                return Err(Error::invalid_argument("api_key contains spaces or control characters"));
            }
        }
        for (key, value) in obj {
            match key.as_str() {
                "base_url" | "api_key" => {}
                "timeout_ms" => c.timeout = millis(value, key, 1)?,
                "connect_timeout_ms" => c.connect_timeout = millis(value, key, 1)?,
                "stream_idle_timeout_ms" => c.stream_idle_timeout = millis(value, key, 1)?,
                "max_retry_delay_ms" => c.max_retry_delay = millis(value, key, 0)?,
                "max_retries" => c.max_retries = integer(value, key, 0, 20)? as u32,
                "callback_threads" => c.callback_threads = integer(value, key, 1, 256)? as usize,
                "max_event_bytes" => c.max_event_bytes = integer(value, key, 1024, 1 << 31)? as usize,
                "max_response_bytes" => c.max_response_bytes = integer(value, key, 1024, 1 << 32)? as usize,
                "user_agent" => c.user_agent = string(value, key)?,
                "proxy" => c.proxy = Some(string(value, key)?).filter(|p| !p.is_empty()),
                "ca_cert_pem" => c.ca_cert_pem = Some(string(value, key)?.into()),
                "danger_accept_invalid_certs" => {
                    c.danger_accept_invalid_certs = value
                        .as_bool()
                        .ok_or_else(|| Error::invalid_argument("danger_accept_invalid_certs must be a boolean"))?
                }
                "headers" => c.headers = headers(value)?,
                other => {
                    return Err(Error::invalid_argument(format!(
                        "unknown config key \"{other}\" (known: {})",
                        KNOWN_KEYS.join(", ")
                    )))
                }
            }
        }
        Ok(c)
    }
}

pub const KNOWN_KEYS: &[&str] = &[
    "base_url",
    "api_key",
    "timeout_ms",
    "connect_timeout_ms",
    "stream_idle_timeout_ms",
    "max_retries",
    "max_retry_delay_ms",
    "headers",
    "user_agent",
    "proxy",
    "max_event_bytes",
    "max_response_bytes",
    "ca_cert_pem",
    "danger_accept_invalid_certs",
    "callback_threads",
];

fn string(v: &Value, key: &str) -> Result<String, Error> {
    v.as_str().map(str::to_owned).ok_or_else(|| Error::invalid_argument(format!("{key} must be a string")))
}

fn integer(v: &Value, key: &str, min: u64, max: u64) -> Result<u64, Error> {
    v.as_u64()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| Error::invalid_argument(format!("{key} must be an integer from {min} to {max}")))
}

fn millis(v: &Value, key: &str, min: u64) -> Result<Duration, Error> {
    integer(v, key, min, 7 * 24 * 3600 * 1000).map(Duration::from_millis)
}

fn headers(v: &Value) -> Result<Vec<(String, String)>, Error> {
    let obj = v.as_object().ok_or_else(|| Error::invalid_argument("headers must be an object of strings"))?;
    obj.iter()
        .map(|(name, value)| {
            let value =
                value.as_str().ok_or_else(|| Error::invalid_argument(format!("headers.{name} must be a string")))?;
            if name.eq_ignore_ascii_case("authorization") {
                return Err(Error::invalid_argument("set the key with api_key, not headers.Authorization"));
            }
            reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::invalid_argument(format!("headers: invalid header name \"{name}\"")))?;
            reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| Error::invalid_argument(format!("headers.{name}: invalid header value")))?;
            Ok((name.clone(), value.to_string()))
        })
        .collect()
}

/// What a derived client (`fastgpt_client_with`) changes of its parent's configuration; the rest
/// (base URL, key, TLS, proxy, connection pool) is the parent's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    pub timeout: Option<Duration>,
    pub stream_idle_timeout: Option<Duration>,
    pub max_retries: Option<u32>,
    /// Merged over the parent's: a name given here replaces the parent's value of that name
    /// (case-insensitively); the parent's other headers stay.
    pub headers: Vec<(String, String)>,
}

pub const OVERRIDE_KEYS: &[&str] = &["timeout_ms", "max_retries", "headers", "stream_idle_timeout_ms"];

impl Overrides {
    /// Parses an overrides object: the keys of [`OVERRIDE_KEYS`], with the same types and ranges
    /// as in the client config. Any other key is an error, also a config key that cannot change
    /// per call (say which).
    pub fn from_json(json: &Value) -> Result<Overrides, Error> {
        let obj = match json {
            Value::Object(o) => o,
            _ => return Err(Error::new(crate::ErrorKind::InvalidJson, "overrides must be a JSON object")),
        };
        let mut o = Overrides::default();
        for (key, value) in obj {
            match key.as_str() {
                "timeout_ms" => o.timeout = Some(millis(value, key, 1)?),
                "stream_idle_timeout_ms" => o.stream_idle_timeout = Some(millis(value, key, 1)?),
                "max_retries" => o.max_retries = Some(integer(value, key, 0, 20)? as u32),
                "headers" => o.headers = headers(value)?,
                other if KNOWN_KEYS.contains(&other) => {
                    return Err(Error::invalid_argument(format!(
                        "\"{other}\" cannot be overridden per call (only {}): set it on a client of its own",
                        OVERRIDE_KEYS.join(", ")
                    )))
                }
                other => {
                    return Err(Error::invalid_argument(format!(
                        "unknown override key \"{other}\" (known: {})",
                        OVERRIDE_KEYS.join(", ")
                    )))
                }
            }
        }
        Ok(o)
    }

    /// `config` with these overrides applied.
    pub fn apply(&self, config: &mut Config) {
        if let Some(t) = self.timeout {
            config.timeout = t;
        }
        if let Some(t) = self.stream_idle_timeout {
            config.stream_idle_timeout = t;
        }
        if let Some(n) = self.max_retries {
            config.max_retries = n;
        }
        for (name, value) in &self.headers {
            match config.headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some(slot) => slot.1 = value.clone(),
                None => config.headers.push((name.clone(), value.clone())),
            }
        }
    }
}

/// `http://host:3000`, `http://host:3000/`, `http://host:3000/api` and `http://host:3000/api/v1`
/// all become `http://host:3000`; a path prefix in front of `/api` (a reverse proxy) is kept.
pub fn normalize_base_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim();
    let url = reqwest::Url::parse(trimmed)
        .map_err(|e| Error::invalid_argument(format!("base_url \"{trimmed}\" is not a URL: {e}")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(Error::invalid_argument("base_url must start with http:// or https://"));
    }
    if url.host_str().is_none() {
        return Err(Error::invalid_argument("base_url has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid_argument("base_url must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_argument("base_url must not carry credentials; use api_key"));
    }
    let mut path = url.path().trim_end_matches('/').to_string();
    for suffix in ["/api/v1", "/api/v2", "/api"] {
        if path.ends_with(suffix) {
            path.truncate(path.len() - suffix.len());
            break;
        }
    }
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    out.push_str(&path);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn base_url_forms_are_normalised() {
        for (raw, want) in [
            ("http://localhost:3000", "http://localhost:3000"),
            ("http://localhost:3000/", "http://localhost:3000"),
            ("http://localhost:3000/api", "http://localhost:3000"),
            ("http://localhost:3000/api/", "http://localhost:3000"),
            ("https://cloud.fastgpt.io/api/v1", "https://cloud.fastgpt.io"),
            ("https://proxy.example/fastgpt/api", "https://proxy.example/fastgpt"),
            ("  http://127.0.0.1:8080/api/v1/ ", "http://127.0.0.1:8080"),
            ("http://[::1]:3000/api", "http://[::1]:3000"),
        ] {
            assert_eq!(normalize_base_url(raw).unwrap(), want, "{raw}");
        }
        for bad in ["localhost:3000", "ftp://x", "http://", "http://u:p@host", "http://h/?q=1", ""] {
            assert!(normalize_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = Config::from_json(&json!({}), no_env).unwrap();
        assert_eq!(c.base_url, "http://localhost:3000");
        assert_eq!(c.max_retries, 2);
        assert_eq!(c.connect_timeout, Duration::from_secs(10));
        assert_eq!(c.timeout, Duration::from_secs(600));
        assert_eq!(c.stream_idle_timeout, Duration::from_secs(60));
        assert_eq!(c.max_event_bytes, 16 << 20);
        assert!(c.api_key.is_none());
    }

    #[test]
    fn environment_fills_what_the_json_leaves_out() {
        let env = |k: &str| match k {
            ENV_BASE_URL => Some("https://env.example/api".to_string()),
            ENV_API_KEY => Some("fastgpt-env".to_string()),
            _ => None,
        };
        let c = Config::from_json(&json!({}), env).unwrap();
        assert_eq!((c.base_url.as_str(), c.api_key.as_deref()), ("https://env.example", Some("fastgpt-env")));
        let c = Config::from_json(&json!({"base_url": "http://a:1", "api_key": "k"}), env).unwrap();
        assert_eq!((c.base_url.as_str(), c.api_key.as_deref()), ("http://a:1", Some("k")));
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_rejected_by_name() {
        let e = Config::from_json(&json!({"timeout": 5}), no_env).unwrap_err();
        assert!(e.message.contains("\"timeout\""), "{}", e.message);
        let e = Config::from_json(&json!({"max_retries": "3"}), no_env).unwrap_err();
        assert!(e.message.contains("max_retries"), "{}", e.message);
        let e = Config::from_json(&json!({"headers": {"X-A": 1}}), no_env).unwrap_err();
        assert!(e.message.contains("X-A"), "{}", e.message);
        assert!(Config::from_json(&json!([]), no_env).is_err());
        assert!(Config::from_json(&json!({"timeout_ms": 0}), no_env).is_err());
    }

    #[test]
    fn overrides_parse_apply_and_reject_what_cannot_change() {
        let o = Overrides::from_json(&json!({"timeout_ms": 5, "max_retries": 0, "stream_idle_timeout_ms": 7,
            "headers": {"x-tenant": "b", "X-New": "n"}}))
        .unwrap();
        let mut c =
            Config::from_json(&json!({"headers": {"X-Tenant": "a", "x-keep": "k"}, "max_retries": 3}), no_env).unwrap();
        o.apply(&mut c);
        assert_eq!(
            (c.timeout, c.stream_idle_timeout, c.max_retries),
            (Duration::from_millis(5), Duration::from_millis(7), 0)
        );
        let h: Vec<(&str, &str)> = c.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(h, [("X-Tenant", "b"), ("x-keep", "k"), ("X-New", "n")], "merged over the parent's");
        assert_eq!(Overrides::from_json(&json!({})).unwrap(), Overrides::default());
        for (bad, names) in [
            (json!({"base_url": "http://x"}), "\"base_url\" cannot be overridden"),
            (json!({"timeout": 5}), "unknown override key \"timeout\""),
            (json!({"timeout_ms": 0}), "timeout_ms"),
            (json!({"max_retries": 21}), "max_retries"),
            (json!({"headers": {"Authorization": "Bearer x"}}), "api_key"),
            (json!({"headers": {"x-a": 1}}), "headers.x-a"),
        ] {
            let e = Overrides::from_json(&bad).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidArgument, "{bad}");
            assert!(e.message.contains(names), "{bad}: {}", e.message);
        }
        assert_eq!(Overrides::from_json(&json!([])).unwrap_err().kind, crate::ErrorKind::InvalidJson);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let c = Config::from_json(&json!({"api_key": "fastgpt-topsecret"}), no_env).unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
    }
}
