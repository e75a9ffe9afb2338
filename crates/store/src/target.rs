//! Which backend a store URL names, and where the default database lives.

use std::path::{Path, PathBuf};

use crate::StoreError;

/// Where a store lives, parsed from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite database file.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database (gone when the store is dropped).
    SqliteMemory,
    /// A PostgreSQL URL, passed to the driver as is.
    Postgres(String),
}

impl Target {
    /// Parses a store URL:
    ///
    /// - `sqlite::memory:` → in-memory SQLite;
    /// - `sqlite://PATH` or `sqlite:PATH` → a SQLite file (`sqlite:///abs`
    ///   is `/abs`, `sqlite://rel` is `rel`);
    /// - `postgres://…` or `postgresql://…` → PostgreSQL;
    /// - anything without a `scheme:` → a SQLite file at that path.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let bad = |reason: &str| StoreError::Url {
            url: redact(url),
            reason: reason.to_owned(),
        };
        if url.is_empty() {
            return Err(bad("empty"));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            if rest == ":memory:" || rest == "//:memory:" {
                return Ok(Self::SqliteMemory);
            }
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(bad("no database file after `sqlite:`"));
            }
            if path.contains('?') {
                // sqlx would read these as connection options; we set our own
                // (WAL, synchronous, …), so refuse rather than ignore them.
                return Err(bad("query parameters are not supported in sqlite URLs"));
            }
            return Ok(Self::SqliteFile(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(bad(&format!(
                "unknown scheme {scheme:?} (expected sqlite:, postgres:// or postgresql://)"
            )));
        }
        Ok(Self::SqliteFile(PathBuf::from(url)))
    }

    /// The target for messages: the path, `:memory:`, or the URL with its
    /// password hidden.
    pub fn display(&self) -> String {
        match self {
            Self::SqliteFile(p) => p.display().to_string(),
            Self::SqliteMemory => ":memory:".to_owned(),
            Self::Postgres(url) => redact(url),
        }
    }
}

/// The URL with the password of its authority, if any, replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
        None => url.to_owned(),
    }
}

/// `$XDG_DATA_HOME/secfixes/secfixes.db`, or
/// `$HOME/.local/share/secfixes/secfixes.db`; creates the directory.
pub fn default_sqlite_path() -> Result<PathBuf, StoreError> {
    let dir = data_dir(
        std::env::var_os("XDG_DATA_HOME").map(PathBuf::from),
        std::env::var_os("HOME").map(PathBuf::from),
    )?;
    create_dir(&dir)?;
    Ok(dir.join("secfixes.db"))
}

/// The secfixes data directory from the two variables. An empty or relative
/// `XDG_DATA_HOME` is ignored, as the XDG base directory spec says.
fn data_dir(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    if let Some(xdg) = xdg.filter(|p| p.is_absolute()) {
        return Ok(xdg.join("secfixes"));
    }
    match home.filter(|p| !p.as_os_str().is_empty()) {
        Some(home) => Ok(home.join(".local/share/secfixes")),
        None => Err(StoreError::NoDataDir),
    }
}

pub(crate) fn create_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn file(p: &str) -> Target {
        Target::SqliteFile(PathBuf::from(p))
    }

    #[test]
    fn sqlite_forms() {
        assert_eq!(
            Target::parse("sqlite::memory:").unwrap(),
            Target::SqliteMemory
        );
        assert_eq!(
            Target::parse("sqlite://:memory:").unwrap(),
            Target::SqliteMemory
        );
        assert_eq!(
            Target::parse("sqlite:///var/lib/s.db").unwrap(),
            file("/var/lib/s.db")
        );
        assert_eq!(
            Target::parse("sqlite://data/s.db").unwrap(),
            file("data/s.db")
        );
        assert_eq!(Target::parse("sqlite:s.db").unwrap(), file("s.db"));
        assert_eq!(
            Target::parse("sqlite:/abs/s.db").unwrap(),
            file("/abs/s.db")
        );
        assert_eq!(Target::parse("/abs/s.db").unwrap(), file("/abs/s.db"));
        assert_eq!(Target::parse("rel/s.db").unwrap(), file("rel/s.db"));
        assert_eq!(Target::parse("C:odd").unwrap(), file("C:odd"));
    }

    #[test]
    fn postgres_forms() {
        for url in [
            "postgres://u:p@h/db",
            "postgresql://h:5432/db?sslmode=require",
        ] {
            assert_eq!(
                Target::parse(url).unwrap(),
                Target::Postgres(url.to_owned())
            );
        }
    }

    #[test]
    fn rejects() {
        for url in [
            "",
            "sqlite:",
            "sqlite://",
            "sqlite://x.db?mode=ro",
            "mysql://u:secret@h/db",
        ] {
            let err = Target::parse(url).unwrap_err().to_string();
            assert!(err.contains("invalid store URL"), "{url}: {err}");
            assert!(!err.contains("secret"), "password leaked: {err}");
        }
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://u:secret@h:5/db?x=1"),
            "postgres://u:***@h:5/db?x=1"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(
            Target::parse("postgres://u:pw@h/db").unwrap().display(),
            "postgres://u:***@h/db"
        );
    }

    #[test]
    fn data_dir_rules() {
        let p = |s: &str| Some(PathBuf::from(s));
        assert_eq!(
            data_dir(p("/x"), p("/h")).unwrap(),
            PathBuf::from("/x/secfixes")
        );
        assert_eq!(
            data_dir(p("rel"), p("/h")).unwrap(),
            PathBuf::from("/h/.local/share/secfixes")
        );
        assert_eq!(
            data_dir(None, p("/h")).unwrap(),
            PathBuf::from("/h/.local/share/secfixes")
        );
        assert!(matches!(data_dir(None, None), Err(StoreError::NoDataDir)));
        assert!(matches!(data_dir(p(""), p("")), Err(StoreError::NoDataDir)));
    }

    proptest! {
        #[test]
        fn bare_paths_are_sqlite_files(path in "[a-zA-Z0-9_./-]{1,40}") {
            prop_assert_eq!(Target::parse(&path).unwrap(), Target::SqliteFile(PathBuf::from(&path)));
        }

        #[test]
        fn redaction_never_shows_the_password(user in "[a-z]{1,8}", pw in "[a-zA-Z0-9]{6,12}", host in "[a-z]{1,8}") {
            let url = format!("postgres://{user}:{pw}@{host}/db");
            let shown = redact(&url);
            let leaked = format!(":{pw}@");
            prop_assert!(!shown.contains(&leaked));
            prop_assert!(shown.contains(&host));
        }
    }
}
