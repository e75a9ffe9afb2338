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
    /// Pending security fixes of an installed system (apk list --upgradable --security).
    Scan(cmd::scan::Args),
    /// Import every configured source that changed, then compute states.
    Update(cmd::track::UpdateArgs),
    /// Import sources of one kind given on the command line.
    Import(cmd::track::ImportArgs),
    /// Compute states from what the store holds.
    Match(cmd::track::MatchArgs),
    /// List states with their evidence.
    States(cmd::query::StatesArgs),
    /// Per-branch counts of states.
    Status(cmd::query::StatusArgs),
    /// Serve the read-only JSON API (states, status).
    Serve(cmd::serve::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Apk(args) => cmd::apk::run(args),
        Command::Lint(args) => cmd::lint::run(args),
        Command::Feeds(args) => cmd::feeds::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Update(args) => cmd::track::run_update(args),
        Command::Import(args) => cmd::track::run_import(args),
        Command::Match(args) => cmd::track::run_match(args),
        Command::States(args) => cmd::query::run_states(args),
        Command::Status(args) => cmd::query::run_status(args),
        Command::Serve(args) => cmd::serve::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
