//! The eleven attributes of a well-formed name, and the `part` values.

use std::fmt;

/// One of the eleven WFN attributes, in binding order (NISTIR 7695 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Attribute {
    /// `a`, `o` or `h`.
    Part,
    /// The maker.
    Vendor,
    /// The product.
    Product,
    /// The version.
    Version,
    /// Update, service pack, point release (`beta9`, `sp1`).
    Update,
    /// Deprecated legacy edition (kept for 2.2 compatibility).
    Edition,
    /// An RFC 5646 language tag.
    Language,
    /// Market or audience edition (`lts`, `enterprise`).
    SwEdition,
    /// The software environment (`python`, `wordpress`, `node.js`).
    TargetSw,
    /// The hardware architecture (`x64`).
    TargetHw,
    /// Anything else.
    Other,
}

impl Attribute {
    /// All eleven, in binding order.
    pub const ALL: [Self; 11] = [
        Self::Part,
        Self::Vendor,
        Self::Product,
        Self::Version,
        Self::Update,
        Self::Edition,
        Self::Language,
        Self::SwEdition,
        Self::TargetSw,
        Self::TargetHw,
        Self::Other,
    ];

    /// The WFN attribute name (`sw_edition`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Part => "part",
            Self::Vendor => "vendor",
            Self::Product => "product",
            Self::Version => "version",
            Self::Update => "update",
            Self::Edition => "edition",
            Self::Language => "language",
            Self::SwEdition => "sw_edition",
            Self::TargetSw => "target_sw",
            Self::TargetHw => "target_hw",
            Self::Other => "other",
        }
    }

    /// Position in binding order (0 for `part`).
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The three kinds of product a CPE names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Part {
    /// `a`: an application.
    Application,
    /// `o`: an operating system.
    OperatingSystem,
    /// `h`: hardware.
    Hardware,
}

impl Part {
    /// The one-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Application => "a",
            Self::OperatingSystem => "o",
            Self::Hardware => "h",
        }
    }

    /// Reads a one-letter code, case-insensitively (matching is
    /// case-insensitive, so `A` is accepted like `a`).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "a" | "A" => Some(Self::Application),
            "o" | "O" => Some(Self::OperatingSystem),
            "h" | "H" => Some(Self::Hardware),
            _ => None,
        }
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
