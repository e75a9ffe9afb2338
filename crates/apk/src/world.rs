//! `/etc/apk/world`: the packages the administrator asked for
//! (`doc/apk-world.5.scd`, `alpine-formats.md` 3.2).
//!
//! One constraint a line, in the dependency syntax of the index
//! (`[!]name[@tag][op version]`, or `name><Q1…`): apk 2.x writes one a line
//! and reads the file as a dependency list split on spaces or newlines, so
//! both separators are accepted here. Each token is parsed with
//! [`Dependency::parse`]; a bad token is an error naming its line.

use crate::index::{Dependency, DependencyError};

/// A token of the world file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("etc/apk/world line {line}: {source}")]
pub struct WorldError {
    /// 1-based line number.
    pub line: usize,
    /// The parser's error (it names the token).
    pub source: DependencyError,
}

/// One constraint of the world file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorldEntry {
    /// 1-based line number.
    pub line: usize,
    /// The constraint.
    pub dependency: Dependency,
}

/// The parsed world file, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct World {
    /// The constraints.
    pub entries: Vec<WorldEntry>,
}

impl World {
    /// Parses the text of the file.
    pub fn parse(text: &str) -> Result<Self, WorldError> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            for token in line.split_ascii_whitespace() {
                let dependency = Dependency::parse(token).map_err(|source| WorldError {
                    line: i + 1,
                    source,
                })?;
                entries.push(WorldEntry {
                    line: i + 1,
                    dependency,
                });
            }
        }
        Ok(Self { entries })
    }

    /// The entry asking for `name` (conflicts `!name` excluded).
    pub fn get(&self, name: &str) -> Option<&WorldEntry> {
        self.entries
            .iter()
            .find(|e| !e.dependency.is_conflict() && e.dependency.name() == name)
    }

    /// Whether `name` is asked for explicitly (not only pulled in as a
    /// dependency).
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The repository tag `name` is pinned to (`name@tag`).
    pub fn tag_of(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|e| e.dependency.tag())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_real_shaped_world() {
        let w = World::parse("alpine-base\nbusybox>=1.36\ncurl@edge\n!sudo\nopenssl~3.1\nmusl><Q1tduNGDYV/KwvztK0sMium7UfSj0=\n")
            .unwrap();
        assert_eq!(w.entries.len(), 6);
        assert!(w.contains("alpine-base"));
        assert!(w.contains("busybox"));
        assert!(!w.contains("sudo"), "a conflict is not a request");
        assert!(!w.contains("bash"));
        assert_eq!(w.tag_of("curl"), Some("edge"));
        assert_eq!(w.tag_of("busybox"), None);
        assert_eq!(w.entries[4].line, 5);
    }

    #[test]
    fn spaces_separate_like_newlines_and_blank_lines_are_fine() {
        let w = World::parse("a b\n\n  c  \n").unwrap();
        let names: Vec<_> = w
            .entries
            .iter()
            .map(|e| (e.line, e.dependency.name()))
            .collect();
        assert_eq!(names, [(1, "a"), (1, "b"), (3, "c")]);
        assert!(World::parse("").unwrap().entries.is_empty());
    }

    #[test]
    fn a_bad_token_names_its_line() {
        let e = World::parse("ok\nfoo=\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.to_string()
                .starts_with("etc/apk/world line 2: invalid dependency \"foo=\""),
            "{e}"
        );
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = World::parse(&s);
        }
    }
}
