//! One package record of an `APKINDEX` (also the header of an installed-db
//! record): every field of `alpine-formats.md` 2.1, typed.

use std::fmt;

use super::checksum::Checksum;
use super::dependency::{self, Dependency};
use crate::stanza::{Field, Record, StanzaError};

/// A field this parser does not know, kept with its letter, in order.
///
/// apk ignores unknown lowercase fields and marks a package with an unknown
/// uppercase field uninstallable ("newer apk needed"); both are kept here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnknownField {
    /// The field letter.
    pub letter: char,
    /// The value as written.
    pub value: String,
}

/// A package as described by one `APKINDEX` record.
///
/// Optional fields are `None` when the record does not have them, so that
/// [`Package::write_stanza`] writes back what was read. Dependency lists are
/// empty when absent (apk does not write an empty `D:`).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Package {
    /// `C:` identity checksum (SHA-1 of the control gzip member, 2.4).
    /// apk requires it; hand-made installed databases sometimes lack it.
    pub checksum: Option<Checksum>,
    /// `P:` name.
    pub name: String,
    /// `V:` full version, with `-rN`; as written, not validated.
    pub version: String,
    /// `A:` architecture.
    pub arch: Option<String>,
    /// `S:` size of the `.apk` file in bytes.
    pub size: Option<u64>,
    /// `I:` installed size in bytes.
    pub installed_size: Option<u64>,
    /// `T:` one-line description.
    pub description: Option<String>,
    /// `U:` upstream URL.
    pub url: Option<String>,
    /// `L:` license expression.
    pub license: Option<String>,
    /// `o:` origin: the source (aport) package; see [`Package::origin`].
    pub origin: Option<String>,
    /// `m:` maintainer, `Name <email>`.
    pub maintainer: Option<String>,
    /// `t:` build time, Unix seconds.
    pub build_time: Option<u64>,
    /// `c:` aports git commit.
    pub commit: Option<String>,
    /// `k:` provider priority.
    pub provider_priority: Option<u64>,
    /// `D:` dependencies.
    pub depends: Vec<Dependency>,
    /// `p:` provides.
    pub provides: Vec<Dependency>,
    /// `i:` install-if.
    pub install_if: Vec<Dependency>,
    /// Fields not listed above, in input order.
    pub unknown: Vec<UnknownField>,
}

impl Package {
    /// The origin (source package) name: `o:`, or the package's own name
    /// when the record has no `o:`.
    ///
    /// Every package built by abuild has `o:` (a subpackage such as
    /// `libssl3` names `openssl`); a record without it comes from another
    /// tool, and such a package can only be its own source.
    pub fn origin(&self) -> &str {
        self.origin.as_deref().unwrap_or(&self.name)
    }

    /// Parses one record; fields other than those of 2.1 are kept in
    /// [`Package::unknown`].
    pub fn from_record(record: &Record<'_>) -> Result<Self, StanzaError> {
        Self::from_fields(&record.fields, record.line)
    }

    /// Parses the fields of the record that starts at `line`.
    pub(crate) fn from_fields(fields: &[Field<'_>], line: usize) -> Result<Self, StanzaError> {
        let mut b = PackageBuilder::new();
        for f in fields {
            if !b.accept(f)? {
                b.unknown(f);
            }
        }
        b.finish(line)
    }

    /// Writes the record in the field order of apk's writer
    /// (`apk_pkg_write_index_header`, `src/package.c`):
    /// `C P V A S I T U L o m t c k D p i`, then unknown fields in their
    /// order, then the blank line that ends the record.
    ///
    /// For a record apk wrote, the output is byte-identical to the input.
    pub fn write_stanza<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        self.write_fields(w)?;
        for u in &self.unknown {
            writeln!(w, "{}:{}", u.letter, u.value)?;
        }
        w.write_char('\n')
    }

    /// The record as text (see [`Package::write_stanza`]).
    pub fn to_stanza(&self) -> String {
        let mut s = String::with_capacity(512);
        // Writing to a String cannot fail.
        let _ = self.write_stanza(&mut s);
        s
    }

