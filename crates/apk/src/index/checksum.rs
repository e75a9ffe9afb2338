//! apk checksums as written in text: `Q1`+base64 or `X1`+hex (SHA-1), and
//! apk-tools 3's `Q2`/`X2` (SHA-256).
//!
//! Encoding (`apk_blob_push_hash`, `src/blob.c`; decoding
//! `apk_blob_pull_digest`): `Q` is standard base64 with `=` padding, `X` is
//! hex. The digit names the generation; apk-tools 3 also treats a `Q1`/`X1`
//! value with a 32-byte tail as SHA-256, so the digest length, not the digit,
//! decides the algorithm. A parsed checksum displays back to the same text.
//!
//! Not supported: the legacy MD5 hexdump of apk-tools 2 (a value starting
//! with a hex digit), which no current index or database contains.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

/// Why a checksum text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid checksum {text:?}: {reason}")]
pub struct ChecksumError {
    /// The rejected text (at most 80 characters of it).
    pub text: String,
    /// What is wrong.
    pub reason: &'static str,
}

/// The digest algorithm, known from the digest length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigestAlgorithm {
    /// 20 bytes. In the installed db of a package with the `f:S` flag, a
    /// 20-byte file checksum is SHA-256 truncated to 160 bits instead.
    Sha1,
    /// 32 bytes.
    Sha256,
}

/// How the digest is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumEncoding {
    /// `Q`: standard base64 with padding.
    Base64,
    /// `X`: lowercase hex.
    Hex,
    /// `X`: uppercase hex (accepted by apk; kept so the text round-trips).
    HexUpper,
}

/// A digest in apk's text form.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Checksum {
    encoding: ChecksumEncoding,
    /// `b'1'` or `b'2'`.
    generation: u8,
    len: u8,
    bytes: [u8; 32],
}

impl Checksum {
    /// Parses `Q1…`, `X1…`, `Q2…` or `X2…`.
    pub fn parse(text: &str) -> Result<Self, ChecksumError> {
        let err = |reason| ChecksumError {
            text: text.chars().take(80).collect(),
            reason,
        };
        let (kind, generation, tail) = match text.as_bytes() {
            [k @ (b'Q' | b'X'), g @ (b'1' | b'2'), ..] => (*k, *g, &text[2..]),
            _ => return Err(err("expected Q1, X1, Q2 or X2 followed by the digest")),
        };
        let mut bytes = [0u8; 32];
        let (encoding, len) = if kind == b'Q' {
            // 20 bytes encode to 28 characters, 32 bytes to 44.
            if tail.len() != 28 && tail.len() != 44 {
                return Err(err(
                    "a base64 digest has 28 (SHA-1) or 44 (SHA-256) characters",
                ));
            }
            let n = BASE64
                .decode_slice(tail, &mut bytes)
                .map_err(|_| err("not canonical padded base64"))?;
            if n != 20 && n != 32 {
                return Err(err(
                    "a base64 digest decodes to 20 (SHA-1) or 32 (SHA-256) bytes",
                ));
            }
            (ChecksumEncoding::Base64, n)
        } else {
            if tail.len() != 40 && tail.len() != 64 {
                return Err(err("a hex digest has 40 (SHA-1) or 64 (SHA-256) digits"));
            }
            let n = tail.len() / 2;
            hex::decode_to_slice(tail, &mut bytes[..n]).map_err(|_| err("not hex"))?;
            let has_lower = tail.bytes().any(|b| b.is_ascii_lowercase());
            let has_upper = tail.bytes().any(|b| b.is_ascii_uppercase());
            let encoding = match (has_lower, has_upper) {
                (true, true) => return Err(err("mixed-case hex")),
                (false, true) => ChecksumEncoding::HexUpper,
                _ => ChecksumEncoding::Hex,
            };
            (encoding, n)
        };
        if generation == b'2' && len != 32 {
            return Err(err("a Q2/X2 digest is SHA-256 (32 bytes)"));
        }
        let len = u8::try_from(len).map_err(|_| err("digest too long"))?;
        Ok(Self {
            encoding,
            generation,
            len,
            bytes,
        })
    }

    /// A SHA-1 digest in apk's usual `Q1` form.
    pub fn sha1(digest: [u8; 20]) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..20].copy_from_slice(&digest);
        Self {
            encoding: ChecksumEncoding::Base64,
            generation: b'1',
            len: 20,
            bytes,
        }
    }

    /// The algorithm implied by the digest length.
    pub fn algorithm(&self) -> DigestAlgorithm {
        if self.len == 20 {
            DigestAlgorithm::Sha1
        } else {
            DigestAlgorithm::Sha256
        }
    }

    /// The raw digest bytes (20 or 32).
    pub fn digest(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// How the text was written.
    pub fn encoding(&self) -> ChecksumEncoding {
        self.encoding
    }
}

