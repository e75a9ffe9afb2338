//! The CPE name type.

use std::fmt;
use std::str::FromStr;

use crate::error::{ErrorKind, ParseError};
use crate::value::{Value, ValueWriter, WfnStr, Written, write_literal_text, write_wfn_text};
use crate::{Attribute, Part, fs, uri};

/// Where one attribute's value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Slot {
    Any,
    Na,
    /// Byte range of the WFN text in the buffer.
    Str(u16, u16),
}

/// A CPE name: eleven attributes, each ANY, NA or a WFN string value
/// (possibly with wildcards, as in NVD match criteria).
///
/// All values live in one buffer, in WFN form, so a parse costs a single
/// allocation. `==` and `Hash` compare the eleven values exactly
/// (case-sensitively); use [`Cpe::compare`] for CPE matching, which ignores
/// case.
#[derive(Clone)]
pub struct Cpe {
    pub(crate) buf: String,
    pub(crate) slots: [Slot; 11],
}

impl Cpe {
    /// Wraps a buffer of WFN text (ASCII only: the writers never write
    /// anything else, so the UTF-8 check cannot fail in practice).
    pub(crate) fn from_parts(buf: Vec<u8>, slots: [Slot; 11]) -> Result<Self, ErrorKind> {
        match String::from_utf8(buf) {
            Ok(buf) => Ok(Self { buf, slots }),
            Err(e) => Err(ErrorKind::NotPrintable {
                attribute: Attribute::Part,
                ch: char::REPLACEMENT_CHARACTER,
                offset: e.utf8_error().valid_up_to(),
            }),
        }
    }

    /// Parses a formatted string (`cpe:2.3:…`) or a URI (`cpe:/…`).
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        if input.len() > 5 && input.as_bytes()[..5].eq_ignore_ascii_case(b"cpe:/") {
            uri::parse(input)
        } else {
            fs::parse(input)
        }
    }

    /// Parses a CPE 2.3 formatted string (`cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*`).
    pub fn parse_fs(input: &str) -> Result<Self, ParseError> {
        fs::parse(input)
    }

    /// Parses a CPE 2.2 URI (`cpe:/a:apache:log4j:2.0`).
    pub fn parse_uri(input: &str) -> Result<Self, ParseError> {
        uri::parse(input)
    }

    /// A builder with every attribute ANY.
    pub fn builder<'a>() -> CpeBuilder<'a> {
        CpeBuilder {
            specs: [Spec::Any; 11],
        }
    }

    /// A builder holding this name's values, to derive a changed name.
    pub fn to_builder(&self) -> CpeBuilder<'_> {
        let mut specs = [Spec::Any; 11];
        for a in Attribute::ALL {
            specs[a.index()] = match self.get(a) {
                Value::Any => Spec::Any,
                Value::Na => Spec::Na,
                Value::Str(s) => Spec::Wfn(s.as_wfn()),
            };
        }
        CpeBuilder { specs }
    }

    /// The value of one attribute.
    pub fn get(&self, attribute: Attribute) -> Value<'_> {
        match self.slots[attribute.index()] {
            Slot::Any => Value::Any,
            Slot::Na => Value::Na,
            Slot::Str(start, end) => {
                let text = self
                    .buf
                    .get(usize::from(start)..usize::from(end))
                    .unwrap_or_default();
                Value::Str(WfnStr::new_unchecked(text))
            }
        }
    }

    /// The part, when it is one of `a`, `o`, `h` (not ANY or NA).
    pub fn part(&self) -> Option<Part> {
        self.get(Attribute::Part)
            .as_str()
            .and_then(|s| Part::from_code(s.as_wfn()))
    }

    /// `vendor`.
    pub fn vendor(&self) -> Value<'_> {
        self.get(Attribute::Vendor)
    }

    /// `product`.
    pub fn product(&self) -> Value<'_> {
        self.get(Attribute::Product)
    }

    /// `version`.
    pub fn version(&self) -> Value<'_> {
        self.get(Attribute::Version)
    }

    /// `update`.
    pub fn update(&self) -> Value<'_> {
        self.get(Attribute::Update)
    }

    /// `edition`.
    pub fn edition(&self) -> Value<'_> {
        self.get(Attribute::Edition)
    }

    /// `language`.
    pub fn language(&self) -> Value<'_> {
        self.get(Attribute::Language)
    }

    /// `sw_edition`.
    pub fn sw_edition(&self) -> Value<'_> {
        self.get(Attribute::SwEdition)
    }

    /// `target_sw`.
    pub fn target_sw(&self) -> Value<'_> {
        self.get(Attribute::TargetSw)
    }

    /// `target_hw`.
    pub fn target_hw(&self) -> Value<'_> {
        self.get(Attribute::TargetHw)
    }

    /// `other`.
    pub fn other(&self) -> Value<'_> {
        self.get(Attribute::Other)
    }

    /// Whether any attribute holds a wildcard (the name is a pattern).
    pub fn has_wildcards(&self) -> bool {
        Attribute::ALL
            .iter()
            .any(|&a| self.get(a).as_str().is_some_and(WfnStr::has_wildcards))
    }

    /// The CPE 2.3 formatted string binding (also what `Display` writes).
    pub fn to_fs(&self) -> String {
        let mut out = String::with_capacity(self.buf.len() + 32);
        out.push_str("cpe:2.3");
        for a in Attribute::ALL {
            out.push(':');
            match self.get(a) {
                Value::Any => out.push('*'),
                Value::Na => out.push('-'),
                Value::Str(s) => s.bind_fs(&mut out),
            }
        }
        out
    }

    /// The CPE 2.2 URI binding (`cpe:/a:apache:log4j:2.0:beta9`): ANY is
    /// empty, NA is `-`, punctuation other than `.`, `-` and `_` is
    /// percent-encoded, wildcards are `%01`/`%02`, the four 2.3-only
    /// attributes are packed into `edition` as `~ed~sw_ed~t_sw~t_hw~other`
    /// when any is set, and trailing colons are dropped (NISTIR 7695 §6.1.2).
    pub fn to_uri(&self) -> String {
        let mut out = String::with_capacity(self.buf.len() + 16);
        out.push_str("cpe:/");
        let bind = |a: Attribute, out: &mut String| match self.get(a) {
            Value::Any => {}
            Value::Na => out.push('-'),
            Value::Str(s) => s.bind_uri(out),
        };
        let extended = [
            Attribute::SwEdition,
            Attribute::TargetSw,
            Attribute::TargetHw,
            Attribute::Other,
        ];
        for a in [
            Attribute::Part,
            Attribute::Vendor,
            Attribute::Product,
            Attribute::Version,
            Attribute::Update,
            Attribute::Edition,
            Attribute::Language,
        ] {
            if a != Attribute::Part {
                out.push(':');
            }
            if a == Attribute::Edition && extended.iter().any(|&e| !self.get(e).is_any()) {
                out.push('~');
                bind(Attribute::Edition, &mut out);
                for e in extended {
                    out.push('~');
                    bind(e, &mut out);
                }
            } else {
                bind(a, &mut out);
            }
        }
        let trimmed = out.trim_end_matches(':').len();
        out.truncate(trimmed);
        out
    }
}

