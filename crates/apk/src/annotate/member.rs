//! The `SECFIXES` member: built from secdb documents, written, read
//! (format: the module docs of [`super`]).

use std::collections::{BTreeMap, HashMap};

use secfixes_model::VulnId;

use super::{FORMAT_VERSION, IndexEntry};
use crate::secdb::Secdb;
use crate::stanza::{self, StanzaError};
use crate::version::{Scheme, SchemedVersion};

// ---------------------------------------------------------------------------
// The SECFIXES member
// ---------------------------------------------------------------------------

/// One `f:` line: a fixed version and the ids it fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixLine {
    /// The secdb key (a valid apk version when written by [`super::annotate`]).
    pub version: String,
    /// The ids.
    pub ids: Vec<VulnId>,
}

/// The security data of one (origin, version) of the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecfixesRecord {
    /// `o:`.
    pub origin: String,
    /// `V:`.
    pub version: String,
    /// `f:` lines: every fix this version contains.
    pub fixes: Vec<FixLine>,
    /// `n:`: ids recorded as not affecting the origin (secdb key `0`).
    pub not_affected: Vec<VulnId>,
}

/// The parsed `SECFIXES` member.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SecfixesIndex {
    /// `s:` lines of the header: the secdb documents used.
    pub sources: Vec<String>,
    /// The records, in member order.
    pub records: Vec<SecfixesRecord>,
}

/// Why a `SECFIXES` member cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecfixesIndexError {
    /// The record syntax is broken.
    #[error("SECFIXES {0}")]
    Syntax(#[from] StanzaError),
    /// The first record is not a header with `v:`.
    #[error("SECFIXES: the first record has no v: (format version) field")]
    NoHeader,
    /// A format version this reader does not know.
    #[error(
        "SECFIXES: format version {found:?} is not supported (this reader knows {FORMAT_VERSION})"
    )]
    Version {
        /// The `v:` value.
        found: String,
    },
    /// A bad field.
    #[error("SECFIXES line {line}, field {letter}: {reason}")]
    Field {
        /// Line.
        line: usize,
        /// Letter.
        letter: char,
        /// What is wrong.
        reason: String,
    },
}

/// A secdb key that the annotator left out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SkippedKey {
    /// The origin.
    pub origin: String,
    /// The key as written.
    pub key: String,
    /// Why.
    pub reason: String,
}

/// What [`SecfixesIndex::build`] left out, for the annotator's report.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct BuildReport {
    /// Keys that are not valid apk versions.
    pub invalid_keys: Vec<SkippedKey>,
    /// Index packages (name, version) whose version is not valid: no fix can
    /// be placed below them.
    pub invalid_versions: Vec<(String, String)>,
}

/// One origin's secdb data, merged over documents.
#[derive(Default)]
struct OriginData {
    /// Valid keys: version → ids (deduplicated, in order).
    fixes: Vec<(SchemedVersion, Vec<VulnId>)>,
    not_affected: Vec<VulnId>,
}

fn push_unique(v: &mut Vec<VulnId>, ids: impl IntoIterator<Item = VulnId>) {
    for id in ids {
        if !v.contains(&id) {
            v.push(id);
        }
    }
}

impl SecfixesIndex {
    /// Builds the data for the (origin, version) pairs of an index from
    /// secdb documents (merged: an origin present in several documents gets
    /// the union of their keys), comparing versions with `scheme` (the
    /// order of the apk-tools of the index's branch: a key such as
    /// `1.9.5p2-r0` is valid for apk-tools 2 only).
    pub fn build<'a, I>(packages: I, secdbs: &[&Secdb], scheme: Scheme) -> (Self, BuildReport)
    where
        I: IntoIterator<Item = IndexEntry<'a>>,
    {
        let mut report = BuildReport::default();
        let mut by_origin: HashMap<&str, OriginData> = HashMap::new();
        for db in secdbs {
            for pkg in &db.packages {
                let data = by_origin.entry(pkg.name.as_str()).or_default();
                for entry in &pkg.secfixes {
                    let ids = entry
                        .fixes
                        .iter()
                        .flat_map(|s| crate::secfixes::split_entry(s).ids);
                    // Key `0` means "not affected", never a version.
                    if entry.version == "0" {
                        push_unique(&mut data.not_affected, ids);
                        continue;
                    }
                    match scheme.parse(&entry.version) {
                        Ok(v) => match data.fixes.iter_mut().find(|(k, _)| *k == v) {
                            Some((_, existing)) => push_unique(existing, ids),
                            None => {
                                let mut list = Vec::new();
                                push_unique(&mut list, ids);
                                data.fixes.push((v, list));
                            }
                        },
                        Err(error) => report.invalid_keys.push(SkippedKey {
                            origin: pkg.name.clone(),
                            key: entry.version.clone(),
                            reason: error.to_string(),
                        }),
                    }
                }
            }
        }
        for data in by_origin.values_mut() {
            data.fixes.sort_by(|a, b| a.0.cmp(&b.0));
        }

        // One record per (origin, version), sorted.
        let mut wanted: BTreeMap<(&str, &str), ()> = BTreeMap::new();
        for p in packages {
            if by_origin.contains_key(p.origin) {
                if !scheme.validate(p.version) {
                    report
                        .invalid_versions
                        .push((p.name.to_owned(), p.version.to_owned()));
                    continue;
                }
                wanted.insert((p.origin, p.version), ());
            }
        }
        let mut records = Vec::with_capacity(wanted.len());
        for (origin, version) in wanted.into_keys() {
            let (Some(data), Ok(v)) = (by_origin.get(origin), scheme.parse(version)) else {
                continue;
            };
            let fixes: Vec<FixLine> = data
                .fixes
                .iter()
                .filter(|(k, ids)| *k <= v && !ids.is_empty())
                .map(|(k, ids)| FixLine {
                    version: k.as_str().to_owned(),
                    ids: ids.clone(),
                })
                .collect();
            if fixes.is_empty() && data.not_affected.is_empty() {
                continue;
            }
            records.push(SecfixesRecord {
                origin: origin.to_owned(),
                version: version.to_owned(),
                fixes,
                not_affected: data.not_affected.clone(),
            });
        }
        let sources = secdbs
            .iter()
            .map(|d| {
                format!(
                    "{}/{}",
                    d.distroversion.as_deref().unwrap_or("-"),
                    d.reponame
                )
            })
            .collect();
        (Self { sources, records }, report)
    }

