//! The CPE 2.3 formatted string binding: `cpe:2.3:` and eleven fields
//! separated by unquoted colons (NISTIR 7695 §6.2).
//!
//! In a field, `*` alone is ANY and `-` alone is NA. Otherwise letters,
//! digits, `_`, `.` and `-` stand for themselves, every other printable
//! character must be quoted with `\` (so `\:` does not end the field), and
//! unquoted `*` / `?` are wildcards, allowed only at the ends of a value.
//! Unbinding quotes `.` and `-` for the WFN; binding writes them bare again,
//! so a name read from canonical text is written back byte for byte.

use crate::Attribute;
use crate::error::{ErrorKind, ParseError};
use crate::name::{Cpe, Slot, check_part};
use crate::value::{ValueWriter, Written, not_printable};

const PREFIX: &[u8] = b"cpe:2.3:";

/// Parses a formatted string.
pub(crate) fn parse(input: &str) -> Result<Cpe, ParseError> {
    let err = |kind| ParseError::new(input, kind);
    if input.len() > usize::from(u16::MAX) {
        return Err(err(ErrorKind::TooLong));
    }
    let bytes = input.as_bytes();
    if bytes.len() < PREFIX.len() || !bytes[..PREFIX.len()].eq_ignore_ascii_case(PREFIX) {
        return Err(err(ErrorKind::Prefix));
    }
    // WFN text is at most twice as long as the FS text (`.` → `\.`); most
    // values are short, so this one allocation is the only one.
    let mut buf = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let mut slots = [Slot::Any; 11];
    let mut pos = PREFIX.len();
    let mut field = 0usize;
    loop {
        let end = field_end(bytes, pos);
        if let Some(&attribute) = Attribute::ALL.get(field) {
            slots[field] = parse_value(input, pos, end, attribute, &mut buf).map_err(err)?;
        }
        field += 1;
        if end >= bytes.len() {
            break;
        }
        pos = end + 1;
    }
    if field != 11 {
        return Err(err(ErrorKind::FieldCount { found: field }));
    }
    let cpe = Cpe::from_parts(buf, slots).map_err(err)?;
    check_part(&cpe).map_err(err)?;
    Ok(cpe)
}

/// The index of the next unquoted `:` at or after `pos`, or the length.
fn field_end(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() {
        match bytes[pos] {
            b'\\' => pos += 2,
            b':' => return pos,
            _ => pos += 1,
        }
    }
    bytes.len()
}

/// Unbinds `input[start..end]` into the buffer.
fn parse_value(
    input: &str,
    start: usize,
    end: usize,
    attribute: Attribute,
    buf: &mut Vec<u8>,
) -> Result<Slot, ErrorKind> {
    let bytes = input.as_bytes();
    let end = end.min(bytes.len());
    match bytes.get(start..end) {
        Some(b"*") => return Ok(Slot::Any),
        Some(b"-") => return Ok(Slot::Na),
        _ => {}
    }
    let slot_start = buf.len();
    let text = bytes.get(start..end).unwrap_or_default();
    // Fast path for the common value made of letters, digits, `_`, `.` and
    // `-` only (no quoting in the input, no wildcards): copy, quoting `.`
    // and `-`. The checks of the slow path cannot fail for such non-empty
    // text (a lone `-` is NA, handled above).
    if !text.is_empty()
        && text
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
    {
        let mut rest = text;
        while let Some(i) = rest.iter().position(|&c| c == b'.' || c == b'-') {
            buf.extend_from_slice(&rest[..i]);
            buf.push(b'\\');
            buf.push(rest[i]);
            rest = &rest[i + 1..];
        }
        buf.extend_from_slice(rest);
        return slot(slot_start, buf.len());
    }
    let mut w = ValueWriter::new(buf, attribute, start);
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'\\' => {
                let Some(&c) = bytes.get(i + 1).filter(|_| i + 1 < end) else {
                    return Err(ErrorKind::DanglingEscape {
                        attribute,
                        offset: i,
                    });
                };
                if c.is_ascii_alphanumeric() {
                    return Err(ErrorKind::QuotedAlphanumeric {
                        attribute,
                        ch: char::from(c),
                        offset: i,
                    });
                }
                if !c.is_ascii() {
                    return Err(not_printable(attribute, input, i + 1, 0));
                }
                w.literal(c, i)?;
                i += 2;
            }
            b'*' => {
                w.wildcard(true, i)?;
                i += 1;
            }
            b'?' => {
                w.wildcard(false, i)?;
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') => {
                w.literal(c, i)?;
                i += 1;
            }
            c if c.is_ascii_graphic() => {
                return Err(ErrorKind::Unquoted {
                    attribute,
                    ch: char::from(c),
                    offset: i,
                });
            }
            _ => return Err(not_printable(attribute, input, i, 0)),
        }
    }
    match w.finish()? {
        Written::Any => Ok(Slot::Any),
        Written::Str => slot(slot_start, buf.len()),
    }
}

