//! The store's error type.

use std::path::PathBuf;

/// A boxed error from the database driver, kept opaque so that the public
/// API does not expose sqlx types.
pub type DriverError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong in the store. Messages name the operation
/// and the table (or the URL, path or key) concerned.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no backend we know, or is malformed.
    #[error("invalid store URL {url:?}: {reason}")]
    Url {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Neither `XDG_DATA_HOME` nor `HOME` is set.
    #[error("cannot find a data directory: neither XDG_DATA_HOME nor HOME is set")]
    NoDataDir,
    /// A directory could not be created.
    #[error("cannot create directory {path}: {source}")]
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Connecting to the database failed.
    #[error("cannot open the {backend} store at {target}: {source}")]
    Open {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The file or the URL (password hidden).
        target: String,
        /// The driver's error.
        source: DriverError,
    },
    /// Applying the migrations failed.
    #[error("migrating the {backend} store failed: {source}")]
    Migrate {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The driver's error.
        source: DriverError,
    },
    /// A statement failed.
    #[error("{op} on table {table} failed: {source}")]
    Query {
        /// What the store was doing (`import vulns`, `read states`, …).
        op: &'static str,
        /// The table concerned.
        table: &'static str,
        /// Whether the database rejected the data (unique, check, foreign
        /// key or not-null constraint), as opposed to an I/O or connection
        /// failure.
        constraint: bool,
        /// The driver's error.
        source: DriverError,
    },
    /// A row handed to the store does not fit the operation.
    #[error("invalid {table} row {key}: {reason}")]
    Invalid {
        /// The table.
        table: &'static str,
        /// The row's key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// A row the operation needs does not exist.
    #[error("no {table} row {key}")]
    NotFound {
        /// The table.
        table: &'static str,
        /// The key looked for.
        key: String,
    },
}

impl StoreError {
    /// Whether the database rejected the data because of a constraint.
    pub fn is_constraint_violation(&self) -> bool {
        matches!(
            self,
            Self::Query {
                constraint: true,
                ..
            }
        )
    }

    /// A closure that wraps a driver error of operation `op` on `table`.
    pub(crate) fn query(op: &'static str, table: &'static str) -> impl FnOnce(sqlx::Error) -> Self {
        move |e| {
            let constraint = match &e {
                sqlx::Error::Database(db) => !matches!(db.kind(), sqlx::error::ErrorKind::Other),
                _ => false,
            };
            Self::Query {
                op,
                table,
                constraint,
                source: Box::new(e),
            }
        }
    }
}
