//! Writes a synthetic Disqus export of a given size, for measuring imports:
//!
//! ```text
//! cargo run --release -p talkback-server --example synthetic_disqus -- 1000 /tmp/disqus-1g.xml
//! target/release/talkback-server import --from disqus /tmp/disqus-1g.xml --db /tmp/big.db
//! ```

use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mb), Some(path)) = (
        args.first().and_then(|a| a.parse::<u64>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: synthetic_disqus SIZE_IN_MB OUTPUT.xml");
        return ExitCode::FAILURE;
    };
    let result = std::fs::File::create(path).and_then(|file| {
        let mut out = BufWriter::new(file);
        let posts = talkback_server::transfer::synthetic::write_disqus(&mut out, mb * 1_000_000)?;
        out.flush()?;
        Ok(posts)
    });
    match result {
        Ok(posts) => {
            println!("wrote {posts} posts to {path}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("synthetic_disqus: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
