//! apk-tools 3.x version order (`alpinelinux/apk-tools:src/version.c@master`,
//! every tag from v3.0.0_pre1 on): the [`Scheme::Apk3`](super::Scheme::Apk3)
//! order, and the default one (`version::compare` is [`compare`]).
//!
//! # The algorithm
//!
//! A lazy lexer walks both strings at once, producing tokens whose *kind*
//! is ordered `INITIAL_DIGIT < DIGIT < LETTER < SUFFIX < SUFFIX_NO <
//! COMMIT_HASH < REVISION_NO < END < INVALID`; the order of that enum is
//! part of the semantics. While both sides have a token of the same kind
//! below `END`, the tokens are compared:
//!
//! - `DIGIT` (a `.`-component) compares the raw digit strings byte-wise
//!   (a shorter common prefix first) when *either* starts with `0` — the
//!   Gentoo rule, so `1.05 < 1.1` but also `8.2.0015 < 8.2.002` — and
//!   numerically otherwise;
//! - the first number, suffix numbers and the revision compare numerically
//!   (leading zeros ignored: `-r01` = `-r1`, `01` = `1`); numbers are
//!   unsigned 64-bit and wrap silently on overflow, as `apk_blob_pull_uint`
//!   does;
//! - a letter compares by byte, a suffix by rank, a `~hash` byte-wise.
//!
//! When the walk stops on kinds that differ: a side sitting on a
//! pre-release suffix (`alpha`, `beta`, `pre`, `rc`) is lower; otherwise
//! the side whose token kind is *larger* is lower. So `1.2 < 1.2.1`,
//! `1.0 < 1.0-r0`, `1.0a < 1.0.1`, `1.0_p1 < 1.0a`, `1.0_rc1 < 1.0` and
//! `1.0 < 1.0_git1`.
//!
//! # Invalid versions
//!
//! [`compare`] never fails: like apk-tools it compares any two strings, an
//! invalid token simply being the largest kind. A version that turns invalid
//! where the other still has a valid token is therefore *lower*
//! (`1.2.3_foo < 1.2.3`), two versions that turn invalid at the same point
//! after an equal prefix are *equal* (`1.2.3_foo = 1.2.3_bar`), and the
//! pre-release rule still wins (`1.0_preview1 > 1.0_pre1`). Callers that
//! must not order garbage validate first: [`validate`], or parse into a
//! [`Version`], whose error says where and why the text is invalid.
//! apk-tools' own `apk version -t` refuses invalid input (exit 1, no output).
//!
//! # Performance
//!
//! [`compare`] and [`validate`] allocate nothing and tokenise lazily, one
//! token of each side at a time, stopping at the first difference.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use super::error::{InvalidReason, InvalidVersion};
use super::op::Op;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

/// Token kinds; the declaration order IS the order apk-tools compares them
/// in (`enum PARTS` in `src/version.c`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    CommitHash,
    RevisionNo,
    End,
    Invalid,
}

impl Kind {
    /// How error messages name the token a misplaced character follows.
    fn describe(self) -> &'static str {
        match self {
            Self::InitialDigit | Self::Digit => "a number",
            Self::Letter => "a letter",
            Self::Suffix => "a suffix name",
            Self::SuffixNo => "a suffix number",
            Self::CommitHash => "the ~hash",
            Self::RevisionNo => "the -r revision",
            Self::End | Self::Invalid => "the end",
        }
    }
}

/// Suffix ranks as in apk-tools' `DECLARE_SUFFIXES`: 0 is invalid, 1–4 are
/// the pre-releases, 5 is "no suffix", 6–10 the post-releases.
const SUFFIX_INVALID: u8 = 0;
const SUFFIX_NONE: u8 = 5;

/// The rank of a suffix name; an exact match is required (3.x `suffix_value`).
fn suffix_rank(name: &[u8]) -> u8 {
    match name {
        b"alpha" => 1,
        b"beta" => 2,
        b"pre" => 3,
        b"rc" => 4,
        b"cvs" => 6,
        b"svn" => 7,
        b"git" => 8,
        b"hg" => 9,
        b"p" => 10,
        _ => SUFFIX_INVALID,
    }
}

