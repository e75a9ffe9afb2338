//! The secdb document published per branch and repository
//! (`https://secdb.alpinelinux.org/<branch>/<repo>.json`), and the YAML of
//! the 2020 official files (`alpinelinux/alpine-secdb`).
//!
//! **Model.** [`Secdb`] keeps everything in document order: the packages,
//! each package's version keys, each key's entry strings. Keys are raw
//! strings (`"0"`, `"1.10"`, `"4.10-1-r1"` stay as written) — in the YAML
//! files too, where a plain loader would turn `1.10` into the float 1.1.
//!
//! **Reading** tolerates the quirks of real files (reference §5):
//! `"packages": {}` (and YAML `packages:` with nothing) for an empty
//! repository, `{}` or `null` where a key's list was expected, `secfixes:`
//! with nothing, and a missing `distroversion` (Wolfi's `security.json`).
//! Unknown fields are ignored.
//!
//! **Writing** ([`Secdb::to_json`]) produces the published layout. Evidence
//! (`/work/shared/data`):
//! - every copy agrees on the key order `apkurl, archs, reponame, urlprefix,
//!   distroversion, packages` and `pkg: {name, secfixes}`;
//! - the derived files (`secdb/derived-from-aports/`) are exactly Python's
//!   `json.dumps(doc, indent=2)`: one member per line, two-space
//!   indentation, `": "` after keys, `[]` for empty lists, non-ASCII as
//!   `\uXXXX`, no final newline —
//!   [`JsonStyle::Pretty`] reproduces all 18 of them byte for byte;
//! - vulnerablecode's `v3.3/community.json` is compact
//!   (`separators=(",", ":")`, [`JsonStyle::Compact`], byte-identical);
//! - vulnerablecode's `v3.11/main.json` has the same order and content but
//!   was re-indented as a fragment of a larger document (members at four
//!   spaces, the closing brace at two): it equals our output once
//!   insignificant whitespace is removed.
//!
//! **Building from aports** ([`Secdb::from_aports`]): packages sorted by
//! name (byte order: the derived files are sorted, and a sorted file diffs
//! well and does not depend on a shell's locale as the 2020 generator's glob
//! did); keys and entries in APKBUILD order (both generators keep it, and
//! the order carries no meaning); see the method for the details.
//!
//! **Interpretation** for the tracker and the scanner: [`SecdbPackage::fixes`]
//! yields one [`FixRecord`] per entry string, with ids split exactly as
//! APKBUILD item lines are ([`crate::secfixes::split_entry`]), the key read
//! as [`FixedIn::NotAffected`] (`0`), a valid [`Version`](crate::version::Version), or
//! [`FixedIn::InvalidKey`] with the raw key — never silently dropped.

mod de;
mod write;

use std::io::Read;

use secfixes_model::VulnId;

use crate::secfixes::{SecfixesBlock, fixed_in, split_entry};

pub use crate::secfixes::FixedIn;

pub use write::JsonStyle;

/// The mustache template every Alpine secdb file carries as `apkurl`.
pub const ALPINE_APKURL: &str =
    "{{urlprefix}}/{{distroversion}}/{{reponame}}/{{arch}}/{{pkg.name}}-{{pkg.ver}}.apk";

/// The URL prefix of today's Alpine secdb files (older files say `http://`).
pub const ALPINE_URLPREFIX: &str = "https://dl-cdn.alpinelinux.org/alpine";

/// One secdb document: a branch and repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secdb {
    /// `apkurl`: the package URL template.
    pub apkurl: String,
    /// `archs`, in document order.
    pub archs: Vec<String>,
    /// `reponame`: `main`, `community`, …
    pub reponame: String,
    /// `urlprefix`.
    pub urlprefix: String,
    /// `distroversion`: `v3.11`, `edge`; absent in Wolfi's files.
    pub distroversion: Option<String>,
    /// `packages`, in document order.
    pub packages: Vec<SecdbPackage>,
}

/// `packages[].pkg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecdbPackage {
    /// The origin (source package, aport directory) name.
    pub name: String,
    /// `secfixes`, in document order.
    pub secfixes: Vec<SecfixEntry>,
}

/// One key of `secfixes` and its list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecfixEntry {
    /// The key as written: a fixed version, or `0`.
    pub version: String,
    /// The entry strings (one or more ids plus free text each).
    pub fixes: Vec<String>,
}

/// Per-document counts (what `summary.json` and the data README tabulate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Packages.
    pub packages: usize,
    /// Version keys over all packages.
    pub fixed_versions: usize,
    /// Entry strings over all keys.
    pub entries: usize,
}

