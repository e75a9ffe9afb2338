//! Which apk-tools version order applies: a parameter of the branch.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use secfixes_model::VersionOrder;

use super::error::InvalidVersion;
use super::op::Op;
use super::{v2, v3};

/// An apk version order: the one of apk-tools 2.x or of apk-tools 3.x.
///
/// Alpine releases up to v3.22 ship apk-tools 2, whose order accepts (and
/// orders) versions 3.x rejects, such as sudo `1.9.5p2-r0`, and orders
/// leading zeros differently (`1.0 > 1.00` on 2.x, `<` on 3.x). A tracker
/// must compare a branch's versions with the order of the apk-tools that
/// branch ships: [`Scheme::for_branch`] gives the default, which
/// configuration may override.
///
/// The default scheme is [`Scheme::Apk3`], the current apk-tools, which is
/// also what the unprefixed [`super::compare`] and [`super::validate`]
/// implement. Text form (`FromStr`, `Display`, serde): `apk2`, `apk3`.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// apk-tools 2.x (`src/version.c@2.14-stable`): [`super::v2`].
    Apk2,
    /// apk-tools 3.x (`src/version.c@master`): [`super::v3`].
    #[default]
    Apk3,
}

/// The first Alpine release whose apk is apk-tools 3.
const FIRST_APK3_RELEASE: (u32, u32) = (3, 23);

impl Scheme {
    /// Both schemes.
    pub const ALL: [Self; 2] = [Self::Apk2, Self::Apk3];

    /// The default scheme of an Alpine branch: [`Scheme::Apk2`] for `vX.Y`
    /// with `(X, Y) < (3, 23)` (Alpine 3.23 was the first release with
    /// apk-tools 3), [`Scheme::Apk3`] for `edge`, for `v3.23` and later, and
    /// for any name that is not of the form `vX.Y` (a branch we do not know
    /// is taken to be a new one). This is only a default: the tracker
    /// configuration may say otherwise for a branch.
    pub fn for_branch(branch: &str) -> Self {
        let release = branch
            .strip_prefix('v')
            .and_then(|r| r.split_once('.'))
            .and_then(|(x, y)| Some((parse_decimal(x)?, parse_decimal(y)?)));
        match release {
            Some(xy) if xy < FIRST_APK3_RELEASE => Self::Apk2,
            _ => Self::Apk3,
        }
    }

    /// The scheme's name: `apk2` or `apk3`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Apk2 => "apk2",
            Self::Apk3 => "apk3",
        }
    }

    /// Whether `s` is a valid version under this scheme.
    pub fn validate(self, s: &str) -> bool {
        match self {
            Self::Apk2 => v2::validate(s),
            Self::Apk3 => v3::validate(s),
        }
    }

    /// Like [`Scheme::validate`], saying where and why `s` is invalid.
    pub fn check(self, s: &str) -> Result<(), InvalidVersion> {
        match self {
            Self::Apk2 => v2::check(s),
            Self::Apk3 => v3::check(s),
        }
    }

    /// Parses a version valid under this scheme, ordered by it.
    pub fn parse(self, s: &str) -> Result<SchemedVersion, InvalidVersion> {
        self.check(s)?;
        Ok(SchemedVersion {
            scheme: self,
            text: s.to_owned(),
        })
    }

    /// Compares two versions with this scheme's order, invalid versions
    /// included (each scheme has its own rules for those; validate first).
    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Self::Apk2 => v2::compare(a, b),
            Self::Apk3 => v3::compare(a, b),
        }
    }

    /// The fuzzy comparison of the `~` operators under this scheme.
    pub fn compare_fuzzy(self, a: &str, b: &str) -> Ordering {
        match self {
            Self::Apk2 => v2::compare_fuzzy(a, b),
            Self::Apk3 => v3::compare_fuzzy(a, b),
        }
    }

    /// Whether `a op b` holds under this scheme.
    pub fn matches(self, a: &str, op: Op, b: &str) -> bool {
        match self {
            Self::Apk2 => v2::matches(a, op, b),
            Self::Apk3 => v3::matches(a, op, b),
        }
    }
}

