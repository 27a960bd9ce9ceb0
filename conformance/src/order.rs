//! Rules about the order of comments in a page: depth-first flat lists and sort orders.

use std::cmp::Ordering;
use std::collections::HashSet;

use talkback_protocol::sort::{SortKey, compare};
use talkback_protocol::{Comment, CommentId, SortOrder, wilson_lower_bound};

/// Checks that `comments` is a depth-first walk whose top level hangs under `top_parent`
/// (`None` for a thread page): each reply comes inside its parent's subtree, after the parent.
pub fn depth_first(comments: &[Comment], top_parent: Option<&CommentId>) -> Result<(), String> {
    let mut path: Vec<&CommentId> = Vec::new();
    let mut seen: HashSet<&CommentId> = HashSet::new();
    for c in comments {
        if !seen.insert(&c.id) {
            return Err(format!("comment {} is sent twice in one page", c.id));
        }
        if c.parent_id.as_ref() == top_parent {
            path.clear();
        } else {
            let Some(parent) = c.parent_id.as_ref() else {
                return Err(format!(
                    "top-level comment {} appears among replies of {}",
                    c.id,
                    top_parent.map(CommentId::as_str).unwrap_or("the thread")
                ));
            };
            while path.last().is_some_and(|last| *last != parent) {
                path.pop();
            }
            if path.is_empty() {
                return Err(format!(
                    "reply {} does not follow its parent {parent}'s subtree (every parent comes before its replies, depth first)",
                    c.id
                ));
            }
        }
        path.push(&c.id);
    }
    Ok(())
}

/// True when `a` shown before `b` breaks `sort`, allowing either order for comments the
/// protocol's one-second timestamps cannot tell apart.
fn misordered(sort: SortOrder, a: &Comment, b: &Comment) -> bool {
    if compare(sort, &SortKey::of(a), &SortKey::of(b)) != Ordering::Greater {
        return false;
    }
    let same_rank = match sort {
        SortOrder::Best => {
            wilson_lower_bound(a.upvotes, a.downvotes) == wilson_lower_bound(b.upvotes, b.downvotes)
                && a.upvotes == b.upvotes
        }
        SortOrder::Newest | SortOrder::Oldest => true,
    };
    !(same_rank && a.created_at == b.created_at)
}

/// Checks that siblings (comments in the order shown) follow `sort`.
pub fn sorted(sort: SortOrder, siblings: &[&Comment]) -> Result<(), String> {
    for pair in siblings.windows(2) {
        if let [a, b] = pair
            && misordered(sort, a, b)
        {
            return Err(format!(
                "in `{}` order, {} (created {}, +{}/-{}) is shown before {} (created {}, +{}/-{})",
                sort.as_str(),
                a.id,
                a.created_at,
                a.upvotes,
                a.downvotes,
                b.id,
                b.created_at,
                b.upvotes,
                b.downvotes
            ));
        }
    }
    Ok(())
}

/// Compares the ids gathered over all pages with the ids that exist: no duplicates, no gaps.
pub fn complete(gathered: &[CommentId], expected: &[CommentId]) -> Result<(), String> {
    let mut seen = HashSet::new();
    if let Some(dup) = gathered.iter().find(|id| !seen.insert(*id)) {
        return Err(format!("comment {dup} comes on two pages"));
    }
    if let Some(gap) = expected.iter().find(|id| !seen.contains(id)) {
        return Err(format!(
            "comment {gap} is on no page ({} of {} comments were sent)",
            gathered.len(),
            expected.len()
        ));
    }
    if let Some(extra) = gathered.iter().find(|id| !expected.contains(id)) {
        return Err(format!("comment {extra} was sent but does not belong here"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::Vote;

    fn c(id: &str, parent: Option<&str>, at: &str, up: u64, down: u64) -> Comment {
        Comment {
            id: CommentId::parse(id).expect("id"),
            parent_id: parent.and_then(CommentId::parse),
            author: None,
            avatar_seed: String::new(),
            body_html: String::new(),
            created_at: at.into(),
            score: up as i64 - down as i64,
            upvotes: up,
            downvotes: down,
            my_vote: Vote::None,
            reply_count: 0,
            deleted: false,
            replies_cursor: None,
            edited_at: None,
            editable_until: None,
            verified: false,
            status: Default::default(),
            pinned: false,
        }
    }

    const T1: &str = "2026-11-24T08:00:01Z";
    const T2: &str = "2026-11-24T08:00:02Z";

    #[test]
    fn depth_first_lists_pass_and_orphans_fail() {
        let good = [
            c("a", None, T1, 0, 0),
            c("b", Some("a"), T1, 0, 0),
            c("c", Some("b"), T1, 0, 0),
            c("d", Some("a"), T1, 0, 0),
            c("e", None, T1, 0, 0),
        ];
        assert_eq!(depth_first(&good, None), Ok(()));
        // `d` replies to `a` but comes after `e` started a new subtree.
        let bad = [
            c("a", None, T1, 0, 0),
            c("e", None, T1, 0, 0),
            c("d", Some("a"), T1, 0, 0),
        ];
        assert!(depth_first(&bad, None).unwrap_err().contains("reply d"));
        let twice = [c("a", None, T1, 0, 0), c("a", None, T1, 0, 0)];
        assert!(depth_first(&twice, None).unwrap_err().contains("twice"));
    }

    #[test]
    fn sort_orders_are_checked_with_second_ties_allowed() {
        let (old, new) = (c("x", None, T1, 0, 0), c("y", None, T2, 0, 0));
        assert_eq!(sorted(SortOrder::Oldest, &[&old, &new]), Ok(()));
        assert!(sorted(SortOrder::Newest, &[&old, &new]).is_err());
        let same = c("z", None, T1, 0, 0);
        assert_eq!(sorted(SortOrder::Newest, &[&same, &old]), Ok(()));
        assert_eq!(sorted(SortOrder::Newest, &[&old, &same]), Ok(()));
        let (liked, plain) = (c("l", None, T1, 3, 0), c("p", None, T2, 0, 0));
        assert_eq!(sorted(SortOrder::Best, &[&liked, &plain]), Ok(()));
        assert!(sorted(SortOrder::Best, &[&plain, &liked]).is_err());
    }

    #[test]
    fn duplicates_and_gaps_are_found() {
        let ids = |v: &[&str]| -> Vec<CommentId> {
            v.iter().filter_map(|s| CommentId::parse(s)).collect()
        };
        assert_eq!(complete(&ids(&["a", "b"]), &ids(&["b", "a"])), Ok(()));
        assert!(
            complete(&ids(&["a", "a", "b"]), &ids(&["a", "b"]))
                .unwrap_err()
                .contains("two pages")
        );
        assert!(
            complete(&ids(&["a"]), &ids(&["a", "b"]))
                .unwrap_err()
                .contains("on no page")
        );
    }
}
