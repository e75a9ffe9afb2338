//! CPE 2.3 names: parse, bind, match (NISTIR 7695/7696).
//!
//! (to be written)

#![forbid(unsafe_code)]