/// A decimal number of at most 9 digits, no sign.
fn parse_decimal(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The comparison a matcher needs: `None` unless both sides are valid under
/// the scheme, so that an invalid version is "unknown", never guessed at.
impl VersionOrder for Scheme {
    fn compare(&self, a: &str, b: &str) -> Option<Ordering> {
        (self.validate(a) && self.validate(b)).then(|| Self::compare(*self, a, b))
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scheme {
    type Err = InvalidScheme;

    /// `apk2` or `apk3`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scheme| scheme.as_str() == s)
            .ok_or_else(|| InvalidScheme(s.to_owned()))
    }
}

/// A version scheme name [`Scheme::from_str`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown apk version scheme {0:?} (expected apk2 or apk3)")]
pub struct InvalidScheme(pub String);

/// A version valid under a [`Scheme`], ordered by that scheme.
///
/// Equality, order and hash follow the scheme's order, not the text. Two
/// versions of *different* schemes are never equal; they order by scheme
/// first (`Apk2` before `Apk3`) so that the order stays total, but
/// comparing across schemes means nothing — keep one scheme per
/// collection.
#[derive(Debug, Clone)]
pub struct SchemedVersion {
    scheme: Scheme,
    text: String,
}

impl SchemedVersion {
    /// The scheme the version was validated under.
    pub const fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The version text, as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl From<v3::Version> for SchemedVersion {
    fn from(v: v3::Version) -> Self {
        Self {
            scheme: Scheme::Apk3,
            text: v.into(),
        }
    }
}

impl From<SchemedVersion> for String {
    fn from(v: SchemedVersion) -> Self {
        v.text
    }
}

impl AsRef<str> for SchemedVersion {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for SchemedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Ord for SchemedVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.scheme
            .cmp(&other.scheme)
            .then_with(|| self.scheme.compare(&self.text, &other.text))
    }
}

impl PartialOrd for SchemedVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SchemedVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SchemedVersion {}

impl Hash for SchemedVersion {
    /// The scheme, then what its comparison looks at: equal versions hash
    /// the same.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.scheme.hash(state);
        match self.scheme {
            Scheme::Apk2 => v2::hash_canonical(&self.text, state),
            Scheme::Apk3 => v3::hash_canonical(&self.text, state),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn branch_defaults() {
        for b in ["v3.10", "v3.18", "v3.22", "v2.4", "v3.0"] {
            assert_eq!(Scheme::for_branch(b), Scheme::Apk2, "{b}");
        }
        for b in [
            "v3.23",
            "v3.24",
            "v4.0",
            "v10.1",
            "edge",
            "latest-stable",
            "3.18",
            "v3",
            "v3.x",
            "",
            "v3.18.1",
            "v-3.1",
        ] {
            assert_eq!(Scheme::for_branch(b), Scheme::Apk3, "{b}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in Scheme::ALL {
            assert_eq!(s.to_string().parse::<Scheme>().unwrap(), s);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Scheme>(&json).unwrap(), s);
        }
        assert_eq!(Scheme::default(), Scheme::Apk3);
        let e = "APK2".parse::<Scheme>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown apk version scheme \"APK2\" (expected apk2 or apk3)"
        );
    }

    /// The motivating case: Baron Samedit (CVE-2021-3156) was fixed in sudo
    /// 1.9.5p2. Under 3.x both versions are invalid and compare equal, so a
    /// tracker would call 1.9.5p1 fixed; under 2.x the order is right.
    #[test]
    fn sudo_baron_samedit() {
        let (old, fix) = ("1.9.5p1-r0", "1.9.5p2-r0");
        assert_eq!(Scheme::Apk2.compare(old, fix), Ordering::Less);
        assert_eq!(Scheme::Apk3.compare(old, fix), Ordering::Equal);
        assert_eq!(
            VersionOrder::compare(&Scheme::Apk2, old, fix),
            Some(Ordering::Less)
        );
        assert_eq!(VersionOrder::compare(&Scheme::Apk3, old, fix), None);
        let (a, b) = (
            Scheme::Apk2.parse(old).unwrap(),
            Scheme::Apk2.parse(fix).unwrap(),
        );
        assert!(a < b);
        assert!(Scheme::Apk3.parse(old).is_err());
    }

    #[test]
    fn schemes_dispatch() {
        assert_eq!(Scheme::Apk2.compare("1.0", "1.00"), Ordering::Greater);
        assert_eq!(Scheme::Apk3.compare("1.0", "1.00"), Ordering::Less);
        assert!(Scheme::Apk2.validate("6.6.2p1-r0"));
        assert!(!Scheme::Apk3.validate("6.6.2p1-r0"));
        assert!(Scheme::Apk3.validate("1.0~abc"));
        assert!(!Scheme::Apk2.validate("1.0~abc"));
        assert_eq!(Scheme::Apk2.compare_fuzzy("3.6", "3.6.1"), Ordering::Equal);
        assert_eq!(Scheme::Apk3.compare_fuzzy("3.6", "3.6.1"), Ordering::Less);
        assert!(Scheme::Apk2.matches("3.8", Op::TILDE, "3.8.1"));
        assert!(!Scheme::Apk3.matches("3.8", Op::TILDE, "3.8.1"));
        let e = Scheme::Apk3.check("1.0a1").unwrap_err();
        assert_eq!(e.position, 4);
        assert!(Scheme::Apk2.check("1.0a1").is_ok());
    }

    #[test]
    fn schemed_versions_eq_hash_and_order() {
        let p = |s: Scheme, v: &str| s.parse(v).unwrap();
        assert_eq!(p(Scheme::Apk2, "1.0-r01"), p(Scheme::Apk2, "1.0-r1"));
        assert_eq!(p(Scheme::Apk3, "1.0-r01"), p(Scheme::Apk3, "1.0-r1"));
        // Different schemes never compare equal.
        assert_ne!(p(Scheme::Apk2, "1.0"), p(Scheme::Apk3, "1.0"));
        assert!(p(Scheme::Apk2, "9") < p(Scheme::Apk3, "1"));
        let set: HashSet<SchemedVersion> = ["1.0-r1", "1.0-r01", "01.0-r1", "1.00-r1", "1.0-r1"]
            .iter()
            .map(|v| p(Scheme::Apk2, v))
            .collect();
        assert_eq!(set.len(), 2, "{set:?}");
        let v = p(Scheme::Apk2, "1.9.5p2-r0");
        assert_eq!((v.scheme(), v.as_str()), (Scheme::Apk2, "1.9.5p2-r0"));
        assert_eq!(v.to_string(), "1.9.5p2-r0");
        assert_eq!(String::from(v), "1.9.5p2-r0");
        let three: SchemedVersion = v3::Version::parse("1.0~ab").unwrap().into();
        assert_eq!(three.scheme(), Scheme::Apk3);
    }
}
