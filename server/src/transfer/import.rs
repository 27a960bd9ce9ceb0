//! The import driver: reads entries from any format, turns them into stored comments (thread
//! keys mapped and normalized, bodies converted to markdown and sanitized exactly like new
//! comments), writes them in batches and links late parents at the end.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use talkback_protocol::CommentStatus;
use talkback_protocol::limits::NAME_MAX_CHARS;
use talkback_protocol::moderation::ModerationMode;

use super::disqus::DisqusSource;
use super::entry::{
    Body, CommentEntry, Entry, Identity, SkipReason, Skipped, ThreadEntry, Visibility,
};
use super::html::{Newlines, html_to_markdown};
use super::isso::IssoSource;
use super::jsonl::JsonlSource;
use super::mapping::{ThreadTarget, UrlMap, thread_target};
use super::moderation::Pending;
use super::progress::{Progress, peak_memory};
use super::summary::{EXAMPLES_MAX, ImportSummary};
use super::wordpress::WordpressSource;
use super::{EntrySource, Format, TransferError};
use crate::ids::{new_comment_id, token_hash};
use crate::render::render_markdown;
use crate::store::{ImportBatch, ImportedComment, ImportedThread, Store};

/// Comments written per transaction: large enough to be fast, small enough that a killed
/// import loses little work.
const BATCH: usize = 1_000;
/// Longest imported body, in characters. Longer than new comments may be (other systems
/// allowed more), but bounded so that one entry cannot hold up the whole import.
const BODY_MAX_CHARS: usize = 100_000;

/// How to run an import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The input's format.
    pub format: Format,
    /// `--map-url` rules, tried in order.
    pub maps: Vec<UrlMap>,
    /// Stop (without the final linking) once this many comments are handled: a stand-in for an
    /// import killed halfway, for testing resumption.
    pub stop_after: Option<u64>,
    /// No progress output.
    pub quiet: bool,
}

impl ImportOptions {
    /// Options for `format` with no mapping, reporting progress.
    pub fn new(format: Format) -> Self {
        ImportOptions {
            format,
            maps: Vec::new(),
            stop_after: None,
            quiet: false,
        }
    }
}

/// Opens the reader for a format.
fn open_source(format: Format, path: &Path) -> Result<Box<dyn EntrySource + Send>, TransferError> {
    Ok(match format {
        Format::Disqus => Box::new(DisqusSource::open(path)?),
        Format::Wordpress => Box::new(WordpressSource::open(path)?),
        Format::Isso => Box::new(IssoSource::open(path)?),
        Format::Talkback => Box::new(JsonlSource::open(path)?),
    })
}

/// Imports `path` into `store` and reports what happened.
pub async fn run_import(
    store: &dyn Store,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportSummary, TransferError> {
    let mut source = open_source(options.format, path)?;
    let mut progress = Progress::new(
        "import",
        source.total(),
        source.counts_bytes(),
        options.quiet,
    );
    let mut run = Run::new(options);
    let mut pending = Pending::default();
    let mut entries = 0u64;
    while let Some(entry) = source.next_entry()? {
        let Some(entry) = pending.take(entry) else {
            pending.flush(store, &mut run.summary, false).await?;
            continue;
        };
        match entry {
            Entry::Thread(t) => run.thread(t),
            Entry::Comment(c) => run.comment(c),
            Entry::Skipped(s) => run.skip(s),
            // Pre-moderation is never turned off by an import: of the file's mode and the
            // site's, the stricter one stays.
            Entry::Moderation(mode) => {
                if mode == ModerationMode::Pre {
                    store.set_moderation_mode(mode, None).await?;
                    run.summary.pre_moderation = true;
                }
            }
            Entry::Account(_) | Entry::Ban(_) | Entry::Audit(_) => {}
        }
        if run.batch.comments.len() >= BATCH {
            run.flush(store).await?;
            if run.limit_reached() {
                run.summary.stopped_early = true;
                break;
            }
        }
        entries += 1;
        if entries.is_multiple_of(256) {
            progress.update(
                source.done(),
                run.summary.comments() + run.batch.comments.len() as u64,
            );
        }
    }
    run.flush(store).await?;
    pending.flush(store, &mut run.summary, true).await?;
    if !run.summary.stopped_early {
        // Our own export keeps ids rather than sources, so its orphans are found without a prefix.
        let prefix =
            (options.format != Format::Talkback).then(|| format!("{}:", options.format.name()));
        let linking = store.link_imported(prefix, EXAMPLES_MAX).await?;
        run.summary.linked_late = linking.linked;
        run.summary.orphans = linking.orphan_count;
        run.summary.orphan_examples = linking.orphans;
    }
    run.summary.notes.extend(source.closing_note());
    run.summary.input_size = source.total();
    run.summary.elapsed = progress.finish();
    run.summary.peak_memory = peak_memory();
    Ok(run.summary)
}

/// Where a thread's comments go, when it was created and whether it is locked; or why it
/// cannot be used.
type ThreadSlot = Result<(ThreadTarget, Option<i64>, bool), String>;

/// The state of one import.
struct Run<'a> {
    options: &'a ImportOptions,
    /// Threads by source id (with creation time and lock), or why a thread could not be used.
    threads: HashMap<String, ThreadSlot>,
    /// Keys of threads that received comments.
    touched: HashSet<String>,
    batch: ImportBatch,
    /// Index of each thread key in the batch.
    batch_threads: HashMap<String, usize>,
    summary: ImportSummary,
}