    /// The known fields, in apk's order, without unknown fields or the
    /// final blank line.
    pub(crate) fn write_fields<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        fn opt<W: fmt::Write, T: fmt::Display>(
            w: &mut W,
            letter: char,
            v: Option<&T>,
        ) -> fmt::Result {
            match v {
                Some(v) => writeln!(w, "{letter}:{v}"),
                None => Ok(()),
            }
        }
        fn deps<W: fmt::Write>(w: &mut W, letter: char, d: &[Dependency]) -> fmt::Result {
            if d.is_empty() {
                return Ok(());
            }
            write!(w, "{letter}:")?;
            dependency::write_list(w, d)?;
            w.write_char('\n')
        }
        opt(w, 'C', self.checksum.as_ref())?;
        writeln!(w, "P:{}", self.name)?;
        writeln!(w, "V:{}", self.version)?;
        opt(w, 'A', self.arch.as_ref())?;
        opt(w, 'S', self.size.as_ref())?;
        opt(w, 'I', self.installed_size.as_ref())?;
        opt(w, 'T', self.description.as_ref())?;
        opt(w, 'U', self.url.as_ref())?;
        opt(w, 'L', self.license.as_ref())?;
        opt(w, 'o', self.origin.as_ref())?;
        opt(w, 'm', self.maintainer.as_ref())?;
        opt(w, 't', self.build_time.as_ref())?;
        opt(w, 'c', self.commit.as_ref())?;
        opt(w, 'k', self.provider_priority.as_ref())?;
        deps(w, 'D', &self.depends)?;
        deps(w, 'p', &self.provides)?;
        deps(w, 'i', &self.install_if)
    }
}

/// Parses a decimal integer as apk writes them: digits only.
pub(crate) fn parse_u64(f: &Field<'_>) -> Result<u64, StanzaError> {
    if f.value.is_empty() || !f.value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StanzaError::invalid(
            f,
            format_args!("expected a decimal number, found {:?}", f.value),
        ));
    }
    f.value
        .parse()
        .map_err(|_| StanzaError::invalid(f, format_args!("number too large: {}", f.value)))
}

/// Builds a [`Package`] field by field, refusing duplicates.
#[derive(Debug)]
pub(crate) struct PackageBuilder {
    pkg: Package,
    /// Line of the first occurrence of each ASCII letter (0 = not seen).
    seen: [usize; 128],
}

impl PackageBuilder {
    pub(crate) fn new() -> Self {
        Self {
            pkg: Package::default(),
            seen: [0; 128],
        }
    }

    /// Refuses a second occurrence of a field that may appear once.
    pub(crate) fn once(&mut self, f: &Field<'_>) -> Result<(), StanzaError> {
        let slot = &mut self.seen[usize::from(f.letter as u8 & 0x7f)];
        if *slot != 0 {
            return Err(StanzaError::DuplicateField {
                line: f.line,
                letter: f.letter,
                first: *slot,
            });
        }
        *slot = f.line;
        Ok(())
    }

    /// Takes an index field; `Ok(false)` when the letter is not one.
    pub(crate) fn accept(&mut self, f: &Field<'_>) -> Result<bool, StanzaError> {
        let text = || Some(f.value.to_owned());
        let deps = || dependency::parse_list(f.value).map_err(|e| StanzaError::invalid(f, e));
        match f.letter {
            'C' | 'P' | 'V' | 'A' | 'S' | 'I' | 'T' | 'U' | 'L' | 'o' | 'm' | 't' | 'c' | 'k'
            | 'D' | 'p' | 'i' => self.once(f)?,
            _ => return Ok(false),
        }
        let p = &mut self.pkg;
        match f.letter {
            'C' => {
                p.checksum = Some(Checksum::parse(f.value).map_err(|e| StanzaError::invalid(f, e))?)
            }
            'P' if f.value.is_empty() => return Err(StanzaError::invalid(f, "empty package name")),
            'P' => p.name = f.value.to_owned(),
            'V' if f.value.is_empty() => return Err(StanzaError::invalid(f, "empty version")),
            'V' => p.version = f.value.to_owned(),
            'A' => p.arch = text(),
            'S' => p.size = Some(parse_u64(f)?),
            'I' => p.installed_size = Some(parse_u64(f)?),
            'T' => p.description = text(),
            'U' => p.url = text(),
            'L' => p.license = text(),
            'o' => p.origin = text(),
            'm' => p.maintainer = text(),
            't' => p.build_time = Some(parse_u64(f)?),
            'c' => p.commit = text(),
            'k' => p.provider_priority = Some(parse_u64(f)?),
            'D' => p.depends = deps()?,
            'p' => p.provides = deps()?,
            _ => p.install_if = deps()?,
        }
        Ok(true)
    }

    /// Keeps a field that no parser layer knows.
    pub(crate) fn unknown(&mut self, f: &Field<'_>) {
        self.pkg.unknown.push(UnknownField {
            letter: f.letter,
            value: f.value.to_owned(),
        });
    }

    /// Whether the `P:` field has been seen.
    pub(crate) fn has_name(&self) -> bool {
        self.seen[usize::from(b'P')] != 0
    }

