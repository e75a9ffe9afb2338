//! What the `alpine-release` package installs: `/etc/alpine-release` (the
//! release version, hence the branch) and `/etc/secfixes.d/*` (the secdb
//! feeds of that branch).
//!
//! The rules are those of `alpinelinux/aports:main/alpine-base/APKBUILD`
//! (`release()`): `etc/alpine-release` holds `$pkgver` (`3.18.4`, or an edge
//! snapshot such as `3.25.0_alpha20260805`); the branch is `v<major>.<minor>`,
//! or `edge` when the version contains `_alpha`, `_beta` or `_pre`; and
//! `etc/secfixes.d/alpine` lists
//! `https://secdb.alpinelinux.org/<branch>/{main,community}.json`, one URL a
//! line (`alpine-formats.md` 3.1).
//!
//! Pure: the caller reads the files and hands their text in.

use std::fmt;
use std::str::FromStr;

/// The host Alpine publishes its secdb feeds on.
pub const ALPINE_SECDB_BASE: &str = "https://secdb.alpinelinux.org";

/// Why a release file or a branch name cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    /// The file holds no version.
    #[error("etc/alpine-release is empty")]
    Empty,
    /// The first line is not `<major>.<minor>[…]`.
    #[error(
        "etc/alpine-release: {found:?} is not a release version (expected e.g. 3.18.4 or 3.19_alpha20230901)"
    )]
    NotAVersion {
        /// The first line, trimmed.
        found: String,
    },
    /// A branch name that is neither `vX.Y` nor `edge`.
    #[error("branch {found:?}: expected vX.Y (e.g. v3.18) or edge")]
    BadBranch {
        /// What was given.
        found: String,
    },
}

/// A branch of the distribution: `v3.18` or `edge`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(into = "String")]
pub struct Branch(String);

impl Branch {
    /// The `edge` branch.
    pub fn edge() -> Self {
        Self("edge".to_owned())
    }

    /// Parses `vX.Y` (both numbers decimal, no leading `+`) or `edge`.
    pub fn parse(s: &str) -> Result<Self, ReleaseError> {
        let bad = || ReleaseError::BadBranch {
            found: s.to_owned(),
        };
        if s == "edge" {
            return Ok(Self::edge());
        }
        let (major, minor) = s
            .strip_prefix('v')
            .and_then(|r| r.split_once('.'))
            .ok_or_else(bad)?;
        if !is_number(major) || !is_number(minor) {
            return Err(bad());
        }
        Ok(Self(s.to_owned()))
    }

    /// The branch of a release version (the content of
    /// `etc/alpine-release`), by the `alpine-base` rule.
    pub fn of_release(version: &str) -> Result<Self, ReleaseError> {
        let bad = || ReleaseError::NotAVersion {
            found: version.to_owned(),
        };
        if ["_alpha", "_beta", "_pre"]
            .iter()
            .any(|m| version.contains(m))
        {
            // Still insist on a version-looking string, so that garbage is
            // not silently taken for edge.
            if !version.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(bad());
            }
            return Ok(Self::edge());
        }
        // `grep -E -o '^[0-9]+\.[0-9]+'`: the first two numbers.
        let mut parts = version.splitn(3, '.');
        let major = parts.next().unwrap_or("");
        let minor_full = parts.next().ok_or_else(bad)?;
        let minor_len = minor_full.bytes().take_while(u8::is_ascii_digit).count();
        let minor = minor_full.get(..minor_len).unwrap_or("");
        if !is_number(major) || !is_number(minor) {
            return Err(bad());
        }
        Ok(Self(format!("v{major}.{minor}")))
    }

    /// The branch name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is `edge`.
    pub fn is_edge(&self) -> bool {
        self.0 == "edge"
    }

    /// The secdb feeds Alpine publishes for this branch, in the order
    /// `etc/secfixes.d/alpine` lists them (main, then community).
    pub fn alpine_secdb_urls(&self) -> [String; 2] {
        [
            format!("{ALPINE_SECDB_BASE}/{self}/main.json"),
            format!("{ALPINE_SECDB_BASE}/{self}/community.json"),
        ]
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Branch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Branch {
    type Err = ReleaseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<Branch> for String {
    fn from(b: Branch) -> Self {
        b.0
    }
}

/// The content of `etc/alpine-release`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Release {
    /// The release version as written (`3.18.4`).
    pub version: String,
    /// Its branch (`v3.18`).
    pub branch: Branch,
}

impl Release {
    /// Reads the file's text: the first line, trimmed.
    pub fn parse(text: &str) -> Result<Self, ReleaseError> {
        let version = text.lines().next().map(str::trim).unwrap_or("");
        if version.is_empty() {
            return Err(ReleaseError::Empty);
        }
        Ok(Self {
            version: version.to_owned(),
            branch: Branch::of_release(version)?,
        })
    }
}

/// One feed line of a `etc/secfixes.d/*` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLine {
    /// 1-based line number.
    pub line: usize,
    /// The URL (or path) as written, trimmed.
    pub location: String,
}

