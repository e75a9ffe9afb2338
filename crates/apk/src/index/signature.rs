//! Index signatures: trusted keys and RSA PKCS#1 v1.5 verification.
//!
//! abuild-sign (`alpinelinux/abuild:abuild-sign.in`) signs the compressed
//! bytes of the unsigned `APKINDEX.tar.gz` with `openssl dgst -sha1 -sign`
//! (`-sha256` for `RSA256`) and prepends a gzip member holding the tar entry
//! `.SIGN.<ALG>.<keyname>`. The verifier looks `<keyname>` up as a file name
//! in its keys directory (`/etc/apk/keys`); one valid signature from a
//! trusted key is enough (`doc/apk-v2.5.scd`). See `alpine-formats.md` 2.3.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use rsa::pkcs8::DecodePublicKey as _;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha512};

/// Why a key (or the keys directory) cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The directory cannot be listed.
    #[error("cannot read the keys directory {path}: {source}")]
    ReadDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A key file cannot be read.
    #[error("cannot read key file {path}: {source}")]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A file name is not UTF-8 (key names are matched as text).
    #[error("key file name {path:?} is not UTF-8")]
    FileName {
        /// The file.
        path: PathBuf,
    },
    /// The contents are not a PEM `PUBLIC KEY` holding an RSA key.
    #[error("key {name}: not a PEM \"PUBLIC KEY\" with an RSA key ({reason})")]
    BadKey {
        /// The key name.
        name: String,
        /// What the decoder said.
        reason: String,
    },
    /// The directory holds no key file, so nothing could ever verify.
    #[error("the keys directory {path} holds no key files")]
    NoKeys {
        /// The directory.
        path: PathBuf,
    },
}

/// Trusted public keys by name, as in `/etc/apk/keys/<name>`.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    keys: BTreeMap<String, RsaPublicKey>,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key from PEM text (`-----BEGIN PUBLIC KEY-----`, as
    /// `PEM_read_bio_PUBKEY` reads it), under `name`.
    pub fn add_pem(&mut self, name: &str, pem: &str) -> Result<(), KeyError> {
        let key = RsaPublicKey::from_public_key_pem(pem.trim()).map_err(|e| KeyError::BadKey {
            name: name.to_owned(),
            reason: e.to_string(),
        })?;
        self.keys.insert(name.to_owned(), key);
        Ok(())
    }

    /// Loads every file of `dir` (symbolic links followed; subdirectories
    /// and hidden files skipped), each named by its file name. A file that
    /// is not a key is an error naming it, and so is a directory with no key.
    pub fn from_dir(dir: &Path) -> Result<Self, KeyError> {
        let read_dir = |source| KeyError::ReadDir {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_dir)? {
            let path = entry.map_err(read_dir)?.path();
            if path
                .file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
                || path.is_dir()
            {
                continue;
            }
            paths.push(path);
        }
        paths.sort();
        let mut ring = Self::new();
        for path in paths {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                return Err(KeyError::FileName { path });
            };
            let name = name.to_owned();
            let pem = std::fs::read_to_string(&path).map_err(|source| KeyError::ReadFile {
                path: path.clone(),
                source,
            })?;
            ring.add_pem(&name, &pem)?;
        }
        if ring.is_empty() {
            return Err(KeyError::NoKeys {
                path: dir.to_path_buf(),
            });
        }
        Ok(ring)
    }

    /// The key names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Whether a key of this name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.keys.contains_key(name)
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// A signature algorithm, from the `<ALG>` of `.SIGN.<ALG>.<keyname>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SignatureScheme {
    /// `RSA`: PKCS#1 v1.5 over SHA-1 (what Alpine uses).
    RsaSha1,
    /// `RSA256`: PKCS#1 v1.5 over SHA-256.
    RsaSha256,
    /// `RSA512`: PKCS#1 v1.5 over SHA-512.
    RsaSha512,
    /// Anything else (`DSA`, or unknown): never verified.
    Unsupported(String),
}