    /// The package; `P:` and `V:` are required.
    pub(crate) fn finish(self, record_line: usize) -> Result<Package, StanzaError> {
        if self.seen[usize::from(b'P')] == 0 {
            return Err(StanzaError::missing_name(record_line));
        }
        if self.seen[usize::from(b'V')] == 0 {
            return Err(StanzaError::missing_version(record_line));
        }
        Ok(self.pkg)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::stanza;

    /// A real record (v3.17 main aarch64, busybox-binsh shape) in apk order.
    const RECORD: &str = "C:Q1tduNGDYV/KwvztK0sMium7UfSj0=
P:busybox-binsh
V:1.36.1-r15
A:x86_64
S:1543
I:8192
T:busybox ash /bin/sh
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1699383189
c:d1b6f274f29076967826e0ecf6ebcaa5d360272f
k:100
D:busybox=1.36.1-r15
p:/bin/sh cmd:sh=1.36.1-r15
i:busybox=1.36.1-r15 !foo

";

    fn one(text: &str) -> Result<Package, StanzaError> {
        let recs = stanza::parse(text.as_bytes())?;
        Package::from_record(&recs[0])
    }

    #[test]
    fn every_field_is_typed() {
        let p = one(RECORD).unwrap();
        assert_eq!(
            p.checksum.unwrap().to_string(),
            "Q1tduNGDYV/KwvztK0sMium7UfSj0="
        );
        assert_eq!(
            (p.name.as_str(), p.version.as_str()),
            ("busybox-binsh", "1.36.1-r15")
        );
        assert_eq!(p.arch.as_deref(), Some("x86_64"));
        assert_eq!((p.size, p.installed_size), (Some(1543), Some(8192)));
        assert_eq!(p.origin(), "busybox");
        assert_eq!(p.build_time, Some(1_699_383_189));
        assert_eq!(p.provider_priority, Some(100));
        assert_eq!(p.depends[0].name(), "busybox");
        assert_eq!(p.provides.len(), 2);
        assert!(p.install_if[1].is_conflict());
        assert!(p.unknown.is_empty());
    }

    #[test]
    fn write_stanza_is_byte_identical_for_apk_order() {
        assert_eq!(one(RECORD).unwrap().to_stanza(), RECORD);
    }

    #[test]
    fn origin_falls_back_to_the_name() {
        let p = one("P:foo\nV:1-r0\n").unwrap();
        assert_eq!(p.origin(), "foo");
        assert_eq!(p.checksum, None);
    }

    #[test]
    fn unknown_fields_are_kept_in_order_and_written_last() {
        let p = one("P:foo\nz:one\nV:1-r0\nZ:two\nz:three\n").unwrap();
        let u: Vec<_> = p
            .unknown
            .iter()
            .map(|u| (u.letter, u.value.as_str()))
            .collect();
        assert_eq!(u, [('z', "one"), ('Z', "two"), ('z', "three")]);
        assert_eq!(p.to_stanza(), "P:foo\nV:1-r0\nz:one\nZ:two\nz:three\n\n");
    }

    #[test]
    fn missing_name_or_version_names_the_record() {
        let e = one("\n\nV:1\nA:x86_64\n").unwrap_err();
        assert_eq!(
            e,
            StanzaError::MissingField {
                line: 3,
                letter: 'P',
                what: "package name"
            }
        );
        assert_eq!(
            e.to_string(),
            "record at line 3: no P: field (package name)"
        );
        let e = one("P:invalidPackageWithoutAVersion\n").unwrap_err();
        assert_eq!(
            e,
            StanzaError::MissingField {
                line: 1,
                letter: 'V',
                what: "version"
            }
        );
    }

    #[test]
    fn bad_values_name_line_and_field() {
        let e = one("P:a\nV:1\nS:12x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3, field S: expected a decimal number, found \"12x\""
        );
        assert!(one("P:a\nV:1\nS:+1\n").is_err());
        assert!(one("P:a\nV:1\nt:99999999999999999999999\n").is_err());
        let e = one("P:a\nV:1\nC:Q1xyz\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 3, field C: invalid checksum"),
            "{e}"
        );
        let e = one("P:a\nV:1\nD:ok =1\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 3, field D: invalid dependency"),
            "{e}"
        );
        let e = one("P:a\nV:1\nP:b\n").unwrap_err();
        assert_eq!(
            e,
            StanzaError::DuplicateField {
                line: 3,
                letter: 'P',
                first: 1
            }
        );
        assert!(one("P:\nV:1\n").is_err());
        assert!(one("P:a\nV:\n").is_err());
    }

    #[test]
    fn json_has_every_field() {
        let v = serde_json::to_value(one(RECORD).unwrap()).unwrap();
        for k in [
            "checksum",
            "name",
            "version",
            "arch",
            "size",
            "installed_size",
            "description",
            "url",
            "license",
            "origin",
            "maintainer",
            "build_time",
            "commit",
            "provider_priority",
            "depends",
            "provides",
            "install_if",
            "unknown",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["provides"][1], "cmd:sh=1.36.1-r15");
    }
}
