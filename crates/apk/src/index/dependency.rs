//! Dependency tokens of the `D:`, `p:`, `i:` (and installed `r:`) fields.
//!
//! Syntax (`apk_dep_parse` and `apk_blob_pull_dep`, `src/package.c`):
//! `[!]name[@tag][op version]`, or `name><Q1…` to pin an identity checksum.
//! The operator is a run of the characters `<`, `>`, `=`, `~`, read as a
//! set as apk does (`~` means "fuzzy, or equal"), so `<=` and `=<` are the
//! same operator; the token text is kept as written.
//!
//! apk marks a dependency whose version is not a valid apk version as
//! "broken" but keeps it; so does this parser: the version text is not
//! validated here (see [`crate::version::validate`]).

use std::fmt;

use super::checksum::Checksum;

/// Why a dependency token does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid dependency {token:?}: {reason}")]
pub struct DependencyError {
    /// The rejected token (at most 80 characters of it).
    pub token: String,
    /// What is wrong.
    pub reason: String,
}

/// A version comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum VersionOp {
    /// `=`
    #[serde(rename = "=")]
    Equal,
    /// `<`
    #[serde(rename = "<")]
    Less,
    /// `<=`
    #[serde(rename = "<=")]
    LessEqual,
    /// `>`
    #[serde(rename = ">")]
    Greater,
    /// `>=`
    #[serde(rename = ">=")]
    GreaterEqual,
    /// `~`: prefix match.
    #[serde(rename = "~")]
    Fuzzy,
    /// `<~`: less than, or prefix match.
    #[serde(rename = "<~")]
    LessFuzzy,
    /// `>~`: greater than, or prefix match.
    #[serde(rename = ">~")]
    GreaterFuzzy,
}

impl VersionOp {
    /// apk's canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equal => "=",
            Self::Less => "<",
            Self::LessEqual => "<=",
            Self::Greater => ">",
            Self::GreaterEqual => ">=",
            Self::Fuzzy => "~",
            Self::LessFuzzy => "<~",
            Self::GreaterFuzzy => ">~",
        }
    }
}

impl fmt::Display for VersionOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a dependency requires of the version, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint<'a> {
    /// `op version`; the version text is as written, not validated.
    Version {
        /// The operator.
        op: VersionOp,
        /// The version text.
        version: &'a str,
    },
    /// `><Q1…`: exactly the package with this identity checksum.
    Checksum(&'a Checksum),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Req {
    Any,
    Version { op: VersionOp, start: usize },
    Checksum(Box<Checksum>),
}

/// One dependency token, parsed; the original text is kept.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Dependency {
    raw: Box<str>,
    conflict: bool,
    name_end: usize,
    tag_end: Option<usize>,
    req: Req,
}

// Operator bits as in apk (`APK_VERSION_LESS` etc.).
const LESS: u8 = 1;
const EQUAL: u8 = 2;
const GREATER: u8 = 4;
const FUZZY: u8 = 8;

fn is_op_char(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '~')
}

impl Dependency {
    /// Parses one token.
    pub fn parse(token: &str) -> Result<Self, DependencyError> {
        let err = |reason: &str| DependencyError {
            token: token.chars().take(80).collect(),
            reason: reason.to_owned(),
        };
        if token.is_empty() {
            return Err(err("empty"));
        }
        if token.contains(|c: char| c.is_ascii_whitespace()) {
            return Err(err("contains whitespace"));
        }
        let conflict = token.starts_with('!');
        let start = usize::from(conflict);
        let body = &token[start..];
        let (spec_len, req) = match body.find(is_op_char) {
            None => (body.len(), Req::Any),
            Some(op_at) => {
                let op_text = &body[op_at..];
                let op_len = op_text.find(|c| !is_op_char(c)).unwrap_or(op_text.len());
                let version = &op_text[op_len..];
                if version.is_empty() {
                    return Err(err("an operator without a version"));
                }
                let mask = op_text[..op_len].bytes().fold(0u8, |m, b| {
                    m | match b {
                        b'<' => LESS,
                        b'>' => GREATER,
                        b'=' => EQUAL,
                        _ => FUZZY | EQUAL,
                    }
                });
                let version_start = start + op_at + op_len;
                let op = match mask {
                    EQUAL => VersionOp::Equal,
                    LESS => VersionOp::Less,
                    m if m == LESS | EQUAL => VersionOp::LessEqual,
                    GREATER => VersionOp::Greater,
                    m if m == GREATER | EQUAL => VersionOp::GreaterEqual,
                    m if m == FUZZY | EQUAL => VersionOp::Fuzzy,
                    m if m == LESS | FUZZY | EQUAL => VersionOp::LessFuzzy,
                    m if m == GREATER | FUZZY | EQUAL => VersionOp::GreaterFuzzy,
                    m if m == LESS | GREATER => {
                        let sum = Checksum::parse(version).map_err(|e| err(&e.to_string()))?;
                        return Self::finish(token, conflict, op_at, Req::Checksum(Box::new(sum)))
                            .map_err(err);
                    }
                    _ => return Err(err("unknown operator")),
                };
                (
                    op_at,
                    Req::Version {
                        op,
                        start: version_start,
                    },
                )
            }
        };
        Self::finish(token, conflict, spec_len, req).map_err(err)
    }