// By value, not by buffer layout: a URI with a packed edition fills the
// buffer in another order than a formatted string.
impl PartialEq for Cpe {
    fn eq(&self, other: &Self) -> bool {
        Attribute::ALL.iter().all(|&a| self.get(a) == other.get(a))
    }
}

impl Eq for Cpe {}

impl std::hash::Hash for Cpe {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for a in Attribute::ALL {
            self.get(a).hash(state);
        }
    }
}

impl fmt::Display for Cpe {
    /// The formatted string binding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_fs())
    }
}

impl fmt::Debug for Cpe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cpe({})", self.to_fs())
    }
}

impl FromStr for Cpe {
    type Err = ParseError;

    /// Either binding: `cpe:2.3:…` or `cpe:/…`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Cpe {
    /// As the formatted string.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_fs())
    }
}

impl<'de> serde::Deserialize<'de> for Cpe {
    /// From either binding.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Cpe;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CPE name (`cpe:2.3:…` or `cpe:/…`)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Cpe, E> {
                Cpe::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// How the builder was given one attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spec<'a> {
    Any,
    Na,
    /// Plain text, to be quoted (`sdbus-c++`).
    Literal(&'a str),
    /// WFN text, already quoted, wildcards allowed (`8\.*`).
    Wfn(&'a str),
}

/// Builds a [`Cpe`] attribute by attribute; every attribute starts as ANY.
///
/// ```
/// use secfixes_cpe::{Attribute, Cpe};
/// let cpe = Cpe::builder()
///     .literal(Attribute::Part, "a")
///     .literal(Attribute::Vendor, "sdbus-cpp_project")
///     .literal(Attribute::Product, "sdbus-c++")
///     .build()
///     .unwrap();
/// assert_eq!(cpe.to_string(), r"cpe:2.3:a:sdbus-cpp_project:sdbus-c\+\+:*:*:*:*:*:*:*:*");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct CpeBuilder<'a> {
    specs: [Spec<'a>; 11],
}

impl<'a> CpeBuilder<'a> {
    /// Sets ANY.
    pub fn any(mut self, attribute: Attribute) -> Self {
        self.specs[attribute.index()] = Spec::Any;
        self
    }

    /// Sets NA.
    pub fn na(mut self, attribute: Attribute) -> Self {
        self.specs[attribute.index()] = Spec::Na;
        self
    }

    /// Sets a plain value; punctuation is quoted, `*` and `?` are literal.
    pub fn literal(mut self, attribute: Attribute, text: &'a str) -> Self {
        self.specs[attribute.index()] = Spec::Literal(text);
        self
    }

    /// Sets a value given in WFN form (`8\.0`, `9\.*`): punctuation must be
    /// quoted, unquoted `*` and `?` are wildcards.
    pub fn wfn(mut self, attribute: Attribute, text: &'a str) -> Self {
        self.specs[attribute.index()] = Spec::Wfn(text);
        self
    }

    /// Checks and builds the name. Offsets in errors are within the
    /// attribute's text.
    pub fn build(self) -> Result<Cpe, ParseError> {
        let total: usize = self
            .specs
            .iter()
            .map(|s| match s {
                Spec::Any | Spec::Na => 0,
                Spec::Literal(t) => 2 * t.len(),
                Spec::Wfn(t) => t.len(),
            })
            .sum();
        let mut buf = Vec::with_capacity(total);
        let mut slots = [Slot::Any; 11];
        for a in Attribute::ALL {
            let spec = self.specs[a.index()];
            let text = match spec {
                Spec::Any => continue,
                Spec::Na => {
                    slots[a.index()] = Slot::Na;
                    continue;
                }
                Spec::Literal(t) | Spec::Wfn(t) => t,
            };
            let start = buf.len();
            let mut w = ValueWriter::new(&mut buf, a, 0);
            let written = match spec {
                Spec::Literal(t) => write_literal_text(&mut w, t, 0).and_then(|()| w.finish()),
                _ => write_wfn_text(&mut w, text, 0).and_then(|()| w.finish()),
            }
            .map_err(|kind| ParseError::new(text, kind))?;
            slots[a.index()] = match written {
                Written::Any => Slot::Any,
                Written::Str => {
                    let (Ok(s), Ok(e)) = (u16::try_from(start), u16::try_from(buf.len())) else {
                        return Err(ParseError::new(text, ErrorKind::TooLong));
                    };
                    Slot::Str(s, e)
                }
            };
        }
        let cpe = Cpe::from_parts(buf, slots).map_err(|kind| ParseError::new("", kind))?;
        check_part(&cpe).map_err(|kind| ParseError::new(&cpe.to_fs(), kind))?;
        Ok(cpe)
    }
}

/// `part` is `a`, `o`, `h` (any case), ANY or NA.
pub(crate) fn check_part(cpe: &Cpe) -> Result<(), ErrorKind> {
    match cpe.get(Attribute::Part) {
        Value::Any | Value::Na => Ok(()),
        Value::Str(s) if Part::from_code(s.as_wfn()).is_some() => Ok(()),
        Value::Str(s) => Err(ErrorKind::Part {
            found: s.unquoted().into_owned(),
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn builder_quotes_literals() {
        let cpe = Cpe::builder()
            .literal(Attribute::Part, "a")
            .literal(Attribute::Vendor, "jenkins")
            .literal(Attribute::Product, "pipeline: groovy")
            .build();
        assert!(matches!(
            cpe,
            Err(ParseError {
                kind: ErrorKind::NotPrintable {
                    ch: ' ',
                    offset: 9,
                    ..
                },
                ..
            })
        ));
        let cpe = Cpe::builder()
            .literal(Attribute::Part, "a")
            .literal(Attribute::Product, "pipeline:_groovy")
            .literal(Attribute::Version, "1.0*")
            .na(Attribute::Update)
            .build()
            .unwrap();
        assert_eq!(
            cpe.product().as_str().unwrap().as_wfn(),
            "pipeline\\:_groovy"
        );
        assert_eq!(
            cpe.to_string(),
            "cpe:2.3:a:*:pipeline\\:_groovy:1.0\\*:-:*:*:*:*:*:*"
        );
        assert!(!cpe.has_wildcards());
    }

    #[test]
    fn builder_wfn_and_round_trip_through_builder() {
        let cpe = Cpe::builder()
            .wfn(Attribute::Part, "o")
            .wfn(Attribute::Version, "9\\.*")
            .build()
            .unwrap();
        assert!(cpe.has_wildcards());
        assert_eq!(cpe.to_builder().build().unwrap(), cpe);
        assert!(
            Cpe::builder()
                .wfn(Attribute::Version, "9.*")
                .build()
                .is_err()
        );
        assert!(matches!(
            Cpe::builder().literal(Attribute::Part, "x").build(),
            Err(ParseError {
                kind: ErrorKind::Part { .. },
                ..
            })
        ));
        // A lone `*` given as WFN text is ANY.
        assert_eq!(
            Cpe::builder().wfn(Attribute::Vendor, "*").build().unwrap(),
            Cpe::builder().build().unwrap()
        );
    }

    #[test]
    fn uri_binding_packs_edition() {
        let cpe = Cpe::builder()
            .literal(Attribute::Part, "a")
            .literal(Attribute::Vendor, "hp")
            .literal(Attribute::Product, "insight_diagnostics")
            .literal(Attribute::Version, "7.4.0.1570")
            .literal(Attribute::SwEdition, "online")
            .literal(Attribute::TargetSw, "win2003")
            .literal(Attribute::TargetHw, "x64")
            .build()
            .unwrap();
        assert_eq!(
            cpe.to_uri(),
            "cpe:/a:hp:insight_diagnostics:7.4.0.1570::~~online~win2003~x64~"
        );
        assert_eq!(Cpe::builder().build().unwrap().to_uri(), "cpe:/");
    }
}
