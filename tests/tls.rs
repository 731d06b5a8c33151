//! TLS certificates are verified by default: against a local HTTPS server with a self-signed
//! certificate (tests/fixtures/tls-localhost.*.pem) a call fails with FASTGPT_ERR_CONNECT and a
//! message about the certificate, unless the user trusts it (`ca_cert_pem`) or opts out by name
//! (`danger_accept_invalid_certs`). Trusting the certificate does not turn off the name check.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::*;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)).unwrap()
}

fn cert_pem() -> String {
    fixture("tls-localhost.cert.pem")
}

/// An HTTPS server on `ip` answering every request with a FastGPT envelope; counts the requests
/// that got through the handshake.
struct HttpsServer {
    port: u16,
    served: Arc<AtomicUsize>,
}

fn https_server(ip: &str) -> HttpsServer {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(cert_pem().as_bytes()).collect::<Result<_, _>>().unwrap();
    let key = PrivateKeyDer::from_pem_slice(fixture("tls-localhost.key.pem").as_bytes()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind((ip, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    std::thread::spawn(move || {
        for tcp in listener.incoming() {
            let Ok(tcp) = tcp else { continue };
            let config = Arc::clone(&config);
            let count = Arc::clone(&count);
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut reader = BufReader::new(&mut tls);
                let mut head = String::new();
                loop {
                    let mut line = String::new();
                    // A client that rejects the certificate ends the handshake: an error here.
                    match reader.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line == "\r\n" => break,
                        Ok(_) => head.push_str(&line),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let body =
                    json!({"code": 200, "statusText": "", "message": "", "data": {"list": [], "total": 0}}).to_string();
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes());
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    HttpsServer { port, served }
}

fn client(base_url: &str, extra: Value) -> Client {
    let mut config = json!({"base_url": base_url, "api_key": DEFAULT_KEY, "max_retries": 0});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    Client::new(&config.to_string()).expect("client")
}

fn histories(client: &Client) -> Result<Reply, Failure> {
    call(fastgpt_get_chat_histories, client, &json!({"appId": APP_ID}))
}

#[test]
fn a_self_signed_certificate_is_rejected_by_default() {
    let server = https_server("127.0.0.1");
    for host in ["127.0.0.1", "localhost"] {
        let c = client(&format!("https://{host}:{}", server.port), json!({}));
        let f = histories(&c).unwrap_err();
        assert_eq!(f.status, FASTGPT_ERR_CONNECT, "{host}: {f:?}");
        assert!(f.message.to_lowercase().contains("certificate"), "{host}: the message names the cause: {}", f.message);
        assert_eq!(f.http_status, 0);
        // Streams and async calls too.
        let (_, out) = stream(&c, &chat_request("hi"));
        assert_eq!(out.unwrap_err().status, FASTGPT_ERR_CONNECT);
        let (_, out) = call_async(fastgpt_get_chat_histories_async, &c, &json!({"appId": APP_ID}));
        assert_eq!(out.unwrap_err().status, FASTGPT_ERR_CONNECT);
    }
    assert_eq!(server.served.load(Ordering::SeqCst), 0, "no request was sent over the unverified connection");
    // Explicitly false is the same.
    let c = client(&format!("https://127.0.0.1:{}", server.port), json!({"danger_accept_invalid_certs": false}));
    assert_eq!(histories(&c).unwrap_err().status, FASTGPT_ERR_CONNECT);
}

#[test]
fn a_trusted_ca_cert_pem_is_accepted() {
    let server = https_server("127.0.0.1");
    for host in ["127.0.0.1", "localhost"] {
        let c = client(&format!("https://{host}:{}", server.port), json!({"ca_cert_pem": cert_pem()}));
        let reply = histories(&c).unwrap_or_else(|f| panic!("{host}: {f:?}"));
        assert_eq!(reply.json(), json!({"list": [], "total": 0}));
    }
    assert_eq!(server.served.load(Ordering::SeqCst), 2);
}

#[test]
fn a_trusted_certificate_still_needs_the_right_name() {
    // 127.0.0.2 is loopback too, but not in the certificate's names.
    let server = https_server("127.0.0.2");
    let c = client(&format!("https://127.0.0.2:{}", server.port), json!({"ca_cert_pem": cert_pem()}));
    let f = histories(&c).unwrap_err();
    assert_eq!(f.status, FASTGPT_ERR_CONNECT, "{f:?}");
    assert!(f.message.to_lowercase().contains("certificate"), "{}", f.message);
    assert_eq!(server.served.load(Ordering::SeqCst), 0);
}

#[test]
fn danger_accept_invalid_certs_opts_out_by_name() {
    let server = https_server("127.0.0.1");
    let c = client(&format!("https://127.0.0.1:{}", server.port), json!({"danger_accept_invalid_certs": true}));
    let reply = histories(&c).unwrap();
    assert_eq!(reply.json()["total"], 0);
    assert_eq!(server.served.load(Ordering::SeqCst), 1);
}
