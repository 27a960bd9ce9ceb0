//! TLS for every PostgreSQL connection (pool, migration, LISTEN): rustls with the Mozilla roots
//! plus an operator's own CA, and operator-readable reasons when a connection fails over it.
//!
//! The URL's `sslmode` decides whether TLS is used (tokio-postgres: `disable`, `prefer` — the
//! default — or `require`); whenever it is, the certificate is verified against the URL's host.
//! There is deliberately no way to skip verification: a managed database is reached over
//! networks the operator does not control.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, RootCertStore};
use tokio_postgres::config::Host;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::StoreError;

/// Why the TLS setup could not be built from `--db-ca-file`.
#[derive(Debug)]
pub enum TlsError {
    /// The CA file could not be read.
    CaUnreadable {
        /// The file as given.
        path: PathBuf,
        /// What reading it said.
        source: std::io::Error,
    },
    /// The CA file holds no PEM certificate.
    CaEmpty {
        /// The file as given.
        path: PathBuf,
    },
    /// A certificate in the CA file cannot serve as a trust anchor.
    CaInvalid {
        /// The file as given.
        path: PathBuf,
        /// Why, from the PEM or certificate parser.
        reason: String,
    },
    /// rustls refused the protocol setup (not expected with the ring provider).
    Setup(String),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::CaUnreadable { path, source } => {
                write!(
                    f,
                    "--db-ca-file {}: cannot read it: {source}",
                    path.display()
                )
            }
            TlsError::CaEmpty { path } => write!(
                f,
                "--db-ca-file {}: no certificate in it; give the CA certificate in PEM form \
                 (-----BEGIN CERTIFICATE-----)",
                path.display()
            ),
            TlsError::CaInvalid { path, reason } => write!(
                f,
                "--db-ca-file {}: not a usable PEM CA certificate: {reason}",
                path.display()
            ),
            TlsError::Setup(why) => write!(f, "cannot set up TLS for PostgreSQL: {why}"),
        }
    }
}

impl std::error::Error for TlsError {}

impl From<TlsError> for StoreError {
    fn from(e: TlsError) -> Self {
        StoreError::Database(e.to_string())
    }
}

/// The TLS connector every PostgreSQL connection of a store uses: it trusts the Mozilla roots
/// and, when given, the certificates in `ca_file`.
pub fn connector(ca_file: Option<&Path>) -> Result<MakeRustlsConnect, TlsError> {
    let mut roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        for cert in read_ca_file(path)? {
            roots.add(cert).map_err(|e| TlsError::CaInvalid {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        }
    }
    // An explicit provider: the process may link more than one, and then rustls's default
    // would be ambiguous.
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Setup(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// The certificates of a PEM file; at least one.
fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = std::fs::read(path).map_err(|source| TlsError::CaUnreadable {
        path: path.to_owned(),
        source,
    })?;
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::CaInvalid {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::CaEmpty {
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

/// What an operator should do about a connection that failed in TLS, or `None` when the
/// failure was not about TLS.
pub(super) fn explain(
    config: &tokio_postgres::Config,
    e: &tokio_postgres::Error,
) -> Option<String> {
    let at = target(config);
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = cause {
        // tokio-rustls hands rustls's verdict over inside an io::Error.
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(tls) = tls {
            return Some(explain_rustls(&at, tls));
        }
        // tokio-postgres says this (a plain string) when the server answers the TLS request
        // with "no" under sslmode=require.
        if err.to_string() == "server does not support TLS" {
            return Some(format!(
                "sslmode=require but PostgreSQL at {at} does not offer TLS: turn on ssl in its \
                 postgresql.conf, or connect with sslmode=prefer or sslmode=disable on a trusted \
                 network"
            ));
        }
        if err.to_string() == "no hostname provided for TLS handshake" {
            return Some(format!(
                "PostgreSQL at {at}: TLS needs a host name to verify the certificate against; \
                 a Unix socket takes sslmode=disable"
            ));
        }
        cause = err.source();
    }
    None
}

fn explain_rustls(at: &str, e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => format!(
            "PostgreSQL at {at} presented a certificate not signed by a trusted authority: pass \
             --db-ca-file with the PEM certificate of the CA that signed it (or of the server, \
             if self-signed)"
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => format!(
            "PostgreSQL at {at} presented a certificate that is not for this host name: \
             connect by a name (or address) the certificate lists"
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => format!("PostgreSQL at {at} presented an expired certificate: renew it on the server"),
        // webpki's reason sits behind an opaque error; its name is all there is to match.
        other if other.to_string().contains("CaUsedAsEndEntity") => format!(
            "PostgreSQL at {at} presented a CA certificate (basicConstraints CA:TRUE) as its \
             own: give the server a certificate made with CA:FALSE"
        ),
        other => format!("TLS with PostgreSQL at {at} failed: {other}"),
    }
}

/// `host:port` of the first host in the URL, for messages.
fn target(config: &tokio_postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_owned(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}")
}
