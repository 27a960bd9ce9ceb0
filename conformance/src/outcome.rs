//! What a check reports: a pass, a failure with the reason, or a skip with why.

use std::fmt;

/// Why a check failed, as a sentence a backend author can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Self {
        Failure(s)
    }
}

impl From<&str> for Failure {
    fn from(s: &str) -> Self {
        Failure(s.to_owned())
    }
}

/// The result of one check's body.
pub type CheckResult = Result<Verdict, Failure>;

/// How a check that did not fail ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Everything the check looked at conforms.
    Pass,
    /// The check could not run with the options given; the text says what it needs.
    Skip(String),
}

/// The result of one check, as the table shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    /// Conforms.
    Pass,
    /// Does not conform; the reason says how.
    Fail(String),
    /// Not run; the text says why.
    Skip(String),
}

impl Status {
    /// Turns a check's result into its status.
    pub fn of(result: CheckResult) -> Self {
        match result {
            Ok(Verdict::Pass) => Status::Pass,
            Ok(Verdict::Skip(why)) => Status::Skip(why),
            Err(Failure(why)) => Status::Fail(why),
        }
    }

    /// True for a failure.
    pub fn failed(&self) -> bool {
        matches!(self, Status::Fail(_))
    }
}

/// A named check's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The check's name, such as `vote.same-twice-counts-once`.
    pub name: &'static str,
    /// What happened.
    pub status: Status,
}

/// Fails the enclosing check with a formatted reason unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($why:tt)+) => {
        if !$cond {
            return Err($crate::outcome::Failure(format!($($why)+)));
        }
    };
}

/// Fails unless `got == want`, naming what was compared.
pub fn ensure_eq<T: PartialEq + fmt::Debug>(what: &str, got: T, want: T) -> Result<(), Failure> {
    if got == want {
        Ok(())
    } else {
        Err(Failure(format!("{what} is {got:?}, expected {want:?}")))
    }
}
