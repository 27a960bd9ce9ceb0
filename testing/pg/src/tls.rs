//! Certificates for clusters that speak TLS, made at test time with the `openssl` command.
//!
//! Each TLS cluster gets its own CA (P-256, valid two days) and a server certificate from it
//! for `127.0.0.1` and `localhost`, so a test can trust exactly that cluster.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

/// What to tell someone whose machine lacks the `openssl` command.
const OPENSSL_HINT: &str = "TLS test clusters need the openssl command (apt-get install openssl)";

/// The PEM files of a TLS cluster.
pub(crate) struct ServerFiles {
    /// The CA certificate a client must trust.
    pub ca: PathBuf,
    /// The server's certificate, signed by the CA.
    pub cert: PathBuf,
    /// The server's private key.
    pub key: PathBuf,
}

/// Makes a fresh CA in `dir` (`NAME.pem`, `NAME.key`) and returns its certificate.
pub fn make_ca(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let cert = dir.join(format!("{name}.pem"));
    let key = dir.join(format!("{name}.key"));
    openssl(
        Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-days", "2", "-subj"])
            .arg(format!("/CN=Talkback test CA {name}"))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert),
    )?;
    Ok(cert)
}

/// Makes a CA and a server certificate for 127.0.0.1 and localhost in `dir`.
pub(crate) fn make_server_files(dir: &Path) -> Result<ServerFiles, String> {
    let ca = make_ca(dir, "ca")?;
    let key = dir.join("server.key");
    let csr = dir.join("server.csr");
    let cert = dir.join("server.pem");
    let ext = dir.join("server.ext");
    openssl(
        Command::new("openssl")
            .args([
                "req",
                "-new",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
            ])
            .args(["-nodes", "-subj", "/CN=localhost", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&csr),
    )?;
    std::fs::write(
        &ext,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .map_err(|e| format!("cannot write {}: {e}", ext.display()))?;
    openssl(
        Command::new("openssl")
            .args(["x509", "-req", "-days", "2", "-in"])
            .arg(&csr)
            .arg("-CA")
            .arg(&ca)
            .arg("-CAkey")
            .arg(dir.join("ca.key"))
            .arg("-CAcreateserial")
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(&cert),
    )?;
    // PostgreSQL refuses a key that others can read.
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {}: {e}", key.display()))?;
    Ok(ServerFiles { ca, cert, key })
}

fn openssl(cmd: &mut Command) -> Result<(), String> {
    run(cmd).map_err(|e| {
        if e.starts_with("cannot run") {
            format!("{e}: {OPENSSL_HINT}")
        } else {
            e
        }
    })
}