impl fmt::Display for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.encoding == ChecksumEncoding::Base64 {
            'Q'
        } else {
            'X'
        };
        write!(f, "{kind}{}", char::from(self.generation))?;
        match self.encoding {
            ChecksumEncoding::Base64 => f.write_str(&BASE64.encode(self.digest())),
            ChecksumEncoding::Hex => f.write_str(&hex::encode(self.digest())),
            ChecksumEncoding::HexUpper => f.write_str(&hex::encode_upper(self.digest())),
        }
    }
}

impl fmt::Debug for Checksum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Checksum({self})")
    }
}

impl FromStr for Checksum {
    type Err = ChecksumError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for Checksum {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Checksum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn q1_is_base64_sha1_and_round_trips() {
        // From alpine-formats.md 2.4.
        let c = Checksum::parse("Q1tduNGDYV/KwvztK0sMium7UfSj0=").unwrap();
        assert_eq!(c.algorithm(), DigestAlgorithm::Sha1);
        assert_eq!(c.digest().len(), 20);
        assert_eq!(c.to_string(), "Q1tduNGDYV/KwvztK0sMium7UfSj0=");
    }

    #[test]
    fn x1_and_x2_are_hex() {
        let h = "0123456789abcdef0123456789abcdef01234567";
        let c = Checksum::parse(&format!("X1{h}")).unwrap();
        assert_eq!(c.algorithm(), DigestAlgorithm::Sha1);
        assert_eq!(c.digest()[0], 0x01);
        assert_eq!(c.to_string(), format!("X1{h}"));
        let up = format!("X1{}", h.to_uppercase());
        assert_eq!(Checksum::parse(&up).unwrap().to_string(), up);
        let h2 = "ab".repeat(32);
        let c = Checksum::parse(&format!("X2{h2}")).unwrap();
        assert_eq!(c.algorithm(), DigestAlgorithm::Sha256);
        assert_eq!(c.to_string(), format!("X2{h2}"));
    }

    #[test]
    fn q1_with_a_32_byte_tail_is_sha256_as_in_apk3() {
        let text = format!("Q1{}", BASE64.encode([7u8; 32]));
        let c = Checksum::parse(&text).unwrap();
        assert_eq!(c.algorithm(), DigestAlgorithm::Sha256);
        assert_eq!(c.to_string(), text);
    }

    #[test]
    fn bad_checksums_are_refused() {
        for bad in [
            "",
            "Q1",
            "Q3tduNGDYV/KwvztK0sMium7UfSj0=",
            "Q1tduNGDYV/KwvztK0sMium7UfSj0",  // no padding
            "Q1tduNGDYV/KwvztK0sMium7UfQ==",  // 19 bytes
            "Q1tduNGDYV/KwvztK0sMium7UfSj1=", // non-canonical trailing bits
            "Q1tduNGDYV/KwvztK0sMium7UfS!0=", // not base64
            "Q2tduNGDYV/KwvztK0sMium7UfSj0=", // Q2 must be SHA-256
            "X1zz23456789abcdef0123456789abcdef01234567",
            "X1aB23456789abcdef0123456789abcdef01234567",
            "d41d8cd98f00b204e9800998ecf8427e", // apk 2 legacy MD5
        ] {
            let e = Checksum::parse(bad).unwrap_err();
            assert!(e.to_string().contains("invalid checksum"), "{bad}: {e}");
        }
    }

    #[test]
    fn serde_is_the_text_form() {
        let c = Checksum::parse("Q1tduNGDYV/KwvztK0sMium7UfSj0=").unwrap();
        let j = serde_json::to_string(&c).unwrap();
        assert_eq!(j, "\"Q1tduNGDYV/KwvztK0sMium7UfSj0=\"");
        assert_eq!(serde_json::from_str::<Checksum>(&j).unwrap(), c);
    }

    proptest! {
        #[test]
        fn any_digest_round_trips(sha1 in any::<[u8; 20]>(), sha256 in any::<[u8; 32]>()) {
            for text in [
                format!("Q1{}", BASE64.encode(sha1)),
                format!("X1{}", hex::encode(sha1)),
                format!("Q2{}", BASE64.encode(sha256)),
                format!("X2{}", hex::encode(sha256)),
                format!("Q1{}", BASE64.encode(sha256)),
            ] {
                let c = Checksum::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(c.to_string(), text);
            }
            let c = Checksum::sha1(sha1);
            prop_assert_eq!(c.digest(), &sha1[..]);
        }

        #[test]
        fn never_panics(s in "\\PC{0,70}") {
            let _ = Checksum::parse(&s);
        }
    }
}