/// The slot for `buf[start..end]`. The input is at most `u16::MAX` bytes but
/// WFN text can be longer (`.` → `\.`), so check rather than cast.
fn slot(start: usize, end: usize) -> Result<Slot, ErrorKind> {
    match (u16::try_from(start), u16::try_from(end)) {
        (Ok(s), Ok(e)) => Ok(Slot::Str(s, e)),
        _ => Err(ErrorKind::TooLong),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Value;

    fn kind(input: &str) -> ErrorKind {
        match parse(input) {
            Err(e) => e.kind,
            Ok(c) => panic!("{input} parsed as {c:?}"),
        }
    }

    #[test]
    fn reads_attributes() {
        let c = parse("cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:-").unwrap();
        assert_eq!(c.vendor().unquoted().as_deref(), Some("apache"));
        assert_eq!(c.version().as_str().unwrap().as_wfn(), "2\\.0");
        assert_eq!(c.update().unquoted().as_deref(), Some("beta9"));
        assert_eq!(c.edition(), Value::Any);
        assert_eq!(c.other(), Value::Na);
        assert_eq!(
            c.to_string(),
            "cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:-"
        );
    }

    #[test]
    fn escapes() {
        let c = parse(r"cpe:2.3:a:sdbus-cpp_project:sdbus-c\+\+:1.0:*:*:*:*:*:*:*").unwrap();
        assert_eq!(c.product().unquoted().as_deref(), Some("sdbus-c++"));
        let c = parse(r"cpe:2.3:a:jenkins:pipeline\:_groovy:*:*:*:*:*:jenkins:*:*").unwrap();
        assert_eq!(c.product().unquoted().as_deref(), Some("pipeline:_groovy"));
        assert_eq!(c.target_sw().unquoted().as_deref(), Some("jenkins"));
        let c = parse(r"cpe:2.3:a:backpackforlaravel:backpack\\crud:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(c.product().unquoted().as_deref(), Some(r"backpack\crud"));
        // Quoted `.`, `-`, `_` are accepted and written bare.
        let c = parse(r"cpe:2.3:a:x:a\.b\-c\_d:*:*:*:*:*:*:*:*").unwrap();
        assert_eq!(c.to_string(), "cpe:2.3:a:x:a.b-c_d:*:*:*:*:*:*:*:*");
    }

    #[test]
    fn errors_name_attribute_and_offset() {
        assert_eq!(kind("cpe:2.2:a:x:y:*:*:*:*:*:*:*:*"), ErrorKind::Prefix);
        assert_eq!(
            kind("cpe:2.3:a:x:y:*:*:*:*:*:*:*"),
            ErrorKind::FieldCount { found: 10 }
        );
        assert_eq!(
            kind("cpe:2.3:a:ibm:sterling_connect:direct:6.3.0.0:*:*:*:*:unix:*:*"),
            ErrorKind::FieldCount { found: 12 }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:y+z:*:*:*:*:*:*:*:*"),
            ErrorKind::Unquoted {
                attribute: Attribute::Product,
                ch: '+',
                offset: 13
            }
        );
        assert_eq!(
            kind("cpe:2.3:a:x::*:*:*:*:*:*:*:*"),
            ErrorKind::Empty {
                attribute: Attribute::Product,
                offset: 12
            }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:y\\"),
            ErrorKind::DanglingEscape {
                attribute: Attribute::Product,
                offset: 13
            }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:y\\:*:*:*:*:*:*:*:*"),
            ErrorKind::FieldCount { found: 10 }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:y\\a:*:*:*:*:*:*:*:*"),
            ErrorKind::QuotedAlphanumeric {
                attribute: Attribute::Product,
                ch: 'a',
                offset: 13
            }
        );
        assert_eq!(
            kind("cpe:2.3:q:x:y:*:*:*:*:*:*:*:*"),
            ErrorKind::Part { found: "q".into() }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:ü:*:*:*:*:*:*:*:*"),
            ErrorKind::NotPrintable {
                attribute: Attribute::Product,
                ch: 'ü',
                offset: 12
            }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:a*b:*:*:*:*:*:*:*:*"),
            ErrorKind::Wildcard {
                attribute: Attribute::Product,
                ch: '*',
                offset: 13
            }
        );
        assert_eq!(
            kind("cpe:2.3:a:x:\\-:*:*:*:*:*:*:*:*"),
            ErrorKind::LoneHyphen {
                attribute: Attribute::Product,
                offset: 12
            }
        );
        let msg = parse("cpe:2.3:a:x:y+z:*:*:*:*:*:*:*:*")
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("cpe:2.3:a:x:y+z") && msg.contains("product") && msg.contains("byte 13"),
            "{msg}"
        );
    }

    /// Vectors from `nilp0inter/cpe` `tests/testfile_cpe2_3_fs.txt` (which
    /// values are valid and which are not).
    #[test]
    fn nilp0inter_wildcard_vectors() {
        for ok in [
            "cpe:2.3:*:*:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:hp:insight_diagnostics:8.*:es?:*:-:-:x32:*:*",
            r"cpe:2.3:a:hp:insight_diagnostics:8.*:es?:*:-:-:x32\~:*:*",
            r"cpe:2.3:a:hp:insight_diagnostics:*8.*:?es?:*:-:-:x32\~:*:*",
            r"cpe:2.3:a:???hp*:insight_diagnostics:8.*:es:*:-:-:x32\~:*:*",
            r"cpe:2.3:a:foo\\bar:big\$money_2010:*:*:*:*:special:ipod_touch:80gb:*",
        ] {
            let c = parse(ok).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(c.to_string(), ok);
        }
        for bad in [
            r"cpe:2.3:a:???hp**:insight_diagnostics:8.*:es:*:-:-:x32\~:*:*",
            r"cpe:2.3:a:hp:insight_?diagnostics:8.*:es:*:-:-:x32\~:*:*",
            "cpe:2.3:h:?*nvidia:*:*:*:*:*:*:*:*:*",
            "baduri",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
