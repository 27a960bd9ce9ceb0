//! Pieces every adapter for another comment server needs: numeric ids, epoch times, escaped
//! names, and the slices of a thread that the Talkback protocol has routes for but peers do not.

use std::collections::{HashMap, HashSet};

use talkback_protocol::{Comment, CommentId, ContextPage, ThreadInfo};

use super::BackendError;
use crate::thread::time::civil_from_days;

/// Our id for a peer's numeric comment id (decimal digits are always a valid id).
pub fn id_of(n: u64) -> Result<CommentId, BackendError> {
    CommentId::parse(&n.to_string()).ok_or(BackendError::Malformed("a comment id"))
}

/// The peer's numeric id behind one of ours; other ids never came from this peer.
pub fn number_of(id: &CommentId) -> Result<u64, BackendError> {
    id.as_str()
        .parse()
        .map_err(|_| BackendError::Unsupported("comments from another server"))
}

/// Milliseconds since the epoch as RFC 3339 in UTC (`2026-11-24T08:15:00Z`); whole seconds.
pub fn rfc3339_from_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Seconds since the epoch as a float (Isso's `created`) in milliseconds; nonsense becomes 0.
pub fn ms_from_secs(secs: f64) -> i64 {
    if secs.is_finite() && secs.abs() < 1e13 {
        (secs * 1000.0).round() as i64
    } else {
        0
    }
}

/// Plain text of a name a server sent HTML-escaped (`&lt;b&gt;` → `<b>`); the widget shows it as
/// text, so leaving the entities in would print them.
pub fn unescape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let decoded = tail.find(';').filter(|&end| end <= 10).and_then(|end| {
            let c = match &tail[1..end] {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                num => {
                    let code = match num.strip_prefix("#x").or_else(|| num.strip_prefix("#X")) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.strip_prefix('#').and_then(|d| d.parse().ok()),
                    }?;
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &tail[len..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A display name as the widget wants it: plain text, `None` when blank.
pub fn name_of(raw: Option<&str>) -> Option<String> {
    raw.map(|a| unescape_html(a).trim().to_owned())
        .filter(|a| !a.is_empty())
}

/// A short hex seed for the identicon of a comment whose server sends no usable one.
pub fn seed_from(text: &str) -> String {
    let h = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{h:016x}")
}

/// Puts a whole thread in protocol order: every parent before its replies, siblings in the order
/// given. A comment whose parent is missing (or that sits in a parent cycle) goes to the top.
pub fn parents_first(comments: Vec<Comment>) -> Vec<Comment> {
    let ids: HashSet<CommentId> = comments.iter().map(|c| c.id.clone()).collect();
    let mut children: HashMap<CommentId, Vec<usize>> = HashMap::new();
    let mut tops = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        match c
            .parent_id
            .as_ref()
            .filter(|p| ids.contains(*p) && **p != c.id)
        {
            Some(p) => children.entry(p.clone()).or_default().push(i),
            None => tops.push(i),
        }
    }
    let mut order = Vec::with_capacity(comments.len());
    let mut seen = vec![false; comments.len()];
    let walk = |start: usize, order: &mut Vec<usize>, seen: &mut Vec<bool>| {
        let mut stack = vec![start];
        while let Some(i) = stack.pop() {
            if seen.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
            order.push(i);
            if let Some(kids) = comments.get(i).and_then(|c| children.get(&c.id)) {
                stack.extend(kids.iter().rev());
            }
        }
    };
    for &t in &tops {
        walk(t, &mut order, &mut seen);
    }
    // Parent cycles never reach a top: show their members at the top rather than lose them.
    for i in 0..comments.len() {
        if !seen.get(i).copied().unwrap_or(true) {
            walk(i, &mut order, &mut seen);
        }
    }
    let mut slots: Vec<Option<Comment>> = comments.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

/// Sets every comment's `reply_count` to the number of its direct replies in the list.
pub fn count_replies(comments: &mut [Comment]) {
    let mut counts: HashMap<CommentId, u64> = HashMap::new();
    for c in comments.iter() {
        if let Some(p) = &c.parent_id {
            *counts.entry(p.clone()).or_default() += 1;
        }
    }
    for c in comments.iter_mut() {
        c.reply_count = counts.get(&c.id).copied().unwrap_or(0);
    }
}

/// The permalink view of `target` cut from a whole thread in protocol order: its ancestors root
/// first, then it, then everything under it. `None` when the thread does not contain it.
pub fn context_of(
    thread: ThreadInfo,
    all: Vec<Comment>,
    target: &CommentId,
) -> Option<ContextPage> {
    let by_id: HashMap<&CommentId, &Comment> = all.iter().map(|c| (&c.id, c)).collect();
    let found = by_id.get(target)?;
    let mut chain = Vec::new();
    let mut cursor = found.parent_id.as_ref();
    while let Some(p) = cursor {
        if chain.len() > all.len() || chain.contains(p) || p == target {
            break;
        }
        let Some(parent) = by_id.get(p) else { break };
        chain.push(p.clone());
        cursor = parent.parent_id.as_ref();
    }
    chain.reverse();
    let mut keep: HashSet<CommentId> = chain.iter().cloned().collect();
    keep.insert(target.clone());
    let mut under: HashSet<CommentId> = HashSet::from([target.clone()]);
    // Protocol order puts descendants after their parent, so one pass finds the whole subtree.
    for c in &all {
        if c.parent_id.as_ref().is_some_and(|p| under.contains(p)) && c.id != *target {
            under.insert(c.id.clone());
            keep.insert(c.id.clone());
        }
    }
    let rank: HashMap<&CommentId, usize> = chain.iter().enumerate().map(|(i, c)| (c, i)).collect();
    let mut ancestors: Vec<Comment> = Vec::new();
    let mut rest: Vec<Comment> = Vec::new();
    for c in all.iter().filter(|c| keep.contains(&c.id)) {
        if rank.contains_key(&c.id) {
            ancestors.push(c.clone());
        } else {
            rest.push(c.clone());
        }
    }
    ancestors.sort_by_key(|c| rank.get(&c.id).copied().unwrap_or(usize::MAX));
    ancestors.extend(rest);
    Some(ContextPage {
        thread,
        target: target.clone(),
        comments: ancestors,
    })
}

/// The thread's root-to-leaf depth of `id` within `all` (0 for a top-level comment).
pub fn depth_of(all: &[Comment], id: &CommentId) -> usize {
    let by_id: HashMap<&CommentId, &Comment> = all.iter().map(|c| (&c.id, c)).collect();
    let mut depth = 0;
    let mut cursor = by_id.get(id).and_then(|c| c.parent_id.as_ref());
    while let Some(p) = cursor {
        depth += 1;
        if depth > all.len() {
            break;
        }
        cursor = by_id.get(p).and_then(|c| c.parent_id.as_ref());
    }
    depth
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::thread::form::pending_comment;

    /// A bare comment for tests.
    pub fn comment(id: &str, parent: Option<&str>) -> Comment {
        pending_comment(
            CommentId::parse(id).unwrap(),
            parent.map(|p| CommentId::parse(p).unwrap()),
            None,
        )
    }

    fn ids(cs: &[Comment]) -> Vec<&str> {
        cs.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn epoch_times_become_rfc3339() {
        assert_eq!(rfc3339_from_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_ms(1_795_657_032_743), "2026-11-26T01:37:12Z");
        assert_eq!(rfc3339_from_ms(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(ms_from_secs(1_795_657_032.743_185), 1_795_657_032_743);
        assert_eq!(ms_from_secs(f64::NAN), 0);
        assert_eq!(ms_from_secs(1e300), 0);
    }

    #[test]
    fn escaped_names_are_shown_as_typed() {
        assert_eq!(unescape_html("Tom &amp; Jerry &lt;3"), "Tom & Jerry <3");
        assert_eq!(unescape_html("&#39;a&#x27; &quot;b&quot;"), "'a' \"b\"");
        assert_eq!(
            unescape_html("AT&T & co; &bogus; &#xZZ;"),
            "AT&T & co; &bogus; &#xZZ;"
        );
        assert_eq!(unescape_html("&"), "&");
        assert_eq!(name_of(Some("  ")), None);
        assert_eq!(name_of(None), None);
    }

    #[test]
    fn threads_are_put_parents_first_without_losing_anyone() {
        let list = vec![
            comment("3", Some("2")),
            comment("1", None),
            comment("2", Some("1")),
            comment("4", Some("99")),
            comment("5", Some("6")),
            comment("6", Some("5")),
        ];
        let out = parents_first(list);
        assert_eq!(ids(&out), ["1", "2", "3", "4", "5", "6"]);
    }

    #[test]
    fn a_permalink_gets_its_ancestors_and_its_subtree() {
        let mut all = parents_first(vec![
            comment("1", None),
            comment("2", Some("1")),
            comment("3", Some("2")),
            comment("4", Some("3")),
            comment("5", Some("1")),
            comment("6", None),
        ]);
        count_replies(&mut all);
        assert_eq!(all[0].reply_count, 2);
        let info = ThreadInfo {
            key: "/a".into(),
            title: None,
            url: None,
            comment_count: 6,
            locked: false,
            // The widget cannot tell whether this server mails replies; it promises nothing.
            reply_mail: false,
        };
        let page = context_of(info.clone(), all.clone(), &CommentId::parse("3").unwrap()).unwrap();
        assert_eq!(ids(&page.comments), ["1", "2", "3", "4"]);
        assert!(context_of(info, all.clone(), &CommentId::parse("77").unwrap()).is_none());
        assert_eq!(depth_of(&all, &CommentId::parse("4").unwrap()), 3);
        assert_eq!(depth_of(&all, &CommentId::parse("6").unwrap()), 0);
    }

    #[test]
    fn only_numeric_ids_belong_to_a_peer() {
        assert_eq!(number_of(&id_of(42).unwrap()).unwrap(), 42);
        assert!(number_of(&CommentId::parse("c_1").unwrap()).is_err());
    }
}
