//! Attribute values in WFN form.
//!
//! A WFN value string quotes every character other than letters, digits and
//! `_` with a backslash (`8\.0\.6001`, `sdbus\-c\+\+`); an unquoted `*` or
//! `?` is a wildcard (NISTIR 7695 §5.3.2). Keeping values quoted keeps
//! "the literal `*`" (`\*`) and "any string" (`*`) apart, and makes two
//! equal names have equal text.

use std::borrow::Cow;
use std::fmt;

use crate::Attribute;
use crate::error::ErrorKind;

/// The value of one attribute: the logical values ANY and NA, or a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value<'a> {
    /// ANY: no constraint (bound as `*` in a formatted string, empty in a URI).
    Any,
    /// NA: not applicable, the attribute has no value (bound as `-`).
    Na,
    /// A string value, possibly with wildcards.
    Str(WfnStr<'a>),
}

impl<'a> Value<'a> {
    /// Whether this is ANY.
    pub fn is_any(self) -> bool {
        matches!(self, Self::Any)
    }

    /// Whether this is NA.
    pub fn is_na(self) -> bool {
        matches!(self, Self::Na)
    }

    /// The string value, if any.
    pub fn as_str(self) -> Option<WfnStr<'a>> {
        match self {
            Self::Str(s) => Some(s),
            Self::Any | Self::Na => None,
        }
    }

    /// The string value without quoting (`sdbus-c++`), for display and name
    /// mapping; `None` for ANY and NA. Wildcards stay as `*` and `?`: check
    /// [`WfnStr::has_wildcards`] when that matters.
    pub fn unquoted(self) -> Option<Cow<'a, str>> {
        self.as_str().map(WfnStr::unquoted)
    }

    /// Case-insensitive equality (CPE matching ignores case).
    pub fn eq_ignore_case(self, other: Value<'_>) -> bool {
        match (self, other) {
            (Self::Any, Value::Any) | (Self::Na, Value::Na) => true,
            (Self::Str(a), Value::Str(b)) => a.eq_ignore_case(b),
            _ => false,
        }
    }
}

/// Formats the value as bound in a formatted string: `*`, `-`, or the
/// string with `.`, `-` and `_` unquoted (`sdbus-c\+\+`).
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("*"),
            Self::Na => f.write_str("-"),
            Self::Str(s) => {
                let mut out = String::with_capacity(s.0.len());
                s.bind_fs(&mut out);
                f.write_str(&out)
            }
        }
    }
}

/// A valid WFN value string (quoted; see the module docs). Comparisons
/// through [`WfnStr::eq_ignore_case`] ignore case; `==` does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WfnStr<'a>(&'a str);

/// One logical character of a WFN string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A literal character (quoted or not).
    Lit(u8),
    /// Unquoted `*`.
    Star,
    /// Unquoted `?`.
    Question,
}

impl<'a> WfnStr<'a> {
    /// Wraps text already known to be a valid WFN value.
    pub(crate) fn new_unchecked(s: &'a str) -> Self {
        Self(s)
    }

