//! Why a CPE name could not be read or built.

use crate::Attribute;

/// Inputs longer than this are quoted in error messages only up to it.
const MAX_QUOTED_INPUT: usize = 300;

/// A CPE name that could not be parsed or built. The message names the
/// input, the attribute and the byte offset in the input where it went
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CPE name {input:?}: {kind}")]
pub struct ParseError {
    /// The input (cut at 300 bytes).
    pub input: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl ParseError {
    pub(crate) fn new(input: &str, kind: ErrorKind) -> Self {
        let input = if input.len() > MAX_QUOTED_INPUT {
            let mut end = MAX_QUOTED_INPUT;
            while !input.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &input[..end])
        } else {
            input.to_owned()
        };
        Self { input, kind }
    }
}

/// The reason a name is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// Neither `cpe:2.3:` nor `cpe:/`.
    #[error("does not start with `cpe:2.3:` (formatted string) or `cpe:/` (URI)")]
    Prefix,
    /// A formatted string without exactly 11 attribute fields.
    #[error(
        "{found} attribute fields after `cpe:2.3:`, expected 11 (is a `:` inside a value not quoted as `\\:`?)"
    )]
    FieldCount {
        /// How many there were.
        found: usize,
    },
    /// A URI with more than 7 components.
    #[error("{found} components after `cpe:/`, at most 7 allowed")]
    UriComponentCount {
        /// How many there were.
        found: usize,
    },
    /// An empty value where a value is required.
    #[error("{attribute}: empty value at byte {offset}")]
    Empty {
        /// The attribute.
        attribute: Attribute,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A character that must be quoted with a backslash.
    #[error("{attribute}: {ch:?} at byte {offset} must be quoted as `\\{ch}`")]
    Unquoted {
        /// The attribute.
        attribute: Attribute,
        /// The character.
        ch: char,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A character outside printable ASCII (or a space).
    #[error("{attribute}: {ch:?} at byte {offset} is not a printable ASCII character")]
    NotPrintable {
        /// The attribute.
        attribute: Attribute,
        /// The character.
        ch: char,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A backslash at the end of a value.
    #[error("{attribute}: backslash at byte {offset} quotes nothing")]
    DanglingEscape {
        /// The attribute.
        attribute: Attribute,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A quoted letter, digit or underscore (only punctuation is quoted).
    #[error("{attribute}: {ch:?} at byte {offset} is quoted but only punctuation may be")]
    QuotedAlphanumeric {
        /// The attribute.
        attribute: Attribute,
        /// The character.
        ch: char,
        /// Byte offset in the input.
        offset: usize,
    },
    /// An unquoted `*` or `?` where wildcards are not allowed: inside the
    /// value, a second `*`, `*` next to `?`, or a value of wildcards only.
    #[error(
        "{attribute}: wildcard {ch:?} at byte {offset} is not allowed there (only one `*` or a run of `?` at the start and/or end of a value)"
    )]
    Wildcard {
        /// The attribute.
        attribute: Attribute,
        /// The wildcard.
        ch: char,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A value consisting of a single quoted hyphen: it binds to `-`, which
    /// means NA, so it cannot be told from NA.
    #[error("{attribute}: a value that is a single `-` at byte {offset} cannot be told from NA")]
    LoneHyphen {
        /// The attribute.
        attribute: Attribute,
        /// Byte offset in the input.
        offset: usize,
    },
    /// `part` must be `a`, `o`, `h`, ANY or NA.
    #[error("part must be `a`, `o`, `h`, `*` or `-`, found {found:?}")]
    Part {
        /// The value found.
        found: String,
    },
    /// A bad `%xx` in a URI.
    #[error("{attribute}: invalid percent-encoding at byte {offset}")]
    Percent {
        /// The attribute.
        attribute: Attribute,
        /// Byte offset in the input.
        offset: usize,
    },
    /// A packed URI edition (`~ed~sw_ed~t_sw~t_hw~other`) without its five
    /// fields.
    #[error(
        "edition: packed edition at byte {offset} has {found} `~`-separated fields, expected 5"
    )]
    Packing {
        /// How many there were.
        found: usize,
        /// Byte offset in the input.
        offset: usize,
    },
    /// Longer than 65535 bytes.
    #[error("longer than 65535 bytes")]
    TooLong,
}
