//! Words and formats shown on the page (pure, tested natively).

use talkback_protocol::CommentStatus;
use talkback_protocol::moderation::{ModAction, ReportReason};

/// `2026-11-26T05:01:04Z` as `2026-11-26 05:01 UTC`; anything else unchanged.
pub fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.as_bytes().get(10) == Some(&b'T') => {
            format!("{day} {time} UTC")
        }
        _ => rfc3339.to_owned(),
    }
}

/// The badge of a comment's moderation status.
pub fn status(s: CommentStatus, deleted: bool) -> &'static str {
    if deleted {
        return "Deleted";
    }
    match s {
        CommentStatus::Visible => "Published",
        CommentStatus::Held => "Held",
        CommentStatus::Hidden => "Hidden",
        CommentStatus::Rejected => "Rejected",
    }
}

/// A report reason in words.
pub fn reason(r: ReportReason) -> &'static str {
    match r {
        ReportReason::Spam => "Spam",
        ReportReason::Abuse => "Abuse",
        ReportReason::OffTopic => "Off topic",
        ReportReason::Other => "Other",
    }
}

/// An action as a button label and as the past tense for the result message.
pub fn action(a: ModAction) -> (&'static str, &'static str) {
    match a {
        ModAction::Approve => ("Approve", "approved"),
        ModAction::Reject => ("Reject", "rejected"),
        ModAction::Hide => ("Hide", "hidden"),
        ModAction::Restore => ("Restore", "restored"),
        ModAction::Delete => ("Delete", "deleted"),
        ModAction::Pin => ("Pin", "pinned"),
        ModAction::Unpin => ("Unpin", "unpinned"),
        ModAction::Dismiss => ("Dismiss reports", "cleared of reports"),
        ModAction::BanAuthor => ("Ban author", "had their author banned"),
        ModAction::BanIp => ("Ban address", "had their address banned"),
        ModAction::Lock => ("Lock thread", "locked"),
        ModAction::Unlock => ("Unlock thread", "unlocked"),
        ModAction::Ban => ("Ban", "banned"),
        ModAction::Unban => ("Lift ban", "unbanned"),
        ModAction::Settings => ("Settings", "changed"),
    }
}

/// "1 comment" / "3 comments".
pub fn comments(n: usize) -> String {
    if n == 1 {
        "1 comment".to_owned()
    } else {
        format!("{n} comments")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_utc_minutes() {
        assert_eq!(when("2026-11-26T05:01:04Z"), "2026-11-26 05:01 UTC");
        assert_eq!(when("yesterday"), "yesterday");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(comments(1), "1 comment");
        assert_eq!(comments(2), "2 comments");
    }
}
