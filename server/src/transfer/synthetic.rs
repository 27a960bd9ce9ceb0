//! A generator of large Disqus-format exports, for measuring memory and speed and for testing
//! resumption: deterministic, with nested replies, some listed before their parents, HTML
//! bodies with entities, deleted and spam posts.

use std::io::{self, Write};

/// Posts per thread in generated files.
const POSTS_PER_THREAD: u64 = 100;

/// Writes an export of about `target_bytes` to `out`; returns the number of posts written.
pub fn write_disqus(out: &mut impl Write, target_bytes: u64) -> io::Result<u64> {
    let mut written = 0u64;
    let mut counted = Counting {
        inner: out,
        bytes: 0,
    };
    writeln!(
        counted,
        r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">"#
    )?;
    // Threads first, as Disqus writes them: one per POSTS_PER_THREAD posts (estimated from the
    // size of a post, about 700 bytes).
    let threads = (target_bytes / (POSTS_PER_THREAD * 700)).max(1);
    for t in 0..threads {
        writeln!(
            counted,
            "  <thread dsq:id=\"{}\"><id/><forum>synthetic</forum>\
             <link>https://news.example/{}/{t}/story-{t}/</link>\
             <title>Story number {t} &amp; its follow-up</title>\
             <createdAt>2015-01-01T00:00:00Z</createdAt><isDeleted>false</isDeleted></thread>",
            t + 1,
            2015 + t % 10
        )?;
    }
    let mut post = 0u64;
    while counted.bytes < target_bytes {
        let thread = (post / POSTS_PER_THREAD) % threads + 1;
        let n = post % POSTS_PER_THREAD;
        // Ids within a thread block are numbered so that a reply's parent is a few posts earlier;
        // every seventh post is written before the one it replies to.
        let id = 1_000_000 + post;
        let parent = match n {
            0 => None,
            n if n % 3 == 0 => None,
            n => Some(id - 1 - (n % 2).min(n - 1)),
        };
        let early_child = n % 7 == 5;
        if early_child {
            // Write the next post (a reply to this one) first.
            write_post(&mut counted, id + 1, thread, Some(id), post + 1)?;
            write_post(&mut counted, id, thread, parent, post)?;
            post += 2;
            written += 2;
        } else {
            write_post(&mut counted, id, thread, parent, post)?;
            post += 1;
            written += 1;
        }
    }
    writeln!(counted, "</disqus>")?;
    Ok(written)
}

fn write_post(
    out: &mut impl Write,
    id: u64,
    thread: u64,
    parent: Option<u64>,
    n: u64,
) -> io::Result<()> {
    let minute = n % 60;
    let hour = (n / 60) % 24;
    let day = (n / 1440) % 28 + 1;
    let deleted = n % 97 == 13;
    let spam = n % 89 == 7;
    let parent = parent.map_or(String::new(), |p| format!("<parent dsq:id=\"{p}\"/>"));
    writeln!(
        out,
        "  <post dsq:id=\"{id}\">\n    <id/>\n    <message><![CDATA[<p>Comment {n} says the council is <b>wrong</b> \
         about the bridge &amp; the budget.</p><p>See <a href=\"https://example.org/doc/{n}\">the document</a> \
         — café naïve 🌉.</p>]]></message>\n    <createdAt>2016-03-{day:02}T{hour:02}:{minute:02}:00Z</createdAt>\n    \
         <isDeleted>{deleted}</isDeleted>\n    <isSpam>{spam}</isSpam>\n    <author><email>reader{}@example.org</email>\
         <name>Reader {}</name><isAnonymous>false</isAnonymous><username>reader{}</username></author>\n    \
         <thread dsq:id=\"{thread}\"/>{parent}\n  </post>",
        n % 5000,
        n % 5000,
        n % 5000
    )
}

/// Counts bytes on their way to a writer.
struct Counting<'a, W> {
    inner: &'a mut W,
    bytes: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::EntrySource;
    use crate::transfer::disqus::DisqusSource;
    use crate::transfer::entry::Entry;

    #[test]
    fn generated_files_parse_completely() {
        let mut buf = Vec::new();
        let posts = write_disqus(&mut buf, 200_000).expect("write");
        assert!(
            buf.len() >= 200_000 && posts > 100,
            "{} bytes, {posts} posts",
            buf.len()
        );
        let mut source = DisqusSource::new(buf.as_slice(), buf.len() as u64);
        let mut comments = 0;
        while let Some(e) = source.next_entry().expect("parse") {
            match e {
                Entry::Comment(_) => comments += 1,
                Entry::Skipped(s) => panic!("skipped {s:?}"),
                _ => {}
            }
        }
        assert_eq!(comments, posts);
    }
}
