//! Vulnerability identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A vulnerability identifier: `CVE-2021-44228`, `GHSA-h5c8-rqwp-cp95`,
/// `XSA-182`, `CGA-xxxx`, `ALPINE-13661`, …
///
/// The constructor only rejects what cannot be an identifier at all (empty,
/// whitespace, control characters, absurd length); it does not insist on a
/// known prefix, because distributions record ids of many databases. Use
/// [`VulnId::kind`] to tell them apart. `CVE` ids are normalised to upper
/// case (`cve-2021-1` and `CVE-2021-1` are the same id); other ids keep their
/// case (GHSA ids are lower case after the prefix by convention).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct VulnId(String);

/// Why a string is not a vulnerability identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a vulnerability id: {value:?} ({reason})")]
pub struct InvalidVulnId {
    /// The rejected text.
    pub value: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// The database an identifier belongs to, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// `CVE-YYYY-NNNN…` with a well-formed year and number.
    Cve,
    /// `GHSA-xxxx-xxxx-xxxx`.
    Ghsa,
    /// Xen Security Advisory, `XSA-NNN`.
    Xsa,
    /// Anything else (`CGA-`, `ALPINE-`, `TALOS-`, `ZDI-CAN-`, …), or a
    /// `CVE-` prefix that is not well formed (`CVE-46838`).
    Other,
}

const MAX_LEN: usize = 128;

impl VulnId {
    /// Parses an identifier; see the type documentation for the rules.
    pub fn new(value: &str) -> Result<Self, InvalidVulnId> {
        let bad = |reason| InvalidVulnId {
            value: value.to_owned(),
            reason,
        };
        if value.is_empty() {
            return Err(bad("empty"));
        }
        if value.len() > MAX_LEN {
            return Err(bad("longer than 128 bytes"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains whitespace or control characters"));
        }
        if !value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            return Err(bad("does not start with a letter or digit"));
        }
        // `get` rather than indexing: the fifth byte may sit inside a
        // multi-byte character (`a𐀀`), and slicing there would panic.
        let normalised = match (value.get(..4), value.get(4..)) {
            (Some(prefix), Some(rest))
                if !rest.is_empty() && prefix.eq_ignore_ascii_case("cve-") =>
            {
                format!("CVE-{rest}")
            }
            _ => value.to_owned(),
        };
        Ok(Self(normalised))
    }

    /// Parses an identifier that must be a well-formed CVE id.
    pub fn cve(value: &str) -> Option<Self> {
        Self::new(value).ok().filter(|id| id.kind() == IdKind::Cve)
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Which database the identifier belongs to.
    pub fn kind(&self) -> IdKind {
        let s = self.0.as_str();
        if let Some(rest) = s.strip_prefix("CVE-") {
            let mut parts = rest.splitn(2, '-');
            let year = parts.next().unwrap_or("");
            let num = parts.next().unwrap_or("");
            if year.len() == 4
                && year.bytes().all(|b| b.is_ascii_digit())
                && num.len() >= 4
                && num.bytes().all(|b| b.is_ascii_digit())
            {
                return IdKind::Cve;
            }
            return IdKind::Other;
        }
        if s.starts_with("GHSA-") {
            IdKind::Ghsa
        } else if s.starts_with("XSA-") {
            IdKind::Xsa
        } else {
            IdKind::Other
        }
    }
}

impl fmt::Display for VulnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for VulnId {
    type Err = InvalidVulnId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for VulnId {
    type Error = InvalidVulnId;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(&s)
    }
}

impl From<VulnId> for String {
    fn from(id: VulnId) -> Self {
        id.0
    }
}

impl AsRef<str> for VulnId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cve_prefix_is_normalised() {
        assert_eq!(
            VulnId::new("cve-2021-44228").unwrap().as_str(),
            "CVE-2021-44228"
        );
        assert_eq!(VulnId::new("CVE-2021-44228").unwrap().kind(), IdKind::Cve);
    }

    #[test]
    fn multibyte_character_across_the_prefix_is_not_a_panic() {
        // Found by the OSV mutation property test: byte 4 of `a𐀀` is inside
        // the four-byte character.
        assert_eq!(VulnId::new("a𐀀").unwrap().as_str(), "a𐀀");
        assert_eq!(VulnId::new("cve𐀀x").unwrap().as_str(), "cve𐀀x");
        assert_eq!(VulnId::new("cvé-1").unwrap().as_str(), "cvé-1");
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_an_id_or_an_error(s in "\\PC{0,12}") {
            if let Ok(id) = VulnId::new(&s) {
                proptest::prop_assert!(id.as_str().eq_ignore_ascii_case(&s));
            }
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(
            VulnId::new("GHSA-h5c8-rqwp-cp95").unwrap().kind(),
            IdKind::Ghsa
        );
        assert_eq!(VulnId::new("XSA-182").unwrap().kind(), IdKind::Xsa);
        assert_eq!(VulnId::new("CVE-46838").unwrap().kind(), IdKind::Other);
        assert_eq!(VulnId::new("CVE-2018-128911").unwrap().kind(), IdKind::Cve);
        assert_eq!(VulnId::new("ALPINE-13661").unwrap().kind(), IdKind::Other);
    }

    #[test]
    fn rejects_non_ids() {
        assert!(VulnId::new("").is_err());
        assert!(VulnId::new("CVE 2025-48379").is_err());
        assert!(VulnId::new("(AoE)").is_err());
        assert!(VulnId::new(&"A".repeat(200)).is_err());
    }

    #[test]
    fn serde_round_trip() {
        let id = VulnId::new("CVE-2021-44228").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"CVE-2021-44228\"");
        let back: VulnId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<VulnId>("\"a b\"").is_err());
    }
}
