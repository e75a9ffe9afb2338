//! Code shared by the NVD readers ([`crate::nvd11`], [`crate::nvd20`]) and by
//! format detection ([`crate::detect`]): opening possibly compressed inputs
//! with an optional `.meta` checksum, streaming the records of a top-level
//! JSON array, and the field conversions both NVD schemas share.

pub(crate) mod common;
pub(crate) mod input;
pub(crate) mod stream;
