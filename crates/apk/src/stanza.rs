//! The text format shared by `APKINDEX` and the installed database
//! (`lib/apk/db/installed`): records of `X:value` lines.
//!
//! Rules (apk-tools `apk_db_fdb_read`, `src/database.c`; see
//! `alpine-formats.md` 2.1 and 3.1):
//! - each line is a one-byte field letter, a colon, and the value up to the
//!   end of the line, with no escaping;
//! - a line shorter than two bytes (an empty line, or a lone byte) ends the
//!   current record; several in a row are fine;
//! - a line whose second byte is not `:` is a format error.
//!
//! Two mistakes of the tracker this project replaces are avoided on purpose:
//! the last record is kept even when the input does not end with a blank
//! line, and runs of blank lines do not produce empty records.
//!
//! On top of apk's rules this parser refuses, with the line number, lines
//! longer than a limit (1 MiB by default: the longest real line is a few KB)
//! so that hostile input cannot make the caller build huge values, field
//! letters that are not ASCII letters, and values that are not UTF-8.
//!
//! The parser borrows from the input: a [`Field`] is a `&str` slice of it.

use std::fmt;

/// The default limit on the length of one line, in bytes (without the `\n`).
pub const DEFAULT_MAX_LINE: usize = 1 << 20;

/// Why a record (or one of its fields) could not be read.
///
/// Every variant names the 1-based line number of the input where the
/// problem is, and the field letter where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StanzaError {
    /// The line is not of the form `X:value`.
    #[error("line {line}: expected `X:value`, found {found:?}")]
    MissingColon {
        /// Line number.
        line: usize,
        /// The start of the offending line (at most 40 bytes, lossy UTF-8).
        found: String,
    },
    /// The field letter is not an ASCII letter.
    #[error("line {line}: field letter {byte:#04x} is not an ASCII letter")]
    InvalidLetter {
        /// Line number.
        line: usize,
        /// The offending byte.
        byte: u8,
    },
    /// The line is longer than the limit.
    #[error("line {line}: longer than the limit of {limit} bytes")]
    LineTooLong {
        /// Line number.
        line: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// The value is not valid UTF-8.
    #[error("line {line}, field {letter}: invalid UTF-8 at byte {offset} of the value")]
    InvalidUtf8 {
        /// Line number.
        line: usize,
        /// Field letter.
        letter: char,
        /// Offset of the first invalid byte within the value.
        offset: usize,
    },
    /// A required field is absent from a record.
    #[error("record at line {line}: no {letter}: field ({what})")]
    MissingField {
        /// First line of the record.
        line: usize,
        /// The missing field letter.
        letter: char,
        /// What the field holds, for the message.
        what: &'static str,
    },
    /// A field that may appear once appears twice.
    #[error("line {line}: field {letter} appears again (first at line {first})")]
    DuplicateField {
        /// Line of the second occurrence.
        line: usize,
        /// Field letter.
        letter: char,
        /// Line of the first occurrence.
        first: usize,
    },
    /// A field value does not parse, or a field is out of place.
    #[error("line {line}, field {letter}: {reason}")]
    InvalidValue {
        /// Line number.
        line: usize,
        /// Field letter.
        letter: char,
        /// What is wrong.
        reason: String,
    },
}

impl StanzaError {
    /// The line number the error is about.
    pub fn line(&self) -> usize {
        match self {
            Self::MissingColon { line, .. }
            | Self::InvalidLetter { line, .. }
            | Self::LineTooLong { line, .. }
            | Self::InvalidUtf8 { line, .. }
            | Self::MissingField { line, .. }
            | Self::DuplicateField { line, .. }
            | Self::InvalidValue { line, .. } => *line,
        }
    }

    /// The record at `line` has no `P:` (package name).
    pub fn missing_name(line: usize) -> Self {
        Self::MissingField {
            line,
            letter: 'P',
            what: "package name",
        }
    }

    /// The record at `line` has no `V:` (version).
    pub fn missing_version(line: usize) -> Self {
        Self::MissingField {
            line,
            letter: 'V',
            what: "version",
        }
    }

    /// An [`StanzaError::InvalidValue`] for `field`.
    pub fn invalid(field: &Field<'_>, reason: impl fmt::Display) -> Self {
        Self::InvalidValue {
            line: field.line,
            letter: field.letter,
            reason: reason.to_string(),
        }
    }
}

