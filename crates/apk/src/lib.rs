//! apk's own formats, correct to the byte.
//!
//! - [`version`]: the version order of apk-tools 3.x (`src/version.c`).
//! - [`index`]: `APKINDEX.tar.gz`: gzip members, RSA signatures, stanzas.
//! - [`installed`]: the installed database (`lib/apk/db/installed`).
//! - [`secfixes`]: the `# secfixes:` block of APKBUILDs, and [`lint`] for it.
//! - [`secdb`]: the secdb JSON (and the 2020 YAML) published per branch.
//! - [`release`], [`repositories`], [`world`]: a root's `etc/alpine-release`,
//!   `etc/secfixes.d`, `etc/apk/repositories` and `etc/apk/world`.
//! - [`annotate`]: security data inside a signed index (`SECFIXES` member).
//!
//! Pure: no I/O beyond `Read`/`BufRead` handed in by the caller.

#![forbid(unsafe_code)]

pub mod annotate;
pub mod index;
pub mod installed;
pub mod lint;
pub mod release;
pub mod repositories;
pub mod secdb;
pub mod secfixes;
pub mod stanza;
pub mod version;
pub mod world;
