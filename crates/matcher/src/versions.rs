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
        match (normalize_upstream(a), normalize_upstream(b)) {
            (Some(a), Some(b)) => Some(version::compare(
                &strip_trailing_zeros(&a),
                &strip_trailing_zeros(&b),
            )),
            // One side is not an apk version (`0.9.8za`, `0.9.6-15`), but the
            // numbers before the odd part may already decide: 3.0.8 is after
            // 0.9.8-anything.
            _ => numeric_head_compare(a, b),
        }
    }
}

/// Compares the leading dot-separated numbers of two versions, component by
/// component, numerically; `None` when they agree as far as both go (the
/// rest would decide, and cannot be read), or when either side has fewer
/// than two dotted numbers (`2021-12-13` is a date, not version 2021).
pub fn numeric_head_compare(a: &str, b: &str) -> Option<Ordering> {
    fn head(v: &str) -> Vec<&str> {
        let v = v.trim().trim_start_matches(['v', 'V']);
        let end = v
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(v.len());
        v[..end].split('.').filter(|c| !c.is_empty()).collect()
    }
    let (ha, hb) = (head(a), head(b));
    if ha.len() < 2 || hb.len() < 2 {
        return None;
    }
    let mut ha = ha.into_iter();
    let mut hb = hb.into_iter();
    loop {
        match (ha.next(), hb.next()) {
            (Some(x), Some(y)) => {
                let (x, y) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                let ord = x.len().cmp(&y.len()).then_with(|| x.cmp(y));
                if ord != Ordering::Equal {
                    return Some(ord);
                }
            }
            _ => return None,
        }
    }
}

/// Drops trailing `.0` components of the numeric head (`2.4.0` → `2.4`,
/// `2.0.0_rc1` → `2_rc1`): upstream projects and NVD write `2.4` and
/// `2.4.0` for the same release, while apk orders `2.4 < 2.4.0`.
fn strip_trailing_zeros(v: &str) -> Cow<'_, str> {
    let head_len = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let head = &v[..head_len];
    let mut end = head.len();
    while head[..end].ends_with(".0") && head[..end - 2].contains(|c: char| c.is_ascii_digit()) {
        end -= 2;
    }
    if end == head.len() {
        Cow::Borrowed(v)
    } else if head_len == v.len() {
        Cow::Borrowed(&v[..end])
    } else {
        Cow::Owned(format!("{}{}", &head[..end], &v[head_len..]))
    }
}

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
    if let Some(rest) = s.strip_prefix(['v', 'V'])
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        s = rest;
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
    let head_len = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (head, mut rest) = s.split_at(head_len);
    let head = head.trim_end_matches('.');
    if head.is_empty() {
        return None;
    }
    let mut out = head.to_owned();
    // An optional single letter (`1.0a`), kept when not a suffix start.
    while !rest.is_empty() {
        rest = rest.trim_start_matches(['-', '.', '_', '~']);
        let Some(name) = version::SUFFIXES
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
        let digits_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
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
        Some(i) if pkgver[i + 2..].bytes().all(|b| b.is_ascii_digit()) && i + 2 < pkgver.len() => {
            &pkgver[..i]
        }
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
    fn unreadable_versions_are_decided_by_their_numbers_when_possible() {
        let o = ApkOrder;
        // OpenSSL's double-letter releases and Red Hat's build suffixes.
        assert_eq!(o.compare("3.0.8", "0.9.8za"), Some(Ordering::Greater));
        assert_eq!(o.compare("3.0.8", "0.9.6-15"), Some(Ordering::Greater));
        assert_eq!(o.compare("0.9.8zb", "1.0.1"), Some(Ordering::Less));
        assert_eq!(o.compare("0.9.8", "0.9.8za"), None);
        assert_eq!(o.compare("1.0.2za", "1.0.2"), None);
        assert_eq!(o.compare("2021-12-13", "2021-11-01"), None);
        assert_eq!(o.compare("20210101", "2021-01-01"), None);
    }

    #[test]
    fn trailing_zero_components_are_equal_upstream() {
        let o = ApkOrder;
        assert_eq!(o.compare("2.4", "2.4.0"), Some(Ordering::Equal));
        assert_eq!(o.compare("2.4.0.0", "2.4"), Some(Ordering::Equal));
        assert_eq!(o.compare("2.4", "2.4.1"), Some(Ordering::Less));
        assert_eq!(o.compare("2.40", "2.4"), Some(Ordering::Greater));
        assert_eq!(o.compare("1.0", "1"), Some(Ordering::Equal));
        assert_eq!(o.compare("10", "1"), Some(Ordering::Greater));
        assert_eq!(o.compare("2.0.0_rc1", "2.0_rc1"), Some(Ordering::Equal));
        assert_eq!(o.compare("2.0.0_rc1", "2.0.0"), Some(Ordering::Less));
        assert_eq!(o.compare("1.0a", "1.0"), Some(Ordering::Greater));
    }

    #[test]
    fn upstream_strips_revision_only() {
        assert_eq!(upstream_of("1.2.3-r4"), "1.2.3");
        assert_eq!(upstream_of("1.2.3"), "1.2.3");
        assert_eq!(upstream_of("1.2.3-r"), "1.2.3-r");
        assert_eq!(upstream_of("0.1_git20200101-r10"), "0.1_git20200101");
    }
}
