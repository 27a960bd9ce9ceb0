//! What a peer server does not tell the widget, remembered in this browser: the reader's votes
//! (Isso and Waline count votes without saying who cast them) and which comments the reader may
//! still edit (Isso's edit cookie says until when).

use std::collections::BTreeMap;

use talkback_protocol::{CommentId, Vote};

/// Most entries kept per store; the oldest ids go first, so storage cannot grow without end.
const MAX_ENTRIES: usize = 2000;

/// Comment id → a number (a vote as -1/1, or the end of an edit window in ms).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks(BTreeMap<String, i64>);

impl Marks {
    /// Reads the stored JSON; anything unreadable counts as empty rather than failing the widget.
    pub fn parse(raw: Option<&str>) -> Self {
        Marks(
            raw.and_then(|r| serde_json::from_str::<BTreeMap<String, i64>>(r).ok())
                .unwrap_or_default(),
        )
    }

    /// The JSON to store.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The number stored for a comment.
    pub fn get(&self, id: &CommentId) -> Option<i64> {
        self.0.get(id.as_str()).copied()
    }

    /// Stores a number for a comment, dropping the smallest ids once the store is full.
    pub fn set(&mut self, id: &CommentId, value: i64) {
        self.0.insert(id.as_str().to_owned(), value);
        while self.0.len() > MAX_ENTRIES {
            let smallest = self
                .0
                .keys()
                .min_by_key(|k| (k.len(), (*k).clone()))
                .cloned();
            match smallest {
                Some(k) => self.0.remove(&k),
                None => break,
            };
        }
    }

    /// Forgets a comment.
    pub fn remove(&mut self, id: &CommentId) {
        self.0.remove(id.as_str());
    }

    /// The reader's vote on a comment, as stored by [`Marks::set_vote`].
    pub fn vote(&self, id: &CommentId) -> Vote {
        match self.get(id) {
            Some(v) if v > 0 => Vote::Up,
            Some(v) if v < 0 => Vote::Down,
            _ => Vote::None,
        }
    }

    /// Records the reader's vote; `Vote::None` forgets it.
    pub fn set_vote(&mut self, id: &CommentId, vote: Vote) {
        match vote {
            Vote::None => self.remove(id),
            v => self.set(id, i64::from(v.as_i8())),
        }
    }

    /// Drops entries whose value (a time in ms) is before `now`.
    pub fn drop_expired(&mut self, now_ms: i64) {
        self.0.retain(|_, until| *until > now_ms);
    }
}

/// One store in `localStorage`, named by purpose and server.
#[derive(Clone, Debug)]
// Only the browser build reads and writes stores; native builds test the naming.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct Store {
    key: String,
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
impl Store {
    /// The store for `purpose` (e.g. `isso-votes`) of the server at `api`.
    pub fn new(purpose: &str, api: &str) -> Self {
        Store {
            key: format!("talkback:{purpose}:{}", super::token::origin_of(api)),
        }
    }

    /// The storage key.
    #[cfg(test)]
    pub fn key(&self) -> &str {
        &self.key
    }
}

#[cfg(target_arch = "wasm32")]
impl Store {
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// What is stored (empty when storage is missing or refuses).
    pub fn load(&self) -> Marks {
        let raw = Self::storage().and_then(|s| s.get_item(&self.key).ok().flatten());
        Marks::parse(raw.as_deref())
    }

    /// Changes the stored marks; a refusing storage only loses the memory, never the action.
    pub fn update(&self, change: impl FnOnce(&mut Marks)) {
        let mut marks = self.load();
        change(&mut marks);
        if let Some(s) = Self::storage() {
            let _ = s.set_item(&self.key, &marks.to_json());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> CommentId {
        CommentId::parse(s).unwrap()
    }

    #[test]
    fn votes_survive_a_round_trip_and_garbage_is_ignored() {
        let mut m = Marks::parse(None);
        m.set_vote(&id("7"), Vote::Up);
        m.set_vote(&id("8"), Vote::Down);
        let back = Marks::parse(Some(&m.to_json()));
        assert_eq!(back.vote(&id("7")), Vote::Up);
        assert_eq!(back.vote(&id("8")), Vote::Down);
        assert_eq!(back.vote(&id("9")), Vote::None);
        for junk in ["", "null", "[1]", "{\"7\":\"x\"}", "{"] {
            assert_eq!(Marks::parse(Some(junk)), Marks::default(), "{junk:?}");
        }
        let mut m = back;
        m.set_vote(&id("7"), Vote::None);
        assert_eq!(m.vote(&id("7")), Vote::None);
    }

    #[test]
    fn expired_edit_windows_are_dropped_and_the_store_stays_bounded() {
        let mut m = Marks::default();
        m.set(&id("1"), 1_000);
        m.set(&id("2"), 5_000);
        m.drop_expired(2_000);
        assert_eq!(m.get(&id("1")), None);
        assert_eq!(m.get(&id("2")), Some(5_000));
        for n in 0..(MAX_ENTRIES + 10) {
            m.set(&id(&(n + 10).to_string()), 1);
        }
        assert_eq!(m.0.len(), MAX_ENTRIES);
        assert_eq!(m.get(&id("10")), None, "the oldest ids go first");
        assert!(m.get(&id(&(MAX_ENTRIES + 19).to_string())).is_some());
    }

    #[test]
    fn stores_are_kept_per_server() {
        assert_eq!(
            Store::new("isso-votes", "http://127.0.0.1:8081/").key(),
            "talkback:isso-votes:http://127.0.0.1:8081"
        );
    }
}
