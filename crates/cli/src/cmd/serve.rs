//! `secfixes serve`: the tracker's read-only JSON API.
//!
//! This is the part of the API that clients need today (`secfixes scan
//! --server`): states per branch and origin, and per-branch counts. The
//! response types are the ones the scan client deserialises
//! (`secfixes_scan::server`), so the two cannot drift apart. Every answer is
//! JSON, whatever the `Accept` header says (curl's `*/*` included).
//!
//! - `GET /api/v1/status` → `[{branch, repo, vulnerable, …, total}]`
//! - `GET /api/v1/states?branch=B[&repo=R][&origin=O…][&vuln=ID][&state=S…]`
//!   → `{"states": [{branch, repo, origin, vuln, state, version,
//!   fixed_version, reason}]}`; `origin` and `state` may repeat.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use secfixes_model::{StateKind, VulnId};
use secfixes_scan::server::{ServerState, StatesResponse};
use secfixes_store::rows::StateFilter;
use secfixes_store::{AnyStore, Store};

use super::query::status_json;
use super::store_args::{DbArgs, runtime};

/// `secfixes serve`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on; port 0 picks a free one (the address is printed
    /// on stdout once listening).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    db: DbArgs,
}

/// Errors as JSON `{"error": "…"}` with a status: the one place where
/// errors become HTTP responses.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

fn bad_request(msg: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, msg.into())
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

type Shared = Arc<AnyStore>;

async fn status(State(store): State<Shared>) -> Result<Json<serde_json::Value>, ApiError> {
    status_json(&store).await.map(Json).map_err(internal)
}

async fn states(
    State(store): State<Shared>,
    RawQuery(query): RawQuery,
) -> Result<Json<StatesResponse>, ApiError> {
    let mut filter = StateFilter::default();
    let mut origins: HashSet<String> = HashSet::new();
    let mut kinds: HashSet<StateKind> = HashSet::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "branch" => filter.branch = Some(v.into_owned()),
            "repo" => filter.repo = Some(v.into_owned()),
            "origin" => {
                origins.insert(v.into_owned());
            }
            "vuln" => {
                let id = VulnId::new(&v).map_err(|e| bad_request(format!("vuln: {e}")))?;
                filter.vuln_id = Some(id.to_string());
            }
            "state" => {
                kinds.insert(
                    v.parse()
                        .map_err(|e: String| bad_request(format!("state: {e}")))?,
                );
            }
            other => return Err(bad_request(format!("unknown query parameter {other:?}"))),
        }
    }
    if filter.branch.is_none() && filter.vuln_id.is_none() && origins.is_empty() {
        return Err(bad_request("give at least one of branch, origin, vuln"));
    }
    if !origins.is_empty() {
        filter.origins = Some(origins.into_iter().collect());
    }
    if kinds.len() == 1 {
        filter.state = kinds.iter().next().map(|k| k.as_str().to_owned());
    }
    let rows = store.states(&filter).await.map_err(internal)?;
    let mut out = Vec::new();
    for r in rows {
        let Ok(state) = r.state.parse::<StateKind>() else {
            continue;
        };
        if !kinds.is_empty() && !kinds.contains(&state) {
            continue;
        }
        let Ok(vuln) = VulnId::new(&r.vuln_id) else {
            continue;
        };
        out.push(ServerState {
            branch: r.branch,
            repo: r.repo,
            origin: r.origin,
            vuln,
            state,
            version: Some(r.version),
            fixed_version: r.fixed_version,
            reason: r.reason,
        });
    }
    Ok(Json(StatesResponse { states: out }))
}

/// The API router over a store.
pub(crate) fn router(store: AnyStore) -> axum::Router {
    axum::Router::new()
        .route("/api/v1/status", get(status))
        .route("/api/v1/states", get(states))
        .fallback(|| async { ApiError(StatusCode::NOT_FOUND, "no such endpoint".into()) })
        .with_state(Arc::new(store))
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    runtime()?.block_on(async {
        let store = args.db.open().await?;
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("listening on {}", args.listen))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        println!("listening on http://{addr}");
        use std::io::Write;
        std::io::stdout().flush().ok();
        axum::serve(listener, router(store))
            .with_graceful_shutdown(async {
                tokio::signal::ctrl_c().await.ok();
            })
            .await
            .context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}