    /// The WFN text (`8\.0\.6001`).
    pub fn as_wfn(self) -> &'a str {
        self.0
    }

    /// The text without quoting backslashes (`8.0.6001`); wildcards stay as
    /// `*` and `?`. Borrowed when nothing is quoted.
    pub fn unquoted(self) -> Cow<'a, str> {
        if !self.0.contains('\\') {
            return Cow::Borrowed(self.0);
        }
        let mut out = String::with_capacity(self.0.len());
        let mut escaped = false;
        for c in self.0.chars() {
            if escaped || c != '\\' {
                out.push(c);
                escaped = false;
            } else {
                escaped = true;
            }
        }
        Cow::Owned(out)
    }

    /// Whether the value holds an unquoted `*` or `?`.
    pub fn has_wildcards(self) -> bool {
        // Wildcards can only sit at the ends; a trailing one is unquoted
        // unless preceded by an odd number of backslashes, which `units`
        // sorts out.
        let b = self.0.as_bytes();
        match (b.first(), b.last()) {
            (Some(b'*' | b'?'), _) => true,
            (_, Some(b'*' | b'?')) => {
                matches!(self.units().last(), Some(Unit::Star | Unit::Question))
            }
            _ => false,
        }
    }

    /// Case-insensitive equality of the logical strings.
    pub fn eq_ignore_case(self, other: WfnStr<'_>) -> bool {
        // WFN text is canonical (only punctuation is quoted, always), so
        // equal logical strings have equal text.
        self.0.eq_ignore_ascii_case(other.0)
    }

    fn units(self) -> impl Iterator<Item = Unit> + 'a {
        let mut bytes = self.0.bytes();
        std::iter::from_fn(move || {
            let b = bytes.next()?;
            Some(match b {
                b'\\' => Unit::Lit(bytes.next().unwrap_or(b'\\')),
                b'*' => Unit::Star,
                b'?' => Unit::Question,
                other => Unit::Lit(other),
            })
        })
    }

    /// Appends the formatted-string binding: quoted `.`, `-` and `_` are
    /// written bare, other quoted characters keep their backslash.
    pub(crate) fn bind_fs(self, out: &mut String) {
        let mut rest = self.0;
        while let Some(i) = rest.find('\\') {
            out.push_str(&rest[..i]);
            let quoted = &rest[i + 1..];
            let mut chars = quoted.chars();
            match chars.next() {
                Some(c @ ('.' | '-' | '_')) => out.push(c),
                Some(c) => {
                    out.push('\\');
                    out.push(c);
                }
                None => {}
            }
            rest = chars.as_str();
        }
        out.push_str(rest);
    }

    /// Appends the URI binding: letters, digits, `_`, `.` and `-` as they
    /// are, other quoted characters percent-encoded (`~` as `%7e`, not the
    /// NIST reference binder's `%7d`), unquoted `?` as `%01` and `*` as
    /// `%02`.
    pub(crate) fn bind_uri(self, out: &mut String) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for u in self.units() {
            match u {
                Unit::Star => out.push_str("%02"),
                Unit::Question => out.push_str("%01"),
                Unit::Lit(c) if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') => {
                    out.push(char::from(c));
                }
                Unit::Lit(c) => {
                    out.push('%');
                    out.push(char::from(HEX[usize::from(c >> 4)]));
                    out.push(char::from(HEX[usize::from(c & 0xf)]));
                }
            }
        }
    }

    /// NISTIR 7696 Table 6-2 row 14: whether this value, taken as a pattern
    /// (with wildcards), matches `target` (a value without wildcards),
    /// ignoring case.
    ///
    /// A leading or trailing `*` matches any run of characters; a run of
    /// `n` `?` matches zero to `n` characters. (NISTIR 7695 §5.3.2 and the
    /// NIST reference matcher `CPENameMatcher.compareStrings`, which accepts
    /// the literal part at any offset up to the number of leading `?`, and
    /// a remainder up to the number of trailing `?`; `nilp0inter/cpe`
    /// `testfile_cpeset2_3.txt`: `1\.0\.?` does not match `1\.0\.12`.)
    pub(crate) fn pattern_matches(self, target: WfnStr<'_>) -> bool {
        let units: Vec<Unit> = self.units().collect();
        let lead = Run::of(units.iter().copied());
        // The trailing run is looked for after the leading one, so that a
        // value of `?` only is one leading run, not two overlapping ones.
        let after_lead = units.get(lead.len()..).unwrap_or_default();
        let trail = Run::of(after_lead.iter().rev().copied());
        let body: Vec<u8> = after_lead
            .iter()
            .take(after_lead.len() - trail.len())
            .filter_map(|u| match u {
                Unit::Lit(c) => Some(c.to_ascii_lowercase()),
                Unit::Star | Unit::Question => None,
            })
            .collect();
        let text: Vec<u8> = target
            .units()
            .map(|u| match u {
                Unit::Lit(c) => c.to_ascii_lowercase(),
                Unit::Star => b'*',
                Unit::Question => b'?',
            })
            .collect();
        if body.len() > text.len() {
            return false;
        }
        let last_start = text.len() - body.len();
        let max_start = match lead {
            Run::None => 0,
            Run::Star => last_start,
            Run::Questions(n) => n.min(last_start),
        };
        (0..=max_start).any(|start| {
            let rest = text.len() - start - body.len();
            let rest_ok = match trail {
                Run::None => rest == 0,
                Run::Star => true,
                Run::Questions(n) => rest <= n,
            };
            rest_ok && text[start..start + body.len()] == body[..]
        })
    }
}

