//! `talkback-server`: parses flags and runs the server until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use clap::Parser;
use talkback_server::Config;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    match talkback_server::serve(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("talkback-server: {e}");
            ExitCode::FAILURE
        }
    }
}
