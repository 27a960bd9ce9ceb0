//! Throwaway PostgreSQL clusters for Talkback's tests and load runs.
//!
//! [`database`] hands each caller a fresh, empty database on a cluster shared by the whole test
//! binary, so tests run in parallel without seeing each other's rows. [`Cluster::start`] gives a
//! cluster of one's own (to restart it, for example). Clusters live in a temporary directory,
//! listen on a free port of 127.0.0.1 with trust authentication, and are stopped and removed
//! when dropped — or, for the shared one, when the process ends, by a small watchdog process
//! that notices the end of the process through a closed pipe.
//!
//! The PostgreSQL server binaries come from `TALKBACK_PG_BIN` when set, else from the newest
//! `/usr/lib/postgresql/*/bin` (Debian's `postgresql` package). PostgreSQL refuses to run as
//! root, so as root the server runs as the `postgres` user through `runuser`.
//!
//! [`Cluster::start_tls`] gives a cluster with `ssl = on` and a certificate made at test time
//! (see [`tls`]).
//!
//! Only the standard library is used, so `xtask` can depend on this crate cheaply.

use std::io::Write;
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub mod tls;

/// What to tell someone whose machine lacks PostgreSQL.
pub const INSTALL_HINT: &str =
    "install Debian's postgresql package (apt-get install postgresql) or run `cargo xtask test`";

/// A running throwaway cluster.
pub struct Cluster {
    port: u16,
    root: PathBuf,
    bin: PathBuf,
    run_as_postgres: bool,
    /// The server's TLS files, for a cluster started with [`Cluster::start_tls`].
    tls: Option<tls::ServerFiles>,
    /// Closing its stdin (dropping this) makes the watchdog stop the cluster and remove it.
    watchdog: Mutex<Option<(Child, ChildStdin)>>,
}

/// Names fresh databases and directories within this process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

impl Cluster {
    /// Creates and starts a new cluster; the error says what is missing or what failed.
    pub fn start() -> Result<Cluster, String> {
        Cluster::start_inner(false)
    }

    /// Like [`Cluster::start`], with `ssl = on` and a server certificate for 127.0.0.1 and
    /// localhost from a CA of its own ([`Cluster::ca_file`]). Plain connections still work.
    pub fn start_tls() -> Result<Cluster, String> {
        Cluster::start_inner(true)
    }

    fn start_inner(with_tls: bool) -> Result<Cluster, String> {
        let bin = bin_dir()?;
        let run_as_postgres = is_root();
        let root = std::env::temp_dir().join(format!(
            "talkback-pg-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&root)
            .map_err(|e| format!("cannot create {}: {e}", root.display()))?;
        if run_as_postgres {
            chown_to_postgres(&root)?;
        }
        // The watchdog is started first so that even a failed start leaves nothing behind.
        let watchdog = spawn_watchdog(&bin, &root, run_as_postgres)?;
        let tls = if with_tls {
            let dir = root.join("tls");
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            let files = tls::make_server_files(&dir)?;
            if run_as_postgres {
                // The server reads the key and certificate as postgres, and the watchdog (also
                // postgres) must be able to remove the directory with everything in it.
                chown_to_postgres(&dir)?;
                for entry in std::fs::read_dir(&dir)
                    .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
                {
                    let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
                    chown_to_postgres(&entry.path())?;
                }
            }
            Some(files)
        } else {
            None
        };
        let mut cluster = Cluster {
            port: 0,
            root,
            bin,
            run_as_postgres,
            tls,
            watchdog: Mutex::new(Some(watchdog)),
        };
        cluster.init()?;
        // A port found free may be taken before the server binds it; try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            match cluster.launch(port) {
                Ok(()) => {
                    cluster.port = port;
                    return Ok(cluster);
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// A command running a server binary, as `postgres` when we are root.
    fn pg(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.run_as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(path);
            cmd
        } else {
            Command::new(path)
        }
    }

    fn init(&self) -> Result<(), String> {
        let mut cmd = self.pg("initdb");
        cmd.arg("-D").arg(self.data()).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ]);
        run(&mut cmd)
    }

    fn launch(&self, port: u16) -> Result<(), String> {
        // Durability is not wanted from a throwaway cluster; speed is.
        let mut options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 \
             -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            self.root.display()
        );
        if let Some(files) = &self.tls {
            options.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                files.cert.display(),
                files.key.display()
            ));
        }
        let log = self.root.join("log");
        let mut cmd = self.pg("pg_ctl");
        cmd.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(&log)
            .args(["-o", &options, "-w", "-t", "60", "start"]);
        run(&mut cmd).map_err(|e| {
            let tail = std::fs::read_to_string(&log).unwrap_or_default();
            format!("{e}\nserver log:\n{tail}")
        })
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The PEM certificate of the CA that signed the server's certificate, for a cluster
    /// started with [`Cluster::start_tls`].
    pub fn ca_file(&self) -> Option<&Path> {
        self.tls.as_ref().map(|t| t.ca.as_path())
    }

    /// The cluster's own directory (removed with the cluster), for a test's extra files.
    pub fn dir(&self) -> &Path {
        &self.root
    }

    /// The connection URL of database `name` as the `postgres` superuser.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Creates an empty database with a fresh name and returns its URL.
    pub fn create_database(&self) -> Result<String, String> {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut cmd = Command::new(self.bin.join("createdb"));
        cmd.args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(self.port.to_string())
            .arg(&name);
        run(&mut cmd)?;
        Ok(self.url(&name))
    }

    /// Stops the server quickly (open connections are cut), keeping its data.
    pub fn stop_server(&self) -> Result<(), String> {
        let mut cmd = self.pg("pg_ctl");
        cmd.arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"]);
        run(&mut cmd)
    }

    /// Starts the server again on the same port after [`Cluster::stop_server`].
    pub fn start_server(&self) -> Result<(), String> {
        self.launch(self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let taken = self
            .watchdog
            .get_mut()
            .map(Option::take)
            .unwrap_or_else(|poisoned| poisoned.into_inner().take());
        if let Some((mut child, stdin)) = taken {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

/// A fresh database on the cluster shared by this process, started on first use.
///
/// Panics with [`INSTALL_HINT`] when PostgreSQL is missing: a test that needs PostgreSQL must
/// fail, not pass without having run.
pub fn database() -> String {
    match try_database() {
        Ok(url) => url,
        Err(e) => panic!("no PostgreSQL for this test: {e}"),
    }
}

/// Like [`database`], returning the reason instead of panicking.
pub fn try_database() -> Result<String, String> {
    static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match SHARED.get_or_init(Cluster::start) {
        Ok(cluster) => cluster.create_database(),
        Err(e) => Err(e.clone()),
    }
}

/// The directory holding `initdb`, `pg_ctl` and `createdb`.
pub fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("TALKBACK_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").is_file() {
            Ok(dir)
        } else {
            Err(format!(
                "TALKBACK_PG_BIN={} holds no initdb: point it at PostgreSQL's bin directory, or unset it and {INSTALL_HINT}",
                dir.display()
            ))
        };
    }
    let base = Path::new("/usr/lib/postgresql");
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(base)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin): {INSTALL_HINT}")
    })
}

