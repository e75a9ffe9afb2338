//! Which installed packages of an apk system have a security fix pending:
//! the domain of `secfixes scan` (what `apk list --upgradable --security`
//! would show).
//!
//! Pure: every input is handed in already read (bytes, parsed documents);
//! the result is data ([`Report`]), rendered by the caller.
//!
//! - [`installed`]: the installed packages, from `lib/apk/db/installed`;
//! - [`fixes`]: the fixes known per origin, from secdb documents and from
//!   the `SECFIXES` member of annotated indexes ([`FixTable`]);
//! - [`server`]: the tracker's states API (the response type, the URLs);
//! - [`engine`]: installed × fixes × available packages × tracker states →
//!   [`Report`];
//! - [`report`]: the findings.
//!
//! # Rules
//!
//! - A package is joined to the security data through its **origin**
//!   (`o:`): `libssl1.1` is reported with the fixes of `openssl`.
//! - Versions are compared with the order of the system's apk-tools
//!   ([`secfixes_apk::version::Scheme`]: apk-tools 2 up to Alpine 3.22,
//!   3 after); never as strings.
//! - A fix of version `k` is **pending** when `installed < k`. An id listed
//!   under several keys (an incomplete first fix: intel-ucode, xen,
//!   chromium do this) stays pending until the *highest* of them; the
//!   finding says which lower key already fixed it partly.
//! - Key `0` means "not affected" for that origin; it is never a fix.
//! - A key that is not a valid version under the scheme is reported as a
//!   warning and never used to decide.
//! - An installed version that is not valid cannot be compared: the package
//!   is reported as "cannot evaluate", never as clean.
//! - With indexes, each pending fix is marked available when the best
//!   version of the **same package name** in the repositories the package
//!   may come from (untagged ones, plus those of its `@tag` pin) is at
//!   least the fixed version, as `apk list --upgradable` picks candidates.

pub mod engine;
pub mod fixes;
pub mod installed;
pub mod report;
pub mod server;

pub use engine::{AvailableRepo, ScanInput, scan};
pub use fixes::{FixTable, KnownFix, OriginFixes};
pub use installed::{Installed, read_installed};
pub use report::{Availability, OpenVuln, PackageFinding, PendingFix, Report, Summary, Warning};
pub use server::{ServerState, StatesResponse, states_urls};