/// The current token: its kind plus what comparison needs of it.
#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    /// The token's text (digits, the letter, the suffix name or the hash).
    value: &'a [u8],
    /// Numeric value of digit tokens, wrapped modulo 2^64.
    number: u64,
    /// Rank of a suffix token.
    suffix: u8,
}

/// Why the lexer stopped with `Invalid`, recorded where it happened so that
/// [`Version::parse`] can explain it. Plain data: recording it costs the hot
/// path nothing but a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    /// Not failed (yet).
    NotYet,
    Empty,
    NoInitialDigit,
    DotWithoutDigits,
    /// `byte` may not follow a token of kind `after`.
    Misplaced {
        byte: u8,
        after: Kind,
    },
    /// The `[a-z]*` run after `_`, spanning `start..end`, is not a suffix name.
    UnknownSuffix {
        start: usize,
        end: usize,
    },
    EmptyHash,
    DashWithoutR,
    RevisionWithoutDigits,
    Unexpected,
}

/// A lazy tokenizer over one version string: `token_first`/`token_next` of
/// apk-tools as a state machine.
struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    tok: Token<'a>,
    /// Byte offset where the lexer failed, and why.
    fail_at: usize,
    fail: Fail,
}

impl<'a> Lexer<'a> {
    /// Positions the lexer on the first token (`token_first`).
    fn new(s: &'a str) -> Self {
        let mut lx = Self {
            bytes: s.as_bytes(),
            pos: 0,
            tok: Token {
                kind: Kind::InitialDigit,
                value: &[],
                number: 0,
                suffix: SUFFIX_INVALID,
            },
            fail_at: 0,
            fail: Fail::NotYet,
        };
        lx.digits();
        if lx.tok.kind == Kind::Invalid {
            lx.fail = if s.is_empty() {
                Fail::Empty
            } else {
                Fail::NoInitialDigit
            };
        }
        lx
    }

    /// `token_parse_digits`: a greedy run of digits, as a wrapping u64
    /// (`apk_blob_pull_uint`); an empty run makes the token invalid.
    fn digits(&mut self) {
        let start = self.pos;
        let mut n: u64 = 0;
        while let Some(&c) = self.bytes.get(self.pos) {
            if !c.is_ascii_digit() {
                break;
            }
            n = n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            self.pos += 1;
        }
        self.tok.number = n;
        self.tok.value = self.bytes.get(start..self.pos).unwrap_or_default();
        if self.pos == start {
            self.tok.kind = Kind::Invalid;
        }
    }

    /// The maximal run of bytes satisfying `pred`, starting at the cursor.
    fn run(&mut self, pred: impl Fn(u8) -> bool) -> (usize, usize) {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(|&c| pred(c)) {
            self.pos += 1;
        }
        (start, self.pos)
    }

    fn invalid(&mut self, at: usize, why: Fail) {
        self.tok.kind = Kind::Invalid;
        self.fail_at = at;
        self.fail = why;
    }

