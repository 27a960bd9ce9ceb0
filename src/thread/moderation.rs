//! Moderation as the widget shows it: what a report sends, which controls a moderator gets on a
//! comment, and how an action's outcome changes the shown thread.

use talkback_protocol::limits::{REASON_MAX_CHARS, REPORT_NOTE_MAX_CHARS};
use talkback_protocol::moderation::ModAction;
use talkback_protocol::{Comment, CommentStatus, ReportReason, ReportRequest};

use super::tree::Tree;

/// The reasons a reader can pick, in the order the form lists them.
pub const REPORT_REASONS: [ReportReason; 4] = [
    ReportReason::Spam,
    ReportReason::Abuse,
    ReportReason::OffTopic,
    ReportReason::Other,
];

/// Why a report cannot be sent yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportProblem {
    /// No reason was picked.
    NoReason,
    /// The note is longer than the server takes.
    NoteTooLong,
}

/// The report to send, from the form's choice and note (a blank note is left out).
pub fn report_request(
    reason: Option<ReportReason>,
    note: &str,
) -> Result<ReportRequest, ReportProblem> {
    let reason = reason.ok_or(ReportProblem::NoReason)?;
    let note = note.trim();
    if note.chars().count() > REPORT_NOTE_MAX_CHARS {
        return Err(ReportProblem::NoteTooLong);
    }
    Ok(ReportRequest {
        reason,
        note: (!note.is_empty()).then(|| note.to_owned()),
    })
}

/// A moderator's reason for the audit log: trimmed, blank left out, cut to what the server takes.
pub fn audit_reason(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(REASON_MAX_CHARS).collect())
}

/// The actions a moderator is offered on a shown comment; pins only on top-level comments.
pub fn controls(comment: &Comment) -> Vec<ModAction> {
    if comment.deleted {
        return Vec::new();
    }
    let mut actions = Vec::new();
    if comment.status == CommentStatus::Held {
        actions.push(ModAction::Approve);
    }
    actions.push(ModAction::Hide);
    actions.push(ModAction::Delete);
    if comment.parent_id.is_none() {
        actions.push(if comment.pinned {
            ModAction::Unpin
        } else {
            ModAction::Pin
        });
    }
    actions.push(ModAction::BanAuthor);
    actions
}

/// Shows the outcome of an action the server confirmed on comment `id`: hidden, rejected and
/// deleted comments go the way a deleted comment goes for readers; the rest change in place.
pub fn apply(tree: &mut Tree, id: &talkback_protocol::CommentId, action: ModAction) -> bool {
    match action {
        ModAction::Hide | ModAction::Reject | ModAction::Delete => tree.delete(id),
        ModAction::Pin | ModAction::Unpin => {
            tree.update(id, |c| c.pinned = action == ModAction::Pin)
        }
        ModAction::Approve | ModAction::Restore => {
            tree.update(id, |c| c.status = CommentStatus::Visible)
        }
        _ => tree.contains(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::CommentId;

    fn comment(id: &str, parent: Option<&str>) -> Comment {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "parent_id": parent,
            "author": "Ann",
            "avatar_seed": "s",
            "body_html": "<p>hi</p>",
            "created_at": "2026-01-01T00:00:00Z",
            "edited_at": null,
            "upvotes": 0,
            "downvotes": 0,
            "score": 0,
            "my_vote": 0,
            "reply_count": 0,
            "deleted": false,
        }))
        .expect("a comment")
    }

    #[test]
    fn a_report_needs_a_reason_and_drops_a_blank_note() {
        assert_eq!(report_request(None, "x"), Err(ReportProblem::NoReason));
        let r = report_request(Some(ReportReason::Spam), "  ").expect("valid");
        assert_eq!(r.note, None);
        let r = report_request(Some(ReportReason::Other), " links to a scam ").expect("valid");
        assert_eq!(r.note.as_deref(), Some("links to a scam"));
        let long = "x".repeat(REPORT_NOTE_MAX_CHARS + 1);
        assert_eq!(
            report_request(Some(ReportReason::Abuse), &long),
            Err(ReportProblem::NoteTooLong)
        );
    }

    #[test]
    fn audit_reasons_are_trimmed_and_bounded() {
        assert_eq!(audit_reason("   "), None);
        assert_eq!(audit_reason(" spam ").as_deref(), Some("spam"));
        let long = "é".repeat(REASON_MAX_CHARS + 10);
        assert_eq!(
            audit_reason(&long).map(|r| r.chars().count()),
            Some(REASON_MAX_CHARS)
        );
    }

    #[test]
    fn pins_are_offered_on_top_level_comments_only() {
        let top = comment("c_1", None);
        assert!(controls(&top).contains(&ModAction::Pin));
        let reply = comment("c_2", Some("c_1"));
        assert!(!controls(&reply).contains(&ModAction::Pin));
        assert!(controls(&reply).contains(&ModAction::Hide));
        let mut pinned = top.clone();
        pinned.pinned = true;
        assert!(controls(&pinned).contains(&ModAction::Unpin));
        let mut held = top.clone();
        held.status = CommentStatus::Held;
        assert_eq!(controls(&held).first(), Some(&ModAction::Approve));
        let mut gone = top;
        gone.deleted = true;
        assert!(controls(&gone).is_empty());
    }

    #[test]
    fn hidden_comments_leave_the_thread_and_pins_change_in_place() {
        let mut tree = Tree::from_comments(vec![comment("c_1", None), comment("c_2", None)]);
        let (one, two) = (
            CommentId::parse("c_1").expect("id"),
            CommentId::parse("c_2").expect("id"),
        );
        assert!(apply(&mut tree, &one, ModAction::Hide));
        assert!(!tree.contains(&one));
        assert!(apply(&mut tree, &two, ModAction::Pin));
        assert!(tree.get(&two).is_some_and(|c| c.pinned));
        assert!(apply(&mut tree, &two, ModAction::Unpin));
        assert!(tree.get(&two).is_some_and(|c| !c.pinned));
    }
}
