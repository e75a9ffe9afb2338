//! `secfixes apk index …`: signed `APKINDEX.tar.gz` files.
//!
//! - `verify FILE… --keys DIR`: for each file, one line: on stdout
//!   `FILE: OK, signed by KEY (RSA/SHA-1)`, or on stderr
//!   `FILE: FAILED: <reason>` naming the key where there is one. Exit 0
//!   when every file verifies, 1 otherwise (2 for a bad keys directory).
//! - `show FILE [--keys DIR] [--allow-untrusted] [--json]`: the packages.
//!   Text: one `name-version arch origin` line per package on stdout, and
//!   a header line on stderr (`# FILE: DESCRIPTION, N packages, <verdict>`)
//!   so that stdout stays one package per line. JSON: one object with
//!   `file`, `description`, `signature` and `packages` (every field).
//!   With `--keys` the signature must verify; with `--allow-untrusted` it
//!   is not checked; with both it is checked and the verdict reported, but
//!   an untrusted index is still shown.

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use secfixes_apk::index::{IndexFile, Keyring, Trust};

/// Arguments of `secfixes apk index`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Check that each index is signed by a trusted key.
    Verify(VerifyArgs),
    /// List the packages of an index.
    Show(ShowArgs),
    /// Write an index carrying its security data (a SECFIXES member), re-signed.
    Annotate(super::apk_annotate::Args),
}

#[derive(Debug, clap::Args)]
struct VerifyArgs {
    /// `APKINDEX.tar.gz` files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Directory of trusted public keys, named as in /etc/apk/keys.
    #[arg(long, value_name = "DIR")]
    keys: PathBuf,
}

#[derive(Debug, clap::Args)]
struct ShowArgs {
    /// An `APKINDEX.tar.gz` file.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Directory of trusted public keys; the signature must verify.
    #[arg(long, value_name = "DIR", required_unless_present = "allow_untrusted")]
    keys: Option<PathBuf>,
    /// Show an index that is not signed by a trusted key (with --keys: check
    /// and report, but do not refuse).
    #[arg(long)]
    allow_untrusted: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Verify(a) => verify(&a),
        Command::Show(a) => show(&a),
        Command::Annotate(a) => super::apk_annotate::run(a),
    }
}

fn load_keys(dir: &Path) -> anyhow::Result<Keyring> {
    Ok(Keyring::from_dir(dir)?)
}

fn read_index(file: &Path, trust: &Trust<'_>) -> anyhow::Result<IndexFile> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    Ok(IndexFile::parse(&bytes, trust)?)
}

fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let keys = load_keys(&args.keys)?;
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for file in &args.files {
        match read_index(file, &Trust::Keys(&keys)) {
            Ok(index) => writeln!(out, "{}: OK, {}", file.display(), index.signature.verdict)?,
            Err(err) => {
                failed = true;
                out.flush()?;
                // `{:#}`: the whole chain of causes on one line.
                eprintln!("{}: FAILED: {err:#}", file.display());
            }
        }
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
fn print_quietly(
    f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::io::stdout().lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn show(args: &ShowArgs) -> anyhow::Result<ExitCode> {
    let keys = args.keys.as_deref().map(load_keys).transpose()?;
    // clap requires one of --keys and --allow-untrusted.
    let trust = super::index_trust(keys.as_ref(), args.allow_untrusted)
        .context("give --keys DIR or --allow-untrusted")?;
    let index = read_index(&args.file, &trust).with_context(|| args.file.display().to_string())?;
    if args.json {
        #[derive(serde::Serialize)]
        struct Shown<'a> {
            file: &'a Path,
            #[serde(flatten)]
            index: &'a IndexFile,
        }
        let json = serde_json::to_string(&Shown {
            file: &args.file,
            index: &index,
        })?;
        print_quietly(|out| writeln!(out, "{json}"))?;
    } else {
        eprintln!(
            "# {}: {}, {} packages, {}",
            args.file.display(),
            index.description.as_deref().unwrap_or("(no description)"),
            index.packages.len(),
            index.signature.verdict
        );
        print_quietly(|out| {
            for p in &index.packages {
                writeln!(
                    out,
                    "{}-{} {} {}",
                    p.name,
                    p.version,
                    p.arch.as_deref().unwrap_or("-"),
                    p.origin()
                )?;
            }
            Ok(())
        })?;
    }
    Ok(ExitCode::SUCCESS)
}