/// The header fields of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// `apkurl`.
    pub apkurl: String,
    /// `archs`.
    pub archs: Vec<String>,
    /// `reponame`.
    pub reponame: String,
    /// `urlprefix`.
    pub urlprefix: String,
    /// `distroversion`.
    pub distroversion: Option<String>,
}

impl Header {
    /// An Alpine header: [`ALPINE_APKURL`], [`ALPINE_URLPREFIX`].
    pub fn alpine(distroversion: &str, reponame: &str, archs: &[&str]) -> Self {
        Self {
            apkurl: ALPINE_APKURL.to_owned(),
            archs: archs.iter().map(|a| (*a).to_owned()).collect(),
            reponame: reponame.to_owned(),
            urlprefix: ALPINE_URLPREFIX.to_owned(),
            distroversion: Some(distroversion.to_owned()),
        }
    }
}

/// Which text of an APKBUILD item becomes the secdb entry string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EntryText {
    /// The item as written after `- `, comment included
    /// (`CVE-2017-16808 # (AoE)`): what the derived files carry, and what
    /// keeps the maintainer's note.
    #[default]
    Verbatim,
    /// What a YAML reader of the block sees: the comment dropped
    /// (`CVE-2017-16808`), items left empty by that dropped.
    YamlValue,
}

/// Why a secdb document could not be read or built.
#[derive(Debug, thiserror::Error)]
pub enum SecdbError {
    /// Not JSON, or not a secdb document (serde's message has the line and
    /// column, and names the field or key).
    #[error("secdb JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// Not YAML, or not a secdb document.
    #[error("secdb YAML: {0}")]
    Yaml(#[source] serde_yaml_ng::Error),
    /// Reading the input failed.
    #[error("reading secdb: {0}")]
    Io(#[source] std::io::Error),
    /// Two blocks were given for the same origin name.
    #[error("package {name:?} given twice")]
    DuplicatePackage {
        /// The origin name.
        name: String,
    },
}

impl Secdb {
    /// Reads a JSON document.
    pub fn from_json_str(s: &str) -> Result<Self, SecdbError> {
        let raw: de::RawDoc = serde_json::from_str(s).map_err(SecdbError::Json)?;
        Ok(raw.into())
    }

    /// Reads a JSON document from a reader.
    pub fn from_json_reader<R: Read>(r: R) -> Result<Self, SecdbError> {
        let raw: de::RawDoc =
            serde_json::from_reader(std::io::BufReader::new(r)).map_err(SecdbError::Json)?;
        Ok(raw.into())
    }

    /// Reads a YAML document (the 2020 official layout, or [`Secdb::to_yaml`]).
    pub fn from_yaml_str(s: &str) -> Result<Self, SecdbError> {
        let raw: de::RawDoc = serde_yaml_ng::from_str(s).map_err(SecdbError::Yaml)?;
        Ok(raw.into())
    }

    /// Reads a YAML document from a reader.
    pub fn from_yaml_reader<R: Read>(mut r: R) -> Result<Self, SecdbError> {
        let mut s = String::new();
        r.read_to_string(&mut s).map_err(SecdbError::Io)?;
        Self::from_yaml_str(&s)
    }

    /// Writes JSON in the published layout ([`JsonStyle::Pretty`]).
    pub fn to_json(&self) -> String {
        write::json(self, JsonStyle::Pretty)
    }

    /// Writes JSON in the given style.
    pub fn to_json_styled(&self, style: JsonStyle) -> String {
        write::json(self, style)
    }

    /// Writes YAML in the layout of the 2020 official files; numeric-looking
    /// keys are quoted so that any YAML loader reads them as strings.
    pub fn to_yaml(&self) -> String {
        write::yaml(self)
    }

    /// Counts packages, keys and entry strings.
    pub fn counts(&self) -> Counts {
        Counts {
            packages: self.packages.len(),
            fixed_versions: self.packages.iter().map(|p| p.secfixes.len()).sum(),
            entries: self
                .packages
                .iter()
                .flat_map(|p| &p.secfixes)
                .map(|e| e.fixes.len())
                .sum(),
        }
    }

    /// A package by name.
    pub fn package(&self, name: &str) -> Option<&SecdbPackage> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// Builds a document from (origin name, parsed `# secfixes:` block)
    /// pairs — what the tracker publishes.
    ///
    /// - Packages are sorted by name (byte order); a name given twice is an
    ///   error.
    /// - A package whose block has no version key is left out (the derived
    ///   files leave out nrpe in 3.17, whose block holds only items).
    /// - Keys and entries keep the block's order. A key repeated in the
    ///   block is merged into its first occurrence: YAML would keep only one
    ///   of them, and losing recorded fixes is worse than merging.
    /// - Items before the first key have no version and are left out (the
    ///   lint reports them as `item-outside-version`).
    /// - A key without items is kept with an empty list (`[]`, which every
    ///   consumer accepts, rather than YAML's `null`).
    pub fn from_aports<'a, I>(
        header: Header,
        origins: I,
        text: EntryText,
    ) -> Result<Self, SecdbError>
    where
        I: IntoIterator<Item = (&'a str, &'a SecfixesBlock)>,
    {
        let mut packages: Vec<SecdbPackage> = Vec::new();
        for (name, block) in origins {
            let mut secfixes: Vec<SecfixEntry> = Vec::new();
            for entry in &block.entries {
                let fixes = entry.items.iter().filter_map(|item| match text {
                    EntryText::Verbatim => Some(item.raw.clone()),
                    EntryText::YamlValue => {
                        let v = item.yaml_value();
                        (!v.is_empty()).then(|| v.to_owned())
                    }
                });
                match secfixes.iter_mut().find(|e| e.version == entry.version) {
                    Some(existing) => existing.fixes.extend(fixes),
                    None => secfixes.push(SecfixEntry {
                        version: entry.version.clone(),
                        fixes: fixes.collect(),
                    }),
                }
            }
            if !secfixes.is_empty() {
                packages.push(SecdbPackage {
                    name: name.to_owned(),
                    secfixes,
                });
            }
        }
        packages.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(w) = packages
            .windows(2)
            .find(|w| w.first().map(|p| &p.name) == w.get(1).map(|p| &p.name))
        {
            let name = w.first().map(|p| p.name.clone()).unwrap_or_default();
            return Err(SecdbError::DuplicatePackage { name });
        }
        Ok(Self {
            apkurl: header.apkurl,
            archs: header.archs,
            reponame: header.reponame,
            urlprefix: header.urlprefix,
            distroversion: header.distroversion,
            packages,
        })
    }
}

impl SecfixEntry {
    /// How to read the key (see [`FixedIn`]).
    pub fn fixed_in(&self) -> FixedIn<'_> {
        fixed_in(&self.version)
    }
}

