//! The command line: `talkback-server [FLAGS]` serves; `import` and `export` move comments in
//! and out of the database; `migrate` copies a SQLite database into PostgreSQL.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::store::postgres::{PostgresStore, copy_from_sqlite};
use crate::store::{Location, Store};
use crate::transfer::{Format, ImportOptions, TransferError, UrlMap, run_export, run_import};

/// Everything `talkback-server` accepts.
#[derive(Parser, Debug)]
#[command(
    name = "talkback-server",
    version,
    about = "Talkback reference server (protocol v1, SQLite or PostgreSQL)",
    args_conflicts_with_subcommands = true,
    // A flag given twice takes its last value, so test harnesses can override their defaults.
    args_override_self = true
)]
pub struct Cli {
    /// Serving flags (used when no subcommand is given).
    #[command(flatten)]
    pub serve: Config,
    /// What to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Manage moderators: `admin create NAME [--role admin|moderator]` (password on stdin).
    Admin {
        /// What to do.
        #[command(subcommand)]
        command: crate::admin::cli::AdminCommand,
    },
    /// Import comments from Disqus, WordPress, Isso or a Talkback export (safe to run again:
    /// what is already imported is left alone).
    Import {
        /// Format of FILE.
        #[arg(long = "from", value_enum, value_name = "FORMAT")]
        from: Format,
        /// The export file (for --from isso, Isso's SQLite database).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Database to import into (a SQLite file, sqlite://PATH or postgres://…); created and
        /// migrated when new.
        #[arg(long, value_name = "DB", default_value = "talkback.db")]
        db: PathBuf,
        /// PEM certificate of a CA to trust for TLS to PostgreSQL, as for serving.
        #[arg(long = "db-ca-file", value_name = "PATH")]
        db_ca_file: Option<PathBuf>,
        /// Rewrite thread URLs that start with FROM to start with TO (repeat for several; the
        /// first match wins), e.g. http://old.example.com=https://www.example.com
        #[arg(long = "map-url", value_name = "FROM=TO")]
        map_url: Vec<UrlMap>,
        /// Print no progress, only the summary.
        #[arg(long)]
        quiet: bool,
        /// Stop after this many comments as if interrupted (to try out resuming).
        #[arg(long, value_name = "N", hide = true)]
        stop_after: Option<u64>,
    },
    /// Write every thread and comment to a JSON-lines file (`import --from talkback` reads it).
    Export {
        /// The file to write.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Database to export (a SQLite file, sqlite://PATH or postgres://…).
        #[arg(long, value_name = "DB", default_value = "talkback.db")]
        db: PathBuf,
        /// PEM certificate of a CA to trust for TLS to PostgreSQL, as for serving.
        #[arg(long = "db-ca-file", value_name = "PATH")]
        db_ca_file: Option<PathBuf>,
        /// Print no progress, only the summary.
        #[arg(long)]
        quiet: bool,
    },
    /// Copy a SQLite database into PostgreSQL with every id, vote, event and the instance
    /// secret (safe to run again: rows already copied are left alone).
    Migrate {
        /// The SQLite database (a path or sqlite://PATH).
        #[arg(long, value_name = "SQLITE", value_parser = sqlite_source)]
        from: PathBuf,
        /// The PostgreSQL database (postgres://USER:PASSWORD@HOST:PORT/NAME); migrated first.
        #[arg(long, value_name = "POSTGRES_URL", value_parser = postgres_target)]
        to: String,
        /// PEM certificate of a CA to trust for TLS to PostgreSQL, as for serving.
        #[arg(long = "db-ca-file", value_name = "PATH")]
        db_ca_file: Option<PathBuf>,
    },
}

/// `--from` of `migrate`: a SQLite file.
fn sqlite_source(raw: &str) -> Result<PathBuf, String> {
    match Location::parse(Path::new(raw)) {
        Location::Sqlite(path) => Ok(path),
        Location::Postgres(_) => Err(
            "migrate copies from SQLite into PostgreSQL: --from takes a SQLite file (PATH or sqlite://PATH)".into(),
        ),
    }
}

/// `--to` of `migrate`: a PostgreSQL URL.
fn postgres_target(raw: &str) -> Result<String, String> {
    match Location::parse(Path::new(raw)) {
        Location::Postgres(url) => Ok(url),
        Location::Sqlite(_) => Err(
            "migrate copies from SQLite into PostgreSQL: --to takes a postgres://USER@HOST/NAME URL".into(),
        ),
    }
}

async fn open_store(
    db: PathBuf,
    db_ca_file: Option<PathBuf>,
) -> Result<Arc<dyn Store>, TransferError> {
    Ok(crate::store::open_with_ca(&db, db_ca_file.as_deref()).await?)
}

