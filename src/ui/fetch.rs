//! Loading the thread: first page, another sort order, further pages, and permalink targets.

use leptos::prelude::*;
use talkback_protocol::{CommentId, ThreadPage};

use super::state::ThreadState;
use crate::backend::BackendError;
use crate::thread::tree::Tree;
use crate::thread::view::focus_for;

/// Loads the thread's first page in the current order, replacing what is shown.
/// Answers to requests made before a newer load are dropped.
pub async fn first_page(state: ThreadState) -> Result<(), BackendError> {
    let (Some(backend), Some(key)) = (state.backend(), state.key()) else {
        return Ok(());
    };
    let generation = state.generation.get_untracked().wrapping_add(1);
    state.generation.set(generation);
    let sort = state.sort.get_untracked();
    let page = backend.load_thread(&key, sort, None).await?;
    if state.generation.get_untracked() != generation {
        return Ok(());
    }
    apply(state, page);
    Ok(())
}

fn apply(state: ThreadState, page: ThreadPage) {
    let tree = Tree::from_comments(page.comments);
    // Live comments the page now shows no longer wait behind the button, and the stream need
    // not bring what the page already shows.
    state.inbox.update(|i| {
        i.forget_known(&tree);
        if let Some(id) = page.last_event_id {
            i.seen_up_to(id);
        }
    });
    state.tree.set(tree);
    state.count.set(page.thread.comment_count);
    state.locked.set(page.thread.locked);
    state.reply_mail.set(page.thread.reply_mail);
    state.next_cursor.set(page.next_cursor);
    state.focus.set(None);
}

/// Shows the comment a permalink points at: fetches its context when it is not loaded, opens
/// its collapsed ancestors and the deep view it lives in, then scrolls to it and highlights it.
pub async fn open_permalink(state: ThreadState, target: CommentId) -> Result<(), BackendError> {
    if !state.tree.with_untracked(|t| t.contains(&target)) {
        let Some(backend) = state.backend() else {
            return Ok(());
        };
        let generation = state.generation.get_untracked();
        let page = backend
            .load_context(&target, state.sort.get_untracked())
            .await?;
        if state.generation.get_untracked() != generation {
            return Ok(());
        }
        state.tree.update(|t| {
            t.merge(page.comments);
        });
    }
    let Some(path) = state
        .tree
        .with_untracked(|t| t.contains(&target).then(|| t.ancestors(&target)))
    else {
        return Ok(());
    };
    state.collapsed.update(|c| {
        for id in path.iter().chain([&target]) {
            c.remove(id);
        }
    });
    state
        .focus
        .set(state.tree.with_untracked(|t| focus_for(t, &target)));
    state.show(target);
    Ok(())
}
