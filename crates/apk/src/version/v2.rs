//! apk-tools 2.x version order (`alpinelinux/apk-tools:src/version.c` of
//! the 2.14-stable branch): the [`Scheme::Apk2`](super::Scheme::Apk2) order,
//! for Alpine branches up to v3.22, which ship apk-tools 2.
//!
//! Facts from `alpine-formats.md` 1.3 and from reading the 2.x source; the
//! code is ours. Every row of apk-tools 2.x's `test/version.data` holds
//! (`tests/version2_data.rs`).
//!
//! # The algorithm
//!
//! A lexer reads one token at a time and, having read it, looks at the next
//! character to decide the kind of the *following* token. Kinds are ordered
//! `INVALID(-1) < DIGIT_OR_ZERO(0) < DIGIT(1) < LETTER(2) < SUFFIX(3) <
//! SUFFIX_NO(4) < REVISION_NO(5) < END(6)`. Each token has a signed value:
//!
//! - numbers are read in 64 bits; a run of 18 or more digits is invalid;
//! - a `.`-component (`DIGIT_OR_ZERO`) that starts with `0` first yields an
//!   extra token worth minus the number of *extra* leading zeros, then the
//!   rest reads as a number: `1.05` is `[1, 0, 5]`, `1.005` is `[1, -1, 5]`,
//!   `1.0` is `[1, 0, 0]` and `1.00` is `[1, -1, 0]` (after fix `fd8f39f`,
//!   v2.12.12+). So `1.0 > 1.00` and `8.2.0 > 8.2.001`, where 3.x says `<`;
//! - a letter is worth its byte; it may follow a number and be followed by
//!   digits (`1.9.5p2`, `1.0a1b2`);
//! - a suffix is matched by *prefix* against `alpha beta pre rc` (worth -4
//!   to -1) and then `cvs svn git hg p` (0 to 4); an unknown one is invalid
//!   and worth -1;
//! - `-r` may repeat (`1.0-r1-r2`); there is no `~hash`.
//!
//! The kind of the next token may only go down in three places: `.` after a
//! number, `_` after a suffix number, and a digit after a letter; anything
//! else that goes down is invalid.
//!
//! Comparison walks both strings while the kinds are equal and valid and
//! the values equal. A different value decides. Otherwise, if the kinds
//! are equal too (both `END`, or both `INVALID`) the versions are equal;
//! if a side is about to read a suffix worth less than zero (a pre-release,
//! or an unknown suffix) it is lower; otherwise the side whose next kind is
//! *larger* is lower — `INVALID` being the smallest kind, a version that
//! turns invalid where the other goes on is *greater* (`1.0~abc > 1.0`),
//! unlike 3.x.
//!
//! # What 2.x calls valid
//!
//! `apk_version_validate` only asks the lexer to reach the end, and the
//! first token is an optional number: `""`, `a`, `1.`, `-r1` and `_p1` are
//! all *valid* on 2.x (`""` equals `0`). Versions from real indexes and
//! secfixes always start with a digit; callers that take versions from
//! elsewhere may want to insist on that too.
//!
//! A NUL byte where a token may start ends the version, as it ends the C
//! string (`1\0x` equals `1`).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::error::{InvalidReason, InvalidVersion};
use super::op::Op;

/// Token kinds, `enum PARTS` of 2.x; the declaration order IS the numeric
/// order (`TOKEN_INVALID = -1` first) that comparisons use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Invalid,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

impl Kind {
    /// How error messages name the token a misplaced character follows.
    fn describe(self) -> &'static str {
        match self {
            Self::DigitOrZero => "'.'",
            Self::Digit => "a number",
            Self::Letter => "a letter",
            Self::Suffix => "a suffix name",
            Self::SuffixNo => "a suffix number",
            Self::RevisionNo => "the -r revision",
            Self::End | Self::Invalid => "the end",
        }
    }
}

/// Suffix names and values, searched in this order by prefix (`strncmp`):
/// the pre-releases first, then the rest, as 2.x does. So `_pre1` is
/// `pre`, never `p` followed by `re`.
const SUFFIX_VALUES: [(&[u8], i64); 9] = [
    (b"alpha", -4),
    (b"beta", -3),
    (b"pre", -2),
    (b"rc", -1),
    (b"cvs", 0),
    (b"svn", 1),
    (b"git", 2),
    (b"hg", 3),
    (b"p", 4),
];

/// 2.x rejects a run of this many digits or more (`if (i >= 18)`).
const MAX_DIGITS: usize = 18;