/// One `X:value` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The field letter (an ASCII letter).
    pub letter: char,
    /// The value: everything after the colon, up to (not including) `\n`.
    pub value: &'a str,
    /// 1-based line number.
    pub line: usize,
}

/// One record: the fields between two blank lines, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The line number of the first field.
    pub line: usize,
    /// The fields in input order.
    pub fields: Vec<Field<'a>>,
}

impl<'a> Record<'a> {
    /// The first field with this letter.
    pub fn get(&self, letter: char) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| f.letter == letter)
    }
}

/// A borrowing parser over the whole input; iterate it to get records.
///
/// After an error the parser skips to the end of the bad record, so the
/// caller may go on with the next record (the installed-db reader does this
/// in its tolerant mode) or stop.
#[derive(Debug, Clone)]
pub struct Parser<'a> {
    input: &'a [u8],
    /// The whole input as text when it is all UTF-8 (checked once, which is
    /// faster than line by line); otherwise lines are checked one by one to
    /// find the first bad one.
    text: Option<&'a str>,
    pos: usize,
    /// Number of lines consumed so far.
    line: usize,
    max_line: usize,
}

/// One physical line, or the reason it cannot be used.
enum RawLine<'a> {
    /// The line's bytes and their offset in the input.
    Line(&'a [u8], usize),
    TooLong,
}

impl<'a> Parser<'a> {
    /// A parser over `input` with the default line limit.
    pub fn new(input: &'a [u8]) -> Self {
        Self {
            input,
            text: std::str::from_utf8(input).ok(),
            pos: 0,
            line: 0,
            max_line: DEFAULT_MAX_LINE,
        }
    }

    /// Sets the line length limit in bytes.
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line;
        self
    }

    /// The number of lines consumed so far.
    pub fn lines_read(&self) -> usize {
        self.line
    }

    /// Reads the next line, advancing past its `\n`. `None` at the end.
    fn next_line(&mut self) -> Option<RawLine<'a>> {
        let rest = self.input.get(self.pos..).filter(|r| !r.is_empty())?;
        self.line += 1;
        // Look for the newline only within the limit, so that a huge line
        // costs O(limit) before it is refused.
        let window = rest.get(..self.max_line.saturating_add(1)).unwrap_or(rest);
        match memchr::memchr(b'\n', window) {
            Some(i) => {
                let start = self.pos;
                self.pos += i + 1;
                Some(RawLine::Line(&rest[..i], start))
            }
            None if rest.len() <= self.max_line => {
                let start = self.pos;
                self.pos = self.input.len();
                Some(RawLine::Line(rest, start))
            }
            None => {
                // Skip the rest of the long line.
                self.pos = match memchr::memchr(b'\n', rest) {
                    Some(i) => self.pos + i + 1,
                    None => self.input.len(),
                };
                Some(RawLine::TooLong)
            }
        }
    }

    /// Skips lines up to and including the blank line that ends the record.
    fn skip_record(&mut self) {
        while let Some(raw) = self.next_line() {
            if let RawLine::Line(l, _) = raw
                && l.len() < 2
            {
                return;
            }
        }
    }

    fn parse_line(&self, raw: RawLine<'a>) -> Result<Option<Field<'a>>, StanzaError> {
        let line = self.line;
        let (bytes, start) = match raw {
            RawLine::Line(b, start) => (b, start),
            RawLine::TooLong => {
                return Err(StanzaError::LineTooLong {
                    line,
                    limit: self.max_line,
                });
            }
        };
        let [letter, sep, value @ ..] = bytes else {
            return Ok(None);
        };
        if *sep != b':' {
            let shown = bytes.get(..40).unwrap_or(bytes);
            return Err(StanzaError::MissingColon {
                line,
                found: String::from_utf8_lossy(shown).into_owned(),
            });
        }
        if !letter.is_ascii_alphabetic() {
            return Err(StanzaError::InvalidLetter {
                line,
                byte: *letter,
            });
        }
        let letter = char::from(*letter);
        // Byte 2 follows two ASCII bytes and the line ends before `\n`, so
        // both ends are char boundaries of a valid text.
        let value = match self
            .text
            .and_then(|t| t.get(start + 2..start + bytes.len()))
        {
            Some(v) => v,
            None => std::str::from_utf8(value).map_err(|e| StanzaError::InvalidUtf8 {
                line,
                letter,
                offset: e.valid_up_to(),
            })?,
        };
        Ok(Some(Field {
            letter,
            value,
            line,
        }))
    }

    /// Reads the next record's fields into `fields` (cleared first), reusing
    /// its allocation. Returns the record's first line, `None` at the end.
    pub fn next_into(&mut self, fields: &mut Vec<Field<'a>>) -> Option<Result<usize, StanzaError>> {
        fields.clear();
        while let Some(raw) = self.next_line() {
            match self.parse_line(raw) {
                Ok(Some(field)) => fields.push(field),
                Ok(None) if fields.is_empty() => {}
                Ok(None) => return Some(Ok(fields[0].line)),
                Err(e) => {
                    // A bad line taints its record: skip the rest of it.
                    self.skip_record();
                    fields.clear();
                    return Some(Err(e));
                }
            }
        }
        // The last record needs no trailing blank line.
        fields.first().map(|f| Ok(f.line))
    }
}

