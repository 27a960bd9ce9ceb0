//! Checks a draft before it is sent, with the same rules and words as the server.

use talkback_protocol::{Comment, CommentId, ValidationError, Vote, validate};

/// A draft that passed the protocol's checks: trimmed name (`None` for a guest) and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// Display name, `None` posts as a guest.
    pub author: Option<String>,
    /// Markdown body, trimmed.
    pub body: String,
}

/// Validates what the reader typed; the error's text is shown under the form as is.
pub fn check(author: &str, body: &str) -> Result<Draft, ValidationError> {
    Ok(Draft {
        author: validate::author(Some(author))?,
        body: validate::body(body)?,
    })
}

/// The comment shown while a post is on its way: no votes, no replies, no server rendering yet.
pub fn pending_comment(
    id: CommentId,
    parent_id: Option<CommentId>,
    author: Option<String>,
) -> Comment {
    Comment {
        id,
        parent_id,
        avatar_seed: author.clone().unwrap_or_default(),
        author,
        body_html: String::new(),
        created_at: String::new(),
        score: 0,
        upvotes: 0,
        downvotes: 0,
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

#[cfg(test)]
mod tests {
    use super::*;
    use talkback_protocol::limits::BODY_MAX_CHARS;

    #[test]
    fn blank_and_oversized_drafts_are_refused_with_the_servers_words() {
        let empty = check("Ada", "  \n ").unwrap_err();
        assert_eq!(empty.to_string(), "Write something before posting.");
        let long = check("", &"x".repeat(BODY_MAX_CHARS + 1)).unwrap_err();
        assert!(long.to_string().contains("the limit is 10000"), "{long}");
    }

    #[test]
    fn a_good_draft_is_trimmed_and_an_empty_name_is_a_guest() {
        assert_eq!(
            check("  ", " Hello \n").unwrap(),
            Draft {
                author: None,
                body: "Hello".into()
            }
        );
        assert_eq!(check(" Ada ", "Hi").unwrap().author.as_deref(), Some("Ada"));
    }
}