/// Why the lexer turned `Invalid`; turned into an [`InvalidReason`] only
/// when an error is asked for, so the hot path does not allocate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    /// The character may not follow a token of kind `after`.
    Misplaced {
        after: Kind,
    },
    DashWithoutR,
    /// The `[a-z]*` run at `start..end` after `_` starts with no suffix name.
    UnknownSuffix {
        start: usize,
        end: usize,
    },
    TooManyDigits {
        digits: usize,
    },
    Hash,
    Unexpected,
}

/// `get_token`/`next_token` of 2.x as a state machine over one string.
#[derive(Clone, Copy, Debug)]
struct Lexer<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// The kind of the token starting at `pos` (C's `*type`).
    kind: Kind,
    /// Where and why the lexer turned invalid.
    fail: Option<(usize, Fail)>,
}

impl<'a> Lexer<'a> {
    /// Comparison and validation both start as if a number came first.
    fn new(s: &'a str) -> Self {
        Self {
            bytes: s.as_bytes(),
            pos: 0,
            kind: Kind::Digit,
            fail: None,
        }
    }

    fn fail(&mut self, at: usize, why: Fail) {
        self.kind = Kind::Invalid;
        self.fail = Some((at, why));
    }

    /// `next_token`: decides the kind of the token at the cursor from the
    /// character there and the kind of the token just read, consuming the
    /// separator (`.`, `_`, `-r`).
    fn next_token(&mut self) {
        let prev = self.kind;
        let at = self.pos;
        let c = match self.bytes.get(at) {
            None | Some(0) => {
                self.kind = Kind::End;
                return;
            }
            Some(&c) => c,
        };
        let next = if matches!(prev, Kind::Digit | Kind::DigitOrZero) && c.is_ascii_lowercase() {
            Kind::Letter
        } else if prev == Kind::Letter && c.is_ascii_digit() {
            Kind::Digit
        } else if prev == Kind::Suffix && c.is_ascii_digit() {
            Kind::SuffixNo
        } else {
            let next = match c {
                b'.' => Kind::DigitOrZero,
                b'_' => Kind::Suffix,
                b'-' if self.bytes.get(at + 1) == Some(&b'r') => {
                    self.pos += 1;
                    Kind::RevisionNo
                }
                b'-' => return self.fail(at, Fail::DashWithoutR),
                b'~' => return self.fail(at, Fail::Hash),
                b'a'..=b'z' | b'0'..=b'9' => {
                    return self.fail(at, Fail::Misplaced { after: prev });
                }
                _ => return self.fail(at, Fail::Unexpected),
            };
            self.pos += 1;
            next
        };
        let allowed_down = matches!(
            (next, prev),
            (Kind::DigitOrZero, Kind::Digit)
                | (Kind::Suffix, Kind::SuffixNo)
                | (Kind::Digit, Kind::Letter)
        );
        if next < prev && !allowed_down {
            return self.fail(at, Fail::Misplaced { after: prev });
        }
        self.kind = next;
    }

    /// `get_token`: reads the token at the cursor, returns its value and
    /// leaves `kind` on the kind of the following token.
    fn get_token(&mut self) -> i64 {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        if rest.is_empty() {
            self.kind = Kind::End;
            return 0;
        }
        let mut len = 0;
        let mut value: i64 = 0;
        let mut then = None;
        match self.kind {
            Kind::DigitOrZero if rest.first() == Some(&b'0') => {
                // Only the extra zeros: the last one is read with the rest
                // of the number (fd8f39f).
                while rest.get(len + 1) == Some(&b'0') {
                    len += 1;
                }
                value = -i64::try_from(len).unwrap_or(i64::MAX);
                then = Some(Kind::Digit);
            }
            Kind::DigitOrZero | Kind::Digit | Kind::SuffixNo | Kind::RevisionNo => {
                while let Some(&c) = rest.get(len).filter(|c| c.is_ascii_digit()) {
                    // Wrapping only matters for runs that are refused below.
                    value = value.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
                    len += 1;
                }
                if len >= MAX_DIGITS {
                    self.fail(self.pos, Fail::TooManyDigits { digits: len });
                    return -1;
                }
            }
            Kind::Letter => {
                value = rest.first().map_or(0, |&c| i64::from(c));
                len = 1;
            }
            Kind::Suffix => {
                if let Some(&(name, v)) = SUFFIX_VALUES.iter().find(|(n, _)| rest.starts_with(n)) {
                    value = v;
                    len = name.len();
                } else {
                    let run = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
                    let start = self.pos;
                    // Point at the '_' that introduced the suffix, as 3.x does.
                    self.fail(
                        start.saturating_sub(1),
                        Fail::UnknownSuffix {
                            start,
                            end: start + run,
                        },
                    );
                    return -1;
                }
            }
            Kind::Invalid | Kind::End => {
                self.fail(self.pos, Fail::Unexpected);
                return -1;
            }
        }
        self.pos += len;
        if self.pos >= self.bytes.len() {
            self.kind = Kind::End;
        } else if let Some(kind) = then {
            self.kind = kind;
        } else {
            self.next_token();
        }
        value
    }

