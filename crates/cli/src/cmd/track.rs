//! `secfixes update`, `secfixes import`, `secfixes match`: filling the
//! store and computing states.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use secfixes_tracker::config::{Config, Location, SourceKind, SourceSpec, Trust};
use secfixes_tracker::matching::MatchInputs;
use secfixes_tracker::update::{self, Options, SourceResult, SourceStatus, UpdateReport};

use super::query;
use super::store_args::{Bar, DbArgs, default_cache_dir, runtime};

/// `secfixes update`.
#[derive(Debug, clap::Args)]
pub(crate) struct UpdateArgs {
    /// The configuration file.
    #[arg(long, short, env = "SECFIXES_CONFIG", default_value = "secfixes.toml")]
    config: PathBuf,
    #[command(flatten)]
    db: DbArgs,
    /// Import every source and run the matcher even if nothing changed.
    #[arg(long)]
    force: bool,
    /// Import only; do not run the matcher.
    #[arg(long)]
    no_match: bool,
    /// Where downloads are cached.
    #[arg(long, env = "SECFIXES_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// No progress bar, no per-branch status at the end.
    #[arg(long, short)]
    quiet: bool,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

/// `secfixes import`.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The kind of source: apkindex, aports, secdb, rejections, nvd, cve5,
    /// osv, kev, epss, advisories.
    #[arg(value_parser = parse_kind)]
    kind: SourceKind,
    /// Files, directories or URLs.
    #[arg(required = true)]
    locations: Vec<String>,
    /// Branch (apkindex, aports, secdb, rejections).
    #[arg(long)]
    branch: Option<String>,
    /// Repository (apkindex, aports, secdb, rejections).
    #[arg(long)]
    repo: Option<String>,
    /// Trusted keys directory (apkindex).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Accept unsigned or unknown-key indexes (recorded as untrusted).
    #[arg(long)]
    allow_untrusted: bool,
    #[command(flatten)]
    db: DbArgs,
    /// Import even unchanged sources.
    #[arg(long)]
    force: bool,
    /// Where downloads are cached.
    #[arg(long, env = "SECFIXES_CACHE_DIR")]
    cache_dir: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

/// `secfixes match`.
#[derive(Debug, clap::Args)]
pub(crate) struct MatchArgs {
    /// The configuration file (for its mapping rules); the defaults when
    /// absent.
    #[arg(long, short, env = "SECFIXES_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
    /// Run even if the inputs did not change since the last run.
    #[arg(long)]
    force: bool,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

fn parse_kind(s: &str) -> Result<SourceKind, String> {
    SourceKind::parse(s).ok_or_else(|| {
        let all: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "unknown source kind {s:?} (expected one of: {})",
            all.join(", ")
        )
    })
}

fn print_sources(results: &[SourceResult]) {
    let (mut imported, mut unchanged, mut failed) = (0, 0, 0);
    for r in results {
        match &r.status {
            SourceStatus::Imported {
                records,
                inserted,
                updated,
                kept,
                removed,
                skipped,
            } => {
                imported += 1;
                let mut line = format!(
                    "imported  {}: {records} records ({inserted} new, {updated} changed, {removed} removed",
                    r.name
                );
                if *kept > 0 {
                    line.push_str(&format!(", {kept} kept as newer"));
                }
                line.push(')');
                if *skipped > 0 {
                    line.push_str(&format!(", {skipped} bad records skipped"));
                }
                println!("{line}");
                for e in r.errors.iter().take(3) {
                    println!("          skipped: {e}");
                }
            }
            SourceStatus::Unchanged => unchanged += 1,
            SourceStatus::Withdrawn => println!("withdrawn {}", r.name),
            SourceStatus::Failed { error } => {
                failed += 1;
                println!("FAILED    {error}");
            }
        }
    }
    println!("sources: {imported} imported, {unchanged} unchanged, {failed} failed");
}

fn print_match(m: &secfixes_tracker::matching::MatchReport) {
    if m.skipped {
        println!("matcher: inputs unchanged since the last run, states are current");
        return;
    }
    println!(
        "matcher: {} packages, {} records, {} fixes -> {} states ({} written, {} removed, {} changes logged)",
        m.packages, m.records, m.fixes, m.states, m.upserted, m.removed, m.changes
    );
}

fn exit_for(report: &UpdateReport) -> ExitCode {
    if report.failed() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

pub(crate) fn run_update(args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let config = Config::load(&args.config)?;
    let opts = Options {
        force: args.force,
        cache_dir: args.cache_dir.clone().unwrap_or_else(default_cache_dir),
        no_match: args.no_match,
    };
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        let bar = Bar::new(args.quiet || args.json);
        let report = update::update(&store, &config, &opts, &bar).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_sources(&report.sources);
            if let Some(m) = &report.matching {
                print_match(m);
            }
            if !args.quiet {
                println!();
                query::print_status(&store).await?;
            }
        }
        secfixes_store::Store::close(&store).await;
        Ok(exit_for(&report))
    })
}

pub(crate) fn run_import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    if args.kind.is_per_repo() && (args.branch.is_none() || args.repo.is_none()) {
        bail!("importing {} needs --branch and --repo", args.kind);
    }
    if args.kind == SourceKind::ApkIndex && args.keys.is_none() && !args.allow_untrusted {
        bail!("importing an index needs --keys DIR (or --allow-untrusted)");
    }
    let specs: Vec<SourceSpec> = args
        .locations
        .iter()
        .map(|l| {
            let location = match Location::parse_cli(l) {
                Location::Path(p) => Location::Path(
                    std::fs::canonicalize(&p)
                        .with_context(|| format!("{}: cannot open", p.display()))?,
                ),
                url => url,
            };
            Ok(SourceSpec {
                kind: args.kind,
                location,
                branch: args.branch.clone(),
                repo: args.repo.clone(),
                trust: Trust {
                    keys: args.keys.clone(),
                    allow_untrusted: args.allow_untrusted,
                },
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let opts = Options {
        force: args.force,
        cache_dir: args.cache_dir.clone().unwrap_or_else(default_cache_dir),
        no_match: true,
    };
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        let bar = Bar::new(args.quiet || args.json);
        let results = update::import_sources(&store, &specs, &opts, &bar).await?;
        bar_finish(&bar);
        let report = UpdateReport {
            sources: results,
            matching: None,
        };
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_sources(&report.sources);
        }
        secfixes_store::Store::close(&store).await;
        Ok(exit_for(&report))
    })
}

fn bar_finish(bar: &Bar) {
    update::Progress::finish(bar);
}

pub(crate) fn run_match(args: MatchArgs) -> anyhow::Result<ExitCode> {
    let inputs = match &args.config {
        Some(p) => MatchInputs::from_config(&Config::load(p)?),
        None => MatchInputs::defaults(),
    };
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        let now = jiff::Timestamp::now().as_second();
        let report = secfixes_tracker::matching::run(&store, &inputs, args.force, now).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print_match(&report);
        }
        secfixes_store::Store::close(&store).await;
        Ok(ExitCode::SUCCESS)
    })
}
