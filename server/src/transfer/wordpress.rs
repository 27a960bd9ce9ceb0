//! The WordPress export (WXR): an RSS channel whose `<item>`s (posts and pages) hold their
//! `<wp:comment>` entries, each with `comment_parent`, `comment_approved` and a GMT date.

use std::io::BufRead;
use std::path::Path;

use talkback_protocol::CommentStatus;

use super::entry::{
    Body, CommentEntry, Entry, Identity, Location, SkipReason, Skipped, ThreadEntry, Visibility,
};
use super::times::parse_timestamp;
use super::xml::{Record, Records};
use super::{EntrySource, TransferError, open_file};

/// Reads a WordPress export.
pub struct WordpressSource<R: BufRead> {
    records: Records<R>,
    total: u64,
    /// The site the export came from, so two sites' comment ids never meet.
    site: String,
    /// The thread comments now being read belong to (`None` when their item was skipped).
    item: Option<String>,
    items: u64,
    comments: u64,
    saw_channel: bool,
}

impl WordpressSource<std::io::BufReader<std::fs::File>> {
    /// Opens an export file.
    pub fn open(path: &Path) -> Result<Self, TransferError> {
        let (reader, size) = open_file(path)?;
        Ok(Self::new(reader, size))
    }
}

impl<R: BufRead> WordpressSource<R> {
    /// Reads an export from any buffered input of `total` bytes.
    pub fn new(input: R, total: u64) -> Self {
        WordpressSource {
            records: Records::new(
                input,
                &[
                    "rss/channel",
                    "rss/channel/item",
                    "rss/channel/item/comment",
                ],
            ),
            total,
            site: String::new(),
            item: None,
            items: 0,
            comments: 0,
            saw_channel: false,
        }
    }

    fn channel(&mut self, rec: &Record) {
        self.saw_channel = true;
        self.site = rec
            .get("base_blog_url")
            .or_else(|| rec.get("base_site_url"))
            .or_else(|| rec.get("link"))
            .unwrap_or_default()
            .trim_end_matches('/')
            .to_owned();
    }

    fn item(&mut self, rec: &Record) -> Entry {
        self.items += 1;
        let id = rec
            .get("post_id")
            .map_or_else(|| format!("item{}", self.items), str::to_owned);
        self.item = None;
        let Some(link) = rec.get("link").or_else(|| rec.get("guid")) else {
            return Entry::Skipped(Skipped {
                at: Location::Line(rec.line),
                reason: SkipReason::BadThreadKey(format!("post {id} has no <link>")),
            });
        };
        self.item = Some(id.clone());
        Entry::Thread(ThreadEntry {
            source_id: id,
            key: link.to_owned(),
            title: rec.get("title").map(str::to_owned),
            url: None,
            created_at: rec.get("post_date_gmt").and_then(parse_timestamp),
            // Comments closed on the post (by hand or by WordPress's age rule) stay closed.
            locked: rec.get("comment_status") == Some("closed"),
        })
    }

    fn comment(&mut self, rec: &Record) -> Entry {
        let at = Location::Line(rec.line);
        let Some(thread) = self.item.clone() else {
            return Entry::Skipped(Skipped {
                at,
                reason: SkipReason::UnknownThread("(its post was skipped)".to_owned()),
            });
        };
        if rec.oversized {
            return Skipped::malformed(at, "<wp:comment> larger than 4 MiB");
        }
        let Some(id) = rec.get("comment_id") else {
            return Skipped::malformed(at, "<wp:comment> without <wp:comment_id>");
        };
        if matches!(rec.get("comment_type"), Some("pingback" | "trackback")) {
            return Entry::Skipped(Skipped {
                at,
                reason: SkipReason::Pingback,
            });
        }
        // Pending comments often carry a zero GMT date; the local date is the next best thing.
        let Some(created) = rec
            .get("comment_date_gmt")
            .and_then(parse_timestamp)
            .or_else(|| rec.get("comment_date").and_then(parse_timestamp))
        else {
            return Skipped::malformed(at, format!("comment {id}: no readable <wp:comment_date>"));
        };
        let visibility = match rec.get("comment_approved") {
            Some("1" | "approve" | "approved") => Visibility::Visible,
            Some("spam") => Visibility::Spam,
            Some("trash" | "post-trashed") => Visibility::Deleted,
            _ => Visibility::Unapproved,
        };
        let name = rec.get("comment_author");
        let identity = match (
            rec.get("comment_user_id").filter(|u| *u != "0"),
            rec.get("comment_author_email"),
            name,
        ) {
            (Some(user), _, _) => format!("wordpress:{}:user:{user}", self.site),
            (_, Some(email), _) => format!("wordpress:email:{}", email.to_lowercase()),
            (_, _, Some(n)) => format!("wordpress:{}:name:{n}", self.site),
            _ => format!("wordpress:{}:anonymous:{id}", self.site),
        };
        self.comments += 1;
        let tie = i64::try_from(self.comments % 1_000_000).unwrap_or(0);
        let source = |n: &str| format!("wordpress:{}#{n}", self.site);
        Entry::Comment(CommentEntry {
            at,
            source: Some(source(id)),
            keep_id: None,
            thread,
            parent: rec.get("comment_parent").filter(|p| *p != "0").map(source),
            author: name.map(str::to_owned),
            identity: Identity::Key(identity),
            body: Body::TextWithTags(rec.get("comment_content").unwrap_or_default().to_owned()),
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

impl<R: BufRead> EntrySource for WordpressSource<R> {
    fn next_entry(&mut self) -> Result<Option<Entry>, TransferError> {
        while let Some(rec) = self.records.next_record()? {
            match rec.name.as_str() {
                "channel" => self.channel(&rec),
                "item" => return Ok(Some(self.item(&rec))),
                "comment" => return Ok(Some(self.comment(&rec))),
                _ => {}
            }
        }
        if !self.saw_channel {
            return Err(TransferError::NotThisFormat(
                "this is not a WordPress export: no <rss><channel> (for Disqus use --from disqus)"
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
