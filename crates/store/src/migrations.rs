//! The migrations of each backend, embedded in the binary.
//!
//! Each backend has its own directory because DDL differs (types, identity
//! columns, `WITHOUT ROWID`). Files are `NNNN_description.sql`; a new file
//! must be added to the list below too (a unit test checks that the lists
//! and the directories agree). `include_str!` makes cargo rebuild when a
//! file changes, so no build script is needed.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// `(version, description, sql)` of the SQLite migrations.
pub(crate) const SQLITE: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../migrations/sqlite/0001_init.sql"),
)];

/// `(version, description, sql)` of the PostgreSQL migrations.
pub(crate) const POSTGRES: &[(i64, &str, &str)] = &[(
    1,
    "init",
    include_str!("../migrations/postgres/0001_init.sql"),
)];

/// A migrator over one backend's list.
pub(crate) fn migrator(list: &'static [(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        list.iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn check(dir: &str, list: &[(i64, &str, &str)]) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut files: Vec<String> = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let listed: Vec<String> = list
            .iter()
            .map(|(v, d, _)| format!("{v:04}_{d}.sql"))
            .collect();
        assert_eq!(
            files, listed,
            "migrations/{dir} and the list in migrations.rs disagree"
        );
    }

    #[test]
    fn lists_match_directories() {
        check("sqlite", SQLITE);
        check("postgres", POSTGRES);
    }

    #[test]
    fn both_backends_have_the_same_versions() {
        let v =
            |l: &[(i64, &str, &str)]| l.iter().map(|m| (m.0, m.1.to_owned())).collect::<Vec<_>>();
        assert_eq!(v(SQLITE), v(POSTGRES));
    }
}
