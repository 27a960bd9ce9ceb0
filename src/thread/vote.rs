//! Optimistic voting: the buttons react at once, the server's answer is the truth, and a failed
//! request puts back exactly what the server last confirmed.

use talkback_protocol::{Comment, Vote, VoteResult};

/// A comment's tallies and the reader's own vote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// `upvotes - downvotes`.
    pub score: i64,
    /// Number of up votes.
    pub up: u64,
    /// Number of down votes.
    pub down: u64,
    /// The reader's vote.
    pub mine: Vote,
}

impl Tally {
    /// The tallies as the server sent them with a comment.
    pub fn of(c: &Comment) -> Self {
        Tally {
            score: c.score,
            up: c.upvotes,
            down: c.downvotes,
            mine: c.my_vote,
        }
    }

    /// The tallies the server confirmed after a vote.
    pub fn confirmed(r: &VoteResult) -> Self {
        Tally {
            score: r.score,
            up: r.upvotes,
            down: r.downvotes,
            mine: r.my_vote,
        }
    }

    /// The tallies after the reader's vote changes to `to`, as the server would count it.
    pub fn with_vote(self, to: Vote) -> Self {
        let mut t = self;
        match t.mine {
            Vote::Up => t.up = t.up.saturating_sub(1),
            Vote::Down => t.down = t.down.saturating_sub(1),
            Vote::None => {}
        }
        match to {
            Vote::Up => t.up += 1,
            Vote::Down => t.down += 1,
            Vote::None => {}
        }
        t.score = t.score - i64::from(t.mine.as_i8()) + i64::from(to.as_i8());
        t.mine = to;
        t
    }
}

/// Which vote button was pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Press {
    /// The up button.
    Up,
    /// The down button.
    Down,
}

/// The vote a press asks for: pressing the button that is already on withdraws the vote.
pub fn target(current: Vote, press: Press) -> Vote {
    match (current, press) {
        (Vote::Up, Press::Up) | (Vote::Down, Press::Down) => Vote::None,
        (_, Press::Up) => Vote::Up,
        (_, Press::Down) => Vote::Down,
    }
}

/// One comment's vote buttons: what is shown, what the server confirmed, and what is in flight.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoteState {
    confirmed: Tally,
    shown: Tally,
    in_flight: bool,
    /// The latest wish made while a request was in flight; sent when that request settles,
    /// so rapid clicks end in the state the reader saw last rather than racing each other.
    queued: Option<Vote>,
}

impl VoteState {
    /// Starts from the server's tallies.
    pub fn new(t: Tally) -> Self {
        VoteState {
            confirmed: t,
            shown: t,
            in_flight: false,
            queued: None,
        }
    }

    /// What the buttons and score show now.
    pub fn shown(&self) -> Tally {
        self.shown
    }

    /// Takes tallies another reader's vote changed (a live update). Ignored while the reader's
    /// own vote is on its way: its answer brings tallies that count it, and these may not.
    pub fn observe(&mut self, up: u64, down: u64, score: i64) {
        if self.in_flight {
            return;
        }
        let mine = self.confirmed.mine;
        self.confirmed = Tally {
            score,
            up,
            down,
            mine,
        };
        self.shown = self.confirmed;
    }

    /// True while a vote request is on its way.
    pub fn busy(&self) -> bool {
        self.in_flight
    }

    /// Applies a press optimistically. Returns the vote to send now, or `None` when a request is
    /// already in flight (the press is then remembered and sent by [`VoteState::settle_ok`]).
    pub fn press(&mut self, press: Press) -> Option<Vote> {
        let to = target(self.shown.mine, press);
        self.shown = self.shown.with_vote(to);
        if self.in_flight {
            self.queued = Some(to);
            None
        } else {
            self.in_flight = true;
            Some(to)
        }
    }

    /// The server stored a vote. Returns a remembered vote that still needs sending, if any.
    pub fn settle_ok(&mut self, result: Tally) -> Option<Vote> {
        self.confirmed = result;
        self.in_flight = false;
        match self.queued.take() {
            Some(q) if q != result.mine => {
                self.in_flight = true;
                self.shown = result.with_vote(q);
                Some(q)
            }
            _ => {
                self.shown = result;
                None
            }
        }
    }

    /// The request failed: show what the server last confirmed and forget any remembered press.
    pub fn settle_err(&mut self) {
        self.in_flight = false;
        self.queued = None;
        self.shown = self.confirmed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Vote; 3] = [Vote::Down, Vote::None, Vote::Up];