/// One entry string of a package, interpreted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixRecord<'a> {
    /// The key as written.
    pub key: &'a str,
    /// What the key means.
    pub fixed_in: FixedIn<'a>,
    /// The entry string as written.
    pub entry: &'a str,
    /// The ids the entry names (none when it names none: check `note`).
    pub ids: Vec<VulnId>,
    /// Free text of the entry (`(AoE)`, `CVE N/A`).
    pub note: Option<String>,
}

impl SecdbPackage {
    /// Every entry string, in document order, interpreted.
    pub fn fixes(&self) -> impl Iterator<Item = FixRecord<'_>> {
        self.secfixes.iter().flat_map(|e| {
            e.fixes.iter().map(move |s| {
                let split = split_entry(s);
                FixRecord {
                    key: &e.version,
                    fixed_in: e.fixed_in(),
                    entry: s,
                    ids: split.ids,
                    note: split.note,
                }
            })
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn quirks_are_tolerated() {
        let d = Secdb::from_json_str(
            r#"{"archs":["x86"],"packages":{},"urlprefix":"u","distroversion":"v3.3","apkurl":"a","reponame":"community"}"#,
        )
        .unwrap();
        assert!(d.packages.is_empty());
        let d = Secdb::from_json_str(
            r#"{"packages":[{"pkg":{"name":"ansible","secfixes":{"2.7.9-r0":["CVE-2018-16876"],"2.8.0-r0":{}}}}],
                "apkurl":"a","archs":[],"urlprefix":"u","reponame":"main","distroversion":"v3.12","extra":1}"#,
        )
        .unwrap();
        assert_eq!(
            d.packages[0].secfixes[1],
            SecfixEntry {
                version: "2.8.0-r0".into(),
                fixes: vec![]
            }
        );
        // Wolfi: no distroversion.
        let d = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":["x86_64"],"reponame":"os","urlprefix":"u","packages":[]}"#,
        )
        .unwrap();
        assert_eq!(d.distroversion, None);
        assert!(
            d.to_json()
                .contains("\"urlprefix\": \"u\",\n  \"packages\": []")
        );
    }

