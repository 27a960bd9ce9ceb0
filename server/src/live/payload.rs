//! Stored events turned into what the stream sends, through the same presentation as the
//! reading routes, as a reader without a token sees the comments now.

use std::collections::HashMap;

use talkback_protocol::{CommentEvent, CommentId, DeletedEvent, LiveEvent, SortOrder, VotedEvent};

use crate::AppState;
use crate::present::present;
use crate::store::{CommentRow, EventKind, EventRow, StoreError, ThreadId};
use crate::tree::{Forest, Slot};

/// An event ready to be written: its id and its name with data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    /// The thread's event number, sent as `id:`.
    pub seq: i64,
    /// Name and data.
    pub event: LiveEvent,
}

/// Presents a batch of stored events. An event about a comment deleted since is left out, except
/// a `posted` whose comment keeps its place for replies (it carries the placeholder) and the
/// `deleted` event itself; the later `deleted` event tells clients the rest.
pub async fn present_batch(
    state: &AppState,
    thread: ThreadId,
    events: &[EventRow],
) -> Result<Vec<Outgoing>, StoreError> {
    let mut ids: Vec<String> = events.iter().map(|e| e.comment_id.clone()).collect();
    ids.sort();
    ids.dedup();
    let mut found = state.store.comments(ids, None).await?;
    crate::identity::mark_verified(state, &mut found).await?;
    let rows: HashMap<String, CommentRow> = found.into_iter().map(|r| (r.id.clone(), r)).collect();
    let forest = Forest::new(state.store.skeleton(thread).await?, SortOrder::default());
    let comment_count = state
        .store
        .thread_by_id(thread)
        .await?
        .map_or(0, |t| t.comment_count);
    let anonymous = state.viewer(None);
    let shown = |row: &CommentRow| {
        let slot = Slot {
            id: row.id.clone(),
            reply_count: forest.reply_count(&row.id).unwrap_or(0),
            replies_cursor: None,
            seen: forest.seen(&row.id),
        };
        // A deleted comment keeps its place only while a visible reply hangs below it.
        let placed = !(row.deleted || slot.seen.gone) || slot.reply_count > 0;
        placed
            .then(|| present(&state.secret, &anonymous, row.clone(), &slot))
            .flatten()
    };
    Ok(events
        .iter()
        .filter_map(|e| {
            let row = rows.get(&e.comment_id)?;
            let event = match e.kind {
                EventKind::Posted => LiveEvent::Posted(CommentEvent {
                    comment: shown(row)?,
                    comment_count,
                }),
                EventKind::Edited if !forest.seen(&row.id).gone => {
                    LiveEvent::Edited(CommentEvent {
                        comment: shown(row)?,
                        comment_count,
                    })
                }
                EventKind::Deleted => LiveEvent::Deleted(DeletedEvent {
                    comment_id: CommentId::parse(&row.id)?,
                    placeholder: shown(row),
                    comment_count,
                }),
                EventKind::Voted if !forest.seen(&row.id).gone => LiveEvent::Voted(VotedEvent {
                    comment_id: CommentId::parse(&row.id)?,
                    score: score(row),
                    upvotes: row.upvotes,
                    downvotes: row.downvotes,
                    comment_count,
                }),
                EventKind::Edited | EventKind::Voted => return None,
            };
            Some(Outgoing { seq: e.seq, event })
        })
        .collect())
}

fn score(row: &CommentRow) -> i64 {
    i64::try_from(row.upvotes).unwrap_or(i64::MAX)
        - i64::try_from(row.downvotes).unwrap_or(i64::MAX)
}
