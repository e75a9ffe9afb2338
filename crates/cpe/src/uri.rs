//! The CPE 2.2 URI binding, `cpe:/part:vendor:product:version:update:edition:language`
//! (NISTIR 7695 §6.1).
//!
//! Components may be missing at the end (ANY). An empty component is ANY,
//! `-` is NA. Letters, digits and `_` stand for themselves; `.`, `-` and
//! `~` are literal punctuation; `%xx` is a percent-encoded character
//! (either case of hex digits), except `%01` (`?`) and `%02` (`*`), the
//! wildcards. An edition starting with `~` packs five attributes:
//! `~edition~sw_edition~target_sw~target_hw~other`.
//!
//! Unlike the NIST reference unbinder, values keep their case (matching
//! ignores case anyway, and keeping it lets names round-trip), a raw `*` or
//! `?` is read as a wildcard like `%02`/`%01` (the reference reads
//! `cpe:/a:microsoft:internet_explorer%01%01%01%01:?:beta` that way), other
//! raw punctuation is an error, and `%3a` decodes to `:` (the reference
//! decodes it to `)`).

use crate::Attribute;
use crate::error::{ErrorKind, ParseError};
use crate::name::{Cpe, Slot, check_part};
use crate::value::{ValueWriter, Written, not_printable};

const PREFIX: &[u8] = b"cpe:/";

/// The attributes of the seven URI components.
const COMPONENTS: [Attribute; 7] = [
    Attribute::Part,
    Attribute::Vendor,
    Attribute::Product,
    Attribute::Version,
    Attribute::Update,
    Attribute::Edition,
    Attribute::Language,
];

/// The attributes packed into the edition component, in order.
const PACKED: [Attribute; 5] = [
    Attribute::Edition,
    Attribute::SwEdition,
    Attribute::TargetSw,
    Attribute::TargetHw,
    Attribute::Other,
];

/// Parses a URI.
pub(crate) fn parse(input: &str) -> Result<Cpe, ParseError> {
    let err = |kind| ParseError::new(input, kind);
    if input.len() > usize::from(u16::MAX) / 3 {
        // Percent-decoding never grows text, but quoting can double it:
        // keep the buffer within u16 offsets.
        return Err(err(ErrorKind::TooLong));
    }
    let bytes = input.as_bytes();
    if bytes.len() < PREFIX.len() || !bytes[..PREFIX.len()].eq_ignore_ascii_case(PREFIX) {
        return Err(err(ErrorKind::Prefix));
    }
    let found = bytes[PREFIX.len()..].iter().filter(|&&b| b == b':').count() + 1;
    if found > COMPONENTS.len() {
        return Err(err(ErrorKind::UriComponentCount { found }));
    }
    let mut buf = Vec::with_capacity(2 * bytes.len());
    let mut slots = [Slot::Any; 11];
    let mut pos = PREFIX.len();
    for attribute in COMPONENTS {
        if pos > bytes.len() {
            break;
        }
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b':')
            .map_or(bytes.len(), |i| pos + i);
        if attribute == Attribute::Edition && bytes.get(pos) == Some(&b'~') {
            unpack(input, pos, end, &mut buf, &mut slots).map_err(err)?;
        } else {
            slots[attribute.index()] = decode(input, pos, end, attribute, &mut buf).map_err(err)?;
        }
        pos = end + 1;
    }
    let cpe = Cpe::from_parts(buf, slots).map_err(err)?;
    check_part(&cpe).map_err(err)?;
    Ok(cpe)
}

/// `~ed~sw_ed~t_sw~t_hw~other` at `input[start..end]`.
fn unpack(
    input: &str,
    start: usize,
    end: usize,
    buf: &mut Vec<u8>,
    slots: &mut [Slot; 11],
) -> Result<(), ErrorKind> {
    let bytes = input.as_bytes();
    let tildes: Vec<usize> = (start..end).filter(|&i| bytes[i] == b'~').collect();
    if tildes.len() != PACKED.len() {
        return Err(ErrorKind::Packing {
            found: tildes.len(),
            offset: start,
        });
    }
    for (k, attribute) in PACKED.into_iter().enumerate() {
        let from = tildes[k] + 1;
        let to = tildes.get(k + 1).copied().unwrap_or(end);
        slots[attribute.index()] = decode(input, from, to, attribute, buf)?;
    }
    Ok(())
}