    #[test]
    fn errors_name_the_key() {
        let e = Secdb::from_json_str(
            r#"{"apkurl":"a","archs":[],"reponame":"r","urlprefix":"u","packages":[{"pkg":{"name":"x","secfixes":{"1.2-r0":{"a":1}}}}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("\"1.2-r0\"") && e.contains("line 1"), "{e}");
        let e = Secdb::from_json_str(r#"{"archs":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("apkurl"), "{e}");
    }

    #[test]
    fn yaml_keys_stay_strings() {
        let y = "apkurl: a\narchs: [x86]\nreponame: main\nurlprefix: u\npackages:\n- pkg:\n    name: curl\n    secfixes:\n      0:\n      - CVE-1\n      1.10:\n      - CVE-2\n      7.53.0:\n      - CVE-3 # comment\n      1.2-r0:\n    secfixes2: x\n";
        let d = Secdb::from_yaml_str(y).unwrap();
        let keys: Vec<_> = d.packages[0]
            .secfixes
            .iter()
            .map(|e| e.version.as_str())
            .collect();
        assert_eq!(keys, ["0", "1.10", "7.53.0", "1.2-r0"]);
        assert_eq!(d.packages[0].secfixes[2].fixes, ["CVE-3"]);
        assert!(d.packages[0].secfixes[3].fixes.is_empty());
        let back = Secdb::from_yaml_str(&d.to_yaml()).unwrap();
        assert_eq!(back, d);
    }

    #[test]
    fn from_aports_rules() {
        let a = crate::secfixes::parse(
            "# secfixes:\n#     - CVE-2000-0001\n#   1.2-r0:\n#     - CVE-2000-1111 # (AoE)\n#     - # only a comment\n#   1.0-r0:\n#   1.2-r0:\n#     - CVE-2000-2222\n",
        )
        .unwrap();
        let b = crate::secfixes::parse("# secfixes:\n#     - CVE-2000-0001\n").unwrap();
        let h = Header::alpine("edge", "main", &["x86_64"]);
        let d = Secdb::from_aports(
            h.clone(),
            [("zz", &a), ("aa", &a), ("bb", &b)],
            EntryText::Verbatim,
        )
        .unwrap();
        let names: Vec<_> = d.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["aa", "zz"]);
        assert_eq!(
            d.packages[0].secfixes,
            vec![
                SecfixEntry {
                    version: "1.2-r0".into(),
                    fixes: vec![
                        "CVE-2000-1111 # (AoE)".into(),
                        "# only a comment".into(),
                        "CVE-2000-2222".into()
                    ]
                },
                SecfixEntry {
                    version: "1.0-r0".into(),
                    fixes: vec![]
                },
            ]
        );
        let d = Secdb::from_aports(h.clone(), [("aa", &a)], EntryText::YamlValue).unwrap();
        assert_eq!(
            d.packages[0].secfixes[0].fixes,
            ["CVE-2000-1111", "CVE-2000-2222"]
        );
        let e = Secdb::from_aports(h, [("aa", &a), ("aa", &a)], EntryText::Verbatim).unwrap_err();
        assert!(matches!(e, SecdbError::DuplicatePackage { .. }));
    }

    #[test]
    fn compact_and_pretty() {
        let d = Secdb {
            apkurl: "a".into(),
            archs: vec!["x".into()],
            reponame: "main".into(),
            urlprefix: "u".into(),
            distroversion: Some("v1".into()),
            packages: vec![SecdbPackage {
                name: "p".into(),
                secfixes: vec![SecfixEntry {
                    version: "0".into(),
                    fixes: vec!["CVE-1".into()],
                }],
            }],
        };
        assert_eq!(
            d.to_json_styled(JsonStyle::Compact),
            r#"{"apkurl":"a","archs":["x"],"reponame":"main","urlprefix":"u","distroversion":"v1","packages":[{"pkg":{"name":"p","secfixes":{"0":["CVE-1"]}}}]}"#
        );
        assert_eq!(
            d.to_json(),
            "{\n  \"apkurl\": \"a\",\n  \"archs\": [\n    \"x\"\n  ],\n  \"reponame\": \"main\",\n  \"urlprefix\": \"u\",\n  \"distroversion\": \"v1\",\n  \"packages\": [\n    {\n      \"pkg\": {\n        \"name\": \"p\",\n        \"secfixes\": {\n          \"0\": [\n            \"CVE-1\"\n          ]\n        }\n      }\n    }\n  ]\n}"
        );
    }
}
