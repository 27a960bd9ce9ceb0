//! The pass/fail table.

use crate::outcome::{Outcome, Status};

/// Widest a reason line gets before it wraps onto the next line.
const REASON_WIDTH: usize = 100;

/// Renders the outcomes as a plain-text table with a summary line.
pub fn table(outcomes: &[Outcome]) -> String {
    let name_w = outcomes
        .iter()
        .map(|o| o.name.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let mut out = format!("{:<name_w$}  {:<6}  reason\n", "check", "result");
    out.push_str(&format!(
        "{}  {}  {}\n",
        "-".repeat(name_w),
        "-".repeat(6),
        "-".repeat(6)
    ));
    for o in outcomes {
        let (result, reason) = match &o.status {
            Status::Pass => ("PASS", ""),
            Status::Fail(why) => ("FAIL", why.as_str()),
            Status::Skip(why) => ("SKIP", why.as_str()),
        };
        let mut lines = wrap(reason, REASON_WIDTH).into_iter();
        let first = format!(
            "{:<name_w$}  {result:<6}  {}",
            o.name,
            lines.next().unwrap_or_default()
        );
        out.push_str(first.trim_end());
        out.push('\n');
        for more in lines {
            out.push_str(&format!("{:<name_w$}  {:<6}  {more}\n", "", ""));
        }
    }
    let (pass, fail, skip) = counts(outcomes);
    out.push_str(&format!("\n{pass} passed, {fail} failed, {skip} skipped\n"));
    out
}

/// Passed, failed and skipped checks.
pub fn counts(outcomes: &[Outcome]) -> (usize, usize, usize) {
    outcomes
        .iter()
        .fold((0, 0, 0), |(p, f, s), o| match o.status {
            Status::Pass => (p + 1, f, s),
            Status::Fail(_) => (p, f + 1, s),
            Status::Skip(_) => (p, f, s + 1),
        })
}

/// Splits text into lines of at most `width` characters at spaces (and at its own newlines).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_show_their_reason_and_the_summary_counts() {
        let outcomes = [
            Outcome {
                name: "vote.up",
                status: Status::Pass,
            },
            Outcome {
                name: "vote.same-twice-counts-once",
                status: Status::Fail("upvotes is 2, expected 1".into()),
            },
            Outcome {
                name: "cors.preflight",
                status: Status::Skip("pass --origin".into()),
            },
        ];
        let t = table(&outcomes);
        assert!(
            t.contains("vote.same-twice-counts-once  FAIL    upvotes is 2, expected 1"),
            "{t}"
        );
        assert!(t.contains("vote.up                      PASS\n"), "{t}");
        assert!(t.ends_with("1 passed, 1 failed, 1 skipped\n"), "{t}");
    }

    #[test]
    fn long_reasons_wrap_under_the_reason_column() {
        let words = vec!["word"; 60].join(" ");
        let lines = wrap(&words, 20);
        assert!(
            lines.len() > 5 && lines.iter().all(|l| l.len() <= 20),
            "{lines:?}"
        );
    }
}
