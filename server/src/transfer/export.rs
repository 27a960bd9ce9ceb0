//! `talkback-server export FILE.jsonl`: the whole site as JSON lines — settings, site accounts,
//! threads with their comments, bans in force, the audit log — one thread (or page of rows) at
//! a time so memory is bounded by the largest thread. The file is written beside the target and renamed
//! into place at the end, so an interrupted export never leaves a file that looks complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::TransferError;
use super::jsonl::{CommentLine, FORMAT_NAME, FORMAT_VERSION, Line};
use super::moderation::{account_line, audit_line, ban_line};
use super::progress::{Progress, peak_memory};
use super::summary::ExportSummary;
use super::times::format_exact;
use crate::clock::now_micros;
use crate::store::{ExportedComment, Store};

/// Threads fetched per store call.
const THREAD_PAGE: usize = 200;

/// Writes every thread and comment of `store` to `path`.
pub async fn run_export(
    store: &dyn Store,
    path: &Path,
    quiet: bool,
) -> Result<ExportSummary, TransferError> {
    let partial = partial_path(path);
    let file = std::fs::File::create(&partial).map_err(|source| TransferError::Open {
        path: partial.clone(),
        source,
    })?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, file);
    let mut summary = ExportSummary::default();
    let mut progress = Progress::new("export", 0, false, quiet);
    write_line(
        &mut out,
        &Line::Header {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            exported_at: format_exact(now_micros()),
            generator: format!("talkback-server {}", env!("CARGO_PKG_VERSION")),
        },
    )?;
    write_line(
        &mut out,
        &Line::Settings {
            moderation: store.moderation_mode().await?,
        },
    )?;
    let mut after = 0;
    loop {
        let accounts = store.export_accounts(after, THREAD_PAGE).await?;
        let Some(last) = accounts.last() else {
            break;
        };
        after = last.0;
        for (_, a) in accounts {
            write_line(&mut out, &account_line(a))?;
            summary.moderation += 1;
        }
    }
    let mut after = 0;
    loop {
        let threads = store.export_threads(after, THREAD_PAGE).await?;
        let Some(last) = threads.last() else {
            break;
        };
        after = last.id;
        for t in threads {
            let comments = store.export_comments(t.id).await?;
            write_line(
                &mut out,
                &Line::Thread {
                    key: t.key.clone(),
                    title: t.title,
                    url: t.url,
                    created_at: format_exact(t.created_at),
                    locked: t.locked,
                },
            )?;
            summary.threads += 1;
            for c in comments {
                write_line(&mut out, &Line::Comment(comment_line(&t.key, c)))?;
                summary.comments += 1;
            }
            progress.update(summary.threads, summary.comments);
        }
    }
    for b in store.export_bans(now_micros()).await? {
        write_line(&mut out, &ban_line(b))?;
        summary.moderation += 1;
    }
    let mut after = 0;
    loop {
        let entries = store.export_audit(after, THREAD_PAGE).await?;
        let Some(last) = entries.last() else {
            break;
        };
        after = last.id;
        for e in entries {
            write_line(&mut out, &audit_line(e))?;
            summary.moderation += 1;
        }
    }
    write_line(
        &mut out,
        &Line::End {
            threads: summary.threads,
            comments: summary.comments,
        },
    )?;
    let file = out
        .into_inner()
        .map_err(|e| TransferError::Io(e.into_error()))?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&partial, path)?;
    summary.bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    summary.elapsed = progress.finish();
    summary.peak_memory = peak_memory();
    Ok(summary)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

fn comment_line(thread: &str, c: ExportedComment) -> CommentLine {
    CommentLine {
        thread: thread.to_owned(),
        id: c.id,
        parent: c.parent_id,
        reader: c.reader_key,
        author: c.author,
        body_md: c.body_md,
        created_at: format_exact(c.created_at),
        edited_at: c.edited_at.map(format_exact),
        deleted: c.deleted,
        upvotes: c.upvotes,
        downvotes: c.downvotes,
        email: c.email,
        source: c.source,
        status: c.status,
        pinned: c.pinned,
    }
}

fn write_line(out: &mut impl Write, line: &Line) -> Result<(), TransferError> {
    serde_json::to_writer(&mut *out, line)
        .map_err(|e| TransferError::Io(std::io::Error::other(e)))?;
    out.write_all(b"\n")?;
    Ok(())
}