    /// Splits `name[@tag]` (the first `spec_len` bytes after `!`).
    fn finish(
        token: &str,
        conflict: bool,
        spec_len: usize,
        req: Req,
    ) -> Result<Self, &'static str> {
        let start = usize::from(conflict);
        let spec = &token[start..start + spec_len];
        let (name_len, tag_end) = match spec.find('@') {
            Some(at) if at + 1 == spec.len() => return Err("an empty @tag"),
            Some(at) => (at, Some(start + spec_len)),
            None => (spec.len(), None),
        };
        if name_len == 0 {
            return Err("an empty name");
        }
        Ok(Self {
            raw: token.into(),
            conflict,
            name_end: start + name_len,
            tag_end,
            req,
        })
    }

    /// The token as written.
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// The package (or provided) name.
    pub fn name(&self) -> &str {
        &self.raw[usize::from(self.conflict)..self.name_end]
    }

    /// `!name`: the dependency is a conflict.
    pub fn is_conflict(&self) -> bool {
        self.conflict
    }

    /// The repository tag of `name@tag`.
    pub fn tag(&self) -> Option<&str> {
        self.tag_end.map(|end| &self.raw[self.name_end + 1..end])
    }

    /// The version requirement, `None` for any version.
    pub fn constraint(&self) -> Option<Constraint<'_>> {
        match &self.req {
            Req::Any => None,
            Req::Version { op, start } => Some(Constraint::Version {
                op: *op,
                version: &self.raw[*start..],
            }),
            Req::Checksum(c) => Some(Constraint::Checksum(c)),
        }
    }
}

impl fmt::Display for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Dependency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dependency({:?})", self.raw)
    }
}

impl serde::Serialize for Dependency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

/// Parses a space-separated list (the value of `D:`, `p:`, `i:`, `r:`).
/// Runs of whitespace separate like one space, as in apk.
pub fn parse_list(value: &str) -> Result<Vec<Dependency>, DependencyError> {
    value
        .split_ascii_whitespace()
        .map(Dependency::parse)
        .collect()
}