/// The feeds listed in a `etc/secfixes.d/*` file: one URL a line; blank
/// lines and `#` comments are skipped (the file Alpine ships has neither,
/// but an administrator's own file may).
pub fn secfixes_d_feeds(text: &str) -> Vec<FeedLine> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let l = l.trim();
            (!l.is_empty() && !l.starts_with('#')).then(|| FeedLine {
                line: i + 1,
                location: l.to_owned(),
            })
        })
        .collect()
}

/// The branch and repository of an Alpine-style repository URL, read from
/// its last two path segments (`…/alpine/v3.14/main` → `v3.14`, `main`);
/// `None` when they are not a branch and a name.
pub fn branch_of_repository(url: &str) -> Option<(Branch, String)> {
    let path = url.trim_end_matches('/');
    let (rest, repo) = path.rsplit_once('/')?;
    let branch = rest.rsplit('/').next()?;
    let branch = Branch::parse(branch).ok()?;
    (!repo.is_empty() && !repo.starts_with('@')).then(|| (branch, repo.to_owned()))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stable_releases_give_their_branch() {
        for (text, branch) in [
            ("3.18.4\n", "v3.18"),
            ("3.10.9", "v3.10"),
            ("3.14.0\n\n", "v3.14"),
            ("  3.12.0  \n", "v3.12"),
            ("3.9", "v3.9"),
            ("3.21.0_rc1", "v3.21"),
            ("3.19.0_git20231201", "v3.19"),
        ] {
            let r = Release::parse(text).unwrap();
            assert_eq!(r.branch.as_str(), branch, "{text:?}");
            assert!(!r.branch.is_edge());
        }
    }

    #[test]
    fn edge_markers_give_edge() {
        // The real edge alpine-base version (aports edge-2026-08-22).
        for v in [
            "3.25.0_alpha20260805",
            "3.19_alpha20230901",
            "3.5.0_beta1",
            "3.17.0_pre1",
        ] {
            let r = Release::parse(v).unwrap();
            assert!(r.branch.is_edge(), "{v}");
            assert_eq!(r.version, v);
        }
    }

    #[test]
    fn garbage_is_an_error_naming_it() {
        assert_eq!(Release::parse("\n"), Err(ReleaseError::Empty));
        assert_eq!(Release::parse(""), Err(ReleaseError::Empty));
        for bad in ["edge", "3", "x.y", "3.x", "Alpine 3.18", "_alpha", ".3.1"] {
            let e = Release::parse(bad).unwrap_err();
            assert!(e.to_string().contains(bad), "{e}");
        }
    }

    #[test]
    fn branch_names() {
        assert_eq!(Branch::parse("v3.18").unwrap().as_str(), "v3.18");
        assert!(Branch::parse("edge").unwrap().is_edge());
        for bad in [
            "3.18",
            "v3",
            "v3.",
            "v.18",
            "v3.18.1",
            "V3.18",
            "latest-stable",
            "",
            "v3.1a",
        ] {
            assert!(Branch::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Branch::parse("v3.18").unwrap().alpine_secdb_urls(),
            [
                "https://secdb.alpinelinux.org/v3.18/main.json",
                "https://secdb.alpinelinux.org/v3.18/community.json"
            ]
        );
        assert_eq!(serde_json::to_string(&Branch::edge()).unwrap(), "\"edge\"");
    }

    #[test]
    fn secfixes_d_lines() {
        let text =
            "https://secdb.alpinelinux.org/v3.18/main.json\n\n# mine\n  /srv/secdb/extra.json  \n";
        let f = secfixes_d_feeds(text);
        assert_eq!(
            f,
            [
                FeedLine {
                    line: 1,
                    location: "https://secdb.alpinelinux.org/v3.18/main.json".into()
                },
                FeedLine {
                    line: 4,
                    location: "/srv/secdb/extra.json".into()
                },
            ]
        );
    }

    #[test]
    fn repository_urls() {
        let b = |u| branch_of_repository(u).map(|(b, r)| (b.to_string(), r));
        assert_eq!(
            b("https://dl-cdn.alpinelinux.org/alpine/v3.14/main"),
            Some(("v3.14".into(), "main".into()))
        );
        assert_eq!(
            b("http://dl-cdn.alpinelinux.org/alpine/edge/testing/"),
            Some(("edge".into(), "testing".into()))
        );
        assert_eq!(b("/home/me/packages/main"), None);
        assert_eq!(b("main"), None);
    }

    proptest! {
        /// Every `X.Y.Z` release maps to `vX.Y`, and the branch name parses back.
        #[test]
        fn release_to_branch_round_trips(x in 0u32..100, y in 0u32..100, z in 0u32..100) {
            let b = Branch::of_release(&format!("{x}.{y}.{z}")).unwrap();
            prop_assert_eq!(b.as_str(), format!("v{x}.{y}"));
            prop_assert_eq!(Branch::parse(b.as_str()).unwrap(), b);
        }

        /// Arbitrary text never panics.
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = Release::parse(&s);
            let _ = Branch::parse(&s);
            let _ = branch_of_repository(&s);
        }
    }
}