    /// Advances to the next token (`token_next`). The previous token's kind
    /// decides which characters may follow it.
    fn advance(&mut self) {
        let Some(&c) = self.bytes.get(self.pos) else {
            self.tok.kind = Kind::End;
            return;
        };
        let at = self.pos;
        let prev = self.tok.kind;
        match c {
            b'a'..=b'z' => {
                if prev > Kind::Digit {
                    return self.invalid(
                        at,
                        Fail::Misplaced {
                            byte: c,
                            after: prev,
                        },
                    );
                }
                self.tok.value = self.bytes.get(at..=at).unwrap_or_default();
                self.tok.kind = Kind::Letter;
                self.pos += 1;
            }
            b'.' | b'0'..=b'9' => {
                if c == b'.' {
                    if prev > Kind::Digit {
                        return self.invalid(
                            at,
                            Fail::Misplaced {
                                byte: c,
                                after: prev,
                            },
                        );
                    }
                    self.pos += 1;
                }
                self.tok.kind = match prev {
                    Kind::InitialDigit | Kind::Digit => Kind::Digit,
                    Kind::Suffix => Kind::SuffixNo,
                    _ => {
                        return self.invalid(
                            at,
                            Fail::Misplaced {
                                byte: c,
                                after: prev,
                            },
                        );
                    }
                };
                self.digits();
                if self.tok.kind == Kind::Invalid {
                    // Only reachable after a '.', the other arm saw a digit.
                    self.invalid(at, Fail::DotWithoutDigits);
                }
            }
            b'_' => {
                if prev > Kind::SuffixNo {
                    return self.invalid(
                        at,
                        Fail::Misplaced {
                            byte: c,
                            after: prev,
                        },
                    );
                }
                self.pos += 1;
                let (start, end) = self.run(|b| b.is_ascii_lowercase());
                self.tok.value = self.bytes.get(start..end).unwrap_or_default();
                self.tok.suffix = suffix_rank(self.tok.value);
                if self.tok.suffix == SUFFIX_INVALID {
                    return self.invalid(at, Fail::UnknownSuffix { start, end });
                }
                self.tok.kind = Kind::Suffix;
            }
            b'~' => {
                if prev >= Kind::CommitHash {
                    return self.invalid(
                        at,
                        Fail::Misplaced {
                            byte: c,
                            after: prev,
                        },
                    );
                }
                self.pos += 1;
                // APK_CTYPE_HEXDIGIT is [0-9a-f]: lower-case only.
                let (start, end) = self.run(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
                if start == end {
                    return self.invalid(at, Fail::EmptyHash);
                }
                self.tok.value = self.bytes.get(start..end).unwrap_or_default();
                self.tok.kind = Kind::CommitHash;
            }
            b'-' => {
                if prev >= Kind::RevisionNo {
                    return self.invalid(
                        at,
                        Fail::Misplaced {
                            byte: c,
                            after: prev,
                        },
                    );
                }
                if self.bytes.get(at + 1) != Some(&b'r') {
                    return self.invalid(at, Fail::DashWithoutR);
                }
                self.pos += 2;
                self.tok.kind = Kind::RevisionNo;
                self.digits();
                if self.tok.kind == Kind::Invalid {
                    self.invalid(at, Fail::RevisionWithoutDigits);
                }
            }
            _ => self.invalid(at, Fail::Unexpected),
        }
    }

    /// Runs to the end; `Ok` iff the string is a valid version.
    fn finish(mut self) -> Result<(), (usize, Fail)> {
        while self.tok.kind < Kind::End {
            self.advance();
        }
        if self.tok.kind == Kind::End {
            Ok(())
        } else {
            Err((self.fail_at, self.fail))
        }
    }
}

/// `token_cmp`: compares two tokens of the same kind.
fn token_cmp(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        // Either side has a leading zero: raw byte order, shorter prefix
        // first (apk_blob_sort), "similar to Gentoo spec".
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => {
            a.value.cmp(b.value)
        }
        Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
            a.number.cmp(&b.number)
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        // LETTER (one byte each) and COMMIT_HASH: byte order.
        _ => a.value.cmp(b.value),
    }
}

/// `apk_version_compare_fuzzy`; with `fuzzy`, `a` matching `b` as a prefix
/// is `Equal`.
fn compare_impl(a: &str, b: &str, fuzzy: bool) -> Ordering {
    let mut la = Lexer::new(a);
    let mut lb = Lexer::new(b);
    while la.tok.kind == lb.tok.kind && la.tok.kind < Kind::End {
        let r = token_cmp(&la.tok, &lb.tok);
        if r != Ordering::Equal {
            return r;
        }
        la.advance();
        lb.advance();
    }
    let (ta, tb) = (la.tok, lb.tok);
    // Both at END, or both INVALID at the same point.
    if ta.kind == tb.kind {
        return Ordering::Equal;
    }
    if fuzzy && tb.kind == Kind::End {
        return Ordering::Equal;
    }
    // Equal so far: the side that goes on is greater, unless it goes on with
    // a pre-release suffix; otherwise the larger token kind is LESS.
    if ta.kind == Kind::Suffix && ta.suffix < SUFFIX_NONE {
        return Ordering::Less;
    }
    if tb.kind == Kind::Suffix && tb.suffix < SUFFIX_NONE {
        return Ordering::Greater;
    }
    tb.kind.cmp(&ta.kind)
}