    /// The value of the suffix at the cursor, without moving.
    fn peek_value(&self) -> i64 {
        let mut probe = *self;
        probe.get_token()
    }

    /// Runs to the end; `Ok` iff `apk_version_validate` holds.
    fn finish(mut self) -> Result<(), (usize, Fail)> {
        while !matches!(self.kind, Kind::End | Kind::Invalid) {
            self.get_token();
        }
        match (self.kind, self.fail) {
            (Kind::End, _) => Ok(()),
            (_, Some(fail)) => Err(fail),
            // Every path to `Invalid` records why.
            (_, None) => Err((self.pos, Fail::Unexpected)),
        }
    }
}

/// `apk_version_compare_blob_fuzzy` of 2.x.
fn compare_impl(a: &str, b: &str, fuzzy: bool) -> Ordering {
    let mut la = Lexer::new(a);
    let mut lb = Lexer::new(b);
    let (mut av, mut bv) = (0, 0);
    while la.kind == lb.kind && !matches!(la.kind, Kind::End | Kind::Invalid) && av == bv {
        av = la.get_token();
        bv = lb.get_token();
    }
    if av != bv {
        return av.cmp(&bv);
    }
    // Both at END, or both INVALID; with `~`, whichever side ran out.
    if la.kind == lb.kind || fuzzy {
        return Ordering::Equal;
    }
    // Equal so far: a side going on with a pre-release (or unknown) suffix
    // is lower; otherwise the larger next kind is lower.
    if la.kind == Kind::Suffix && la.peek_value() < 0 {
        return Ordering::Less;
    }
    if lb.kind == Kind::Suffix && lb.peek_value() < 0 {
        return Ordering::Greater;
    }
    lb.kind.cmp(&la.kind)
}

/// Whether `s` is a valid version for apk-tools 2.x
/// (`apk_version_validate`). Note that 2.x accepts strings that do not
/// start with a digit, even the empty one (see the module docs).
pub fn validate(s: &str) -> bool {
    Lexer::new(s).finish().is_ok()
}

/// Like [`validate`], saying where and why `s` is invalid.
pub fn check(s: &str) -> Result<(), InvalidVersion> {
    Lexer::new(s)
        .finish()
        .map_err(|(at, fail)| invalid(s, at, fail))
}

/// Compares two version strings exactly as apk-tools 2.x
/// `apk_version_compare` does, invalid versions included: never panics,
/// never allocates.
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_impl(a, b, false)
}

/// The 2.x comparison behind the `~` operators: like [`compare`], except
/// that the versions are `Equal` as soon as the walk stops on equal values,
/// whichever side runs out first (`3.6.9 ~ 3.6` but also `3.6 ~ 3.6.9`,
/// where 3.x requires the right-hand side to end).
pub fn compare_fuzzy(a: &str, b: &str) -> Ordering {
    compare_impl(a, b, true)
}

/// Whether `a op b` holds under the 2.x order, with the operator semantics
/// of [`super::matches`]: `~` compares fuzzily, [`Op::ANY`] always matches,
/// [`Op::CONFLICT`] negates.
pub fn matches(a: &str, op: Op, b: &str) -> bool {
    op.holds(|fuzzy| compare_impl(a, b, fuzzy))
}

/// Hashes the token sequence (value and following kind of every token):
/// two valid 2.x versions compare `Equal` exactly when those sequences are
/// identical, so equal versions hash the same.
pub(super) fn hash_canonical<H: Hasher>(s: &str, state: &mut H) {
    let mut lx = Lexer::new(s);
    while !matches!(lx.kind, Kind::End | Kind::Invalid) {
        lx.get_token().hash(state);
        (lx.kind as u8).hash(state);
    }
}

