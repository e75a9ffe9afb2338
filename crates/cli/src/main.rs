//! The `secfixes` command-line tool.
//!
//! Each command group lives in its own module under `cmd/`, with an `Args`
//! struct (clap) and a `run` function returning the process exit code.
//! Errors are reported once, here, with their whole chain of causes.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

/// Security tracker for apk-based distributions.
#[derive(Debug, Parser)]
#[command(name = "secfixes", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// apk formats: version order, signed indexes.
    Apk(cmd::apk::Args),
    /// Lint the `# secfixes:` blocks of APKBUILDs.
    Lint(cmd::lint::Args),
    /// Vulnerability feeds: detect formats and count what they hold.
    Feeds(cmd::feeds::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Apk(args) => cmd::apk::run(args),
        Command::Lint(args) => cmd::lint::run(args),
        Command::Feeds(args) => cmd::feeds::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