/// Whether `s` is a valid apk version (apk-tools 3 `apk_version_validate`).
pub fn validate(s: &str) -> bool {
    Lexer::new(s).finish().is_ok()
}

/// Like [`validate`], saying where and why `s` is invalid.
pub fn check(s: &str) -> Result<(), InvalidVersion> {
    Lexer::new(s)
        .finish()
        .map_err(|(at, fail)| invalid(s, at, fail))
}

/// Compares two version strings exactly as apk-tools 3 `apk_version_compare`
/// does, invalid versions included (see the module docs): never panics,
/// never allocates.
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_impl(a, b, false)
}

/// The fuzzy comparison behind the `~` operators: like [`compare`], except
/// that `a` is `Equal` to `b` when it matches `b` as a token prefix
/// (`3.6.9 ~ 3.6`, `3.6_pre1 ~ 3.6`, but `3.8 !~ 3.8.1`).
pub fn compare_fuzzy(a: &str, b: &str) -> Ordering {
    compare_impl(a, b, true)
}

/// `apk_version_match(a, op, b)`: whether `a op b` holds. `~` compares
/// fuzzily, [`Op::ANY`] always matches, [`Op::CONFLICT`] negates.
pub fn matches(a: &str, op: Op, b: &str) -> bool {
    op.holds(|fuzzy| compare_impl(a, b, fuzzy))
}

// ---------------------------------------------------------------------------
// Version
// ---------------------------------------------------------------------------

/// A valid apk version (`apk_version_validate` is true).
///
/// Equality, order and hash follow apk's order, not the text: `1.0-r01`
/// equals `1.0-r1` and `01` equals `1` (those numbers compare numerically),
/// while `1.01` and `1.1` differ (a leading zero in a `.`-component makes it
/// compare as text). [`Hash`] hashes the canonical token sequence, so it
/// agrees with [`Eq`]. Use [`Version::as_str`] when the spelling matters.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Version(String);

impl Version {
    /// Parses a version; fails exactly when apk-tools 3 `apk_version_validate`
    /// does, saying where and why.
    pub fn parse(s: &str) -> Result<Self, InvalidVersion> {
        check(s).map(|()| Self(s.to_owned()))
    }

    /// The version text, as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text without the `-rN` package revision.
    pub fn upstream_str(&self) -> &str {
        // In a valid version '-' occurs only as the start of "-rN".
        self.0
            .find('-')
            .and_then(|i| self.0.get(..i))
            .unwrap_or(&self.0)
    }

    /// The version without its `-rN` package revision: what upstream
    /// released, which is what NVD-style ranges talk about.
    pub fn upstream(&self) -> Self {
        // A prefix ending on a token boundary of a valid version is valid.
        Self(self.upstream_str().to_owned())
    }

