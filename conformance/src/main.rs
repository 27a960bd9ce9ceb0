//! `talkback-conformance --base-url http://host:port`: checks a backend against protocol v1 and
//! prints a pass/fail table; the exit status is non-zero when any check fails.

use std::process::ExitCode;

use talkback_conformance::{Options, report};

const USAGE: &str = "\
usage: talkback-conformance --base-url URL [--origin ORIGIN] [--edit-window SECS] [--only PREFIX]... [--list]

  --base-url URL      the backend to check, e.g. http://127.0.0.1:8080 (required)
  --origin ORIGIN     an origin the backend allows for CORS, e.g. https://news.example.com;
                      without it the CORS check is skipped
  --edit-window SECS  the backend's edit window when it is short (at most 30 s): the suite
                      then waits for it to close and checks the 403 edit_window_closed
                      answers; without it that check is skipped
  --only PREFIX       run only checks whose name starts with PREFIX (repeatable), e.g. vote.
  --list              print the names of the checks and exit

Every check creates its own thread keys (conformance-…), so the suite can run against a live
backend again and again; it leaves those test threads behind.";

enum Command {
    Run(Options),
    List,
    Help,
}

fn parse(args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut options = Options::default();
    let mut args = args;
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--base-url" => options.base_url = value("--base-url")?,
            "--origin" => options.allowed_origin = Some(value("--origin")?),
            "--only" => options.only.push(value("--only")?),
            "--edit-window" => options.edit_window_secs = Some(seconds(&value("--edit-window")?)?),
            "--list" => return Ok(Command::List),
            "-h" | "--help" => return Ok(Command::Help),
            other => match other.split_once('=') {
                Some(("--base-url", v)) => options.base_url = v.to_owned(),
                Some(("--origin", v)) => options.allowed_origin = Some(v.to_owned()),
                Some(("--only", v)) => options.only.push(v.to_owned()),
                Some(("--edit-window", v)) => options.edit_window_secs = Some(seconds(v)?),
                _ => return Err(format!("unknown argument `{other}`")),
            },
        }
    }
    let base = options.base_url.trim();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        return Err("--base-url must be given as an http:// or https:// URL".to_owned());
    }
    Ok(Command::Run(options))
}

fn seconds(v: &str) -> Result<u64, String> {
    v.parse()
        .map_err(|_| format!("--edit-window takes whole seconds, not `{v}`"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Command::Run(o)) => o,
        Ok(Command::List) => {
            for check in talkback_conformance::ALL {
                println!("{}", check.name);
            }
            println!("{}", talkback_conformance::COVERAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("talkback-conformance: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    println!("talkback-conformance: checking {}", options.base_url);
    match talkback_conformance::run(&options).await {
        Ok(outcomes) => {
            print!("{}", report::table(&outcomes));
            let (_, failed, _) = report::counts(&outcomes);
            if failed == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("talkback-conformance: {e}");
            ExitCode::FAILURE
        }
    }
}
