//! Errors and read summaries shared by every reader.

use std::path::PathBuf;

/// What a reader does with a bad record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Skip the record, report it in [`Summary::errors`], go on.
    #[default]
    Lenient,
    /// Fail the whole read at the first bad record.
    Strict,
}

/// A bad record: where it is, which record, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}{}{}: {message}",
    .record.as_ref().map(|r| format!(": record {r}")).unwrap_or_default(),
    .field.as_ref().map(|f| format!(": field {f}")).unwrap_or_default())]
pub struct RecordError {
    /// The input: a path, a URL, or `archive.tar.gz!member/path.json`.
    pub source_name: String,
    /// The record id (`CVE-2021-44228`), or its position (`#1234`) when the
    /// id itself is missing.
    pub record: Option<String>,
    /// The field, as a JSON-pointer-like path (`configurations/0/nodes/1/operator`).
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Errors that stop a read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be opened or read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The input.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The input is not in the expected format at all (not JSON, wrong top
    /// level, truncated compression, …).
    #[error("{source_name}: {message}")]
    Format {
        /// The input.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A checksum (`.meta` `sha256`) does not match the data.
    #[error("{source_name}: sha256 of the data is {actual}, but {meta} says {expected}")]
    Checksum {
        /// The data file.
        source_name: String,
        /// The `.meta` file.
        meta: String,
        /// The checksum in the `.meta` file.
        expected: String,
        /// The checksum of the data.
        actual: String,
    },
    /// A bad record, in [`Mode::Strict`].
    #[error(transparent)]
    Record(#[from] RecordError),
    /// The format of the input could not be recognised.
    #[error("{}: unrecognised input ({reason})", .path.display())]
    UnknownFormat {
        /// The input.
        path: PathBuf,
        /// What was looked at.
        reason: String,
    },
    /// The sink asked to stop (its own error, carried through).
    #[error("{0}")]
    Sink(String),
}

/// What a read produced, besides the items handed to the sink.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Items handed to the sink.
    pub records: u64,
    /// Records skipped because they were bad ([`Mode::Lenient`]).
    pub skipped: u64,
    /// The bad records, in input order (at most [`Summary::MAX_ERRORS`] kept;
    /// `skipped` counts them all).
    pub errors: Vec<RecordError>,
    /// Non-fatal observations about the input as a whole (a `.meta` file that
    /// is absent, an unknown member in an archive, …).
    pub notes: Vec<String>,
}

impl Summary {
    /// The most record errors kept in [`Summary::errors`].
    pub const MAX_ERRORS: usize = 1000;

    /// Records a bad record according to `mode`: in strict mode it becomes
    /// the error that stops the read.
    pub fn bad_record(&mut self, mode: Mode, err: RecordError) -> Result<(), Error> {
        match mode {
            Mode::Strict => Err(Error::Record(err)),
            Mode::Lenient => {
                self.skipped += 1;
                if self.errors.len() < Self::MAX_ERRORS {
                    self.errors.push(err);
                }
                Ok(())
            }
        }
    }

    /// Counts a record and hands it to `sink`, or handles the bad record
    /// as `mode` says.
    pub(crate) fn deliver(
        &mut self,
        mode: Mode,
        outcome: Result<crate::Item, RecordError>,
        sink: &mut dyn FnMut(crate::Item) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match outcome {
            Ok(item) => {
                self.records += 1;
                sink(item)
            }
            Err(err) => self.bad_record(mode, err),
        }
    }

    /// Adds another summary to this one (several files of one input).
    pub fn merge(&mut self, other: Self) {
        self.records += other.records;
        self.skipped += other.skipped;
        let room = Self::MAX_ERRORS.saturating_sub(self.errors.len());
        self.errors.extend(other.errors.into_iter().take(room));
        self.notes.extend(other.notes);
    }
}

/// An I/O error on `path`.
pub(crate) fn io_error(path: &std::path::Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}
