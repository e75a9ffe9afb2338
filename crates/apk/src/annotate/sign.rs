//! Signing and writing an index the way `abuild-sign` does.

use std::io::Write as _;

use flate2::{Compression, GzBuilder};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use super::AnnotateError;
use super::tarball::BLOCK;

// ---------------------------------------------------------------------------
// Signing and writing
// ---------------------------------------------------------------------------

/// The signature algorithm of the written index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignAlgorithm {
    /// `.SIGN.RSA.<key>`: PKCS#1 v1.5 over SHA-1, what abuild-sign writes by
    /// default and every apk verifies.
    #[default]
    RsaSha1,
    /// `.SIGN.RSA256.<key>`: PKCS#1 v1.5 over SHA-256 (`abuild-sign -t RSA256`).
    RsaSha256,
}

impl SignAlgorithm {
    fn tag(self) -> &'static str {
        match self {
            Self::RsaSha1 => "RSA",
            Self::RsaSha256 => "RSA256",
        }
    }
}

/// An RSA private key and the name its public key has in `/etc/apk/keys`.
#[derive(Debug, Clone)]
pub struct SigningKey {
    name: String,
    key: RsaPrivateKey,
}

impl SigningKey {
    /// Reads a PEM private key as `abuild-keygen` writes it (PKCS#1,
    /// `BEGIN RSA PRIVATE KEY`) or PKCS#8 (`BEGIN PRIVATE KEY`).
    /// `name` is the public key's file name (abuild: the private key's file
    /// name plus `.pub`); it becomes `.SIGN.RSA.<name>`.
    pub fn from_pem(name: &str, pem: &str) -> Result<Self, AnnotateError> {
        check_key_name(name)?;
        let pem = pem.trim();
        let key = if pem.contains("BEGIN RSA PRIVATE KEY") {
            RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| e.to_string())
        } else if pem.contains("BEGIN PRIVATE KEY") {
            RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| e.to_string())
        } else if pem.contains("ENCRYPTED") {
            Err(
                "encrypted keys are not supported (abuild-keygen writes unencrypted keys)"
                    .to_owned(),
            )
        } else {
            Err("not a PEM \"RSA PRIVATE KEY\" (PKCS#1) or \"PRIVATE KEY\" (PKCS#8)".to_owned())
        }
        .map_err(|reason| AnnotateError::Key {
            name: name.to_owned(),
            reason,
        })?;
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    /// From a key in memory.
    pub fn new(name: &str, key: RsaPrivateKey) -> Result<Self, AnnotateError> {
        check_key_name(name)?;
        Ok(Self {
            name: name.to_owned(),
            key,
        })
    }

    /// The public key's file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The public key as PEM `PUBLIC KEY` (what `/etc/apk/keys/<name>` holds).
    pub fn public_key_pem(&self) -> Result<String, AnnotateError> {
        self.key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .map_err(|e| AnnotateError::Key {
                name: self.name.clone(),
                reason: e.to_string(),
            })
    }

    fn sign(&self, alg: SignAlgorithm, data: &[u8]) -> Result<Vec<u8>, AnnotateError> {
        let r = match alg {
            SignAlgorithm::RsaSha1 => self
                .key
                .sign(Pkcs1v15Sign::new::<Sha1>(), &Sha1::digest(data)),
            SignAlgorithm::RsaSha256 => self
                .key
                .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(data)),
        };
        r.map_err(|e| AnnotateError::Sign {
            name: self.name.clone(),
            reason: e.to_string(),
        })
    }
}

fn check_key_name(name: &str) -> Result<(), AnnotateError> {
    // `.SIGN.RSA256.` + name must fit the 100-byte tar name field.
    if name.is_empty() || name.contains('/') || name.contains('\0') || name.len() > 90 {
        return Err(AnnotateError::KeyName(name.to_owned()));
    }
    Ok(())
}

/// A tar header as apk's index writer makes them: GNU, 0644, root.
fn header(name: &str, size: usize, mtime: u64) -> Result<tar::Header, AnnotateError> {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).map_err(AnnotateError::Write)?;
    h.set_size(size as u64);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_username("root").map_err(AnnotateError::Write)?;
    h.set_groupname("root").map_err(AnnotateError::Write)?;
    h.set_cksum();
    Ok(h)
}

fn gzip9(data: &[u8]) -> Result<Vec<u8>, AnnotateError> {
    // gzip -n -9: no name, mtime 0, OS Unix (3).
    let mut enc = GzBuilder::new()
        .operating_system(3)
        .write(Vec::with_capacity(data.len() / 3), Compression::best());
    enc.write_all(data).map_err(AnnotateError::Write)?;
    enc.finish().map_err(AnnotateError::Write)
}

/// Writes a signed index: `entries` (name, content) in order in one gzip
/// member, then two zero blocks, preceded by the signature member.
pub fn write_signed_index(
    entries: &[(&str, &[u8])],
    mtime: u64,
    key: &SigningKey,
    alg: SignAlgorithm,
) -> Result<Vec<u8>, AnnotateError> {
    let mut tar = Vec::with_capacity(
        entries
            .iter()
            .map(|(_, d)| d.len() + 2 * BLOCK)
            .sum::<usize>()
            + 2 * BLOCK,
    );
    for (name, content) in entries {
        tar.extend_from_slice(header(name, content.len(), mtime)?.as_bytes());
        tar.extend_from_slice(content);
        tar.resize(tar.len().div_ceil(BLOCK) * BLOCK, 0);
    }
    tar.resize(tar.len() + 2 * BLOCK, 0);
    let data = gzip9(&tar)?;

    let signature = key.sign(alg, &data)?;
    let mut sig_tar = Vec::with_capacity(2 * BLOCK + signature.len());
    let sig_name = format!(".SIGN.{}.{}", alg.tag(), key.name());
    sig_tar.extend_from_slice(header(&sig_name, signature.len(), mtime)?.as_bytes());
    sig_tar.extend_from_slice(&signature);
    // abuild-tar --cut: padded to a block, no end-of-archive blocks.
    sig_tar.resize(sig_tar.len().div_ceil(BLOCK) * BLOCK, 0);
    let mut out = gzip9(&sig_tar)?;
    out.extend_from_slice(&data);
    Ok(out)
}

/// A throw-away key for tests only (1024 bits: fast to generate), the
/// same on every call.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_key() -> SigningKey {
    use rand_chacha::ChaCha8Rng;
    use rand_chacha::rand_core::SeedableRng;
    let k = RsaPrivateKey::new(&mut ChaCha8Rng::seed_from_u64(7), 1024).unwrap();
    SigningKey::new("test@example.org-1.rsa.pub", k).unwrap()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn key_names_and_pems() {
        let k = test_key();
        for bad in ["", "a/b", &"x".repeat(91)] {
            assert!(SigningKey::new(bad, k.key.clone()).is_err(), "{bad:?}");
        }
        let e = SigningKey::from_pem("k.rsa.pub", "nonsense").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("private key k.rsa.pub: not a PEM"),
            "{e}"
        );
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        use rsa::pkcs8::EncodePrivateKey as _;
        let pkcs1 = k.key.to_pkcs1_pem(LineEnding::LF).unwrap();
        let pkcs8 = k.key.to_pkcs8_pem(LineEnding::LF).unwrap();
        assert_eq!(SigningKey::from_pem("a.pub", &pkcs1).unwrap().key, k.key);
        assert_eq!(SigningKey::from_pem("a.pub", &pkcs8).unwrap().key, k.key);
    }
}