/// A run of wildcards at one end of a pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    None,
    Star,
    Questions(usize),
}

impl Run {
    fn of(mut units: impl Iterator<Item = Unit>) -> Self {
        match units.next() {
            Some(Unit::Star) => Self::Star,
            Some(Unit::Question) => {
                Self::Questions(1 + units.take_while(|u| *u == Unit::Question).count())
            }
            Some(Unit::Lit(_)) | None => Self::None,
        }
    }

    fn len(self) -> usize {
        match self {
            Self::None => 0,
            Self::Star => 1,
            Self::Questions(n) => n,
        }
    }
}

impl fmt::Display for WfnStr<'_> {
    /// The WFN text, quoted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// Where the writer is within a value, for the wildcard position rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    Leading { star: bool },
    Body,
    Trailing { star: bool, first_offset: usize },
}

/// What a finished value turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Written {
    /// A lone unquoted `*`: the same as ANY.
    Any,
    /// A string value, written to the buffer.
    Str,
}

/// Writes one value in WFN form into a buffer, one logical character at a
/// time, enforcing the WFN rules: only printable ASCII, wildcards only at
/// the ends (one `*` or a run of `?` on each side), not empty, not a lone
/// hyphen.
pub(crate) struct ValueWriter<'o> {
    out: &'o mut Vec<u8>,
    start: usize,
    attribute: Attribute,
    phase: Phase,
    start_offset: usize,
}

impl<'o> ValueWriter<'o> {
    /// Starts a value of `attribute` at byte `start_offset` of the input.
    pub(crate) fn new(out: &'o mut Vec<u8>, attribute: Attribute, start_offset: usize) -> Self {
        let start = out.len();
        Self {
            out,
            start,
            attribute,
            phase: Phase::Start,
            start_offset,
        }
    }

    /// A literal character, quoted or not in the input. `offset` is its
    /// position in the input, for errors.
    pub(crate) fn literal(&mut self, c: u8, offset: usize) -> Result<(), ErrorKind> {
        if !(0x21..=0x7e).contains(&c) {
            return Err(ErrorKind::NotPrintable {
                attribute: self.attribute,
                ch: char::from(c),
                offset,
            });
        }
        match self.phase {
            Phase::Start | Phase::Leading { .. } | Phase::Body => self.phase = Phase::Body,
            Phase::Trailing { star, first_offset } => {
                let ch = if star { '*' } else { '?' };
                return Err(ErrorKind::Wildcard {
                    attribute: self.attribute,
                    ch,
                    offset: first_offset,
                });
            }
        }
        if !(c.is_ascii_alphanumeric() || c == b'_') {
            self.out.push(b'\\');
        }
        self.out.push(c);
        Ok(())
    }

