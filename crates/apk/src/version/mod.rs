//! apk version order, exactly as apk-tools computes it — in both of its
//! versions.
//!
//! # Grammar
//!
//! `number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}`
//! (`alpinelinux/apk-tools:doc/apk-package.5.scd`):
//!
//! - numbers are `[0-9]+`; the first one is mandatory;
//! - one lower-case `letter`, only straight after a number;
//! - any number of `_suffix{number}`, where the suffix is exactly one of
//!   `alpha beta pre rc cvs svn git hg p` (sorted in that order, with "no
//!   suffix" between `rc` and `cvs`);
//! - at most one `~hash` of lower-case hex digits, then at most one `-rN`
//!   (the package revision), and nothing after it.
//!
//! # Two orders: [`Scheme`]
//!
//! apk-tools 3.x ([`v3`], the `src/version.c` of master) enforces that
//! grammar. apk-tools 2.x ([`v2`], `src/version.c@2.14-stable`), which
//! Alpine shipped up to v3.22, is looser and differs in places:
//!
//! - **Leading zeros**: 2.x turns a `.`-component starting with `0` into an
//!   extra token worth minus the number of extra zeros and then compares
//!   numerically (after fix `fd8f39f`, v2.12.12+). So on 2.x `1.0 > 1.00`,
//!   `8.2.0 > 8.2.001` and `8.2.0015 > 8.2.002`; 3.x gives `<` for all three.
//! - **Suffix names** match by prefix on 2.x (`strncmp`), exactly on 3.x;
//!   either way the name must end there (`_preview` is invalid on both).
//! - **A letter may be followed by digits** on 2.x: `1.0a1`, `1.9.5p2-r0`
//!   are valid there and invalid on 3.x.
//! - **Several `-rN`** are accepted by 2.x (`1.0-r1-r2`); 3.x allows one.
//! - **Fuzzy `~`** matches on 2.x as soon as *either* side runs out with all
//!   tokens equal; 3.x requires the right-hand side (the pattern) to end.
//! - **Numbers of 18 or more digits** are invalid on 2.x; 3.x accepts any
//!   length (wrapping at 2^64).
//! - **No `~hash`** on 2.x: any `~` is invalid, so the three hash rows of the
//!   3.x test data come out as `=` there.
//! - **Invalid input** orders differently: on 3.x a version that turns
//!   invalid is lower than one that goes on validly, on 2.x (mostly) higher;
//!   and 2.x's validation accepts strings without a leading number (`""`,
//!   `a`, `-r1`).
//!
//! The difference is not academic: 39 of the 10,299 distinct versions in
//! the official v3.10–v3.18 indexes of our corpus carry a letter followed
//! by digits (sudo `1.9.5p2-r0`, opensmtpd `6.8.0p2-r0`, android-tools
//! `31.0.0p1-r1`, …), and so do secfixes keys such as `6.6.2p1-r0`. They are
//! invalid on 3.x, where two of them that differ only after the letter
//! compare *equal* (`1.9.5p1-r0 = 1.9.5p2-r0`: a tracker using 3.x would
//! call sudo 1.9.5p1 fixed by the Baron Samedit fix in 1.9.5p2). So the
//! order is a parameter: [`Scheme::for_branch`] picks the apk-tools a
//! branch ships.
//!
//! The unprefixed functions and [`Version`] are the 3.x order, the current
//! apk-tools: [`compare`], [`compare_fuzzy`], [`validate`], [`matches()`].
//! [`Scheme`] dispatches to either order; [`SchemedVersion`] is a version
//! validated under, and ordered by, a scheme.

mod error;
mod op;
mod scheme;
pub mod v2;
pub mod v3;

pub use error::{InvalidReason, InvalidVersion};
pub use op::{InvalidOp, Op};
pub use scheme::{InvalidScheme, Scheme, SchemedVersion};
pub use v3::{Version, compare, compare_fuzzy, matches, validate};

/// Every suffix name, in rank order.
pub const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
