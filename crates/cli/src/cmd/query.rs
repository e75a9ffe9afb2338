//! `secfixes states` and `secfixes status`: reading what the matcher
//! concluded.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context;
use secfixes_model::StateKind;
use secfixes_store::rows::StateFilter;
use secfixes_store::{AnyStore, Store};
use serde::Serialize;

use super::store_args::{DbArgs, runtime};

/// `secfixes states`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatesArgs {
    /// Only this branch (`v3.18`).
    #[arg(long)]
    branch: Option<String>,
    /// Only this repository (`main`).
    #[arg(long)]
    repo: Option<String>,
    /// Only this origin package.
    #[arg(long, short)]
    package: Option<String>,
    /// Only this vulnerability (`CVE-2023-0286`).
    #[arg(long)]
    vuln: Option<String>,
    /// Only this state: vulnerable, possibly-vulnerable, fixed, not-affected.
    #[arg(long, value_parser = parse_state)]
    state: Option<StateKind>,
    /// Show the evidence of each state.
    #[arg(long, short)]
    evidence: bool,
    #[command(flatten)]
    db: DbArgs,
    /// JSON output (always with evidence).
    #[arg(long)]
    json: bool,
}

/// `secfixes status`.
#[derive(Debug, clap::Args)]
pub(crate) struct StatusArgs {
    #[command(flatten)]
    db: DbArgs,
    /// JSON output.
    #[arg(long)]
    json: bool,
}

fn parse_state(s: &str) -> Result<StateKind, String> {
    s.parse()
}

#[derive(Serialize)]
struct StateOut {
    branch: String,
    repo: String,
    origin: String,
    vuln: String,
    state: String,
    version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    since: String,
    evidence: serde_json::Value,
}

fn ts(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| secs.to_string())
}

pub(crate) fn run_states(args: StatesArgs) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        let filter = StateFilter {
            branch: args.branch.clone(),
            repo: args.repo.clone(),
            origin: args.package.clone(),
            vuln_id: args.vuln.as_ref().map(|v| {
                secfixes_model::VulnId::new(v)
                    .map(|id| id.to_string())
                    .unwrap_or_else(|_| v.clone())
            }),
            state: args.state.map(|s| s.as_str().to_owned()),
            vuln_ids: None,
            origins: None,
        };
        let rows = store.states(&filter).await.context("reading states")?;
        if args.json {
            let out: Vec<StateOut> = rows
                .into_iter()
                .map(|r| StateOut {
                    since: ts(r.since),
                    evidence: serde_json::from_str(&r.evidence).unwrap_or(serde_json::Value::Null),
                    branch: r.branch,
                    repo: r.repo,
                    origin: r.origin,
                    vuln: r.vuln_id,
                    state: r.state,
                    version: r.version,
                    fixed_version: r.fixed_version,
                    reason: r.reason,
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            for r in &rows {
                let mut line = format!(
                    "{}/{} {}-{} {} {}",
                    r.branch, r.repo, r.origin, r.version, r.vuln_id, r.state
                );
                if let Some(f) = &r.fixed_version {
                    line.push_str(&format!(" (fixed in {f})"));
                }
                if let Some(reason) = &r.reason {
                    line.push_str(&format!(" [{reason}]"));
                }
                println!("{line}");
                if args.evidence {
                    print_evidence(&r.evidence);
                }
            }
            eprintln!("{} states", rows.len());
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

fn print_evidence(evidence: &str) {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(evidence)
    else {
        return;
    };
    for e in items {
        let get = |k: &str| e.get(k).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let text = match get("type").as_str() {
            "nvd" => format!(
                "NVD configuration {}: {} {} -> {}",
                e.get("configuration").and_then(|v| v.as_u64()).unwrap_or(0),
                get("criteria"),
                get("range"),
                get("outcome")
            ),
            "cve5" => format!(
                "CVE 5 ({}): {} {} -> {}",
                get("container"),
                get("product"),
                get("range"),
                get("outcome")
            ),
            "osv" => format!(
                "OSV: {} {} -> {}",
                get("package"),
                get("range"),
                get("outcome")
            ),
            "fix" => {
                let alias = e
                    .get("alias")
                    .and_then(|v| v.as_str())
                    .map(|a| format!(" as {a}"))
                    .unwrap_or_default();
                format!(
                    "fix {}{alias} recorded by {} {}",
                    get("version"),
                    get("source"),
                    get("location")
                )
            }
            "not-affected" => format!(
                "not affected, recorded by {} {}",
                get("source"),
                get("location")
            ),
            "decision" => format!(
                "decision by {}: {} ({})",
                get("author"),
                get("status"),
                get("statement")
            ),
            other => format!("{other}: {e}"),
        };
        println!("    {text}");
    }
}

#[derive(Serialize, Default)]
struct StatusRow {
    branch: String,
    repo: String,
    #[serde(flatten)]
    counts: BTreeMap<String, i64>,
    total: i64,
}

async fn status_rows(store: &AnyStore) -> anyhow::Result<Vec<StatusRow>> {
    let counts = store.state_counts().await.context("counting states")?;
    let mut rows: Vec<StatusRow> = Vec::new();
    for c in counts {
        if rows
            .last()
            .is_none_or(|r| r.branch != c.branch || r.repo != c.repo)
        {
            let mut r = StatusRow {
                branch: c.branch.clone(),
                repo: c.repo.clone(),
                ..StatusRow::default()
            };
            for k in StateKind::ALL {
                r.counts.insert(k.as_str().to_owned(), 0);
            }
            rows.push(r);
        }
        if let Some(r) = rows.last_mut() {
            r.counts.insert(c.state.clone(), c.count);
            r.total += c.count;
        }
    }
    Ok(rows)
}

/// Prints the per-branch table.
pub(crate) async fn print_status(store: &AnyStore) -> anyhow::Result<()> {
    let rows = status_rows(store).await?;
    if rows.is_empty() {
        println!("no states yet: run `secfixes update`");
        return Ok(());
    }
    let headers = [
        "branch",
        "repo",
        "vulnerable",
        "possibly-vulnerable",
        "fixed",
        "not-affected",
        "total",
    ];
    println!(
        "{:<8} {:<10} {:>10} {:>19} {:>7} {:>12} {:>7}",
        headers[0], headers[1], headers[2], headers[3], headers[4], headers[5], headers[6]
    );
    let n = |r: &StatusRow, k: &str| r.counts.get(k).copied().unwrap_or(0);
    for r in &rows {
        println!(
            "{:<8} {:<10} {:>10} {:>19} {:>7} {:>12} {:>7}",
            r.branch,
            r.repo,
            n(r, "vulnerable"),
            n(r, "possibly-vulnerable"),
            n(r, "fixed"),
            n(r, "not-affected"),
            r.total
        );
    }
    Ok(())
}

/// The per-branch table as JSON (also the API's `/api/v1/status`).
pub(crate) async fn status_json(store: &AnyStore) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(status_rows(store).await?)?)
}

pub(crate) fn run_status(args: StatusArgs) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        if args.json {
            println!(
                "{}",
                serde_json::to_string_pretty(&status_rows(&store).await?)?
            );
        } else {
            print_status(&store).await?;
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}