impl SignatureScheme {
    /// From the `<ALG>` part of the entry name.
    pub fn from_tag(tag: &str) -> Self {
        match tag {
            "RSA" => Self::RsaSha1,
            "RSA256" => Self::RsaSha256,
            "RSA512" => Self::RsaSha512,
            other => Self::Unsupported(other.to_owned()),
        }
    }

    /// The `<ALG>` part of the entry name.
    pub fn tag(&self) -> &str {
        match self {
            Self::RsaSha1 => "RSA",
            Self::RsaSha256 => "RSA256",
            Self::RsaSha512 => "RSA512",
            Self::Unsupported(t) => t,
        }
    }

    /// Checks `signature` over `data` with `key`.
    fn verify(&self, key: &RsaPublicKey, data: &[u8], signature: &[u8]) -> Option<bool> {
        let ok = match self {
            Self::RsaSha1 => {
                key.verify(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(data), signature)
            }
            Self::RsaSha256 => key.verify(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(data),
                signature,
            ),
            Self::RsaSha512 => key.verify(
                Pkcs1v15Sign::new::<Sha512>(),
                &Sha512::digest(data),
                signature,
            ),
            Self::Unsupported(_) => return None,
        };
        Some(ok.is_ok())
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RsaSha1 => f.write_str("RSA/SHA-1"),
            Self::RsaSha256 => f.write_str("RSA/SHA-256"),
            Self::RsaSha512 => f.write_str("RSA/SHA-512"),
            Self::Unsupported(t) => write!(f, "unsupported algorithm {t}"),
        }
    }
}

impl serde::Serialize for SignatureScheme {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One `.SIGN.<ALG>.<keyname>` entry of the signature member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Signature {
    /// The algorithm.
    pub scheme: SignatureScheme,
    /// The key file name it claims.
    pub key: String,
    /// The raw signature bytes.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

impl Signature {
    /// Reads the tar entry name `.SIGN.<ALG>.<keyname>`; `None` for any
    /// other name.
    pub fn from_entry(name: &str, bytes: Vec<u8>) -> Option<Self> {
        let rest = name.strip_prefix(".SIGN.")?;
        let (alg, key) = rest.split_once('.')?;
        if alg.is_empty() || key.is_empty() {
            return None;
        }
        Some(Self {
            scheme: SignatureScheme::from_tag(alg),
            key: key.to_owned(),
            bytes,
        })
    }
}

/// Why an index is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Untrusted {
    /// There is no signature member.
    Unsigned,
    /// The caller allowed untrusted input and gave no keys to check with.
    NotChecked,
    /// No signature is by a key of the keyring.
    UnknownKey {
        /// The key names the signatures claim.
        keys: Vec<String>,
    },
    /// The only signatures by trusted keys use an unsupported algorithm.
    UnsupportedScheme {
        /// The key.
        key: String,
        /// The algorithm.
        scheme: SignatureScheme,
    },
    /// The signature by a trusted key does not match the data.
    BadSignature {
        /// The key.
        key: String,
        /// The algorithm.
        scheme: SignatureScheme,
    },
}

impl fmt::Display for Untrusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsigned => f.write_str("the index is not signed"),
            Self::NotChecked => f.write_str("signature not checked (untrusted input allowed)"),
            Self::UnknownKey { keys } => write!(
                f,
                "signed by unknown key {} (not in the keyring)",
                keys.join(", ")
            ),
            Self::UnsupportedScheme { key, scheme } => {
                write!(f, "signature by key {key} uses {scheme}")
            }
            Self::BadSignature { key, scheme } => {
                write!(
                    f,
                    "BAD {scheme} signature by key {key}: the index was modified or corrupted"
                )
            }
        }
    }
}

/// The verdict on an index.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Verdict {
    /// A valid signature by a trusted key.
    Trusted {
        /// The key.
        key: String,
        /// The algorithm.
        scheme: SignatureScheme,
    },
    /// Accepted without trust (only when the caller allows it).
    Untrusted {
        /// Why.
        #[serde(flatten)]
        reason: Untrusted,
    },
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Trusted { key, scheme } => write!(f, "signed by {key} ({scheme})"),
            Self::Untrusted { reason } => write!(f, "UNTRUSTED: {reason}"),
        }
    }
}

