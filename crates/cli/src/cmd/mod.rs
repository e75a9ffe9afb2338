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