    #[test]
    fn others_votes_change_the_tallies_but_not_the_readers_own_vote() {
        let mut s = VoteState::new(t(1, 1, 0, Vote::Up));
        s.observe(3, 1, 2);
        assert_eq!(s.shown(), t(2, 3, 1, Vote::Up));
        // While the reader's own vote is on its way, its answer is the truth.
        assert_eq!(s.press(Press::Down), Some(Vote::Down));
        let pressed = s.shown();
        s.observe(9, 9, 0);
        assert_eq!(s.shown(), pressed);
        assert_eq!(s.settle_ok(t(0, 2, 2, Vote::Down)), None);
        s.observe(2, 3, -1);
        assert_eq!(s.shown(), t(-1, 2, 3, Vote::Down));
    }

    fn t(score: i64, up: u64, down: u64, mine: Vote) -> Tally {
        Tally {
            score,
            up,
            down,
            mine,
        }
    }

    /// A comment with 5 up and 2 down votes, one of which is the reader's `mine`.
    fn base(mine: Vote) -> Tally {
        Tally {
            score: 3,
            up: 5,
            down: 2,
            mine,
        }
    }

    #[test]
    fn every_change_of_vote_moves_the_tallies_like_the_server() {
        for from in ALL {
            for to in ALL {
                let t = base(from).with_vote(to);
                let (up0, down0) = (
                    5 - u64::from(from == Vote::Up),
                    2 - u64::from(from == Vote::Down),
                );
                let want_up = up0 + u64::from(to == Vote::Up);
                let want_down = down0 + u64::from(to == Vote::Down);
                assert_eq!(t.up, want_up, "{from:?} -> {to:?}");
                assert_eq!(t.down, want_down, "{from:?} -> {to:?}");
                assert_eq!(
                    t.score,
                    want_up as i64 - want_down as i64,
                    "{from:?} -> {to:?}"
                );
                assert_eq!(t.mine, to);
            }
        }
    }

    #[test]
    fn pressing_the_pressed_button_withdraws_and_the_other_switches() {
        assert_eq!(target(Vote::Up, Press::Up), Vote::None);
        assert_eq!(target(Vote::Down, Press::Down), Vote::None);
        assert_eq!(target(Vote::Up, Press::Down), Vote::Down);
        assert_eq!(target(Vote::Down, Press::Up), Vote::Up);
        assert_eq!(target(Vote::None, Press::Up), Vote::Up);
        assert_eq!(target(Vote::None, Press::Down), Vote::Down);
    }

    #[test]
    fn a_vote_shows_at_once_and_the_servers_numbers_win() {
        let mut s = VoteState::new(t(0, 0, 0, Vote::None));
        assert_eq!(s.press(Press::Up), Some(Vote::Up));
        assert_eq!(s.shown(), t(1, 1, 0, Vote::Up));
        assert!(s.busy());
        // Someone else voted meanwhile: the server's count is shown.
        assert_eq!(s.settle_ok(t(2, 2, 0, Vote::Up)), None);
        assert_eq!(s.shown().score, 2);
        assert!(!s.busy());
    }

    #[test]
    fn a_failed_vote_rolls_back_to_the_confirmed_state() {
        let start = t(4, 4, 0, Vote::Up);
        let mut s = VoteState::new(start);
        assert_eq!(s.press(Press::Down), Some(Vote::Down));
        assert_eq!(s.shown(), t(2, 3, 1, Vote::Down));
        s.settle_err();
        assert_eq!(s.shown(), start);
        assert!(!s.busy());
    }

    #[test]
    fn presses_during_a_request_are_sent_after_it_and_the_last_one_stands() {
        let mut s = VoteState::new(Tally::default());
        assert_eq!(s.press(Press::Up), Some(Vote::Up));
        assert_eq!(
            s.press(Press::Up),
            None,
            "withdrawn while the up vote is in flight"
        );
        assert_eq!(s.shown().mine, Vote::None);
        assert_eq!(s.press(Press::Down), None);
        assert_eq!(s.shown(), t(-1, 0, 1, Vote::Down));
        let next = s.settle_ok(t(1, 1, 0, Vote::Up));
        assert_eq!(next, Some(Vote::Down));
        assert_eq!(s.shown(), t(-1, 0, 1, Vote::Down));
        assert_eq!(s.settle_ok(t(-1, 0, 1, Vote::Down)), None);
    }

    #[test]
    fn a_press_that_ends_where_the_server_is_sends_nothing_more() {
        let mut s = VoteState::new(Tally::default());
        s.press(Press::Up);
        s.press(Press::Up);
        s.press(Press::Up);
        assert_eq!(s.settle_ok(t(1, 1, 0, Vote::Up)), None);
        assert_eq!(s.shown().mine, Vote::Up);
    }

    #[test]
    fn a_failure_also_drops_queued_presses() {
        let start = t(0, 0, 0, Vote::None);
        let mut s = VoteState::new(start);
        s.press(Press::Up);
        s.press(Press::Down);
        s.settle_err();
        assert_eq!(s.shown(), start);
        assert_eq!(
            s.press(Press::Down),
            Some(Vote::Down),
            "the next press is sent at once"
        );
    }
}
