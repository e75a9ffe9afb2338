//! The tracker: configuration, sources, imports and matching runs.
//!
//! - [`config`]: the distribution's TOML configuration (branches,
//!   repositories, their sources, the global feeds, mapping rules).
//! - [`fetch`]: reading a source (file, directory, URL) and knowing whether
//!   it changed.
//! - [`import`]: one source → one store import.
//! - [`update`]: every configured source, then the matcher.
//! - [`matching`]: a matcher run over the store: snapshot, states, diff.

#![forbid(unsafe_code)]

pub mod config;
pub mod fetch;
pub mod import;
pub mod matching;
pub mod update;

/// Errors that stop a tracker operation (a failing *source* does not: it
/// is reported in the update's results).
#[derive(Debug, thiserror::Error)]
pub enum TrackerError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] secfixes_store::StoreError),
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// A bug: a worker panicked.
    #[error("internal error: {0}")]
    Internal(String),
}
