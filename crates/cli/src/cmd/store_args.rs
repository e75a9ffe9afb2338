//! What every tracker command shares: which store, a runtime, progress.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use secfixes_store::AnyStore;
use secfixes_tracker::update::{Progress, SourceResult, SourceStatus};

/// `--db`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DbArgs {
    /// The store: `sqlite://PATH`, a file path, or `postgres://…`. Default:
    /// a SQLite file in the user's data directory
    /// (`$XDG_DATA_HOME/secfixes/secfixes.db`).
    #[arg(long, env = "SECFIXES_DB", global = true)]
    pub(crate) db: Option<String>,
}

impl DbArgs {
    /// Opens (and migrates) the store.
    pub(crate) async fn open(&self) -> anyhow::Result<AnyStore> {
        let url = match &self.db {
            Some(u) => u.clone(),
            None => {
                let path = secfixes_store::default_sqlite_path()
                    .context("finding the default store location")?;
                path.display().to_string()
            }
        };
        let store = secfixes_store::open(&url)
            .await
            .with_context(|| format!("opening the store {}", secfixes_store::redact(&url)))?;
        secfixes_store::Store::migrate(&store)
            .await
            .context("migrating the store")?;
        Ok(store)
    }
}

/// The tokio runtime for tracker commands: a multi-threaded one, because the
/// matcher runs CPU work with `block_in_place`.
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Where downloads are cached: `$XDG_CACHE_HOME/secfixes/downloads` or
/// `~/.cache/secfixes/downloads`.
pub(crate) fn default_cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("secfixes").join("downloads")
}

/// A progress bar on a terminal's stderr; silent otherwise or with
/// `--quiet`.
pub(crate) struct Bar {
    bar: Option<ProgressBar>,
}

impl Bar {
    pub(crate) fn new(quiet: bool) -> Self {
        let show =
            !quiet && std::io::stderr().is_terminal() && std::env::var_os("NO_PROGRESS").is_none();
        Self {
            bar: show.then(ProgressBar::hidden),
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if let Some(b) = &self.bar {
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            b.set_length(total as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} sources {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    fn source(&self, r: &SourceResult) {
        if let Some(b) = &self.bar {
            b.inc(1);
            let short = r.name.rsplit('/').next().unwrap_or(&r.name).to_owned();
            b.set_message(short);
            if let SourceStatus::Failed { error } = &r.status {
                b.println(format!("failed: {error}"));
            }
        }
    }

    fn phase(&self, name: &str) {
        if let Some(b) = &self.bar {
            b.set_message(name.to_owned());
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
