//! One module per command group.

pub(crate) mod apk;
pub(crate) mod apk_index;
pub(crate) mod apk_version;
pub(crate) mod feeds;
pub(crate) mod lint;
