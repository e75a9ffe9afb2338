//! `secfixes apk version`: apk's version order from the command line, like
//! `apk version -t` and `apk version -c`, with the rules of apk-tools 3.x
//! (the default) or, with `--scheme apk2`, of apk-tools 2.x, which Alpine
//! shipped up to v3.22 (see `secfixes_apk::version`).
//!
//! - `-t A B` prints `<`, `=` or `>` (A compared with B) and exits 0.
//!   When a side is not a valid apk version it behaves like apk-tools 3
//!   (nothing on stdout, exit status 1) but, unlike apk, explains on stderr,
//!   one line per invalid argument, naming it (`A` or `B`), the column and
//!   the reason. Versions starting with `-` go after `--`.
//!   apk-tools 2's own `apk version -t` prints an operator even for invalid
//!   input; `--scheme apk2` refuses it like the default scheme does, since
//!   ordering invalid versions is how a tracker goes wrong.
//! - `-c V...` prints each invalid version on stdout, one per line, as apk
//!   does, with the reason on stderr; the exit status is the number of
//!   invalid versions, capped at 125 so that it never wraps to 0 and stays
//!   clear of the shell's 126+ codes.
//!
//! Usage errors (wrong number of versions for `-t`) exit with 2.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use secfixes_apk::version::{Op, Scheme};

/// Highest exit status `--check` reports.
const MAX_CHECK_STATUS: usize = 125;

/// Arguments of `secfixes apk version`.
#[derive(Debug, clap::Args)]
#[command(
    group(clap::ArgGroup::new("mode").required(true).args(["test", "check"])),
    after_long_help = "\
Exit status:
  -t: 0 when both versions are valid (the operator is printed), 1 when either
      is invalid (nothing is printed on stdout; stderr names the argument and
      says why), 2 on a usage error.
  -c: the number of invalid versions, at most 125.

--scheme apk2 applies apk-tools 2.x's rules (Alpine up to v3.22): a letter
may be followed by digits (sudo 1.9.5p2-r0), leading zeros weigh less
(1.0 > 1.00, where apk3 says <), and there is no ~hash.

Versions that begin with '-' must follow '--', e.g.
  secfixes apk version -t -- -r1 1.0"
)]
pub(crate) struct Args {
    /// Compare two versions A and B; print `<`, `=` or `>`.
    #[arg(short = 't', long = "test")]
    test: bool,
    /// Print the versions that are not valid apk versions.
    #[arg(short = 'c', long = "check")]
    check: bool,
    /// Whose version rules to apply: apk-tools 3.x (apk3) or 2.x (apk2,
    /// the apk of Alpine up to v3.22).
    #[arg(
        long,
        value_name = "SCHEME",
        default_value = "apk3",
        value_parser = PossibleValuesParser::new(Scheme::ALL.map(Scheme::as_str))
            .try_map(|s| s.parse::<Scheme>())
    )]
    scheme: Scheme,
    /// The versions (two for --test).
    #[arg(value_name = "VERSION")]
    versions: Vec<String>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.test {
        test(args.scheme, &args.versions)
    } else {
        check(args.scheme, &args.versions)
    }
}

/// `-t A B`.
fn test(scheme: Scheme, versions: &[String]) -> anyhow::Result<ExitCode> {
    let [a, b] = versions else {
        anyhow::bail!(
            "--test takes exactly two versions (A B), got {}",
            versions.len()
        );
    };
    let mut invalid = false;
    for (name, v) in [("A", a), ("B", b)] {
        if let Err(e) = scheme.check(v) {
            invalid = true;
            eprintln!("secfixes: version {name}: {e}");
        }
    }
    if invalid {
        return Ok(ExitCode::from(1));
    }
    let op = Op::from(scheme.compare(a, b));
    writeln!(std::io::stdout().lock(), "{}", op.as_str()).context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

/// `-c V...`.
fn check(scheme: Scheme, versions: &[String]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let mut count = 0usize;
    for v in versions {
        if let Err(e) = scheme.check(v) {
            count += 1;
            writeln!(out, "{v}").context("writing to stdout")?;
            eprintln!("secfixes: {e}");
        }
    }
    out.flush().context("writing to stdout")?;
    let status = u8::try_from(count.min(MAX_CHECK_STATUS)).unwrap_or(u8::MAX);
    Ok(ExitCode::from(status))
}
