//! `talkback-server`: serves until Ctrl-C or SIGTERM, or runs `import` / `export`.

use std::process::ExitCode;

use clap::Parser;
use talkback_server::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let args = Cli::parse();
    let result = match args.command {
        None => talkback_server::serve(args.serve)
            .await
            .map_err(|e| e.to_string()),
        Some(command) => cli::run(command).await.map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talkback-server: {e}");
            ExitCode::FAILURE
        }
    }
}
