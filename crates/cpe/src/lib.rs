//! CPE 2.3 names: parse, bind, match (NISTIR 7695 naming, NISTIR 7696
//! matching).
//!
//! A [`Cpe`] holds the eleven attributes of a well-formed name (WFN), each
//! ANY, NA or a string kept in WFN form (quoted: `8\.0\.6001`), so escapes
//! and wildcards stay unambiguous. It parses from and binds to both the 2.3
//! formatted string (`cpe:2.3:a:apache:log4j:2.0:beta9:*:*:*:*:*:*`,
//! [`Cpe::parse_fs`], `Display`) and the 2.2 URI (`cpe:/a:apache:log4j:2.0`,
//! [`Cpe::parse_uri`], [`Cpe::to_uri`]); [`Cpe::parse`] and `FromStr` take
//! either. [`Cpe::compare`] gives the NISTIR 7696 relation of a source
//! (pattern) to a target, ignoring case.
//!
//! ```
//! use secfixes_cpe::{Cpe, Relation};
//! let criteria: Cpe = "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*".parse().unwrap();
//! let name: Cpe = "cpe:2.3:a:Apache:Log4j:2.14.1:*:*:*:*:*:*:*".parse().unwrap();
//! assert_eq!(criteria.compare(&name), Relation::Superset);
//! assert_eq!(name.product().unquoted().as_deref(), Some("Log4j"));
//! ```
//!
//! Pure: no I/O. A parse makes one allocation.

#![forbid(unsafe_code)]

mod attribute;
mod error;
mod fs;
mod matching;
mod name;
mod uri;
mod value;

pub use attribute::{Attribute, Part};
pub use error::{ErrorKind, ParseError};
pub use matching::{Relation, compare_values};
pub use name::{Cpe, CpeBuilder};
pub use value::{Value, WfnStr};
