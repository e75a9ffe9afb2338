//! The installed database, `lib/apk/db/installed` (`alpine-formats.md` 3.1).
//!
//! The same record format as `APKINDEX` ([`crate::stanza`]): each record
//! holds a package's index fields ([`Package`]), then installed-only fields
//! (`g r q s f`), then its files: `F:` a directory (path relative to the
//! root) with an optional `M:` acl, followed by `R:` files in it, each with
//! an optional `a:` acl and `Z:` content checksum. Order matters for the
//! file fields and is kept.
//!
//! Parsing is one linear pass over the bytes (this runs on every
//! `secfixes scan`). [`InstalledDb::parse`] stops at the first bad record;
//! [`InstalledDb::parse_tolerant`] skips bad records and returns their
//! errors, for databases written by other tools (scanner fixtures hold
//! records without `V:`, or a first line of junk).
//!
//! Differences from apk (`apk_db_fdb_read`, `src/database.c`), on purpose:
//! apk refuses a record without `C:` and any unknown field ("this apk-tools
//! is too old"); here `C:` is optional and unknown fields are kept in
//! [`Package::unknown`]. apk merges a repeated `F:` of the same directory;
//! here each `F:` is its own [`Directory`] entry, in order.

use std::collections::HashMap;
use std::fmt;

use crate::index::dependency::{self, Dependency};
use crate::index::package::{PackageBuilder, parse_u64};
use crate::index::{Checksum, Package};
use crate::stanza::{self, Field, StanzaError};

/// Owner and mode of a directory (`M:`) or file (`a:`):
/// `uid:gid:mode[:xattr checksum]`, the mode in octal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Acl {
    /// Owner user id.
    pub uid: u32,
    /// Owner group id.
    pub gid: u32,
    /// Permission bits (written in octal).
    pub mode: u32,
    /// Checksum of the extended attributes, if any.
    pub xattr_checksum: Option<Checksum>,
}

impl Acl {
    fn parse(f: &Field<'_>) -> Result<Self, StanzaError> {
        let bad = || {
            StanzaError::invalid(
                f,
                format_args!(
                    "expected uid:gid:mode[:xattr checksum], found {:?}",
                    f.value
                ),
            )
        };
        let mut parts = f.value.splitn(4, ':');
        let mut num = |radix| {
            let p = parts.next().ok_or_else(bad)?;
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            u32::from_str_radix(p, radix).map_err(|_| bad())
        };
        let (uid, gid, mode) = (num(10)?, num(10)?, num(8)?);
        let xattr_checksum = match parts.next() {
            Some(c) => Some(Checksum::parse(c).map_err(|e| StanzaError::invalid(f, e))?),
            None => None,
        };
        Ok(Self {
            uid,
            gid,
            mode,
            xattr_checksum,
        })
    }
}

impl fmt::Display for Acl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{:o}", self.uid, self.gid, self.mode)?;
        match &self.xattr_checksum {
            Some(c) => write!(f, ":{c}"),
            None => Ok(()),
        }
    }
}

/// The `f:` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct InstallFlags {
    /// `f`: some files could not be installed.
    pub broken_files: bool,
    /// `s`: a script failed.
    pub broken_script: bool,
    /// `x`: extended attributes could not be set.
    pub broken_xattr: bool,
    /// `S`: the 20-byte `Z:` checksums are SHA-256 truncated to 160 bits,
    /// not SHA-1.
    pub sha256_160: bool,
}

impl InstallFlags {
    fn parse(f: &Field<'_>) -> Result<Self, StanzaError> {
        let mut flags = Self::default();
        for c in f.value.chars() {
            match c {
                'f' => flags.broken_files = true,
                's' => flags.broken_script = true,
                'x' => flags.broken_xattr = true,
                'S' => flags.sha256_160 = true,
                // apk stops here too: a newer apk wrote this database.
                other => {
                    return Err(StanzaError::invalid(
                        f,
                        format_args!("unknown flag {other:?}"),
                    ));
                }
            }
        }
        Ok(flags)
    }
}

impl fmt::Display for InstallFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (set, c) in [
            (self.broken_files, "f"),
            (self.broken_script, "s"),
            (self.broken_xattr, "x"),
            (self.sha256_160, "S"),
        ] {
            if set {
                f.write_str(c)?;
            }
        }
        Ok(())
    }
}

/// A file owned by a package (`R:`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstalledFile {
    /// The file name within its directory.
    pub name: String,
    /// `a:` owner and mode, when not the default.
    pub acl: Option<Acl>,
    /// `Z:` content checksum.
    pub checksum: Option<Checksum>,
}