    /// An unquoted `*` (`star`) or `?`.
    pub(crate) fn wildcard(&mut self, star: bool, offset: usize) -> Result<(), ErrorKind> {
        let ch = if star { '*' } else { '?' };
        let bad = Err(ErrorKind::Wildcard {
            attribute: self.attribute,
            ch,
            offset,
        });
        self.phase = match self.phase {
            Phase::Start => Phase::Leading { star },
            // `??` continues a run; `**`, `*?`, `?*` do not.
            Phase::Leading { star: false } if !star => Phase::Leading { star: false },
            Phase::Leading { .. } => return bad,
            Phase::Body => Phase::Trailing {
                star,
                first_offset: offset,
            },
            Phase::Trailing {
                star: false,
                first_offset,
            } if !star => Phase::Trailing {
                star: false,
                first_offset,
            },
            Phase::Trailing { .. } => return bad,
        };
        self.out.push(if star { b'*' } else { b'?' });
        Ok(())
    }

    /// Ends the value.
    pub(crate) fn finish(self) -> Result<Written, ErrorKind> {
        let written = &self.out[self.start..];
        match self.phase {
            Phase::Start => Err(ErrorKind::Empty {
                attribute: self.attribute,
                offset: self.start_offset,
            }),
            Phase::Leading { star: true } => {
                self.out.truncate(self.start);
                Ok(Written::Any)
            }
            _ if written == b"\\-" => Err(ErrorKind::LoneHyphen {
                attribute: self.attribute,
                offset: self.start_offset,
            }),
            _ => Ok(Written::Str),
        }
    }
}

/// Feeds WFN text (already quoted: `8\.0`, wildcards unquoted) to a writer.
/// A quoted `_` is accepted and written bare.
pub(crate) fn write_wfn_text(
    w: &mut ValueWriter<'_>,
    text: &str,
    base_offset: usize,
) -> Result<(), ErrorKind> {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let offset = base_offset + i;
        match b[i] {
            b'\\' => {
                let Some(&c) = b.get(i + 1) else {
                    return Err(ErrorKind::DanglingEscape {
                        attribute: w.attribute,
                        offset,
                    });
                };
                if c.is_ascii_alphanumeric() {
                    return Err(ErrorKind::QuotedAlphanumeric {
                        attribute: w.attribute,
                        ch: char::from(c),
                        offset,
                    });
                }
                if !c.is_ascii() {
                    return Err(not_printable(w.attribute, text, i + 1, base_offset));
                }
                w.literal(c, offset)?;
                i += 2;
            }
            b'*' => {
                w.wildcard(true, offset)?;
                i += 1;
            }
            b'?' => {
                w.wildcard(false, offset)?;
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                w.literal(c, offset)?;
                i += 1;
            }
            c if c.is_ascii_graphic() => {
                return Err(ErrorKind::Unquoted {
                    attribute: w.attribute,
                    ch: char::from(c),
                    offset,
                });
            }
            _ => return Err(not_printable(w.attribute, text, i, base_offset)),
        }
    }
    Ok(())
}

/// Feeds literal text (nothing quoted, no wildcards: `sdbus-c++`) to a
/// writer, quoting as needed.
pub(crate) fn write_literal_text(
    w: &mut ValueWriter<'_>,
    text: &str,
    base_offset: usize,
) -> Result<(), ErrorKind> {
    for (i, c) in text.bytes().enumerate() {
        if !c.is_ascii() {
            return Err(not_printable(w.attribute, text, i, base_offset));
        }
        w.literal(c, base_offset + i)?;
    }
    Ok(())
}