/// Writes a list back as apk does: tokens joined by one space.
pub(crate) fn write_list<W: fmt::Write>(w: &mut W, deps: &[Dependency]) -> fmt::Result {
    for (i, d) in deps.iter().enumerate() {
        if i > 0 {
            w.write_char(' ')?;
        }
        w.write_str(d.as_str())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    fn dep(s: &str) -> Dependency {
        Dependency::parse(s).unwrap()
    }

    #[test]
    fn real_examples() {
        // alpine-formats.md 2.1.
        let d = dep("openrc>=0.24.1-r6");
        assert_eq!(d.name(), "openrc");
        assert_eq!(
            d.constraint(),
            Some(Constraint::Version {
                op: VersionOp::GreaterEqual,
                version: "0.24.1-r6"
            })
        );
        let d = dep("so:libc.musl-x86_64.so.1");
        assert_eq!(d.name(), "so:libc.musl-x86_64.so.1");
        assert_eq!(d.constraint(), None);
        let d = dep("/bin/sh");
        assert_eq!(d.name(), "/bin/sh");
        let d = dep("cmd:bash=5.2.37-r0");
        assert_eq!(d.name(), "cmd:bash");
        assert_eq!(
            d.constraint(),
            Some(Constraint::Version {
                op: VersionOp::Equal,
                version: "5.2.37-r0"
            })
        );
        let d = dep("so:libc.musl-x86_64.so.1=1");
        assert_eq!(
            d.constraint(),
            Some(Constraint::Version {
                op: VersionOp::Equal,
                version: "1"
            })
        );
    }

    #[test]
    fn conflicts_tags_and_all_operators() {
        let d = dep("!foo@edge~1.2");
        assert!(d.is_conflict());
        assert_eq!(d.name(), "foo");
        assert_eq!(d.tag(), Some("edge"));
        assert_eq!(
            d.constraint(),
            Some(Constraint::Version {
                op: VersionOp::Fuzzy,
                version: "1.2"
            })
        );
        assert_eq!(d.to_string(), "!foo@edge~1.2");
        let d = dep("foo@edge");
        assert_eq!(
            (d.name(), d.tag(), d.constraint()),
            ("foo", Some("edge"), None)
        );
        for (text, op) in [
            ("=", VersionOp::Equal),
            ("<", VersionOp::Less),
            ("<=", VersionOp::LessEqual),
            ("=<", VersionOp::LessEqual),
            (">", VersionOp::Greater),
            (">=", VersionOp::GreaterEqual),
            ("~", VersionOp::Fuzzy),
            ("=~", VersionOp::Fuzzy),
            ("<~", VersionOp::LessFuzzy),
            (">~", VersionOp::GreaterFuzzy),
        ] {
            let d = dep(&format!("a{text}1"));
            assert_eq!(
                d.constraint(),
                Some(Constraint::Version { op, version: "1" }),
                "{text}"
            );
            assert!(!d.is_conflict());
        }
    }

    #[test]
    fn checksum_pin() {
        let d = dep("busybox><Q1tduNGDYV/KwvztK0sMium7UfSj0=");
        assert_eq!(d.name(), "busybox");
        let Some(Constraint::Checksum(c)) = d.constraint() else {
            panic!("{d:?}")
        };
        assert_eq!(c.to_string(), "Q1tduNGDYV/KwvztK0sMium7UfSj0=");
        assert!(Dependency::parse("busybox><1.2").is_err());
    }

    #[test]
    fn bad_tokens() {
        for bad in ["", "!", "=1", "@tag", "a@", "a=", "a<>=1", "a b", "!>=1"] {
            let e = Dependency::parse(bad).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid dependency"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn lists_split_on_runs_of_whitespace() {
        let l = parse_list("a  b>=1\tc").unwrap();
        assert_eq!(
            l.iter().map(Dependency::name).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert!(parse_list("").unwrap().is_empty());
        let mut s = String::new();
        write_list(&mut s, &l).unwrap();
        assert_eq!(s, "a b>=1 c");
    }

    proptest! {
        #[test]
        fn parse_display_round_trip(
            conflict in any::<bool>(),
            name in "[a-z0-9:/._+-]{1,12}",
            tag in proptest::option::of("[a-z]{1,5}"),
            op in proptest::option::of(prop::sample::select(vec!["=", "<", "<=", ">", ">=", "~", "<~", ">~"])),
            version in "[0-9a-z._-]{1,8}",
        ) {
            let mut text = String::new();
            if conflict { text.push('!'); }
            text.push_str(&name);
            if let Some(t) = &tag { text.push('@'); text.push_str(t); }
            if let Some(o) = op { text.push_str(o); text.push_str(&version); }
            let d = Dependency::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(d.to_string(), text.clone());
            prop_assert_eq!(d.name(), name.as_str());
            prop_assert_eq!(d.is_conflict(), conflict);
            prop_assert_eq!(d.tag(), tag.as_deref());
            match (op, d.constraint()) {
                (None, None) => {}
                (Some(o), Some(Constraint::Version { op, version: v })) => {
                    prop_assert_eq!(op.as_str(), o);
                    prop_assert_eq!(v, version.as_str());
                }
                (o, c) => prop_assert!(false, "{o:?} vs {c:?}"),
            }
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            if let Ok(d) = Dependency::parse(&s) {
                prop_assert_eq!(d.to_string(), s);
                let _ = (d.name(), d.tag(), d.constraint());
            }
        }
    }
}