    /// The package revision `N` of `-rN` (wrapping like apk's numbers), if
    /// there is one.
    pub fn revision(&self) -> Option<u64> {
        let i = self.0.find("-r")?;
        let digits = self.0.get(i + 2..)?;
        Some(digits.bytes().fold(0u64, |n, c| {
            n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'))
        }))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Version {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Version {
    type Err = InvalidVersion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Version {
    type Error = InvalidVersion;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        match Lexer::new(&s).finish() {
            Ok(()) => Ok(Self(s)),
            Err((at, fail)) => Err(invalid(&s, at, fail)),
        }
    }
}

impl TryFrom<&str> for Version {
    type Error = InvalidVersion;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<Version> for String {
    fn from(v: Version) -> Self {
        v.0
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        compare(&self.0, &other.0) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Version {
    /// Hashes what [`compare`] looks at: per token its kind and its value in
    /// the form that decides equality, so equal versions hash the same.
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_canonical(&self.0, state);
    }
}

/// Hashes what [`compare`] looks at: per token its kind and its value in
/// the form that decides equality (numbers as wrapped integers, a
/// `.`-component with a leading zero as text, suffixes by rank). Two valid
/// versions that compare `Equal` hash the same.
pub(super) fn hash_canonical<H: Hasher>(s: &str, state: &mut H) {
    let mut lx = Lexer::new(s);
    while lx.tok.kind < Kind::End {
        let t = lx.tok;
        (t.kind as u8).hash(state);
        match t.kind {
            Kind::Digit if t.value.first() == Some(&b'0') => {
                0u8.hash(state);
                t.value.hash(state);
            }
            Kind::InitialDigit | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
                1u8.hash(state);
                t.number.hash(state);
            }
            Kind::Suffix => t.suffix.hash(state),
            _ => t.value.hash(state),
        }
        lx.advance();
    }
    (lx.tok.kind as u8).hash(state);
}

/// The error for a lexer that stopped at byte `at` of `value` because of
/// `fail`.
fn invalid(value: &str, at: usize, fail: Fail) -> InvalidVersion {
    let ch = InvalidVersion::char_at(value, at);
    let reason = match fail {
        Fail::Empty => InvalidReason::Empty,
        Fail::NoInitialDigit => InvalidReason::NoLeadingDigit,
        Fail::DotWithoutDigits => InvalidReason::DotWithoutDigits,
        Fail::Misplaced { after, .. } => InvalidReason::Misplaced {
            found: ch,
            after: after.describe(),
        },
        Fail::UnknownSuffix { start, end } => InvalidReason::UnknownSuffix(
            String::from_utf8_lossy(value.as_bytes().get(start..end).unwrap_or_default())
                .into_owned(),
        ),
        Fail::EmptyHash => InvalidReason::EmptyHash,
        Fail::DashWithoutR => InvalidReason::DashWithoutR,
        Fail::RevisionWithoutDigits => InvalidReason::RevisionWithoutDigits,
        // `Fail::NotYet` cannot reach here; treat it as the character.
        Fail::Unexpected | Fail::NotYet => InvalidReason::UnexpectedChar(ch),
    };
    InvalidVersion::new(value, at, reason)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::version::InvalidReason;
    use std::collections::hash_map::DefaultHasher;

    fn cmp_str(a: &str, b: &str) -> &'static str {
        Op::from(compare(a, b)).as_str()
    }

    fn hash_of(v: &Version) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    /// alpine-formats.md 1.5: extra cases verified on 3.x master.
    #[test]
    fn extra_cases_from_the_reference() {
        let cases = [
            ("1.0", "1.0.0", "<"),
            ("1.0-r0", "1.0", ">"),
            ("1.0-r0", "1.0-r00", "="),
            ("1.0", "1.00", "<"),
            ("1.0-r0", "1.00-r0", "<"),
            ("0", "1.2.3-r0", "<"),
            ("0", "0_alpha", ">"),
            ("2.0", "2.0_rc1-r5", ">"),
            ("1.2.0", "1.2.0_pre1", ">"),
            ("6.0_pre1-r0", "6.0-r0", "<"),
            ("1.0~abc", "1.0", ">"),
            ("1.0-r1-r2", "1.0-r1", "<"),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp_str(a, b), want, "{a} vs {b}");
        }
    }

    /// alpine-formats.md 1.2 item 4 and 5: the end-of-walk rules.
    #[test]
    fn end_of_walk_rules() {
        let cases = [
            ("1.2", "1.2.1", "<"),
            ("1.0", "1.0-r0", "<"),
            ("0", "0.0.1", "<"),
            ("1.0a", "1.0.1", "<"),
            ("1.0_p1", "1.0a", "<"),
            ("1.0_p1", "1.0-r1", ">"),
            ("1.0_cvs", "1.0", ">"),
            ("1.0_git20240101", "1.0_p1", "<"),
            ("1.2.3_foo", "1.2.3", "<"),
            ("1.2.3_foo", "1.2.3_bar", "="),
            ("1.0_preview1", "1.0_pre1", ">"),
            ("", "", "="),
            ("", "0", "<"),
            ("abc", "xyz", "="),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp_str(a, b), want, "{a} vs {b}");
            let back = match want {
                "<" => ">",
                ">" => "<",
                _ => "=",
            };
            assert_eq!(cmp_str(b, a), back, "{b} vs {a}");
        }
    }

    #[test]
    fn numbers_wrap_like_apk_blob_pull_uint() {
        // 2^64 wraps to 0, 2^64 + 1 to 1.
        assert_eq!(compare("18446744073709551616", "0"), Ordering::Equal);
        assert_eq!(compare("1.18446744073709551617", "1.1"), Ordering::Equal);
        assert_eq!(compare("1-r18446744073709551617", "1-r1"), Ordering::Equal);
        assert_eq!(
            compare("18446744073709551615", "18446744073709551614"),
            Ordering::Greater
        );
        assert!(validate("1234567890123456789012345678901234567890"));
        let v = Version::parse("1.0-r18446744073709551617").unwrap();
        assert_eq!(v.revision(), Some(1));
    }

    #[test]
    fn digit_leading_zero_is_text() {
        assert_eq!(cmp_str("8.2.0", "8.2.001"), "<");
        assert_eq!(cmp_str("8.2.0015", "8.2.002"), "<");
        assert_eq!(cmp_str("1.09", "1.9"), "<");
        assert_eq!(cmp_str("1.10", "1.09"), ">");
        // The first component and the revision are numeric.
        assert_eq!(cmp_str("01", "1"), "=");
        assert_eq!(cmp_str("1_p01", "1_p1"), "=");
    }

    #[test]
    fn eq_and_hash_agree_with_compare() {
        let eq = [
            ("1.0-r01", "1.0-r1"),
            ("01.2", "1.2"),
            ("1_p007", "1_p7"),
            ("18446744073709551617", "1"),
        ];
        for (a, b) in eq {
            let (va, vb) = (Version::parse(a).unwrap(), Version::parse(b).unwrap());
            assert_eq!(va, vb);
            assert_eq!(hash_of(&va), hash_of(&vb), "{a} {b}");
        }
        let ne = [
            ("1.01", "1.1"),
            ("1.0", "1.00"),
            ("1.0", "1.0-r0"),
            ("1.0~ab", "1.0~ab0"),
            ("1.0_p", "1.0_p0"),
        ];
        for (a, b) in ne {
            assert_ne!(
                Version::parse(a).unwrap(),
                Version::parse(b).unwrap(),
                "{a} {b}"
            );
        }
    }

    #[test]
    fn upstream_and_revision() {
        let v = Version::parse("1.2.3_p4~abc-r12").unwrap();
        assert_eq!(v.upstream_str(), "1.2.3_p4~abc");
        assert_eq!(v.upstream().as_str(), "1.2.3_p4~abc");
        assert_eq!(v.revision(), Some(12));
        let v = Version::parse("2.0").unwrap();
        assert_eq!(v.upstream_str(), "2.0");
        assert_eq!(v.revision(), None);
        assert_eq!(Version::parse("1.0-r0").unwrap().revision(), Some(0));
    }

    #[test]
    fn errors_say_where_and_why() {
        let cases = [
            ("", 0, InvalidReason::Empty),
            ("a", 0, InvalidReason::NoLeadingDigit),
            ("-r1", 0, InvalidReason::NoLeadingDigit),
            ("1.", 1, InvalidReason::DotWithoutDigits),
            (
                "0.1bc",
                4,
                InvalidReason::Misplaced {
                    found: 'c',
                    after: "a letter",
                },
            ),
            (
                "0.1a1",
                4,
                InvalidReason::Misplaced {
                    found: '1',
                    after: "a letter",
                },
            ),
            (
                "0.1a.1",
                4,
                InvalidReason::Misplaced {
                    found: '.',
                    after: "a letter",
                },
            ),
            (
                "0.1_foobar1",
                3,
                InvalidReason::UnknownSuffix("foobar".into()),
            ),
            (
                "0.1_preview",
                3,
                InvalidReason::UnknownSuffix("preview".into()),
            ),
            ("0.1_", 3, InvalidReason::UnknownSuffix(String::new())),
            ("0.1_pre2~", 8, InvalidReason::EmptyHash),
            // APK_CTYPE_HEXDIGIT is lower-case only.
            ("1.0~ABCD", 3, InvalidReason::EmptyHash),
            ("1.0~abC", 6, InvalidReason::UnexpectedChar('C')),
            (
                "0.1_pre2~1234xbcd",
                13,
                InvalidReason::Misplaced {
                    found: 'x',
                    after: "the ~hash",
                },
            ),
            ("0.1-pre1.1", 3, InvalidReason::DashWithoutR),
            ("0.1-r", 3, InvalidReason::RevisionWithoutDigits),
            (
                "0.1-r2-r3",
                6,
                InvalidReason::Misplaced {
                    found: '-',
                    after: "the -r revision",
                },
            ),
            ("1.0A", 3, InvalidReason::UnexpectedChar('A')),
            ("1.0é", 3, InvalidReason::UnexpectedChar('é')),
            ("1 ", 1, InvalidReason::UnexpectedChar(' ')),
        ];
        for (s, pos, reason) in cases {
            let e = Version::parse(s).unwrap_err();
            assert_eq!((e.position, &e.reason), (pos, &reason), "{s:?}: {e}");
            assert!(!validate(s));
        }
        let e = Version::parse("1.0é1").unwrap_err();
        assert_eq!(e.column(), 4);
        assert_eq!(
            Version::parse("0.1a1").unwrap_err().to_string(),
            "invalid apk version \"0.1a1\": a digit ('1') cannot follow a letter (at column 5)"
        );
        assert_eq!(
            Version::parse("").unwrap_err().to_string(),
            "invalid apk version \"\": the version is empty"
        );
    }

    #[test]
    fn operators() {
        for s in ["<", "<=", "=", ">=", ">", "~", "<~", ">~"] {
            let op = Op::parse(s).unwrap();
            assert_eq!(op.as_str(), s);
            assert_eq!(op.to_string(), s);
            assert_eq!(Op::parse(&format!("!{s}")).unwrap(), op.negated());
            assert_eq!(op.negated().to_string(), format!("!{s}"));
        }
        for bad in ["", "!", "<>x", "==!", "r"] {
            assert!(Op::parse(bad).is_err(), "{bad:?}");
        }
        assert!(matches("3.6.9", Op::TILDE, "3.6"));
        assert!(matches("3.6_pre1", Op::TILDE, "3.6"));
        assert!(!matches("3.8", Op::TILDE, "3.8.1"));
        assert!(matches("3.8", Op::TILDE.negated(), "3.8.1"));
        assert!(matches("3.5", Op::LESS_TILDE, "3.6"));
        assert!(matches("3.7", Op::GREATER_TILDE, "3.6"));
        assert!(matches("garbage", Op::ANY, "1.0"));
        assert!(!matches("1.0", Op::ANY.negated(), "1.0"));
        assert!(matches("1.0", Op::LESS_EQUAL, "1.0"));
        assert!(!matches("1.0", Op::LESS, "1.0"));
        assert_eq!(Op::CHECKSUM.as_str(), "><");
    }

    #[test]
    fn serde_round_trip_validates() {
        let v: Version = serde_json::from_str("\"1.2.3-r4\"").unwrap();
        assert_eq!(v.as_str(), "1.2.3-r4");
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"1.2.3-r4\"");
        let e = serde_json::from_str::<Version>("\"1.2.3-x\"").unwrap_err();
        assert!(e.to_string().contains("'-' must be followed by 'r'"), "{e}");
    }
}
