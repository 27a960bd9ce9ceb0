//! `talkback-server admin create NAME`: makes a moderator from the command line, reading the
//! password from standard input so it never shows in the process list or the shell history.

use std::io::BufRead;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use talkback_protocol::moderation::Role;

/// The `admin` subcommands.
#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create a moderator (the first one should be an admin). The password is read from the
    /// first line of standard input: `talkback-server admin create ada < password-file`.
    Create {
        /// The name to sign in with.
        #[arg(value_name = "NAME")]
        name: String,
        /// What the moderator may do: admins may also change the site settings.
        #[arg(long, value_enum, default_value = "admin")]
        role: RoleArg,
        /// Read the password from standard input (the default; accepted for scripts that say so).
        #[arg(long)]
        password_stdin: bool,
        /// Database (a SQLite file, sqlite://PATH or postgres://…); created and migrated when new.
        #[arg(long, value_name = "DB", default_value = "talkback.db")]
        db: PathBuf,
        /// PEM certificate of a CA to trust for TLS to PostgreSQL, as for serving.
        #[arg(long = "db-ca-file", value_name = "PATH")]
        db_ca_file: Option<PathBuf>,
    },
}

/// `--role` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Everything, including site settings.
    Admin,
    /// Comments, threads and bans.
    Moderator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Moderator => Role::Moderator,
        }
    }
}

/// Reads the password: the first line of `input`, without its line ending.
pub fn read_password(mut input: impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        return Err(
            "No password on standard input: pipe it in, e.g. `talkback-server admin create ada < password-file`."
                .to_owned(),
        );
    }
    Ok(password)
}

/// Runs an `admin` subcommand; the text says what was done.
pub async fn run(command: AdminCommand) -> Result<String, String> {
    match command {
        AdminCommand::Create {
            name,
            role,
            db,
            db_ca_file,
            ..
        } => {
            let password = read_password(std::io::stdin().lock())?;
            let store = crate::store::open_with_ca(&db, db_ca_file.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            let role = Role::from(role);
            super::auth::create_moderator(store.as_ref(), &name, &password, role).await?;
            Ok(format!(
                "Created {} {}; sign in at /admin.\n",
                role.as_str(),
                name.trim()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_the_first_line() {
        assert_eq!(
            read_password(&b"s3cret pass\nmore\n"[..]).as_deref(),
            Ok("s3cret pass")
        );
        assert!(read_password(&b"\n"[..]).is_err());
    }
}
