//! apk version operators (`src/apk_version.h`), shared by both schemes.

use std::cmp::Ordering;
use std::fmt;
use std::ops::BitOr;
use std::str::FromStr;

/// An apk version operator: the bit mask of `src/apk_version.h`
/// (`EQUAL`, `LESS`, `GREATER`, `FUZZY`, `CONFLICT`).
///
/// `a op b` holds when the result of comparing `a` with `b` is one of the
/// bits in `op` ([`matches()`](super::matches), or
/// [`Scheme::matches`](super::Scheme::matches) for a given scheme);
/// `CONFLICT` negates the test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Op(u8);

impl Op {
    /// `=`.
    pub const EQUAL: Self = Self(1);
    /// `<`.
    pub const LESS: Self = Self(2);
    /// `>`.
    pub const GREATER: Self = Self(4);
    /// The prefix-match flag of `~`, `<~`, `>~`.
    pub const FUZZY: Self = Self(8);
    /// Negation (`!` in front of an operator).
    pub const CONFLICT: Self = Self(16);
    /// `<=`.
    pub const LESS_EQUAL: Self = Self(2 | 1);
    /// `>=`.
    pub const GREATER_EQUAL: Self = Self(4 | 1);
    /// `~`: prefix match.
    pub const TILDE: Self = Self(8 | 1);
    /// `<~`: less than, or prefix match.
    pub const LESS_TILDE: Self = Self(8 | 2 | 1);
    /// `>~`: greater than, or prefix match.
    pub const GREATER_TILDE: Self = Self(8 | 4 | 1);
    /// Any version (`APK_DEPMASK_ANY`, an empty operator string).
    pub const ANY: Self = Self(4 | 2 | 1);
    /// `><`: the checksum operator of world constraints (`APK_DEPMASK_CHECKSUM`).
    pub const CHECKSUM: Self = Self(4 | 2);

    /// The raw bit mask.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// The negated operator (toggles [`Op::CONFLICT`]).
    pub const fn negated(self) -> Self {
        Self(self.0 ^ Self::CONFLICT.0)
    }

    /// The single result bit for an ordering.
    pub const fn from_ordering(ord: Ordering) -> Self {
        match ord {
            Ordering::Less => Self::LESS,
            Ordering::Equal => Self::EQUAL,
            Ordering::Greater => Self::GREATER,
        }
    }

    /// Parses an operator: `<` `<=` `=` `>=` `>` `~` `<~` `>~` as
    /// `apk_version_result_mask` does (each of `< > = ~` adds its bits, `~`
    /// adding `FUZZY|EQUAL`), optionally prefixed by `!` for the negated test
    /// (the `!op` rows of apk-tools' `version.data`, world `!` conflicts).
    pub fn parse(s: &str) -> Result<Self, InvalidOp> {
        let (conflict, body) = match s.strip_prefix('!') {
            Some(rest) => (Self::CONFLICT.0, rest),
            None => (0, s),
        };
        if body.is_empty() {
            return Err(InvalidOp(s.to_owned()));
        }
        let mut bits = conflict;
        for c in body.bytes() {
            bits |= match c {
                b'<' => Self::LESS.0,
                b'>' => Self::GREATER.0,
                b'=' => Self::EQUAL.0,
                b'~' => Self::TILDE.0,
                _ => return Err(InvalidOp(s.to_owned())),
            };
        }
        Ok(Self(bits))
    }

    /// The operator's spelling (`apk_version_op_string`, which ignores the
    /// `CONFLICT` bit); `"?"` for masks apk has no spelling for.
    pub const fn as_str(self) -> &'static str {
        match self.0 & !Self::CONFLICT.0 {
            2 => "<",
            3 => "<=",
            11 => "<~",
            9 | 8 => "~",
            1 => "=",
            5 => ">=",
            13 => ">~",
            4 => ">",
            6 => "><",
            7 => "",
            _ => "?",
        }
    }
}

impl BitOr for Op {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

impl From<Ordering> for Op {
    fn from(ord: Ordering) -> Self {
        Self::from_ordering(ord)
    }
}

impl fmt::Display for Op {
    /// The spelling, with a leading `!` when negated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.contains(Self::CONFLICT) {
            f.write_str("!")?;
        }
        f.write_str(self.as_str())
    }
}

impl FromStr for Op {
    type Err = InvalidOp;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Op {
    /// `apk_version_match`: whether `a op b` holds, given the comparison of
    /// `a` with `b` (called with `true` for a fuzzy one). [`Op::ANY`] always
    /// holds without comparing; [`Op::CONFLICT`] negates.
    pub(super) fn holds(self, compare: impl FnOnce(bool) -> Ordering) -> bool {
        let ok = self.contains(Self::ANY) || {
            let ord = compare(self.contains(Self::FUZZY));
            self.0 & Self::from_ordering(ord).0 != 0
        };
        ok != self.contains(Self::CONFLICT)
    }
}

/// An operator string [`Op::parse`] does not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid apk version operator {0:?} (expected one of < <= = >= > ~ <~ >~, optionally prefixed by !)"
)]
pub struct InvalidOp(pub String);