/// Decodes one component `input[start..end]` into the buffer.
fn decode(
    input: &str,
    start: usize,
    end: usize,
    attribute: Attribute,
    buf: &mut Vec<u8>,
) -> Result<Slot, ErrorKind> {
    let bytes = input.as_bytes();
    match bytes.get(start..end) {
        None | Some(b"") => return Ok(Slot::Any),
        Some(b"-") => return Ok(Slot::Na),
        _ => {}
    }
    let slot_start = buf.len();
    let mut w = ValueWriter::new(buf, attribute, start);
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'%' => {
                let c = bytes
                    .get(i + 1..i + 3)
                    .filter(|_| i + 3 <= end)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or(ErrorKind::Percent {
                        attribute,
                        offset: i,
                    })?;
                match c {
                    0x01 => w.wildcard(false, i)?,
                    0x02 => w.wildcard(true, i)?,
                    0x21..=0x7e => w.literal(c, i)?,
                    _ => {
                        return Err(ErrorKind::Percent {
                            attribute,
                            offset: i,
                        });
                    }
                }
                i += 3;
            }
            b'?' => {
                w.wildcard(false, i)?;
                i += 1;
            }
            b'*' => {
                w.wildcard(true, i)?;
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'~') => {
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
        Written::Str => match (u16::try_from(slot_start), u16::try_from(buf.len())) {
            (Ok(s), Ok(e)) => Ok(Slot::Str(s, e)),
            _ => Err(ErrorKind::TooLong),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Value;

    fn wfn(c: &Cpe, a: Attribute) -> Option<String> {
        c.get(a).as_str().map(|s| s.as_wfn().to_owned())
    }

    /// The NIST reference unbinder's examples (`CPENameUnbinderTest`),
    /// compared ignoring case since the reference lowercases URI values.
    #[test]
    fn nist_reference_vectors() {
        let c = parse("cpe:/a:microsoft:internet_explorer%01%01%01%01:?:beta").unwrap();
        assert_eq!(
            wfn(&c, Attribute::Product).as_deref(),
            Some("internet_explorer????")
        );
        assert_eq!(wfn(&c, Attribute::Version).as_deref(), Some("?"));
        assert_eq!(wfn(&c, Attribute::Update).as_deref(), Some("beta"));
        assert_eq!(c.edition(), Value::Any);

        let c = parse("cpe:/a:microsoft:internet_explorer:8.%2a:sp%3f").unwrap();
        assert_eq!(wfn(&c, Attribute::Version).as_deref(), Some("8\\.\\*"));
        assert_eq!(wfn(&c, Attribute::Update).as_deref(), Some("sp\\?"));

        let c = parse("cpe:/a:microsoft:internet_explorer:8.%02:sp%01").unwrap();
        assert_eq!(wfn(&c, Attribute::Version).as_deref(), Some("8\\.*"));
        assert_eq!(wfn(&c, Attribute::Update).as_deref(), Some("sp?"));

        let c = parse("cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~").unwrap();
        assert_eq!(
            wfn(&c, Attribute::Version).as_deref(),
            Some("7\\.4\\.0\\.1570")
        );
        assert_eq!(c.update(), Value::Any);
        assert_eq!(c.edition(), Value::Any);
        assert_eq!(wfn(&c, Attribute::SwEdition).as_deref(), Some("online"));
        assert_eq!(wfn(&c, Attribute::TargetSw).as_deref(), Some("win2003"));
        assert_eq!(wfn(&c, Attribute::TargetHw).as_deref(), Some("x64"));
        assert_eq!(c.other(), Value::Any);
        assert_eq!(
            c.to_uri(),
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~"
        );

        let c = parse("cpe:/a::Reader:9.3.2:-:-").unwrap();
        assert_eq!(c.vendor(), Value::Any);
        assert!(
            c.product()
                .as_str()
                .unwrap()
                .eq_ignore_case(crate::value::WfnStr::new_unchecked("reader"))
        );
        assert_eq!(c.update(), Value::Na);
        assert_eq!(c.edition(), Value::Na);
        assert_eq!(c.to_string(), "cpe:2.3:a:*:Reader:9.3.2:-:-:*:*:*:*:*");
    }

    #[test]
    fn tilde_is_percent_7e_and_decodes_both_cases() {
        let c = Cpe::builder()
            .literal(Attribute::Part, "a")
            .literal(Attribute::Product, "a~b")
            .build()
            .unwrap();
        assert_eq!(c.to_uri(), "cpe:/a::a%7eb");
        assert_eq!(parse("cpe:/a::a%7eb").unwrap(), c);
        assert_eq!(parse("cpe:/a::a%7Eb").unwrap(), c);
        assert_eq!(parse("cpe:/a::a~b").unwrap(), c);
        let colon = parse("cpe:/a:jenkins:pipeline%3a_groovy").unwrap();
        assert_eq!(
            colon.product().unquoted().as_deref(),
            Some("pipeline:_groovy")
        );
    }

    #[test]
    fn errors() {
        let kind = |s: &str| parse(s).unwrap_err().kind;
        assert_eq!(
            kind("cpe:/a:b:c:d:e:f:g:h"),
            ErrorKind::UriComponentCount { found: 8 }
        );
        assert_eq!(
            kind("cpe:/a:x:y%zz"),
            ErrorKind::Percent {
                attribute: Attribute::Product,
                offset: 10
            }
        );
        assert_eq!(
            kind("cpe:/a:x:y%2"),
            ErrorKind::Percent {
                attribute: Attribute::Product,
                offset: 10
            }
        );
        assert_eq!(
            kind("cpe:/a:x:y%00"),
            ErrorKind::Percent {
                attribute: Attribute::Product,
                offset: 10
            }
        );
        assert_eq!(
            kind("cpe:/a:x:y+z"),
            ErrorKind::Unquoted {
                attribute: Attribute::Product,
                ch: '+',
                offset: 10
            }
        );
        assert_eq!(
            kind("cpe:/a:x:y:1:2:~a~b"),
            ErrorKind::Packing {
                found: 2,
                offset: 15
            }
        );
        assert_eq!(
            kind("cpe:/a:x:a%02b"),
            ErrorKind::Wildcard {
                attribute: Attribute::Product,
                ch: '*',
                offset: 10
            }
        );
        assert_eq!(kind("cpe:/z"), ErrorKind::Part { found: "z".into() });
    }

    #[test]
    fn short_uris() {
        let c = parse("cpe:/o:redhat:enterprise_linux:8::fastdatapath").unwrap();
        assert_eq!(c.edition().unquoted().as_deref(), Some("fastdatapath"));
        assert_eq!(c.to_uri(), "cpe:/o:redhat:enterprise_linux:8::fastdatapath");
        let c = parse("cpe:/").unwrap();
        assert_eq!(c, Cpe::builder().build().unwrap());
    }
}
