//! Demo thread content (placeholder until the seed-data helper writes the real discussion).

/// One demo comment; `parent` refers to another entry's local `id`.
pub struct SeedComment {
    /// Local reference like "c01", used only to link replies to parents.
    pub id: &'static str,
    /// Local reference of the parent comment, if a reply.
    pub parent: Option<&'static str>,
    /// Display name; `None` posts as a guest.
    pub author: Option<&'static str>,
    /// Markdown body.
    pub body: &'static str,
    /// Age of the comment when seeded.
    pub minutes_ago: u32,
    /// Up votes to start with.
    pub up: u32,
    /// Down votes to start with.
    pub down: u32,
    /// Seeded as deleted.
    pub deleted: bool,
}

/// The demo article's thread key (its canonical URL).
pub const THREAD_KEY: &str = "https://www.northbankherald.example/2026/11/24/old-mill-bridge-car-ban";
/// The demo article's headline.
pub const THREAD_TITLE: &str = "Council votes to close Old Mill Bridge to cars from March";

/// Demo comments, every parent before its replies.
pub const COMMENTS: &[SeedComment] = &[
    SeedComment { id: "c01", parent: None, author: Some("Maya Okafor"), body: "About time. I cycle across **every day**.", minutes_ago: 300, up: 12, down: 3, deleted: false },
    SeedComment { id: "c02", parent: Some("c01"), author: None, body: "Not everyone can cycle, though.", minutes_ago: 240, up: 4, down: 1, deleted: false },
    SeedComment { id: "c03", parent: None, author: Some("Tom Reyes"), body: "Removed.", minutes_ago: 120, up: 0, down: 0, deleted: true },
];
