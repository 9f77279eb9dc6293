//! What a run rests on that is not the user's data: a default taken where a column, a file or a
//! calibration was missing. Every command prints these as warnings on stderr and keeps them in its result
//! contract, so that a figure is never read without what it assumed.

/// One declared default.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Assumption {
    /// A stable code for the kind of default (`potential_default`, `tier_default`, `params_default`, ...).
    pub code: String,
    /// What it applies to: a file, a scenario field, a segment or a column.
    pub subject: String,
    /// What was assumed, in a sentence, and how to give the data instead.
    pub message: String,
}

impl Assumption {
    /// A declared default.
    pub fn new(code: &str, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Assumption { code: code.to_string(), subject: subject.into(), message: message.into() }
    }
}

/// Appends to `list` the assumptions of `more` it does not hold yet, in order: the declarations of several
/// sources (a scenario and its variants, a market and its calibration) without repeats.
pub fn merge_assumptions(list: &mut Vec<Assumption>, more: impl IntoIterator<Item = Assumption>) {
    for a in more {
        if !list.contains(&a) {
            list.push(a);
        }
    }
}

impl std::fmt::Display for Assumption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.subject, self.message)
    }
}