/// The error for the (possibly multi-byte) character at byte `i` of `text`.
pub(crate) fn not_printable(
    attribute: Attribute,
    text: &str,
    i: usize,
    base_offset: usize,
) -> ErrorKind {
    let ch = text
        .get(i..)
        .and_then(|s| s.chars().next())
        .unwrap_or(char::REPLACEMENT_CHARACTER);
    ErrorKind::NotPrintable {
        attribute,
        ch,
        offset: base_offset + i,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn wfn(text: &str) -> Result<(Written, String), ErrorKind> {
        let mut out = Vec::new();
        let mut w = ValueWriter::new(&mut out, Attribute::Product, 0);
        write_wfn_text(&mut w, text, 0)?;
        let written = w.finish()?;
        Ok((written, String::from_utf8(out).unwrap()))
    }

    #[test]
    fn wildcard_positions() {
        for ok in [
            "*a", "a*", "*a*", "?a", "a??", "???a*", "?", "???", "a\\*b", "\\*",
        ] {
            assert!(wfn(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a*b", "**a", "*?a", "?*a", "a*?", "a?*", "a?b", "a**", "*?", "?*",
        ] {
            assert!(
                matches!(wfn(bad), Err(ErrorKind::Wildcard { .. })),
                "{bad}: {:?}",
                wfn(bad)
            );
        }
        assert_eq!(wfn("*").map(|w| w.0), Ok(Written::Any));
    }

    #[test]
    fn quoting_rules() {
        assert_eq!(wfn("8\\.0").map(|w| w.1), Ok("8\\.0".into()));
        assert_eq!(wfn("a\\_b").map(|w| w.1), Ok("a_b".into()));
        assert!(matches!(
            wfn("8.0"),
            Err(ErrorKind::Unquoted {
                ch: '.',
                offset: 1,
                ..
            })
        ));
        assert!(matches!(
            wfn("a\\b"),
            Err(ErrorKind::QuotedAlphanumeric { ch: 'b', .. })
        ));
        assert!(matches!(
            wfn("a\\"),
            Err(ErrorKind::DanglingEscape { offset: 1, .. })
        ));
        assert!(matches!(
            wfn("é"),
            Err(ErrorKind::NotPrintable { ch: 'é', .. })
        ));
        assert!(matches!(
            wfn("a b"),
            Err(ErrorKind::NotPrintable { ch: ' ', .. })
        ));
        assert!(matches!(wfn(""), Err(ErrorKind::Empty { .. })));
        assert!(matches!(wfn("\\-"), Err(ErrorKind::LoneHyphen { .. })));
        assert!(wfn("\\-\\-").is_ok());
    }

    #[test]
    fn unquoted_and_wildcards() {
        let s = WfnStr::new_unchecked("sdbus\\-c\\+\\+");
        assert_eq!(s.unquoted(), "sdbus-c++");
        assert!(!s.has_wildcards());
        assert!(WfnStr::new_unchecked("9\\.*").has_wildcards());
        assert!(WfnStr::new_unchecked("?9").has_wildcards());
        assert!(!WfnStr::new_unchecked("9\\*").has_wildcards());
        assert!(WfnStr::new_unchecked("9\\\\*").has_wildcards());
        assert_eq!(WfnStr::new_unchecked("a\\\\b").unquoted(), "a\\b");
    }

    #[test]
    fn patterns() {
        let m =
            |p: &str, t: &str| WfnStr::new_unchecked(p).pattern_matches(WfnStr::new_unchecked(t));
        assert!(m("9\\.*", "9\\.3\\.2"));
        assert!(m("9\\.*", "9\\."));
        assert!(!m("9\\.*", "19\\.3"));
        assert!(m("*\\.3", "19\\.3"));
        assert!(m("mac*", "mac"));
        assert!(!m("mac*", "not"));
        assert!(m("MAC*", "macos"));
        assert!(!m("1\\.0\\.?", "1\\.0\\.12"));
        assert!(m("1\\.0\\.?", "1\\.0\\.1"));
        assert!(m("1\\.0\\.?", "1\\.0\\."));
        assert!(m("1\\.0\\.??", "1\\.0\\.12"));
        assert!(m("??b", "ab"));
        assert!(m("??b", "aab"));
        assert!(!m("??b", "aaab"));
        assert!(m("*b*", "abc"));
        assert!(m("???", "ab"));
        assert!(!m("???", "abcd"));
        assert!(m("\\**", "\\*x"));
        assert!(!m("\\**", "x"));
    }
}