/// A directory of a package (`F:`) and the files it owns there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Directory {
    /// Path relative to the root, without a leading slash (`usr/bin`).
    pub path: String,
    /// `M:` owner and mode, when not the default.
    pub acl: Option<Acl>,
    /// The `R:` entries, in order.
    pub files: Vec<InstalledFile>,
}

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InstalledPackage {
    /// The index fields (`o:` gives the origin: [`Package::origin`]).
    #[serde(flatten)]
    pub package: Package,
    /// `g:` tags (apk 3).
    pub tags: Vec<String>,
    /// `r:` packages whose files this one may replace.
    pub replaces: Vec<Dependency>,
    /// `q:` replaces priority.
    pub replaces_priority: Option<u64>,
    /// `s:` the repository tag the package is pinned to.
    pub repository_tag: Option<String>,
    /// `f:` flags.
    pub flags: Option<InstallFlags>,
    /// `F:` directories with their files, in order.
    pub directories: Vec<Directory>,
}

impl InstalledPackage {
    /// Parses one record.
    pub fn from_record(record: &stanza::Record<'_>) -> Result<Self, StanzaError> {
        parse_record(&record.fields, record.line)
    }

    /// Every owned file as a root-relative path (`usr/bin/iconv`).
    pub fn file_paths(&self) -> impl Iterator<Item = String> + '_ {
        self.directories.iter().flat_map(|d| {
            d.files.iter().map(move |f| {
                if d.path.is_empty() {
                    f.name.clone()
                } else {
                    format!("{}/{}", d.path, f.name)
                }
            })
        })
    }

    /// Number of `R:` entries.
    pub fn file_count(&self) -> usize {
        self.directories.iter().map(|d| d.files.len()).sum()
    }

    /// Writes the record in apk's order (`apk_db_fdb_write`): index fields,
    /// `g r q s f`, unknown fields, then `F`/`M` and `R`/`a`/`Z`, then a
    /// blank line. Byte-identical for a database apk wrote.
    pub fn write_stanza<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        self.package.write_fields(w)?;
        if !self.tags.is_empty() {
            writeln!(w, "g:{}", self.tags.join(" "))?;
        }
        if !self.replaces.is_empty() {
            w.write_str("r:")?;
            dependency::write_list(w, &self.replaces)?;
            w.write_char('\n')?;
        }
        if let Some(q) = self.replaces_priority {
            writeln!(w, "q:{q}")?;
        }
        if let Some(s) = &self.repository_tag {
            writeln!(w, "s:{s}")?;
        }
        if let Some(flags) = &self.flags {
            writeln!(w, "f:{flags}")?;
        }
        for u in &self.package.unknown {
            writeln!(w, "{}:{}", u.letter, u.value)?;
        }
        for d in &self.directories {
            writeln!(w, "F:{}", d.path)?;
            if let Some(acl) = &d.acl {
                writeln!(w, "M:{acl}")?;
            }
            for f in &d.files {
                writeln!(w, "R:{}", f.name)?;
                if let Some(acl) = &f.acl {
                    writeln!(w, "a:{acl}")?;
                }
                if let Some(c) = &f.checksum {
                    writeln!(w, "Z:{c}")?;
                }
            }
        }
        w.write_char('\n')
    }
}

/// The parsed database.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct InstalledDb {
    /// The packages in file order.
    pub packages: Vec<InstalledPackage>,
}

impl InstalledDb {
    /// Parses a whole database; the first bad record is an error naming
    /// its line. An empty file is an empty database.
    pub fn parse(bytes: &[u8]) -> Result<Self, StanzaError> {
        let mut packages = Vec::new();
        let mut parser = stanza::Parser::new(bytes);
        let mut fields = Vec::with_capacity(256);
        while let Some(start) = parser.next_into(&mut fields) {
            packages.push(parse_record(&fields, start?)?);
        }
        Ok(Self { packages })
    }

    /// Parses a database, skipping the records that do not parse; their
    /// errors are returned beside the database, in file order.
    pub fn parse_tolerant(bytes: &[u8]) -> (Self, Vec<StanzaError>) {
        let mut packages = Vec::new();
        let mut errors = Vec::new();
        let mut parser = stanza::Parser::new(bytes);
        let mut fields = Vec::with_capacity(256);
        while let Some(start) = parser.next_into(&mut fields) {
            match start.and_then(|line| parse_record(&fields, line)) {
                Ok(p) => packages.push(p),
                Err(e) => errors.push(e),
            }
        }
        (Self { packages }, errors)
    }

    /// The first package of this name (a linear search; use
    /// [`InstalledDb::by_name`] for many lookups).
    pub fn get(&self, name: &str) -> Option<&InstalledPackage> {
        self.packages.iter().find(|p| p.package.name == name)
    }

