//! `/etc/apk/repositories` (and apk 3's `repositories.d/*.list`): where the
//! indexes come from, and where apk caches them (`alpine-formats.md` 2.5,
//! 3.3).
//!
//! # Syntax
//!
//! One repository a line; blank lines and lines starting with `#` are
//! skipped. apk 2.x reads `[@tag] url` (`apk_db_add_repository`,
//! `src/database.c@2.14-stable`); apk 3.x adds (`doc/apk-repositories.5.scd`)
//! `[v2|v3|ndx] [@tag] url [component…]`, where each component gives a
//! repository `url/component`, and `set [-default] key=value` lines whose
//! variables expand as `${key}` in later lines (`APK_ARCH` is built in).
//! This parser reads the 3.x form, a superset of the 2.x one.
//!
//! # Index URLs and apk's cache
//!
//! A `v2` repository's index is `<url>/<arch>/APKINDEX.tar.gz`; an `ndx`
//! line names the index file itself; a `v3` repository has
//! `<url>/<arch>/Packages.adb` (the ADB format, not read here).
//!
//! apk keeps the downloaded index of each repository in its cache directory
//! (`var/cache/apk`) under a name derived from a hash:
//! - apk 2.x: `APKINDEX.<hex of the first 4 bytes of SHA-1(url)>.tar.gz`,
//!   where `url` is the repository URL **as written on the line** (no arch,
//!   no `APKINDEX.tar.gz`). Verified on all ten cached indexes of the data
//!   corpus: `https://dl-cdn.alpinelinux.org/alpine/v3.14/main` gives
//!   `APKINDEX.406b1341.tar.gz` (hizlbuzz), `http://…/v3.10/main` gives
//!   `00740ba1` (Kobo-InkBox), and so on for v3.12, v3.17 and v3.18.
//! - apk 3.x: `APKINDEX.<hex of the first 4 bytes of SHA-256(index URL)>.tar.gz`
//!   (`apk_repo_index_cache_url` and `add_repository_component`,
//!   `src/database.c@master`: `APKINDEX.${hash:8}.tar.gz` over `url_index`).

use std::collections::BTreeMap;

use sha1::Sha1;
use sha2::{Digest as _, Sha256};

/// The index file name of a v2 repository.
pub const APKINDEX_FILE: &str = "APKINDEX.tar.gz";

/// A line that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name} line {line}: {reason}")]
pub struct RepositoriesError {
    /// The file (as the caller named it).
    pub source_name: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// The kind of a repository line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RepoKind {
    /// A v2 repository: `<url>/<arch>/APKINDEX.tar.gz`.
    V2,
    /// A v3 repository: `<url>/<arch>/Packages.adb`.
    V3,
    /// The URL is the index itself.
    Ndx,
}

/// One repository.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Repository {
    /// The file it was read from.
    pub source: String,
    /// 1-based line number there.
    pub line: usize,
    /// The kind.
    pub kind: RepoKind,
    /// The tag (without `@`): packages of a tagged repository are only
    /// installed when asked for as `name@tag`.
    pub tag: Option<String>,
    /// The URL, variables expanded, as written otherwise (apk hashes it
    /// as written).
    pub url: String,
}

impl Repository {
    /// The index URL for `arch`; `None` for a v3 repository (ADB, not read
    /// here).
    pub fn index_url(&self, arch: &str) -> Option<String> {
        match self.kind {
            RepoKind::V2 => Some(format!(
                "{}/{arch}/{APKINDEX_FILE}",
                self.url.trim_end_matches('/')
            )),
            RepoKind::Ndx => Some(self.url.clone()),
            RepoKind::V3 => None,
        }
    }

    /// The file names apk gives this repository's index in its cache:
    /// the apk 2.x name first, then the apk 3.x one (see the module docs).
    pub fn cache_names(&self, arch: &str) -> Vec<String> {
        let mut names = Vec::with_capacity(2);
        if self.kind == RepoKind::V2 {
            names.push(cache_name(&Sha1::digest(self.url.as_bytes())));
        }
        if let Some(index) = self.index_url(arch) {
            names.push(cache_name(&Sha256::digest(index.as_bytes())));
        }
        names
    }
}

/// `APKINDEX.<8 hex digits>.tar.gz` from the first 4 bytes of a digest.
fn cache_name(digest: &[u8]) -> String {
    format!(
        "APKINDEX.{}.tar.gz",
        hex::encode(digest.get(..4).unwrap_or(digest))
    )
}

/// Reads repository files in order (the variables of `set` lines carry over
/// from one file to the next, as in apk 3).
#[derive(Debug, Clone)]
pub struct RepositoriesParser {
    vars: BTreeMap<String, String>,
    repos: Vec<Repository>,
}

