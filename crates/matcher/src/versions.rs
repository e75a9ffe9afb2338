//! Comparing upstream versions from vulnerability sources with apk versions.
//!
//! Sources write versions their own way (`1.0.0-beta1`, `v2.3`, `9.3p2`,
//! `1.2.3+build4`); apk has one grammar. [`normalize_upstream`] rewrites the
//! common spellings into apk's when the result is a valid apk version, and
//! otherwise gives up: an incomparable version yields "unknown", never a
//! guess. Package versions lose their `-rN` revision before they are
//! compared with upstream ranges (a range says nothing about Alpine's
//! rebuilds).

use std::borrow::Cow;
use std::cmp::Ordering;

use secfixes_apk::version;
use secfixes_model::VersionOrder;

/// The apk version order over upstream versions, with
/// [`normalize_upstream`] applied to both sides. `None` when either side
/// cannot be made a valid apk version.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApkOrder;

impl VersionOrder for ApkOrder {
    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        let a = normalize_upstream(a)?;
        let b = normalize_upstream(b)?;
        Some(version::compare(&a, &b))
    }
}

const PRE_SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];

/// Rewrites an upstream version into apk's grammar, when that is possible
/// without guessing:
/// - surrounding whitespace, a leading `v`, and `+build` metadata are dropped;
/// - upper case letters are lowered;
/// - a suffix introduced by `-`, `.` or nothing (`1.0-rc1`, `1.0.beta.2`,
///   `1.0rc1`, `9.3p2`) becomes `_suffix` with its number (`1.0_rc1`,
///   `1.0_beta2`, `9.3_p2`); `-alpha`-style spellings map to apk's suffixes
///   (`a`/`b` alone are *not* treated as alpha/beta: `1.0a` is a valid apk
///   letter version).
///
/// Returns `None` when the result is still not a valid apk version.
pub fn normalize_upstream(v: &str) -> Option<Cow<'_, str>> {
    if version::validate(v) {
        return Some(Cow::Borrowed(v));
    }
    let mut s = v.trim();
    if let Some(rest) = s.strip_prefix(['v', 'V']) {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            s = rest;
        }
    }
    if let Some((base, _build)) = s.split_once('+') {
        s = base;
    }
    let lower = s.to_ascii_lowercase();
    if version::validate(&lower) {
        return Some(Cow::Owned(lower));
    }
    let rewritten = rewrite_suffixes(&lower)?;
    version::validate(&rewritten).then_some(Cow::Owned(rewritten))
}

/// `1.0-rc.1` → `1.0_rc1`; `2.0beta3` → `2.0_beta3`; `9.3p2` → `9.3_p2`.
fn rewrite_suffixes(s: &str) -> Option<String> {
    // The numeric head: digits and dots.
    let head_len = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (head, mut rest) = s.split_at(head_len);
    let head = head.trim_end_matches('.');
    if head.is_empty() {
        return None;
    }
    let mut out = head.to_owned();
    // An optional single letter (`1.0a`), kept when not a suffix start.
    while !rest.is_empty() {
        rest = rest.trim_start_matches(['-', '.', '_', '~']);
        let Some(name) = PRE_SUFFIXES
            .iter()
            .copied()
            .chain(["preview", "dev"])
            .filter(|n| rest.starts_with(n))
            .max_by_key(|n| n.len())
        else {
            // A lone letter directly after the numbers: apk's letter.
            let mut chars = rest.chars();
            if let Some(c) = chars.next()
                && c.is_ascii_lowercase()
                && !out.contains('_')
                && chars.as_str().is_empty()
            {
                out.push(c);
                return Some(out);
            }
            return None;
        };
        let suffix = match name {
            "preview" | "dev" => "pre",
            other => other,
        };
        rest = &rest[name.len()..];
        rest = rest.trim_start_matches(['.', '-']);
        let digits_len = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        out.push('_');
        out.push_str(suffix);
        out.push_str(&rest[..digits_len]);
        rest = &rest[digits_len..];
    }
    Some(out)
}

/// The upstream part of an apk package version: without `-rN`.
pub fn upstream_of(pkgver: &str) -> &str {
    match pkgver.rfind("-r") {
        Some(i) if pkgver[i + 2..].bytes().all(|b| b.is_ascii_digit()) && i + 2 < pkgver.len() => &pkgver[..i],
        _ => pkgver,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_versions_pass_through() {
        for v in ["1.2.3", "1.0_rc1", "2.4.49", "1.1.1k", "9.3_p2"] {
            assert_eq!(normalize_upstream(v).as_deref(), Some(v));
        }
    }

    #[test]
    fn common_spellings() {
        let cases = [
            ("v1.2.3", "1.2.3"),
            ("1.0.0-beta1", "1.0.0_beta1"),
            ("1.0-rc.2", "1.0_rc2"),
            ("2.0beta3", "2.0_beta3"),
            ("9.3p2", "9.3_p2"),
            ("1.2.3+build.4", "1.2.3"),
            ("1.0.0-RC1", "1.0.0_rc1"),
            ("5.10.0-rc1", "5.10.0_rc1"),
            ("1.0-alpha", "1.0_alpha"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_upstream(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn no_guessing() {
        for v in ["2021-12-13", "*", "-", "", "abc", "1.0-foo", "r1234"] {
            assert_eq!(normalize_upstream(v), None, "{v}");
        }
    }

    #[test]
    fn order_uses_apk_rules() {
        let o = ApkOrder;
        assert_eq!(o.compare("1.0.0-rc1", "1.0.0"), Some(Ordering::Less));
        assert_eq!(o.compare("2.15.0", "2.15.0"), Some(Ordering::Equal));
        assert_eq!(o.compare("1.1.1k", "1.1.1l"), Some(Ordering::Less));
        assert_eq!(o.compare("2021-12-13", "1.0"), None);
    }

    #[test]
    fn upstream_strips_revision_only() {
        assert_eq!(upstream_of("1.2.3-r4"), "1.2.3");
        assert_eq!(upstream_of("1.2.3"), "1.2.3");
        assert_eq!(upstream_of("1.2.3-r"), "1.2.3-r");
        assert_eq!(upstream_of("0.1_git20200101-r10"), "0.1_git20200101");
    }
}
