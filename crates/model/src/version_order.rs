//! The version order is a parameter of matching, not a property of the data.

use std::cmp::Ordering;

/// A total order on version strings of one scheme (apk, semver, …).
///
/// `compare` returns `None` when either side is not a valid version of the
/// scheme: matching then reports "unknown" instead of guessing.
pub trait VersionOrder {
    /// Compares two versions.
    fn compare(&self, a: &str, b: &str) -> Option<Ordering>;
}

impl<F> VersionOrder for F
where
    F: Fn(&str, &str) -> Option<Ordering>,
{
    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        self(a, b)
    }
}
