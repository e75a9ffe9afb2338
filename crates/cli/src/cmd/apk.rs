//! `secfixes apk …`: apk's own formats.

use std::process::ExitCode;

use super::{apk_index, apk_version};

/// Arguments of `secfixes apk`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Compare versions in apk's order.
    Version(apk_version::Args),
    /// Signed APKINDEX.tar.gz files.
    Index(apk_index::Args),
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Version(a) => apk_version::run(a),
        Command::Index(a) => apk_index::run(a),
    }
}