/// The error for a lexer that stopped at byte `at` of `value`.
fn invalid(value: &str, at: usize, fail: Fail) -> InvalidVersion {
    let ch = InvalidVersion::char_at(value, at);
    let reason = match fail {
        Fail::Misplaced { after } => InvalidReason::Misplaced {
            found: ch,
            after: after.describe(),
        },
        Fail::DashWithoutR => InvalidReason::DashWithoutR,
        Fail::UnknownSuffix { start, end } => InvalidReason::UnknownSuffix(
            String::from_utf8_lossy(value.as_bytes().get(start..end).unwrap_or_default())
                .into_owned(),
        ),
        Fail::TooManyDigits { digits } => InvalidReason::NumberTooLong { digits },
        Fail::Hash => InvalidReason::HashUnsupported,
        Fail::Unexpected => InvalidReason::UnexpectedChar(ch),
    };
    InvalidVersion::new(value, at, reason)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn op(a: &str, b: &str) -> &'static str {
        Op::from(compare(a, b)).as_str()
    }

    /// The token sequence as (value, following kind), for white-box checks
    /// of the lexer against the values alpine-formats.md 1.3 gives.
    fn tokens(s: &str) -> Vec<(i64, Kind)> {
        let mut lx = Lexer::new(s);
        let mut out = Vec::new();
        while !matches!(lx.kind, Kind::End | Kind::Invalid) {
            let v = lx.get_token();
            out.push((v, lx.kind));
        }
        out
    }

    #[test]
    fn leading_zero_tokens_follow_fd8f39f() {
        let values = |s: &str| tokens(s).into_iter().map(|t| t.0).collect::<Vec<_>>();
        assert_eq!(values("1.05"), [1, 0, 5]);
        assert_eq!(values("1.005"), [1, -1, 5]);
        assert_eq!(values("1.0"), [1, 0, 0]);
        assert_eq!(values("1.00"), [1, -1, 0]);
        assert_eq!(values("1.5"), [1, 5]);
        // The first number and the revision are plain numbers.
        assert_eq!(values("007-r007"), [7, 7]);
    }

    #[test]
    fn token_kinds_and_values() {
        use Kind::*;
        assert_eq!(
            tokens("1.9.5p2-r0"),
            [
                (1, DigitOrZero),
                (9, DigitOrZero),
                (5, Letter),
                (i64::from(b'p'), Digit),
                (2, RevisionNo),
                (0, End)
            ]
        );
        assert_eq!(
            tokens("1_alpha_p3"),
            [(1, Suffix), (-4, Suffix), (4, SuffixNo), (3, End)]
        );
        assert_eq!(tokens("1.0-r1-r2").last(), Some(&(2, End)));
        assert_eq!(tokens(""), [(0, End)]);
        assert_eq!(tokens("a"), [(0, Letter), (i64::from(b'a'), End)]);
    }

    /// alpine-formats.md 1.5, the 2.14 column.
    #[test]
    fn extra_cases_from_the_reference() {
        let cases = [
            ("1.0", "1.0.0", "<"),
            ("1.0-r0", "1.0", ">"),
            ("1.0-r0", "1.0-r00", "="),
            ("1.0", "1.00", ">"),
            ("1.0-r0", "1.00-r0", ">"),
            ("0", "1.2.3-r0", "<"),
            ("0", "0_alpha", ">"),
            ("2.0", "2.0_rc1-r5", ">"),
            ("1.2.0", "1.2.0_pre1", ">"),
            ("6.0_pre1-r0", "6.0-r0", "<"),
            ("1.0~abc", "1.0", ">"),
            ("1.0-r1-r2", "1.0-r1", ">"),
        ];
        for (a, b, want) in cases {
            assert_eq!(op(a, b), want, "{a} vs {b}");
            let back = match want {
                "<" => ">",
                ">" => "<",
                _ => "=",
            };
            assert_eq!(op(b, a), back, "{b} vs {a}");
        }
        assert!(!validate("1.0~abc"));
        assert!(validate("1.0-r1-r2"));
    }

    /// alpine-formats.md 1.3: what 2.x accepts and 3.x does not, and back.
    #[test]
    fn validity_differences() {
        for v in ["1.0a1", "1.9.5p2-r0", "6.6.2p1-r0", "1.0-r1-r2", "1.0a1b2"] {
            assert!(validate(v), "{v}");
            assert!(!super::super::validate(v), "{v} (3.x)");
        }
        for v in [
            "1.123456789012345678",
            "0.1_pre2~1234abcd",
            "1.0~abc-r1",
            "123456789012345678",
            "1-r123456789012345678",
            "1_p123456789012345678",
        ] {
            assert!(!validate(v), "{v}");
            assert!(super::super::validate(v), "{v} (3.x)");
        }
        // 17 digits still fit.
        assert!(validate("12345678901234567.12345678901234567"));
        assert_eq!(
            compare("99999999999999999", "99999999999999998"),
            Ordering::Greater
        );
    }

    /// The quirks the module docs promise.
    #[test]
    fn what_2x_calls_valid() {
        for v in ["", "a", "1.", "-r1", "_p1", "1..2", "1.a", "1_", "1-r"] {
            assert!(validate(v), "{v:?}");
        }
        assert_eq!(compare("", "0"), Ordering::Equal);
        assert_eq!(compare("1-r", "1-r0"), Ordering::Equal);
        assert_eq!(compare("1\0x", "1"), Ordering::Equal);
        assert!(validate("1\0~"));
        // Prefix matching of suffix names: the name must still end there.
        assert!(!validate("1.0_preview"));
        assert!(!validate("1.0_alphabeta"));
        assert!(validate("1.0_pre_p1"));
    }

    #[test]
    fn invalid_versions_order_like_2x() {
        // An unknown suffix is worth -1, like `rc`, and is a pre-release.
        assert_eq!(compare("1.2.3_foo", "1.2.3"), Ordering::Less);
        assert_eq!(compare("1.0_foo", "1.0_alpha"), Ordering::Greater);
        // Turning invalid where the other side ends is GREATER on 2.x.
        assert_eq!(compare("1.0~abc", "1.0"), Ordering::Greater);
        // The prefix `pre` matched, then 'v' is invalid: same value as `pre`.
        assert_eq!(compare("1.0_preview1", "1.0_pre1"), Ordering::Greater);
        // Both invalid at the same point: equal.
        assert_eq!(compare("1.0~1234", "1.0~2345"), Ordering::Equal);
    }

    #[test]
    fn fuzzy_matches_when_either_side_runs_out() {
        assert_eq!(compare_fuzzy("3.6.9", "3.6"), Ordering::Equal);
        assert_eq!(compare_fuzzy("3.6", "3.6.9"), Ordering::Equal);
        assert_eq!(compare_fuzzy("3.6_pre1", "3.6"), Ordering::Equal);
        assert_eq!(compare_fuzzy("3.7", "3.6"), Ordering::Greater);
        assert!(matches("3.8", Op::TILDE, "3.8.1"));
        assert!(!super::super::matches("3.8", Op::TILDE, "3.8.1"));
        assert!(matches("3.5", Op::LESS_TILDE, "3.6"));
        assert!(!matches("3.5", Op::TILDE, "3.6"));
        assert!(matches("x", Op::ANY, "1"));
        assert!(matches("1.0", Op::LESS.negated(), "1.0"));
    }

    #[test]
    fn errors_say_where_and_why() {
        let cases = [
            ("1.0~abc", 3, InvalidReason::HashUnsupported),
            (
                "1.123456789012345678",
                2,
                InvalidReason::NumberTooLong { digits: 18 },
            ),
            ("1.0-x", 3, InvalidReason::DashWithoutR),
            ("1.0_foo1", 3, InvalidReason::UnknownSuffix("foo".into())),
            ("1.0_-r1", 3, InvalidReason::UnknownSuffix(String::new())),
            (
                "1.0_preview",
                7,
                InvalidReason::Misplaced {
                    found: 'v',
                    after: "a suffix name",
                },
            ),
            (
                "1.0a.1",
                4,
                InvalidReason::Misplaced {
                    found: '.',
                    after: "a letter",
                },
            ),
            (
                "1.0_p1a",
                6,
                InvalidReason::Misplaced {
                    found: 'a',
                    after: "a suffix number",
                },
            ),
            (
                "1.0-r1_p1",
                6,
                InvalidReason::Misplaced {
                    found: '_',
                    after: "the -r revision",
                },
            ),
            ("1.0A", 3, InvalidReason::UnexpectedChar('A')),
            ("1.0 ", 3, InvalidReason::UnexpectedChar(' ')),
            ("1.0é", 3, InvalidReason::UnexpectedChar('é')),
        ];
        for (s, pos, reason) in cases {
            let e = check(s).unwrap_err();
            assert_eq!((e.position, &e.reason), (pos, &reason), "{s:?}: {e}");
            assert!(!validate(s), "{s:?}");
        }
        assert_eq!(
            check("1.0~abc").unwrap_err().to_string(),
            "invalid apk version \"1.0~abc\": apk-tools 2.x does not accept a '~hash' (at column 4)"
        );
        assert_eq!(
            check("1.123456789012345678").unwrap_err().to_string(),
            "invalid apk version \"1.123456789012345678\": a number of 18 digits is too long \
             for apk-tools 2.x (at most 17) (at column 3)"
        );
        assert!(check("1.9.5p2-r0").is_ok());
    }
}
