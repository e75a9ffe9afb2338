//! The installed packages, read from `lib/apk/db/installed`.
//!
//! Only the fields a scan needs are taken (`P V o A s`), with the record
//! parser of [`secfixes_apk::stanza`]; the file lists (`F R Z a M`, most of
//! the bytes of a real database) are not turned into structures. A record
//! that cannot be read is skipped and its error returned, so that one bad
//! record does not hide the rest of the system.

use secfixes_apk::stanza::{self, StanzaError};

/// One installed package.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Installed {
    /// `P:`.
    pub name: String,
    /// `V:`, as written (it may be invalid).
    pub version: String,
    /// `o:`, or the name when the record has none.
    pub origin: String,
    /// `A:`.
    pub arch: Option<String>,
    /// `s:`: the repository tag the package is pinned to.
    pub tag: Option<String>,
    /// First line of the record in the database.
    pub line: usize,
}

/// Reads the installed database; records without `P:` or `V:` and records
/// that break the syntax are skipped, their errors returned in file order.
pub fn read_installed(bytes: &[u8]) -> (Vec<Installed>, Vec<StanzaError>) {
    let mut parser = stanza::Parser::new(bytes);
    let mut fields = Vec::with_capacity(256);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    while let Some(start) = parser.next_into(&mut fields) {
        let line = match start {
            Ok(l) => l,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let (mut name, mut version, mut origin, mut arch, mut tag) = (None, None, None, None, None);
        for f in &fields {
            let slot = match f.letter {
                'P' => &mut name,
                'V' => &mut version,
                'o' => &mut origin,
                'A' => &mut arch,
                's' => &mut tag,
                _ => continue,
            };
            slot.get_or_insert(f.value);
        }
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            errors.push(StanzaError::missing_name(line));
            continue;
        };
        let Some(version) = version.filter(|v| !v.is_empty()) else {
            errors.push(StanzaError::missing_version(line));
            continue;
        };
        out.push(Installed {
            name: name.to_owned(),
            version: version.to_owned(),
            origin: origin.filter(|o| !o.is_empty()).unwrap_or(name).to_owned(),
            arch: arch.map(str::to_owned),
            tag: tag.filter(|t| !t.is_empty()).map(str::to_owned),
            line,
        });
    }
    (out, errors)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_and_fallbacks() {
        let db = b"C:Q1x\nP:libssl1.1\nV:1.1.1k-r0\nA:armv7\no:openssl\nF:lib\nR:libssl.so.1.1\nZ:Q1abc\n\n\
                   P:local\nV:1.0\ns:mine\n\nP:novers\n\nV:1\n\nbroken line\n\nP:last\nV:2-r0\n";
        let (pkgs, errs) = read_installed(db);
        let names: Vec<_> = pkgs
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.origin.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("libssl1.1", "1.1.1k-r0", "openssl"),
                ("local", "1.0", "local"),
                ("last", "2-r0", "last")
            ]
        );
        assert_eq!(pkgs[0].arch.as_deref(), Some("armv7"));
        assert_eq!(pkgs[1].tag.as_deref(), Some("mine"));
        assert_eq!((pkgs[0].line, pkgs[1].line, pkgs[2].line), (1, 10, 20));
        assert_eq!(errs.len(), 3);
        assert_eq!(
            errs[0],
            StanzaError::MissingField {
                line: 14,
                letter: 'V',
                what: "version"
            }
        );
        assert_eq!(
            errs[1],
            StanzaError::MissingField {
                line: 16,
                letter: 'P',
                what: "package name"
            }
        );
        assert_eq!(errs[2].line(), 18);
    }

    #[test]
    fn agrees_with_the_full_parser_on_every_real_database() {
        let dir = secfixes_testdata::path("installed");
        let files = secfixes_testdata::files_with_suffix(&dir, "");
        assert!(files.len() >= 19, "{files:?}");
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            let (full, full_errs) = secfixes_apk::installed::InstalledDb::parse_tolerant(&bytes);
            let (light, errs) = read_installed(&bytes);
            assert_eq!(errs.len(), full_errs.len(), "{}", f.display());
            let a: Vec<_> = full
                .packages
                .iter()
                .map(|p| (&p.package.name, &p.package.version, p.package.origin()))
                .collect();
            let b: Vec<_> = light
                .iter()
                .map(|p| (&p.name, &p.version, p.origin.as_str()))
                .collect();
            assert_eq!(a, b, "{}", f.display());
        }
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_installed(&bytes);
        }
    }
}