impl<'a> Run<'a> {
    fn new(options: &'a ImportOptions) -> Self {
        Run {
            options,
            threads: HashMap::new(),
            touched: HashSet::new(),
            batch: ImportBatch::default(),
            batch_threads: HashMap::new(),
            summary: ImportSummary {
                format: Some(options.format),
                ..ImportSummary::default()
            },
        }
    }

    fn limit_reached(&self) -> bool {
        self.options
            .stop_after
            .is_some_and(|limit| self.summary.comments() >= limit)
    }

    fn skip(&mut self, s: Skipped) {
        *self.summary.skipped.entry(s.reason.kind()).or_insert(0) += 1;
        if self.summary.skipped_examples.len() < EXAMPLES_MAX {
            self.summary.skipped_examples.push(s);
        }
    }

    fn thread(&mut self, t: ThreadEntry) {
        let target =
            thread_target(&t.key, t.title.as_deref(), &self.options.maps).map(|mut target| {
                if t.url.is_some() {
                    target.url = t.url;
                }
                (target, t.created_at, t.locked)
            });
        self.threads.insert(t.source_id, target);
    }

    fn comment(&mut self, c: CommentEntry) {
        let target = match self.threads.get(&c.thread) {
            Some(Ok((target, created, locked))) => (target.clone(), *created, *locked),
            Some(Err(why)) => {
                let reason = SkipReason::BadThreadKey(format!("its thread {}: {why}", c.thread));
                return self.skip(Skipped { at: c.at, reason });
            }
            None => {
                let reason = SkipReason::UnknownThread(c.thread.clone());
                return self.skip(Skipped { at: c.at, reason });
            }
        };
        // Other systems' pending and spam states become held and rejected comments: readers
        // do not see them, moderators find them in the queue with their text. Only comments
        // deleted at the source lose their text.
        let (status, deleted) = match c.visibility {
            Visibility::Visible => (c.status, false),
            Visibility::Deleted => (c.status, true),
            Visibility::Spam => (CommentStatus::Rejected, false),
            Visibility::Unapproved => (CommentStatus::Held, false),
        };
        let keep_text = !deleted || c.restore;
        if keep_text && c.visibility != Visibility::Visible && !c.restore {
            *self
                .summary
                .moderated
                .entry(c.visibility.label())
                .or_insert(0) += 1;
        }
        let (author, body_md, body_html) = if keep_text {
            let md = match &c.body {
                Body::Html(h) => html_to_markdown(h, Newlines::Layout),
                Body::TextWithTags(t) => html_to_markdown(t, Newlines::Meant),
                Body::Markdown(m) => m.trim().to_owned(),
            };
            if md.is_empty() && !deleted {
                return self.skip(Skipped {
                    at: c.at,
                    reason: SkipReason::EmptyBody,
                });
            }
            if md.chars().count() > BODY_MAX_CHARS {
                let reason =
                    SkipReason::Malformed(format!("body longer than {BODY_MAX_CHARS} characters"));
                return self.skip(Skipped { at: c.at, reason });
            }
            let html = if md.is_empty() {
                String::new()
            } else {
                render_markdown(&md)
            };
            (clean_name(c.author.as_deref()), md, html)
        } else {
            *self
                .summary
                .placeholders
                .entry(c.visibility.label())
                .or_insert(0) += 1;
            (None, String::new(), String::new())
        };
        let (target, thread_created, thread_locked) = target;
        if self.touched.insert(target.key.clone()) {
            self.summary.threads += 1;
            if target.url.is_none() && !target.key.starts_with("http") {
                self.summary.keys_not_urls += 1;
            }
        }
        let thread = match self.batch_threads.get(&target.key) {
            Some(&i) => i,
            None => {
                self.batch.threads.push(ImportedThread {
                    key: target.key.clone(),
                    title: target.title,
                    url: target.url,
                    created_at: thread_created.unwrap_or(c.created_at),
                    locked: thread_locked,
                });
                let i = self.batch.threads.len() - 1;
                self.batch_threads.insert(target.key, i);
                i
            }
        };
        let reader_key = match c.identity {
            Identity::TokenHash(h) => h,
            // A prefix no real token hash has: nobody can sign in as an imported author.
            Identity::Key(k) => format!("import:{}", token_hash(&k)),
        };
        self.batch.comments.push(ImportedComment {
            thread,
            id: c.keep_id.unwrap_or_else(new_comment_id),
            source: c.source,
            parent: c.parent,
            reader_key,
            author,
            body_md,
            body_html,
            created_at: c.created_at,
            edited_at: c.edited_at,
            deleted,
            upvotes: c.upvotes,
            downvotes: c.downvotes,
            email: if keep_text { c.email } else { None },
            status,
            pinned: c.pinned && !deleted,
        });
    }

    async fn flush(&mut self, store: &dyn Store) -> Result<(), TransferError> {
        if self.batch.comments.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.batch_threads.clear();
        let outcome = store.import_batch(batch).await?;
        self.summary.written += outcome.written;
        self.summary.already_present += outcome.present;
        Ok(())
    }
}

/// A display name as new comments get it: trimmed, no control characters, at most
/// [`NAME_MAX_CHARS`]; empty means a guest.
fn clean_name(raw: Option<&str>) -> Option<String> {
    let name: String = raw?
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(NAME_MAX_CHARS)
        .collect();
    let name = name.trim().to_owned();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_are_cleaned_like_new_comments() {
        assert_eq!(clean_name(Some("  Ann\u{7}  ")), Some("Ann".to_owned()));
        assert_eq!(clean_name(Some("   ")), None);
        assert_eq!(clean_name(None), None);
        assert_eq!(
            clean_name(Some(&"x".repeat(200))).map(|n| n.chars().count()),
            Some(80)
        );
    }
}
