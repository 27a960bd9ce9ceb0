//! Keyboard shortcuts of the queue: which key does what (pure, so it is tested natively).

use talkback_protocol::moderation::ModAction;

/// What a key press asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// Focus the next item.
    Next,
    /// Focus the previous item.
    Previous,
    /// Select or unselect the focused item.
    ToggleSelect,
    /// Act on the focused item.
    Act(ModAction),
    /// Show or hide the list of shortcuts.
    Help,
    /// Close the shortcut list.
    Close,
}

/// The shortcuts, as listed in the help panel.
pub const HELP: [(&str, &str); 7] = [
    ("j", "next comment"),
    ("k", "previous comment"),
    ("x", "select / unselect"),
    ("a", "approve"),
    ("r", "reject"),
    ("h", "hide"),
    ("?", "show / hide this list"),
];

/// The command for a key, or `None` to leave the key to the browser (modifiers held).
pub fn command(key: &str, ctrl_alt_meta: bool) -> Option<Command> {
    if ctrl_alt_meta {
        return None;
    }
    Some(match key {
        "j" => Command::Next,
        "k" => Command::Previous,
        "x" => Command::ToggleSelect,
        "a" => Command::Act(ModAction::Approve),
        "r" => Command::Act(ModAction::Reject),
        "h" => Command::Act(ModAction::Hide),
        "?" => Command::Help,
        "Escape" => Command::Close,
        _ => return None,
    })
}

/// The index focus moves to from `current` in a list of `len` items.
pub fn step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1).min(len - 1),
        (Some(i), false) => i.saturating_sub(1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_map_to_commands_unless_a_modifier_is_held() {
        assert_eq!(command("a", false), Some(Command::Act(ModAction::Approve)));
        assert_eq!(command("a", true), None);
        assert_eq!(command("q", false), None);
    }

    #[test]
    fn focus_stays_inside_the_list() {
        assert_eq!(step(None, 3, true), Some(0));
        assert_eq!(step(Some(2), 3, true), Some(2));
        assert_eq!(step(Some(0), 3, false), Some(0));
        assert_eq!(step(Some(1), 0, true), None);
    }
}
