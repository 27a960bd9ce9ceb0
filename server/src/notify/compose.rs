//! The texts of notification mails: plain text only, so nothing a reader wrote can become
//! markup or a hidden link in someone's mail client.

use crate::store::notify::NewMail;

/// Where a reply was posted, for the reply mail.
#[derive(Clone, Debug, Default)]
pub struct Place {
    /// The article's title, if known.
    pub title: Option<String>,
    /// The article's address, if known (http or https).
    pub url: Option<String>,
}

impl Place {
    fn named(&self) -> String {
        match (&self.title, &self.url) {
            (Some(t), _) => format!("\u{201c}{t}\u{201d}"),
            (None, Some(u)) => u.clone(),
            (None, None) => "an article".to_owned(),
        }
    }
}

/// The mail asking an address's owner to turn notifications on.
pub fn confirmation(to: &str, confirm_url: &str, place: &Place, now: i64) -> NewMail {
    let body = format!(
        "Hello,\n\n\
         someone, hopefully you, left a comment on {} and asked to be told by mail when \
         somebody replies, giving this address.\n\n\
         To turn reply notifications on, open this link:\n{confirm_url}\n\n\
         If this was not you, ignore this mail: without the link no further mail is sent.\n",
        place.named()
    );
    NewMail {
        recipient: to.to_owned(),
        subject: "Confirm reply notifications for your comment".to_owned(),
        body,
        unsubscribe_url: None,
        created_at: now,
    }
}

/// What the reply mail needs to say.
pub struct Reply<'a> {
    /// The replier's display name, if they gave one.
    pub author: Option<&'a str>,
    /// The reply as written (markdown source, sent as plain text).
    pub text: &'a str,
    /// The reply's id, for its permalink.
    pub comment_id: &'a str,
}

/// The link to a comment in the widget's permalink format (`#comment-ID`).
pub fn permalink(url: &str, comment_id: &str) -> String {
    let page = url.split_once('#').map_or(url, |(page, _)| page);
    format!("{page}#comment-{comment_id}")
}

/// The mail telling a comment's author about a reply.
pub fn reply(
    to: &str,
    reply: &Reply<'_>,
    place: &Place,
    unsubscribe_url: &str,
    now: i64,
) -> NewMail {
    let who = reply.author.unwrap_or("A guest");
    let quoted: String = reply.text.lines().map(|l| format!("> {l}\n")).collect();
    let link = match &place.url {
        Some(u) => format!(
            "Read it and answer:\n{}\n\n",
            permalink(u, reply.comment_id)
        ),
        None => String::new(),
    };
    let body = format!(
        "{who} replied to your comment on {}:\n\n{quoted}\n{link}-- \n\
         You get this mail because you asked to be told about replies to your comments.\n\
         Stop these mails with one click: {unsubscribe_url}\n",
        place.named()
    );
    NewMail {
        recipient: to.to_owned(),
        subject: format!("{who} replied to your comment"),
        body,
        unsubscribe_url: Some(unsubscribe_url.to_owned()),
        created_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_quoted_and_linked_in_the_widgets_format() {
        let place = Place {
            title: Some("Harbour".into()),
            url: Some("https://news.example/a#x".into()),
        };
        let r = Reply {
            author: Some("Ben"),
            text: "One\n<b>two</b>",
            comment_id: "c1",
        };
        let m = reply("a@x.example", &r, &place, "https://c.example/u?token=t", 0);
        assert_eq!(m.subject, "Ben replied to your comment");
        assert!(m.body.contains("> One\n> <b>two</b>\n"), "{}", m.body);
        assert!(
            m.body.contains("https://news.example/a#comment-c1"),
            "{}",
            m.body
        );
        assert!(m.body.contains("on \u{201c}Harbour\u{201d}"), "{}", m.body);
    }
}