    /// The packages by name (the first one wins if a name repeats).
    pub fn by_name(&self) -> HashMap<&str, &InstalledPackage> {
        let mut map = HashMap::with_capacity(self.packages.len());
        for p in &self.packages {
            map.entry(p.package.name.as_str()).or_insert(p);
        }
        map
    }

    /// Writes the database back (see [`InstalledPackage::write_stanza`]).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for p in &self.packages {
            // Writing to a String cannot fail.
            let _ = p.write_stanza(&mut s);
        }
        s
    }
}

fn parse_record(fields: &[Field<'_>], start: usize) -> Result<InstalledPackage, StanzaError> {
    let mut b = PackageBuilder::new();
    let mut tags = Vec::new();
    let mut replaces = Vec::new();
    let mut replaces_priority = None;
    let mut repository_tag = None;
    let mut flags = None;
    // `a:`/`Z:` belong to the last `R:` of the last `F:`; a new `F:` starts
    // with no file, so they are refused there.
    let mut directories: Vec<Directory> = Vec::new();

    for f in fields {
        match f.letter {
            'F' => {
                if !b.has_name() {
                    return Err(StanzaError::invalid(
                        f,
                        "F: before P: (apk: FDB format error)",
                    ));
                }
                directories.push(Directory {
                    path: f.value.to_owned(),
                    acl: None,
                    files: Vec::new(),
                });
            }
            'M' => {
                let dir = directories
                    .last_mut()
                    .ok_or_else(|| StanzaError::invalid(f, "M: without a preceding F:"))?;
                if dir.acl.is_some() {
                    return Err(StanzaError::invalid(f, "second M: for the same F:"));
                }
                dir.acl = Some(Acl::parse(f)?);
            }
            'R' => {
                let dir = directories
                    .last_mut()
                    .ok_or_else(|| StanzaError::invalid(f, "R: without a preceding F:"))?;
                dir.files.push(InstalledFile {
                    name: f.value.to_owned(),
                    acl: None,
                    checksum: None,
                });
            }
            'a' | 'Z' => {
                let file = directories
                    .last_mut()
                    .and_then(|d| d.files.last_mut())
                    .ok_or_else(|| StanzaError::invalid(f, "no preceding R: in this F:"))?;
                if f.letter == 'a' {
                    if file.acl.is_some() {
                        return Err(StanzaError::invalid(f, "second a: for the same R:"));
                    }
                    file.acl = Some(Acl::parse(f)?);
                } else {
                    if file.checksum.is_some() {
                        return Err(StanzaError::invalid(f, "second Z: for the same R:"));
                    }
                    file.checksum =
                        Some(Checksum::parse(f.value).map_err(|e| StanzaError::invalid(f, e))?);
                }
            }
            'g' => {
                b.once(f)?;
                tags = f
                    .value
                    .split_ascii_whitespace()
                    .map(str::to_owned)
                    .collect();
            }
            'r' => {
                b.once(f)?;
                replaces =
                    dependency::parse_list(f.value).map_err(|e| StanzaError::invalid(f, e))?;
            }
            'q' => {
                b.once(f)?;
                replaces_priority = Some(parse_u64(f)?);
            }
            's' => {
                b.once(f)?;
                repository_tag = Some(f.value.to_owned());
            }
            'f' => {
                b.once(f)?;
                flags = Some(InstallFlags::parse(f)?);
            }
            _ => {
                if !b.accept(f)? {
                    b.unknown(f);
                }
            }
        }
    }
    Ok(InstalledPackage {
        package: b.finish(start)?,
        tags,
        replaces,
        replaces_priority,
        repository_tag,
        flags,
        directories,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// From `alpinelinux/apk-tools:test/user/query-installed.data`
    /// (alpine-formats.md 3.1), plus an `M:` line and a second package.
    const DB: &str = "C:Q17OteNVXn9/iSXcJI1Vf8x0TVc9Y=
P:alpine-baselayout
V:3.6.8-r1
A:x86_64
S:8306
I:6532
T:Alpine base dir structure and init scripts
U:https://git.alpinelinux.org/cgit/aports/tree/main/alpine-baselayout
L:GPL-2.0-only
o:alpine-baselayout
m:Natanael Copa <ncopa@alpinelinux.org>
t:1735974288
c:5f0cd7890349e7fe11128478ac506c709805224d
D:alpine-baselayout-data=3.6.8-r1 /bin/sh
q:1000
F:etc
R:motd
Z:Q1SLkS9hBidUbPwwrw+XR0Whv3ww8=
F:etc/crontabs
M:0:0:700
R:root
a:0:0:600
Z:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=

P:libssl3
V:3.3.2-r4
o:openssl
r:libressl
f:fS
F:lib
R:libssl.so.3
a:0:0:755:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=

";

    #[test]
    fn parses_files_in_order_and_writes_back_identically() {
        let db = InstalledDb::parse(DB.as_bytes()).unwrap();
        assert_eq!(db.packages.len(), 2);
        let p = &db.packages[0];
        assert_eq!(p.replaces_priority, Some(1000));
        assert_eq!(p.file_count(), 2);
        assert_eq!(
            p.file_paths().collect::<Vec<_>>(),
            ["etc/motd", "etc/crontabs/root"]
        );
        let crontabs = &p.directories[1];
        assert_eq!(
            crontabs.acl,
            Some(Acl {
                uid: 0,
                gid: 0,
                mode: 0o700,
                xattr_checksum: None
            })
        );
        assert_eq!(crontabs.files[0].acl.unwrap().mode, 0o600);
        assert_eq!(
            crontabs.files[0].checksum.unwrap().to_string(),
            "Q1vfk1apUWI4yLJGhhNRd0kJixfvY="
        );
        let ssl = &db.packages[1];
        assert_eq!(ssl.package.origin(), "openssl");
        assert_eq!(ssl.replaces[0].name(), "libressl");
        let flags = ssl.flags.unwrap();
        assert!(flags.broken_files && flags.sha256_160 && !flags.broken_script);
        assert!(
            ssl.directories[0].files[0]
                .acl
                .unwrap()
                .xattr_checksum
                .is_some()
        );
        assert_eq!(db.to_text(), DB);
        assert_eq!(db.by_name()["libssl3"].package.version, "3.3.2-r4");
        assert_eq!(
            db.get("alpine-baselayout").unwrap().package.name,
            "alpine-baselayout"
        );
        assert!(db.get("nope").is_none());
    }

    #[test]
    fn file_fields_out_of_place_are_errors_with_lines() {
        let cases = [
            (
                "P:a\nV:1\nR:x\n",
                "line 3, field R: R: without a preceding F:",
            ),
            (
                "P:a\nV:1\nM:0:0:755\n",
                "line 3, field M: M: without a preceding F:",
            ),
            (
                "P:a\nV:1\nF:etc\nZ:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=\n",
                "line 4, field Z: no preceding R: in this F:",
            ),
            (
                "P:a\nV:1\nF:etc\nR:x\nF:usr\na:0:0:755\n",
                "line 6, field a: no preceding R: in this F:",
            ),
            (
                "F:etc\nP:a\nV:1\n",
                "line 1, field F: F: before P: (apk: FDB format error)",
            ),
            (
                "P:a\nV:1\nF:etc\nR:x\na:0:0:9\n",
                "line 5, field a: expected uid:gid:mode[:xattr checksum], found \"0:0:9\"",
            ),
            (
                "P:a\nV:1\nF:etc\nR:x\na:0:0\n",
                "line 5, field a: expected uid:gid:mode[:xattr checksum], found \"0:0\"",
            ),
            ("P:a\nV:1\nf:fz\n", "line 3, field f: unknown flag 'z'"),
            (
                "P:a\nV:1\nq:1\nq:2\n",
                "line 4: field q appears again (first at line 3)",
            ),
            (
                "P:a\nV:1\nF:etc\nR:x\nZ:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=\nZ:Q1vfk1apUWI4yLJGhhNRd0kJixfvY=\n",
                "line 6, field Z: second Z: for the same R:",
            ),
        ];
        for (text, want) in cases {
            let e = InstalledDb::parse(text.as_bytes()).unwrap_err();
            assert_eq!(e.to_string(), want, "{text:?}");
        }
    }

    #[test]
    fn tolerant_mode_skips_bad_records_only() {
        let text = "this is a corrupt db\n\nP:a\nV:1\n\nP:noversion\n\nP:b\nV:2\n";
        assert!(InstalledDb::parse(text.as_bytes()).is_err());
        let (db, errors) = InstalledDb::parse_tolerant(text.as_bytes());
        let names: Vec<_> = db
            .packages
            .iter()
            .map(|p| p.package.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            errors.iter().map(StanzaError::line).collect::<Vec<_>>(),
            [1, 6]
        );
    }

    #[test]
    fn empty_database() {
        assert!(InstalledDb::parse(b"").unwrap().packages.is_empty());
        assert!(InstalledDb::parse(b"\n\n").unwrap().packages.is_empty());
    }

    #[test]
    fn four_digit_modes_parse_as_octal() {
        // syft's empty-deps-and-provides fixture writes modes as 0777/0640.
        let db = InstalledDb::parse(b"P:a\nV:1\nF:etc\nR:mtab\na:0:0:0777\n").unwrap();
        assert_eq!(
            db.packages[0].directories[0].files[0].acl.unwrap().mode,
            0o777
        );
    }
}
