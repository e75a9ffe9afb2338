//! One module per command group.

pub(crate) mod apk;
pub(crate) mod apk_annotate;
pub(crate) mod apk_index;
pub(crate) mod apk_version;
pub(crate) mod feeds;
pub(crate) mod lint;
pub(crate) mod query;
pub(crate) mod scan;
pub(crate) mod serve;
pub(crate) mod store_args;
pub(crate) mod track;

use secfixes_apk::index::{Keyring, Trust};

/// How far to trust an index, from `--keys` and `--allow-untrusted`: with
/// keys the signature must verify (or, allowed untrusted, is checked and
/// reported); `None` when there are no keys and untrusted input is not
/// allowed.
pub(crate) fn index_trust(keys: Option<&Keyring>, allow_untrusted: bool) -> Option<Trust<'_>> {
    match (keys, allow_untrusted) {
        (Some(k), false) => Some(Trust::Keys(k)),
        (Some(k), true) => Some(Trust::KeysOrUntrusted(k)),
        (None, true) => Some(Trust::AllowUntrusted),
        (None, false) => None,
    }
}
