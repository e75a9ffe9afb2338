//! Why a string is not a valid apk version, under either scheme.

use std::fmt;

use super::SUFFIXES;

/// Why a string is not a valid apk version.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidReason {
    /// The string is empty.
    Empty,
    /// The string does not start with a digit.
    NoLeadingDigit,
    /// A `.` is not followed by a digit.
    DotWithoutDigits,
    /// A character that may not follow the preceding part (a second letter,
    /// a digit after a letter, anything after `-rN`, …).
    Misplaced {
        /// The offending character.
        found: char,
        /// What it follows (`"a letter"`, `"the -r revision"`, …).
        after: &'static str,
    },
    /// `_` is not followed by exactly one of the known suffix names (the
    /// text after `_`, possibly empty).
    UnknownSuffix(String),
    /// `~` is not followed by lower-case hex digits.
    EmptyHash,
    /// `-` is not followed by `r`.
    DashWithoutR,
    /// `-r` is not followed by digits.
    RevisionWithoutDigits,
    /// A character that never occurs in a version.
    UnexpectedChar(char),
    /// apk-tools 2.x only: a number of 18 or more digits (2.x keeps numbers
    /// in 64 bits and refuses any run of digits that might not fit).
    NumberTooLong {
        /// How many digits the run has.
        digits: usize,
    },
    /// apk-tools 2.x only: `~hash` is an apk-tools 3 addition; 2.x rejects
    /// any `~`.
    HashUnsupported,
}

impl fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the version is empty"),
            Self::NoLeadingDigit => f.write_str("a version must start with a digit"),
            Self::DotWithoutDigits => f.write_str("'.' must be followed by a digit"),
            Self::Misplaced { found, after } => {
                let what = match found {
                    'a'..='z' => "a letter",
                    '0'..='9' => "a digit",
                    '.' => "'.'",
                    '_' => "a '_suffix'",
                    '~' => "a '~hash'",
                    '-' => "a '-r' revision",
                    _ => "this character",
                };
                write!(f, "{what} ('{found}') cannot follow {after}")
            }
            Self::UnknownSuffix(name) if name.is_empty() => write!(
                f,
                "'_' must be followed by a suffix name ({})",
                SUFFIXES.join(", ")
            ),
            Self::UnknownSuffix(name) => {
                write!(
                    f,
                    "unknown suffix '_{name}' (known: {})",
                    SUFFIXES.join(", ")
                )
            }
            Self::EmptyHash => f.write_str("'~' must be followed by lower-case hex digits"),
            Self::DashWithoutR => f.write_str("'-' must be followed by 'r' and digits ('-rN')"),
            Self::RevisionWithoutDigits => f.write_str("'-r' must be followed by digits"),
            Self::UnexpectedChar(c) if c.is_ascii_uppercase() => {
                write!(f, "unexpected character '{c}' (letters must be lower-case)")
            }
            Self::UnexpectedChar(c) => write!(f, "unexpected character {c:?}"),
            Self::NumberTooLong { digits } => write!(
                f,
                "a number of {digits} digits is too long for apk-tools 2.x (at most 17)"
            ),
            Self::HashUnsupported => f.write_str("apk-tools 2.x does not accept a '~hash'"),
        }
    }
}

/// A string that is not a valid apk version: the text, where the lexer
/// stopped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidVersion {
    /// The rejected text.
    pub value: String,
    /// Byte offset of the offending character in `value`.
    pub position: usize,
    /// What is wrong.
    pub reason: InvalidReason,
}

impl InvalidVersion {
    /// An error at byte offset `at` of `value`.
    pub(super) fn new(value: &str, at: usize, reason: InvalidReason) -> Self {
        Self {
            value: value.to_owned(),
            position: at,
            reason,
        }
    }

    /// The character at the error position (`'\0'` at the end of the text).
    /// Both lexers consume ASCII only, so `at` is always a char boundary.
    pub(super) fn char_at(value: &str, at: usize) -> char {
        value
            .get(at..)
            .and_then(|r| r.chars().next())
            .unwrap_or('\0')
    }

    /// The 1-based character column of the offending character.
    pub fn column(&self) -> usize {
        self.value
            .get(..self.position)
            .map_or(self.position, |p| p.chars().count())
            + 1
    }
}

impl fmt::Display for InvalidVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid apk version {:?}: {}", self.value, self.reason)?;
        if !self.value.is_empty() {
            write!(f, " (at column {})", self.column())?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidVersion {}