/// The signatures found and the verdict.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignatureInfo {
    /// The entries of the signature member, in order.
    pub signatures: Vec<Signature>,
    /// The verdict.
    pub verdict: Verdict,
}

impl SignatureInfo {
    /// Whether a trusted key signed the index.
    pub fn is_trusted(&self) -> bool {
        matches!(self.verdict, Verdict::Trusted { .. })
    }
}

/// Checks `signatures` over `signed` (the raw bytes after the signature
/// member). The first signature by a key of `keys` with a supported
/// algorithm decides, as in apk.
pub(crate) fn verify(signatures: &[Signature], signed: &[u8], keys: &Keyring) -> Verdict {
    if signatures.is_empty() {
        return Verdict::Untrusted {
            reason: Untrusted::Unsigned,
        };
    }
    let mut unsupported = None;
    for sig in signatures {
        let Some(key) = keys.keys.get(&sig.key) else {
            continue;
        };
        match sig.scheme.verify(key, signed, &sig.bytes) {
            Some(true) => {
                return Verdict::Trusted {
                    key: sig.key.clone(),
                    scheme: sig.scheme.clone(),
                };
            }
            Some(false) => {
                let reason = Untrusted::BadSignature {
                    key: sig.key.clone(),
                    scheme: sig.scheme.clone(),
                };
                return Verdict::Untrusted { reason };
            }
            None => {
                unsupported.get_or_insert((sig.key.clone(), sig.scheme.clone()));
            }
        }
    }
    let reason = match unsupported {
        Some((key, scheme)) => Untrusted::UnsupportedScheme { key, scheme },
        None => Untrusted::UnknownKey {
            keys: signatures.iter().map(|s| s.key.clone()).collect(),
        },
    };
    Verdict::Untrusted { reason }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn entry_names() {
        let s = Signature::from_entry(
            ".SIGN.RSA.alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub",
            vec![],
        )
        .unwrap();
        assert_eq!(s.scheme, SignatureScheme::RsaSha1);
        assert_eq!(s.key, "alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub");
        let s = Signature::from_entry(".SIGN.RSA256.k.pub", vec![]).unwrap();
        assert_eq!(
            (s.scheme, s.key.as_str()),
            (SignatureScheme::RsaSha256, "k.pub")
        );
        assert_eq!(
            Signature::from_entry(".SIGN.RSA512.k", vec![])
                .unwrap()
                .scheme,
            SignatureScheme::RsaSha512
        );
        let s = Signature::from_entry(".SIGN.DSA.k", vec![]).unwrap();
        assert_eq!(s.scheme, SignatureScheme::Unsupported("DSA".into()));
        assert_eq!(s.scheme.tag(), "DSA");
        for bad in [
            ".SIGN.RSA",
            ".SIGN.RSA.",
            ".SIGN..k",
            "APKINDEX",
            ".PKGINFO",
        ] {
            assert!(Signature::from_entry(bad, vec![]).is_none(), "{bad}");
        }
    }

    #[test]
    fn bad_pem_names_the_key() {
        let e = Keyring::new()
            .add_pem("x.rsa.pub", "not a key")
            .unwrap_err();
        assert!(e.to_string().starts_with("key x.rsa.pub: not a PEM"), "{e}");
    }

    #[test]
    fn no_signatures_is_unsigned() {
        assert_eq!(
            verify(&[], b"", &Keyring::new()),
            Verdict::Untrusted {
                reason: Untrusted::Unsigned
            }
        );
    }

    #[test]
    fn unknown_keys_are_all_named() {
        let sigs = [
            Signature::from_entry(".SIGN.RSA.a", vec![1]).unwrap(),
            Signature::from_entry(".SIGN.RSA256.b", vec![2]).unwrap(),
        ];
        let v = verify(&sigs, b"x", &Keyring::new());
        assert_eq!(
            v,
            Verdict::Untrusted {
                reason: Untrusted::UnknownKey {
                    keys: vec!["a".into(), "b".into()]
                }
            }
        );
        assert_eq!(
            v.to_string(),
            "UNTRUSTED: signed by unknown key a, b (not in the keyring)"
        );
    }
}
