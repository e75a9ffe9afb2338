//! `secfixes lint [--json] PATH...`: lint the `# secfixes:` blocks of
//! APKBUILDs (rules and codes: `secfixes_apk::lint`).
//!
//! A file argument is linted whatever its name; a directory argument means
//! every file named `APKBUILD` under it, recursively (symbolic links to
//! directories are not followed, so a link loop cannot hang the walk).
//! Findings go to stdout, one `file:line: severity[code]: message` line each
//! (or one JSON array with `--json`); a one-line summary goes to stderr.
//!
//! Exit status: 1 when any finding is an error (abuild would reject the
//! APKBUILD), 0 otherwise; 2 when a path cannot be read (the message names
//! it).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use secfixes_apk::lint::{self, Finding, Severity};
use secfixes_apk::secfixes;

/// Arguments of `secfixes lint`.
#[derive(Debug, clap::Args)]
#[command(after_long_help = "\
Exit status: 1 when any finding is an error (abuild would reject the APKBUILD),
0 otherwise, 2 when a path cannot be read.")]
pub(crate) struct Args {
    /// Print the findings as a JSON array.
    #[arg(long)]
    json: bool,
    /// APKBUILD files, or directories to search for files named APKBUILD.
    #[arg(value_name = "PATH", required = true)]
    paths: Vec<PathBuf>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            collect_apkbuilds(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }

    let mut findings: Vec<Finding> = Vec::new();
    let mut with_block = 0usize;
    for file in &files {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        if !secfixes::parse_blocks(&text).is_empty() {
            with_block += 1;
        }
        findings.extend(lint::lint_text(&file.display().to_string(), &text));
    }

    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &findings).context("writing to stdout")?;
        writeln!(out).context("writing to stdout")?;
    } else {
        for f in &findings {
            writeln!(out, "{f}").context("writing to stdout")?;
        }
    }
    out.flush().context("writing to stdout")?;

    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    eprintln!(
        "secfixes lint: {} {}, {with_block} with a secfixes block: {errors} {}, {warnings} {}",
        files.len(),
        plural(files.len(), "file", "files"),
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// Every file named `APKBUILD` under `dir`, sorted, appended to `out`.
fn collect_apkbuilds(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d)
            .with_context(|| format!("cannot read directory {}", d.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read directory {}", d.display()))?;
            let kind = entry
                .file_type()
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if entry.file_name() == "APKBUILD" {
                found.push(path);
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}
