//! Limits that are part of the protocol: the server enforces them and the widget mirrors them.

/// Longest comment body, in Unicode scalar values (characters), after trimming.
pub const BODY_MAX_CHARS: usize = 10_000;
/// Longest author name, in characters, after trimming. An empty name posts as a guest.
pub const NAME_MAX_CHARS: usize = 80;
/// Longest thread key, in characters, after normalization.
pub const THREAD_KEY_MAX_CHARS: usize = 512;
/// Longest thread title, in characters.
pub const TITLE_MAX_CHARS: usize = 300;
/// Longest thread URL, in characters.
pub const URL_MAX_CHARS: usize = 2_048;
/// Largest request body the server reads, in bytes.
pub const REQUEST_MAX_BYTES: usize = 64 * 1024;
/// Default number of top-level comments in one page of a thread.
pub const PAGE_LIMIT_DEFAULT: u32 = 50;
/// Largest number of top-level comments (or replies) a client may ask for in one page.
pub const PAGE_LIMIT_MAX: u32 = 100;
/// Default number of direct replies sent under each comment before a replies cursor is needed.
pub const REPLIES_LIMIT_DEFAULT: u32 = 50;
/// Largest number of thread keys in one counts request.
pub const COUNTS_MAX_KEYS: usize = 100;
/// Longest comment id, in bytes.
pub const COMMENT_ID_MAX_LEN: usize = 64;
/// Default edit window: how long after posting a reader may edit or delete a comment, in seconds.
pub const EDIT_WINDOW_DEFAULT_SECS: u64 = 900;
/// Longest email address, in characters.
pub const EMAIL_MAX_CHARS: usize = 254;
/// Longest idempotency key of a post, in bytes.
pub const CLIENT_TOKEN_MAX_LEN: usize = 64;
/// Longest note of a report, in characters.
pub const REPORT_NOTE_MAX_CHARS: usize = 500;
/// Longest reason a moderator gives for an action, in characters.
pub const REASON_MAX_CHARS: usize = 500;
/// Most comments one moderation action may name.
pub const ACTION_IDS_MAX: usize = 100;