/// Starts `sh` waiting on a pipe; when the pipe closes (this process ended or dropped the
/// cluster) it stops the server and removes the directory.
fn spawn_watchdog(
    bin: &Path,
    root: &Path,
    as_postgres: bool,
) -> Result<(Child, ChildStdin), String> {
    let script =
        r#"cat >/dev/null; "$0" -D "$1/data" -m immediate -w stop >/dev/null 2>&1; rm -rf "$1""#;
    let mut cmd = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--", "sh"]);
        c
    } else {
        Command::new("sh")
    };
    // A process group of its own: stopping a test run by killing its group (Ctrl-C, a job
    // runner) must not take the watchdog along and leave the server running.
    cmd.process_group(0);
    cmd.args(["-c", script])
        .arg(bin.join("pg_ctl"))
        .arg(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start the cluster watchdog (sh): {e}"))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| "the cluster watchdog has no stdin".to_owned())?;
    // Nothing is ever read; a write only proves the pipe is open.
    stdin
        .write_all(b"")
        .map_err(|e| format!("cluster watchdog: {e}"))?;
    Ok((child, stdin))
}

fn run(cmd: &mut Command) -> Result<(), String> {
    // No pipes: pg_ctl's server would inherit them and keep `output()` waiting forever.
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free local port: {e}"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chown_to_postgres(dir: &Path) -> Result<(), String> {
    let id = |flag: &str| -> Result<u32, String> {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .map_err(|e| format!("cannot run id: {e}"))?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .map_err(|_| format!("there is no postgres user to run PostgreSQL as: {INSTALL_HINT}"))
    };
    std::os::unix::fs::chown(dir, Some(id("-u")?), Some(id("-g")?))
        .map_err(|e| format!("cannot hand {} to postgres: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_databases_on_the_shared_cluster_differ() {
        let a = database();
        let b = database();
        assert_ne!(a, b);
        assert!(a.starts_with("postgres://postgres@127.0.0.1:"));
    }

    #[test]
    fn a_tls_cluster_offers_tls_with_a_certificate_from_its_ca() {
        let cluster = Cluster::start_tls().expect("TLS cluster");
        let ca = cluster.ca_file().expect("a CA file");
        let pem = std::fs::read_to_string(ca).expect("CA readable");
        assert!(pem.contains("BEGIN CERTIFICATE"));
        let url = cluster.create_database().expect("database");
        // psql (libpq) verifying the certificate against the CA and the address.
        let out = Command::new(cluster.bin.join("psql"))
            .arg(format!(
                "{url}?sslmode=verify-full&sslrootcert={}",
                ca.display()
            ))
            .args([
                "-At",
                "-c",
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            ])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "t");
        let root = cluster.dir().to_owned();
        drop(cluster);
        assert!(
            !root.exists(),
            "{} is removed with its cluster",
            root.display()
        );
    }
}
