//! `secfixes apk index annotate`: writes an index that carries its security
//! data, re-signed (format: `secfixes_apk::annotate`).
//!
//! ```text
//! secfixes apk index annotate INDEX.tar.gz --secdb PATH… --key PRIVATE.rsa -o OUT.tar.gz
//!     [--key-name NAME] [--sign-alg rsa|rsa256] [--keys DIR | --allow-untrusted]
//!     [--version-scheme apk2|apk3]
//! ```
//!
//! - The input's signature is checked first (`--keys DIR`), so that an index
//!   is never re-signed unverified; `--allow-untrusted` skips that.
//! - `--key` is a PEM private key as `abuild-keygen` writes it (PKCS#1) or
//!   PKCS#8; the signature entry is named after the public key,
//!   `--key-name`, by default the private key's file name plus `.pub`
//!   (abuild's convention: `me-5f3a.rsa` → `me-5f3a.rsa.pub`).
//! - `--sign-alg rsa` (default) writes `.SIGN.RSA.<name>` (SHA-1, what every
//!   apk verifies), `rsa256` writes `.SIGN.RSA256.<name>`.
//! - Versions are compared with `--version-scheme`, by default the one of
//!   the secdb's `distroversion` (apk-tools 2 up to v3.22).
//! - stdout: one line, `OUT: N packages, R records, I ids, signed by NAME
//!   (ALG)`; stderr: one `warning:` line per secdb key left out.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use secfixes_apk::annotate::{SignAlgorithm, SigningKey, annotate};
use secfixes_apk::index::Keyring;
use secfixes_apk::secdb::Secdb;
use secfixes_apk::version::Scheme;

/// The signature algorithm to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SignAlg {
    /// RSA PKCS#1 v1.5 over SHA-1 (`.SIGN.RSA.*`).
    Rsa,
    /// RSA PKCS#1 v1.5 over SHA-256 (`.SIGN.RSA256.*`).
    Rsa256,
}

/// Arguments of `secfixes apk index annotate`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The APKINDEX.tar.gz to annotate.
    #[arg(value_name = "INDEX")]
    index: PathBuf,
    /// A secdb document (JSON, or the 2020 YAML); repeatable.
    #[arg(long, value_name = "PATH", required = true)]
    secdb: Vec<PathBuf>,
    /// The private key to sign with (PEM, PKCS#1 or PKCS#8).
    #[arg(long, value_name = "PRIVATE.rsa")]
    key: PathBuf,
    /// The public key's file name in /etc/apk/keys [default: <key file name>.pub].
    #[arg(long, value_name = "NAME")]
    key_name: Option<String>,
    /// Signature algorithm.
    #[arg(long, value_enum, default_value_t = SignAlg::Rsa)]
    sign_alg: SignAlg,
    /// Where to write the annotated index.
    #[arg(short = 'o', long = "output", value_name = "OUT.tar.gz")]
    output: PathBuf,
    /// Trusted keys to verify the input with.
    #[arg(long, value_name = "DIR", required_unless_present = "allow_untrusted")]
    keys: Option<PathBuf>,
    /// Annotate an input that is not signed by a trusted key.
    #[arg(long)]
    allow_untrusted: bool,
    /// Version order [default: from the secdb's distroversion].
    #[arg(long, value_name = "apk2|apk3")]
    version_scheme: Option<Scheme>,
}

fn read_secdb(path: &Path) -> anyhow::Result<Secdb> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    let db = if is_yaml {
        Secdb::from_yaml_str(&text)
    } else {
        Secdb::from_json_str(&text)
    };
    db.with_context(|| path.display().to_string())
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let secdbs: Vec<Secdb> = args
        .secdb
        .iter()
        .map(|p| read_secdb(p))
        .collect::<anyhow::Result<_>>()?;
    let scheme = args.version_scheme.unwrap_or_else(|| {
        // Every Alpine secdb names its branch; take the first that does.
        secdbs
            .iter()
            .find_map(|d| d.distroversion.as_deref())
            .map_or(Scheme::Apk3, Scheme::for_branch)
    });
    let pem = std::fs::read_to_string(&args.key)
        .with_context(|| format!("cannot read {}", args.key.display()))?;
    let name = match &args.key_name {
        Some(n) => n.clone(),
        None => {
            let file = args
                .key
                .file_name()
                .and_then(|n| n.to_str())
                .context("the key path has no file name")?;
            format!("{file}.pub")
        }
    };
    let key = SigningKey::from_pem(&name, &pem)?;
    let alg = match args.sign_alg {
        SignAlg::Rsa => SignAlgorithm::RsaSha1,
        SignAlg::Rsa256 => SignAlgorithm::RsaSha256,
    };
    let keys = args.keys.as_deref().map(Keyring::from_dir).transpose()?;
    // clap requires one of --keys and --allow-untrusted.
    let trust = super::index_trust(keys.as_ref(), args.allow_untrusted)
        .context("give --keys DIR or --allow-untrusted")?;
    let input = std::fs::read(&args.index)
        .with_context(|| format!("cannot read {}", args.index.display()))?;
    let refs: Vec<&Secdb> = secdbs.iter().collect();
    let out = annotate(&input, &trust, &refs, scheme, &key, alg)
        .with_context(|| args.index.display().to_string())?;

    // Write through a temporary file: never a half-written index.
    let tmp = args.output.with_extension("part");
    std::fs::write(&tmp, &out.bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.output)
        .with_context(|| format!("cannot write {}", args.output.display()))?;

    for k in &out.report.invalid_keys {
        eprintln!(
            "warning: {}: secfixes key {:?} left out: {}",
            k.origin, k.key, k.reason
        );
    }
    for (pkg, v) in &out.report.invalid_versions {
        eprintln!(
            "warning: {pkg}-{v}: not a valid {scheme} version, no security data written for it"
        );
    }
    let ids: usize = out
        .secfixes
        .records
        .iter()
        .map(|r| r.fixes.iter().map(|f| f.ids.len()).sum::<usize>())
        .sum();
    let alg_name = match alg {
        SignAlgorithm::RsaSha1 => "RSA/SHA-1",
        SignAlgorithm::RsaSha256 => "RSA/SHA-256",
    };
    println!(
        "{}: {} packages, {} records, {ids} ids, signed by {} ({alg_name})",
        args.output.display(),
        out.packages,
        out.secfixes.records.len(),
        key.name()
    );
    Ok(ExitCode::SUCCESS)
}
