//! The TLS configuration: the platform's trusted roots are read on the first certificate check,
//! not when a client is made. Reading and parsing the system's ~150 root certificates costs
//! milliseconds, and a client of a plain-http server (a local FastGPT) never needs them.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::config::Config;
use crate::error::Error;

/// The rustls client configuration for `config`: the platform's roots plus `ca_cert_pem`, or no
/// verification with `danger_accept_invalid_certs`. Checks `ca_cert_pem` now (the client's
/// constructor reports it), loads nothing from the system.
pub fn client_config(config: &Config) -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match &config.ca_cert_pem {
        Some(pem) => extra_roots(pem)?,
        None => Vec::new(),
    };
    let verifier: Arc<dyn ServerCertVerifier> = if config.danger_accept_invalid_certs {
        Arc::new(NoVerifier(Arc::clone(&provider)))
    } else {
        Arc::new(LazyPlatformVerifier { extra, provider: Arc::clone(&provider), inner: OnceLock::new() })
    };
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(crate::error::ErrorKind::Internal, format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // What reqwest offers with HTTP/2 enabled.
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

fn extra_roots(pem: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::invalid_argument(format!("ca_cert_pem is not PEM certificates: {e}")))?;
    // Text without a single certificate would silently trust nothing extra.
    if certs.is_empty() {
        return Err(Error::invalid_argument("ca_cert_pem holds no PEM certificate (-----BEGIN CERTIFICATE-----)"));
    }
    // Parsed as roots now, so a broken one fails here and not at the first https call.
    let mut store = rustls::RootCertStore::empty();
    for cert in &certs {
        store.add(cert.clone()).map_err(|e| {
            Error::invalid_argument(format!("ca_cert_pem holds a certificate that cannot be a root: {e}"))
        })?;
    }
    Ok(certs)
}

/// `rustls_platform_verifier::Verifier` (as reqwest uses it), made on the first certificate check.
#[derive(Debug)]
struct LazyPlatformVerifier {
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    inner: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>>,
}

impl LazyPlatformVerifier {
    fn get(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.inner
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra.iter().cloned(),
                    Arc::clone(&self.provider),
                )
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    // Signatures are checked with the provider's algorithms, as the platform verifier does: no
    // need for the roots here.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// `danger_accept_invalid_certs`: accepts any certificate (reqwest's `NoVerifier`).
#[derive(Debug)]
struct NoVerifier(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerifier {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