/// Prints a summary; a closed pipe (`| head`) is not worth failing over.
fn report(summary: &impl std::fmt::Display) {
    use std::io::Write;
    let _ = write!(std::io::stdout().lock(), "{summary}");
}

/// Runs an import, export or migrate subcommand, printing its summary on standard output.
pub async fn run(command: Command) -> Result<(), TransferError> {
    match command {
        Command::Import {
            from,
            file,
            db,
            db_ca_file,
            map_url,
            quiet,
            stop_after,
        } => {
            let store = open_store(db, db_ca_file).await?;
            let options = ImportOptions {
                format: from,
                maps: map_url,
                stop_after,
                quiet,
            };
            let summary = run_import(store.as_ref(), &file, &options).await?;
            report(&summary);
        }
        Command::Export {
            file,
            db,
            db_ca_file,
            quiet,
        } => {
            let store = open_store(db, db_ca_file).await?;
            let summary = run_export(store.as_ref(), &file, quiet).await?;
            report(&summary);
        }
        Command::Admin { command } => {
            let done = crate::admin::cli::run(command)
                .await
                .map_err(|e| TransferError::Store(crate::store::StoreError::Refused(e)))?;
            report(&done);
        }
        Command::Migrate {
            from,
            to,
            db_ca_file,
        } => {
            if !from.is_file() {
                return Err(TransferError::Open {
                    path: from,
                    source: std::io::Error::from(std::io::ErrorKind::NotFound),
                });
            }
            let target = PostgresStore::open_with_ca(&to, db_ca_file.as_deref()).await?;
            let counts = copy_from_sqlite(&from, &target).await?;
            report(&counts);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_without_a_subcommand_still_serve() {
        let cli =
            Cli::try_parse_from(["talkback-server", "--db", "x.db", "--listen", "127.0.0.1:0"])
                .expect("serve flags");
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.db, PathBuf::from("x.db"));
        assert_eq!(cli.serve.listen, "127.0.0.1:0");
    }

    #[test]
    fn import_takes_its_own_flags() {
        let cli = Cli::try_parse_from([
            "talkback-server",
            "import",
            "--from",
            "disqus",
            "export.xml",
            "--db",
            "site.db",
            "--map-url",
            "http://a.example=https://b.example",
        ])
        .expect("import flags");
        let Some(Command::Import {
            from,
            file,
            db,
            map_url,
            ..
        }) = cli.command
        else {
            panic!("not an import: {cli:?}");
        };
        assert_eq!(
            (from, file, db),
            (Format::Disqus, "export.xml".into(), "site.db".into())
        );
        assert_eq!(
            map_url.first().map(|m| m.to.as_str()),
            Some("https://b.example")
        );
    }

    #[test]
    fn db_takes_sqlite_and_postgres_urls() {
        for db in [
            "sqlite://x.db",
            "postgres://tb@db/talkback",
            "postgresql://tb@db/t",
        ] {
            let cli = Cli::try_parse_from(["talkback-server", "--db", db]).expect("serve flags");
            assert_eq!(cli.serve.db, PathBuf::from(db));
            let cli = Cli::try_parse_from(["talkback-server", "export", "out.jsonl", "--db", db])
                .expect("export flags");
            assert!(matches!(cli.command, Some(Command::Export { .. })));
        }
    }

    #[test]
    fn migrate_goes_from_sqlite_to_postgres() {
        let cli = Cli::try_parse_from([
            "talkback-server",
            "migrate",
            "--from",
            "sqlite://site.db",
            "--to",
            "postgres://tb@db/talkback",
        ])
        .expect("migrate flags");
        let Some(Command::Migrate { from, to, .. }) = cli.command else {
            panic!("not a migrate: {cli:?}");
        };
        assert_eq!(
            (from, to.as_str()),
            ("site.db".into(), "postgres://tb@db/talkback")
        );
        let err = Cli::try_parse_from([
            "talkback-server",
            "migrate",
            "--from",
            "postgres://a/b",
            "--to",
            "x.db",
        ])
        .expect_err("wrong direction");
        assert!(err.to_string().contains("SQLite file"), "{err}");
    }

    #[test]
    fn serve_flags_before_a_subcommand_are_refused() {
        let err = Cli::try_parse_from(["talkback-server", "--db", "x.db", "export", "out.jsonl"])
            .expect_err("ambiguous");
        assert!(err.to_string().contains("cannot be used with"), "{err}");
        let err = Cli::try_parse_from(["talkback-server", "import", "--from", "mysql", "f"])
            .expect_err("unknown format");
        assert!(err.to_string().contains("disqus"), "{err}");
    }
}
