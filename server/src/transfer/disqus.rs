//! The Disqus XML export: `<thread dsq:id>` elements (link, identifier, title) followed by
//! `<post dsq:id>` elements that name their thread and parent by `dsq:id`.

use std::io::BufRead;
use std::path::Path;

use talkback_protocol::CommentStatus;

use super::entry::{
    Body, CommentEntry, Entry, Identity, Location, SkipReason, Skipped, ThreadEntry, Visibility,
};
use super::times::parse_timestamp;
use super::xml::{Record, Records};
use super::{EntrySource, TransferError, open_file};

/// Reads a Disqus export.
pub struct DisqusSource<R: BufRead> {
    records: Records<R>,
    total: u64,
    posts: u64,
    saw_root: bool,
}

impl DisqusSource<std::io::BufReader<std::fs::File>> {
    /// Opens an export file.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        let (reader, size) = open_file(path)?;
        Ok(Self::new(reader, size))
    }
}

impl<R: BufRead> DisqusSource<R> {
    /// Reads an export from any buffered input of `total` bytes.
    pub fn new(input: R, total: u64) -> Self {
        DisqusSource {
            records: Records::new(input, &["disqus", "disqus/thread", "disqus/post"]),
            total,
            posts: 0,
            saw_root: false,
        }
    }

    fn thread(rec: &Record) -> Entry {
        let at = Location::Line(rec.line);
        let Some(id) = rec.get("@id") else {
            return Skipped::malformed(at, "<thread> without dsq:id");
        };
        // The link is what the widget derives keys from; the identifier serves threads without one.
        let Some(key) = rec.get("link").or_else(|| rec.get("id")) else {
            return Entry::Skipped(Skipped {
                at,
                reason: SkipReason::BadThreadKey(format!(
                    "thread {id} has neither <link> nor <id>"
                )),
            });
        };
        Entry::Thread(ThreadEntry {
            source_id: id.to_owned(),
            key: key.to_owned(),
            title: rec.get("title").map(str::to_owned),
            url: None,
            created_at: rec.get("createdAt").and_then(parse_timestamp),
            // A thread closed on Disqus stays closed to new comments.
            locked: rec.flag("isClosed"),
        })
    }

    fn post(&mut self, rec: &Record) -> Entry {
        let at = Location::Line(rec.line);
        if rec.oversized {
            return Skipped::malformed(at, "<post> larger than 4 MiB");
        }
        let Some(id) = rec.get("@id") else {
            return Skipped::malformed(at, "<post> without dsq:id");
        };
        let Some(thread) = rec.get("thread@id") else {
            return Skipped::malformed(at, format!("post {id} names no <thread dsq:id>"));
        };
        let Some(created) = rec.get("createdAt").and_then(parse_timestamp) else {
            return Skipped::malformed(
                at,
                format!(
                    "post {id}: <createdAt> missing or unreadable ({:?})",
                    rec.get("createdAt").unwrap_or_default()
                ),
            );
        };
        // A post deleted by a moderator stays deleted even when it was also flagged as spam:
        // its text is not brought back.
        let visibility = if rec.flag("isDeleted") {
            Visibility::Deleted
        } else if rec.flag("isSpam") {
            Visibility::Spam
        } else {
            Visibility::Visible
        };
        let name = rec.get("author/name");
        let anonymous = rec.flag("author/isAnonymous");
        let identity = match (rec.get("author/username"), rec.get("author/email"), name) {
            (Some(user), _, _) if !anonymous => format!("disqus:user:{user}"),
            (_, Some(email), _) => format!("disqus:email:{}", email.to_lowercase()),
            (_, _, Some(n)) => format!("disqus:name:{n}"),
            _ => format!("disqus:anonymous:{id}"),
        };
        // Exports give whole seconds; the post's place in the file orders replies of one second.
        self.posts += 1;
        let tie = i64::try_from(self.posts % 1_000_000).unwrap_or(0);
        Entry::Comment(CommentEntry {
            at,
            source: Some(format!("disqus:{id}")),
            keep_id: None,
            thread: thread.to_owned(),
            parent: rec.get("parent@id").map(|p| format!("disqus:{p}")),
            author: name.map(str::to_owned),
            identity: Identity::Key(identity),
            body: Body::Html(rec.get("message").unwrap_or_default().to_owned()),
            created_at: created.saturating_add(tie),
            edited_at: None,
            visibility,
            status: CommentStatus::Visible,
            pinned: false,
            upvotes: 0,
            downvotes: 0,
            email: None,
            restore: false,
        })
    }
}

impl<R: BufRead> EntrySource for DisqusSource<R> {
    fn next_entry(&mut self) -> Result<Option<Entry>, TransferError> {
        while let Some(rec) = self.records.next_record()? {
            match rec.name.as_str() {
                "disqus" => self.saw_root = true,
                "thread" => return Ok(Some(Self::thread(&rec))),
                "post" => return Ok(Some(self.post(&rec))),
                _ => {}
            }
        }
        if !self.saw_root {
            return Err(TransferError::NotThisFormat(
                "this is not a Disqus export: no <disqus> root element (for WordPress use --from wordpress)"
                    .to_owned(),
            ));
        }
        Ok(None)
    }

    fn done(&self) -> u64 {
        self.records.bytes_read()
    }

    fn total(&self) -> u64 {
        self.total
    }
}