impl RepositoriesParser {
    /// A parser with the built-in variable `APK_ARCH`.
    pub fn new(arch: &str) -> Self {
        let mut vars = BTreeMap::new();
        vars.insert("APK_ARCH".to_owned(), arch.to_owned());
        Self {
            vars,
            repos: Vec::new(),
        }
    }

    /// Parses one file's text; `source_name` names it in errors and in
    /// [`Repository::source`].
    pub fn parse_file(&mut self, source_name: &str, text: &str) -> Result<(), RepositoriesError> {
        for (i, raw) in text.lines().enumerate() {
            let err = |reason: String| RepositoriesError {
                source_name: source_name.to_owned(),
                line: i + 1,
                reason,
            };
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = expand(line, &self.vars).map_err(err)?;
            let mut words = line.split_ascii_whitespace().peekable();
            if words.peek() == Some(&"set") {
                words.next();
                self.set(words).map_err(err)?;
                continue;
            }
            let mut kind = None;
            if let Some(k) = words.peek().and_then(|w| match *w {
                "v2" => Some(RepoKind::V2),
                "v3" => Some(RepoKind::V3),
                "ndx" => Some(RepoKind::Ndx),
                _ => None,
            }) {
                kind = Some(k);
                words.next();
            }
            let mut tag = None;
            if let Some(t) = words.peek().and_then(|w| w.strip_prefix('@')) {
                if t.is_empty() {
                    return Err(err("an empty @tag".to_owned()));
                }
                tag = Some(t.to_owned());
                words.next();
            }
            let url = words
                .next()
                .ok_or_else(|| err("no repository URL after the tag".to_owned()))?;
            // apk 3: the type defaults to ndx when the URL names an index.
            let kind = kind.unwrap_or(if url.ends_with(".adb") || url.ends_with(".tar.gz") {
                RepoKind::Ndx
            } else {
                RepoKind::V2
            });
            let components: Vec<&str> = words.collect();
            let mut push = |url: String| {
                self.repos.push(Repository {
                    source: source_name.to_owned(),
                    line: i + 1,
                    kind,
                    tag: tag.clone(),
                    url,
                })
            };
            if components.is_empty() {
                push(url.to_owned());
            } else {
                for c in components {
                    push(format!("{}/{c}", url.trim_end_matches('/')));
                }
            }
        }
        Ok(())
    }

    /// `set [-default] key=value`.
    fn set<'a>(&mut self, words: impl Iterator<Item = &'a str>) -> Result<(), String> {
        let mut default = false;
        let mut assignment = None;
        for w in words {
            match w {
                "-default" => default = true,
                _ if assignment.is_none() => assignment = Some(w),
                _ => return Err(format!("`set` takes one key=value, found also {w:?}")),
            }
        }
        let (key, value) = assignment
            .and_then(|a| a.split_once('='))
            .filter(|(k, _)| !k.is_empty())
            .ok_or_else(|| "`set` needs key=value".to_owned())?;
        if key == "APK_ARCH" {
            return Err("APK_ARCH is read-only".to_owned());
        }
        if !(default && self.vars.contains_key(key)) {
            self.vars.insert(key.to_owned(), value.to_owned());
        }
        Ok(())
    }

    /// The repositories, in file and line order.
    pub fn finish(self) -> Vec<Repository> {
        self.repos
    }
}

/// Expands `${name}` references.
fn expand(line: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or(""));
        let after = rest.get(start + 2..).unwrap_or("");
        let end = after
            .find('}')
            .ok_or_else(|| "unterminated ${".to_owned())?;
        let name = after.get(..end).unwrap_or("");
        let value = vars
            .get(name)
            .ok_or_else(|| format!("undefined variable ${{{name}}}"))?;
        out.push_str(value);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Parses one repositories file (no `set` variables other than `APK_ARCH`).
