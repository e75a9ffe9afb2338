//! `pkgname`, `pkgver` and `pkgrel` of an APKBUILD, read without a shell.
//!
//! An APKBUILD is a shell script; only a shell can evaluate it. The tracker
//! needs these three values for display and sanity checks, and nearly every
//! APKBUILD assigns them as plain literals at the top. This reader takes the
//! last unindented assignment of each (the one a top-level shell run would
//! leave in place) and returns its value when it is a literal; values that
//! need expansion (`$_pkgver`, `${pkgver/_/-}`, `` `cmd` ``) are reported as
//! unresolved, never guessed.

/// The value of one assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignedValue {
    /// A literal value, quotes removed.
    Literal(String),
    /// The value needs a shell (parameter expansion, command substitution,
    /// escapes, an unterminated quote, or words after the value); the text
    /// after `=` is kept as written.
    Unresolved(String),
}

impl AssignedValue {
    /// The literal value, when there is one.
    pub fn literal(&self) -> Option<&str> {
        match self {
            Self::Literal(s) => Some(s),
            Self::Unresolved(_) => None,
        }
    }
}

/// One `name=value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// 1-based line number.
    pub line: usize,
    /// The value.
    pub value: AssignedValue,
}

/// The package variables the tracker reads from an APKBUILD.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageVars {
    /// `pkgname=`.
    pub pkgname: Option<Assignment>,
    /// `pkgver=`.
    pub pkgver: Option<Assignment>,
    /// `pkgrel=`.
    pub pkgrel: Option<Assignment>,
}

impl PackageVars {
    /// `pkgver-rpkgrel` when both are literals: the full version of the
    /// package the APKBUILD builds.
    pub fn full_version(&self) -> Option<String> {
        let ver = self.pkgver.as_ref()?.value.literal()?;
        let rel = self.pkgrel.as_ref()?.value.literal()?;
        Some(format!("{ver}-r{rel}"))
    }
}

/// Reads the last unindented `pkgname=`, `pkgver=` and `pkgrel=` assignments.
pub fn package_vars(text: &str) -> PackageVars {
    let mut vars = PackageVars::default();
    for (idx, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let slot = match name {
            "pkgname" => &mut vars.pkgname,
            "pkgver" => &mut vars.pkgver,
            "pkgrel" => &mut vars.pkgrel,
            _ => continue,
        };
        *slot = Some(Assignment {
            line: idx + 1,
            value: parse_value(rest),
        });
    }
    vars
}

/// Parses the shell word after `=` (one line only).
fn parse_value(rest: &str) -> AssignedValue {
    let unresolved = || AssignedValue::Unresolved(rest.trim_end().to_owned());
    let mut out = String::new();
    let mut chars = rest.char_indices().peekable();
    let mut end = rest.len();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' => {
                let mut closed = false;
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        closed = true;
                        break;
                    }
                    out.push(q);
                }
                if !closed {
                    return unresolved();
                }
            }
            '"' => {
                let mut closed = false;
                for (_, q) in chars.by_ref() {
                    match q {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '$' | '`' | '\\' => return unresolved(),
                        _ => out.push(q),
                    }
                }
                if !closed {
                    return unresolved();
                }
            }
            '$' | '`' | '\\' | '*' | '?' | '[' | '(' | ')' | '<' | '>' | '|' | '&' => {
                return unresolved();
            }
            c if c == ' ' || c == '\t' || c == ';' => {
                end = i;
                break;
            }
            c => out.push(c),
        }
    }
    // After the word: nothing, a comment, or `;`. Anything else (`pkgver=1 foo`)
    // makes the line a command with an environment assignment.
    let tail = rest
        .get(end..)
        .unwrap_or("")
        .trim_start_matches([' ', '\t', ';']);
    if !(tail.is_empty() || tail.starts_with('#')) {
        return unresolved();
    }
    AssignedValue::Literal(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lit(s: &str) -> AssignedValue {
        AssignedValue::Literal(s.to_owned())
    }

    #[test]
    fn literals() {
        let v = package_vars("# comment\npkgname=openssl\npkgver=3.0.5\npkgrel=2\n");
        assert_eq!(v.pkgname.as_ref().unwrap().value, lit("openssl"));
        assert_eq!(v.pkgname.as_ref().unwrap().line, 2);
        assert_eq!(v.full_version().as_deref(), Some("3.0.5-r2"));
        assert_eq!(parse_value("\"1.2\""), lit("1.2"));
        assert_eq!(parse_value("'1.2' # x"), lit("1.2"));
        assert_eq!(parse_value("1.2 # x"), lit("1.2"));
        assert_eq!(parse_value("1.2;"), lit("1.2"));
        assert_eq!(parse_value(""), lit(""));
        assert_eq!(parse_value("a'b'\"c\""), lit("abc"));
    }

    #[test]
    fn unresolved() {
        for v in [
            "$_pkgver",
            "${_ver/_/-}",
            "\"$x\"",
            "`date`",
            "'open",
            "\"open",
            "1 foo",
            "a\\b",
        ] {
            assert!(
                matches!(parse_value(v), AssignedValue::Unresolved(_)),
                "{v}"
            );
        }
        let v = package_vars("pkgver=${_v}\npkgrel=0\n");
        assert_eq!(
            v.pkgver.unwrap().value,
            AssignedValue::Unresolved("${_v}".into())
        );
    }

    #[test]
    fn last_unindented_assignment_wins() {
        let v = package_vars("pkgver=1\n\tpkgver=2\npkgver=3\n  pkgrel=9\npkgrel=1\r\n");
        assert_eq!(
            v.pkgver.unwrap(),
            Assignment {
                line: 3,
                value: lit("3")
            }
        );
        assert_eq!(v.pkgrel.unwrap().value, lit("1"));
        assert!(v.pkgname.is_none());
    }
}