impl<'a> Iterator for Parser<'a> {
    type Item = Result<Record<'a>, StanzaError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut fields = Vec::with_capacity(24);
        Some(
            self.next_into(&mut fields)?
                .map(|line| Record { line, fields }),
        )
    }
}

/// Parses every record of `input`, stopping at the first error.
pub fn parse(input: &[u8]) -> Result<Vec<Record<'_>>, StanzaError> {
    Parser::new(input).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn letters(r: &Record<'_>) -> String {
        r.fields.iter().map(|f| f.letter).collect()
    }

    #[test]
    fn last_record_without_trailing_blank_line_is_kept() {
        let recs = parse(b"P:a\nV:1\n\nP:b\nV:2").unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[1].get('P').unwrap().value, "b");
        assert_eq!(recs[1].get('V').unwrap().value, "2");
        assert_eq!(recs[1].line, 4);
        let recs = parse(b"P:a\nV:1\n\nP:b\nV:2\n").unwrap();
        assert_eq!(recs.len(), 2);
    }

    #[test]
    fn several_blank_lines_in_a_row_are_one_separator() {
        let recs = parse(b"\n\nP:a\n\n\n\n\nP:b\n\n\n").unwrap();
        assert_eq!(recs.len(), 2);
        assert_eq!(recs[0].line, 3);
        assert_eq!(recs[1].line, 8);
    }

    #[test]
    fn a_one_byte_line_ends_the_record_as_apk_does() {
        let recs = parse(b"P:a\nx\nP:b\n").unwrap();
        assert_eq!(recs.len(), 2);
        // "\r" alone is a one-byte line too.
        assert_eq!(parse(b"P:a\r\n\r\nP:b\r\n").unwrap().len(), 2);
    }

    #[test]
    fn values_keep_everything_after_the_colon() {
        let recs = parse(b"T:a: b :c \nU:\n").unwrap();
        assert_eq!(recs[0].fields[0].value, "a: b :c ");
        assert_eq!(recs[0].fields[1].value, "");
        assert_eq!(letters(&recs[0]), "TU");
    }

    #[test]
    fn missing_colon_names_the_line() {
        let err = parse(b"P:a\nV:1\n\nthis is a corrupt db\n").unwrap_err();
        assert_eq!(
            err,
            StanzaError::MissingColon {
                line: 4,
                found: "this is a corrupt db".into()
            }
        );
        assert!(err.to_string().contains("line 4"), "{err}");
    }

    #[test]
    fn invalid_letter_and_utf8_are_errors_with_line_and_field() {
        let err = parse(b"P:a\n1:x\n").unwrap_err();
        assert_eq!(
            err,
            StanzaError::InvalidLetter {
                line: 2,
                byte: b'1'
            }
        );
        let err = parse(b"P:a\nT:caf\xc3\n").unwrap_err();
        assert_eq!(
            err,
            StanzaError::InvalidUtf8 {
                line: 2,
                letter: 'T',
                offset: 3
            }
        );
        assert_eq!(
            err.to_string(),
            "line 2, field T: invalid UTF-8 at byte 3 of the value"
        );
        // A non-ASCII first byte is refused even if the second is a colon.
        let err = parse(b"\xff:x\n").unwrap_err();
        assert_eq!(
            err,
            StanzaError::InvalidLetter {
                line: 1,
                byte: 0xff
            }
        );
    }

    #[test]
    fn long_lines_are_refused_without_reading_them_whole() {
        let mut input = b"P:a\nT:".to_vec();
        input.resize(input.len() + 100, b'x');
        input.extend_from_slice(b"\nV:1\n\nP:b\n");
        let mut p = Parser::new(&input).with_max_line(50);
        assert_eq!(
            p.next().unwrap().unwrap_err(),
            StanzaError::LineTooLong { line: 2, limit: 50 }
        );
        // The parser recovers at the next record.
        let r = p.next().unwrap().unwrap();
        assert_eq!(r.get('P').unwrap().value, "b");
        assert_eq!(r.line, 5);
        assert!(p.next().is_none());
        // A line exactly at the limit is fine, with or without a newline.
        let line = [b"T:".as_slice(), &[b'y'; 48]].concat();
        assert_eq!(Parser::new(&line).with_max_line(50).count(), 1);
        assert!(
            Parser::new(&line)
                .with_max_line(49)
                .next()
                .unwrap()
                .is_err()
        );
    }

    #[test]
    fn a_100_mb_line_is_an_error_not_an_allocation() {
        let mut input = Vec::with_capacity(100_000_010);
        input.extend_from_slice(b"P:a\nT:");
        input.resize(100_000_006, b'z');
        let err = parse(&input).unwrap_err();
        assert_eq!(
            err,
            StanzaError::LineTooLong {
                line: 2,
                limit: DEFAULT_MAX_LINE
            }
        );
    }

    #[test]
    fn errors_skip_only_their_record() {
        let mut p = Parser::new(b"P:a\nbad\nV:1\n\nP:b\n");
        assert!(p.next().unwrap().is_err());
        assert_eq!(p.next().unwrap().unwrap().get('P').unwrap().value, "b");
        assert!(p.next().is_none());
    }

    #[test]
    fn empty_input_has_no_records() {
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"\n\n\n").unwrap().is_empty());
    }

    #[test]
    fn next_into_reuses_the_buffer() {
        let mut p = Parser::new(b"P:a\nV:1\n\nP:b\n");
        let mut buf = Vec::new();
        assert_eq!(p.next_into(&mut buf).unwrap().unwrap(), 1);
        assert_eq!(buf.len(), 2);
        assert_eq!(p.next_into(&mut buf).unwrap().unwrap(), 4);
        assert_eq!(buf.len(), 1);
        assert!(p.next_into(&mut buf).is_none());
        assert!(buf.is_empty());
    }

    mod prop {
        use proptest::prelude::*;

        use super::super::*;

        fn record() -> impl Strategy<Value = Vec<(char, String)>> {
            prop::collection::vec(
                (
                    prop::char::range('A', 'Z').prop_union(prop::char::range('a', 'z')),
                    "[^\n]{0,20}",
                ),
                1..6,
            )
        }

        proptest! {
            /// Writing records with any number of blank lines between them
            /// and any ending parses back to the same records.
            #[test]
            fn write_then_parse(recs in prop::collection::vec(record(), 0..6),
                                gaps in prop::collection::vec(1usize..4, 6),
                                trailing in 0usize..3) {
                let mut text = String::new();
                for (i, r) in recs.iter().enumerate() {
                    for (l, v) in r {
                        text.push(*l);
                        text.push(':');
                        text.push_str(v);
                        text.push('\n');
                    }
                    if i + 1 < recs.len() {
                        text.push_str(&"\n".repeat(gaps[i]));
                    }
                }
                if trailing == 0 && text.ends_with('\n') {
                    text.pop();
                } else {
                    text.push_str(&"\n".repeat(trailing));
                }
                let parsed = parse(text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let got: Vec<Vec<(char, String)>> = parsed
                    .iter()
                    .map(|r| r.fields.iter().map(|f| (f.letter, f.value.to_owned())).collect())
                    .collect();
                prop_assert_eq!(got, recs);
            }

            /// Any byte soup either parses or errors; it never panics, and
            /// line numbers stay within the input.
            #[test]
            fn never_panics(input in prop::collection::vec(any::<u8>(), 0..300)) {
                let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
                for r in Parser::new(&input).with_max_line(16) {
                    match r {
                        Ok(r) => prop_assert!(r.line <= lines),
                        Err(e) => prop_assert!(e.line() <= lines),
                    }
                }
            }
        }
    }
}