pub fn parse(
    source_name: &str,
    text: &str,
    arch: &str,
) -> Result<Vec<Repository>, RepositoriesError> {
    let mut p = RepositoriesParser::new(arch);
    p.parse_file(source_name, text)?;
    Ok(p.finish())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn one(line: &str) -> Repository {
        let r = parse("repositories", line, "x86_64").unwrap();
        assert_eq!(r.len(), 1, "{line}");
        r.into_iter().next().unwrap()
    }

    #[test]
    fn the_cache_names_of_the_corpus_roots() {
        // Each pair: the repository line of a real root and the name of the
        // cached index committed beside its installed database (data README
        // (a)), with the apk 2.x rule.
        for (url, name) in [
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.10/main",
                "APKINDEX.00740ba1.tar.gz",
            ),
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.10/community",
                "APKINDEX.d8b2a6f4.tar.gz",
            ),
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.12/main",
                "APKINDEX.2c4ac24e.tar.gz",
            ),
            (
                "http://dl-cdn.alpinelinux.org/alpine/v3.12/community",
                "APKINDEX.40a3604f.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.14/main",
                "APKINDEX.406b1341.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.14/community",
                "APKINDEX.a251b1f2.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.17/main",
                "APKINDEX.ac15ed62.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.17/community",
                "APKINDEX.c3d4ed66.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.18/main",
                "APKINDEX.49104001.tar.gz",
            ),
            (
                "https://dl-cdn.alpinelinux.org/alpine/v3.18/community",
                "APKINDEX.884188d8.tar.gz",
            ),
        ] {
            let r = one(url);
            assert_eq!(r.cache_names("armv7")[0], name, "{url}");
        }
    }

    #[test]
    fn the_apk3_cache_name_hashes_the_index_url() {
        let r = one("https://dl-cdn.alpinelinux.org/alpine/v3.22/main");
        let index = "https://dl-cdn.alpinelinux.org/alpine/v3.22/main/x86_64/APKINDEX.tar.gz";
        assert_eq!(r.index_url("x86_64").unwrap(), index);
        let expected = format!(
            "APKINDEX.{}.tar.gz",
            &hex::encode(Sha256::digest(index))[..8]
        );
        assert_eq!(r.cache_names("x86_64")[1], expected);
    }

    #[test]
    fn tags_comments_and_blank_lines() {
        let text = "# main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.18/main\n\n@testing https://dl-cdn.alpinelinux.org/alpine/edge/testing\n   \n/home/me/packages/main/\n";
        let r = parse("etc/apk/repositories", text, "aarch64").unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].line, r[0].tag.as_deref()), (2, None));
        assert_eq!((r[1].line, r[1].tag.as_deref()), (4, Some("testing")));
        assert_eq!(
            r[1].url,
            "https://dl-cdn.alpinelinux.org/alpine/edge/testing"
        );
        assert_eq!(
            r[2].index_url("aarch64").unwrap(),
            "/home/me/packages/main/aarch64/APKINDEX.tar.gz"
        );
        assert_eq!(r[2].source, "etc/apk/repositories");
    }

    #[test]
    fn apk3_lines() {
        let text = "set -default mirror=https://dl-cdn.alpinelinux.org/alpine\nset -default mirror=ignored\n\
                    v2 ${mirror}/v3.22 main community\nndx @local /srv/repo/${APK_ARCH}/APKINDEX.tar.gz\n\
                    v3 https://example.org/v3 main\nhttps://example.org/idx/APKINDEX.tar.gz\n";
        let r = parse("repositories.d/x.list", text, "x86_64").unwrap();
        let urls: Vec<_> = r.iter().map(|r| (r.kind, r.url.as_str())).collect();
        assert_eq!(
            urls,
            [
                (
                    RepoKind::V2,
                    "https://dl-cdn.alpinelinux.org/alpine/v3.22/main"
                ),
                (
                    RepoKind::V2,
                    "https://dl-cdn.alpinelinux.org/alpine/v3.22/community"
                ),
                (RepoKind::Ndx, "/srv/repo/x86_64/APKINDEX.tar.gz"),
                (RepoKind::V3, "https://example.org/v3/main"),
                (RepoKind::Ndx, "https://example.org/idx/APKINDEX.tar.gz"),
            ]
        );
        assert_eq!(r[2].tag.as_deref(), Some("local"));
        assert_eq!(
            r[2].index_url("x86_64").unwrap(),
            "/srv/repo/x86_64/APKINDEX.tar.gz"
        );
        assert_eq!(r[3].index_url("x86_64"), None, "ADB indexes are not read");
        assert!(r[3].cache_names("x86_64").is_empty());
    }

    #[test]
    fn errors_name_file_and_line() {
        for (text, needle) in [
            ("ok\n@edge\n", "line 2: no repository URL"),
            ("@ https://x\n", "line 1: an empty @tag"),
            ("${nope}/main\n", "line 1: undefined variable ${nope}"),
            ("${oops/main\n", "unterminated"),
            ("set APK_ARCH=x\n", "read-only"),
            ("set novalue\n", "key=value"),
        ] {
            let e = parse("etc/apk/repositories", text, "x86_64").unwrap_err();
            assert!(
                e.to_string().starts_with("etc/apk/repositories line"),
                "{e}"
            );
            assert!(e.to_string().contains(needle), "{e} / {needle}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,80}") {
            if let Ok(r) = parse("f", &s, "x86_64") {
                for repo in r {
                    let _ = repo.cache_names("x86_64");
                }
            }
        }
    }
}