    /// The member text (see the module docs).
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::with_capacity(64 + self.records.len() * 160);
        let _ = writeln!(s, "v:{FORMAT_VERSION}");
        for src in &self.sources {
            let _ = writeln!(s, "s:{}", one_line(src));
        }
        for r in &self.records {
            let _ = write!(s, "\no:{}\nV:{}\n", r.origin, r.version);
            for f in &r.fixes {
                s.push_str("f:");
                s.push_str(&f.version);
                for id in &f.ids {
                    s.push(' ');
                    s.push_str(id.as_str());
                }
                s.push('\n');
            }
            if !r.not_affected.is_empty() {
                s.push_str("n:");
                let ids: Vec<&str> = r.not_affected.iter().map(VulnId::as_str).collect();
                s.push_str(&ids.join(" "));
                s.push('\n');
            }
        }
        s
    }

    /// Reads the member text.
    pub fn parse(text: &[u8]) -> Result<Self, SecfixesIndexError> {
        let mut parser = stanza::Parser::new(text);
        let mut fields = Vec::with_capacity(16);
        let mut out = Self::default();
        let mut first = true;
        while let Some(start) = parser.next_into(&mut fields) {
            let line = start?;
            if first {
                first = false;
                let v = fields
                    .iter()
                    .find(|f| f.letter == 'v')
                    .ok_or(SecfixesIndexError::NoHeader)?;
                if v.value != FORMAT_VERSION.to_string() {
                    return Err(SecfixesIndexError::Version {
                        found: v.value.to_owned(),
                    });
                }
                for f in &fields {
                    match f.letter {
                        's' => out.sources.push(f.value.to_owned()),
                        c if c.is_ascii_uppercase() => return Err(unknown(f)),
                        _ => {}
                    }
                }
                continue;
            }
            let mut rec = SecfixesRecord {
                origin: String::new(),
                version: String::new(),
                fixes: Vec::new(),
                not_affected: Vec::new(),
            };
            let (mut has_o, mut has_v) = (false, false);
            for f in &fields {
                let bad = |reason: String| SecfixesIndexError::Field {
                    line: f.line,
                    letter: f.letter,
                    reason,
                };
                match f.letter {
                    'o' if !has_o && !f.value.is_empty() => {
                        has_o = true;
                        rec.origin = f.value.to_owned();
                    }
                    'V' if !has_v && !f.value.is_empty() => {
                        has_v = true;
                        rec.version = f.value.to_owned();
                    }
                    'o' | 'V' => return Err(bad("empty or repeated".to_owned())),
                    'f' => {
                        let mut words = f.value.split_ascii_whitespace();
                        let version = words
                            .next()
                            .ok_or_else(|| bad("no fixed version".to_owned()))?;
                        let ids = words
                            .map(VulnId::new)
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| bad(e.to_string()))?;
                        if ids.is_empty() {
                            return Err(bad(format!("no id after {version}")));
                        }
                        rec.fixes.push(FixLine {
                            version: version.to_owned(),
                            ids,
                        });
                    }
                    'n' => {
                        let ids = f
                            .value
                            .split_ascii_whitespace()
                            .map(VulnId::new)
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| bad(e.to_string()))?;
                        rec.not_affected.extend(ids);
                    }
                    c if c.is_ascii_uppercase() => return Err(unknown(f)),
                    _ => {}
                }
            }
            if !has_o {
                return Err(SecfixesIndexError::Syntax(StanzaError::MissingField {
                    line,
                    letter: 'o',
                    what: "origin",
                }));
            }
            if !has_v {
                return Err(SecfixesIndexError::Syntax(StanzaError::missing_version(
                    line,
                )));
            }
            out.records.push(rec);
        }
        if first {
            return Err(SecfixesIndexError::NoHeader);
        }
        Ok(out)
    }

    /// The record of an (origin, version), if any (linear search).
    pub fn record(&self, origin: &str, version: &str) -> Option<&SecfixesRecord> {
        self.records
            .iter()
            .find(|r| r.origin == origin && r.version == version)
    }
}

fn unknown(f: &stanza::Field<'_>) -> SecfixesIndexError {
    SecfixesIndexError::Field {
        line: f.line,
        letter: f.letter,
        reason: "unknown required (uppercase) field".to_owned(),
    }
}

/// Keeps a header value on one line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}
