//! The normalised vulnerability record.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::advisory::DistroAdvisory;
use crate::cve5::CveAffected;
use crate::id::VulnId;
use crate::nvd::Configuration;
use crate::osv::OsvAffected;

/// Which kind of source a record was read from. One vulnerability id may be
/// described by several records (an NVD record and a CVE 5 record of the same
/// CVE); each is kept, and the matcher reads them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// NVD, JSON 1.1 feeds or the 2.0 API / feeds.
    Nvd,
    /// A CVE JSON 5 record (cvelistV5, vulnrichment), CNA and ADP containers.
    Cve5,
    /// An OSV record.
    Osv,
    /// A distribution's own advisories (Wolfi, Chainguard).
    Advisory,
}

impl SourceKind {
    /// The stable lower-case name used in storage and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nvd => "nvd",
            Self::Cve5 => "cve5",
            Self::Osv => "osv",
            Self::Advisory => "advisory",
        }
    }
}

/// The publication status of a record, normalised across sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RecordStatus {
    /// Published and current.
    #[default]
    Published,
    /// Published, then amended by its source (NVD `Modified`).
    Modified,
    /// Rejected by its CNA or NVD (`** REJECT **`, `Rejected`, `REJECTED`).
    Rejected,
    /// Withdrawn (OSV `withdrawn`).
    Withdrawn,
}

impl RecordStatus {
    /// Whether the record no longer describes a real vulnerability.
    pub fn is_retracted(self) -> bool {
        matches!(self, Self::Rejected | Self::Withdrawn)
    }
}

/// A text in a given language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// BCP 47 tag as given by the source (`en`, `en-US`, `es`).
    pub lang: String,
    /// The text.
    pub value: String,
}

/// Which CVSS specification a score follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CvssVersion {
    /// CVSS 2.0.
    #[serde(rename = "2.0")]
    V2,
    /// CVSS 3.0.
    #[serde(rename = "3.0")]
    V30,
    /// CVSS 3.1.
    #[serde(rename = "3.1")]
    V31,
    /// CVSS 4.0.
    #[serde(rename = "4.0")]
    V40,
}

/// Whether a metric is the source's own assessment or a third party's (NVD
/// `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MetricKind {
    /// The primary assessment.
    Primary,
    /// A secondary assessment (often the CNA's, seen from NVD).
    Secondary,
}

/// One CVSS assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cvss {
    /// Specification version.
    pub version: CvssVersion,
    /// Base score, 0.0–10.0. `None` when the source gives only a vector
    /// (OSV).
    pub base_score: Option<f32>,
    /// The vector string as given (`CVSS:3.1/AV:N/…`, or the bare v2 vector).
    pub vector: String,
    /// Base severity as given (`CRITICAL`, `HIGH`, …), when given.
    pub severity: Option<String>,
    /// Who assessed: an e-mail, a UUID or an organisation short name.
    pub source: Option<String>,
    /// Primary or secondary, when the source says.
    pub kind: Option<MetricKind>,
}

/// A reference URL with its tags (NVD tags, CVE 5 tags, OSV reference type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The URL, as given.
    pub url: String,
    /// Tags such as `Patch`, `Vendor Advisory`, `x_refsource_MISC`, `FIX`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Who supplied the reference, when the source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// An entry of CISA's Known Exploited Vulnerabilities catalog (or the KEV
/// facts carried by NVD records and CISA's ADP container).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KevEntry {
    /// When CISA added the CVE to the catalog (`YYYY-MM-DD`).
    pub date_added: Option<jiff::civil::Date>,
    /// The remediation due date for US federal agencies.
    pub due_date: Option<jiff::civil::Date>,
    /// `vendorProject`.
    pub vendor_project: Option<String>,
    /// `product`.
    pub product: Option<String>,
    /// `vulnerabilityName`.
    pub name: Option<String>,
    /// `requiredAction`.
    pub required_action: Option<String>,
    /// `knownRansomwareCampaignUse` (`Known`, `Unknown`).
    pub known_ransomware_campaign_use: Option<String>,
    /// `notes`.
    pub notes: Option<String>,
    /// `cwes`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
}

/// An EPSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Epss {
    /// Probability of exploitation activity in the next 30 days, 0–1.
    pub score: f64,
    /// Percentile of the score among all scored CVEs, 0–1.
    pub percentile: f64,
    /// The score date, from the file's `#model_version…,score_date:` line or
    /// the API's `date`.
    pub date: Option<jiff::civil::Date>,
    /// The model version (`v2023.03.01`).
    pub model_version: Option<String>,
}

/// CISA's SSVC decision points for a CVE (from the vulnrichment ADP
/// container).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Ssvc {
    /// `Exploitation`: `none`, `poc`, `active`.
    pub exploitation: Option<String>,
    /// `Automatable`: `yes`, `no`.
    pub automatable: Option<String>,
    /// `Technical Impact`: `partial`, `total`.
    pub technical_impact: Option<String>,
    /// SSVC version (`2.0.3`).
    pub version: Option<String>,
    /// When the assessment was made.
    pub timestamp: Option<Timestamp>,
}

/// One vulnerability record from one source, normalised.
///
/// Affected products stay in the source's own terms: NVD configurations in
/// [`Vulnerability::configurations`], CVE 5 `affected[]` in
/// [`Vulnerability::cve_affected`], OSV `affected[]` in
/// [`Vulnerability::osv_affected`]. A record normally fills one of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    /// The primary identifier.
    pub id: VulnId,
    /// What kind of source the record came from.
    pub source: SourceKind,
    /// Other identifiers of the same vulnerability (OSV `aliases`, GHSA/CVE
    /// pairs, Wolfi advisory aliases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<VulnId>,
    /// Related but distinct vulnerabilities (OSV `related`: symmetric, not
    /// transitive). Never merged into [`Vulnerability::aliases`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<VulnId>,
    /// Upstream vulnerabilities this record covers (OSV `upstream`, e.g.
    /// `ALPINE-CVE-2024-1234` → `CVE-2024-1234`). Not symmetric, so kept
    /// apart from [`Vulnerability::aliases`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<VulnId>,
    /// Normalised status.
    pub status: RecordStatus,
    /// The status exactly as the source wrote it (`Analyzed`, `Deferred`,
    /// `Awaiting Analysis`, `PUBLISHED`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_status: Option<String>,
    /// Who assigned or published the record (NVD `sourceIdentifier`, CVE 5
    /// `assignerShortName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigner: Option<String>,
    /// First publication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Last modification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<Timestamp>,
    /// Withdrawal or rejection date, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Timestamp>,
    /// A short title (CVE 5 `title`, OSV `summary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Descriptions in every language given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub descriptions: Vec<Text>,
    /// Every CVSS assessment, of every version and source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<Cvss>,
    /// CWE ids (`CWE-79`); NVD's pseudo ids `NVD-CWE-Other` and
    /// `NVD-CWE-noinfo` are dropped by the readers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<String>,
    /// References.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// KEV facts carried by the record itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kev: Option<KevEntry>,
    /// EPSS score, when joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epss: Option<Epss>,
    /// SSVC decision points, when the record carries them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssvc: Option<Ssvc>,
    /// NVD applicability statements: every configuration, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<Configuration>,
    /// CVE 5 `affected[]` entries of every container (CNA and ADP).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cve_affected: Vec<CveAffected>,
    /// OSV `affected[]` entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub osv_affected: Vec<OsvAffected>,
    /// A distribution advisory (Wolfi), when the record is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisory: Option<DistroAdvisory>,
}

impl Vulnerability {
    /// An empty record with the given id and source; readers fill the rest.
    pub fn new(id: VulnId, source: SourceKind) -> Self {
        Self {
            id,
            source,
            aliases: Vec::new(),
            related: Vec::new(),
            upstream: Vec::new(),
            status: RecordStatus::Published,
            source_status: None,
            assigner: None,
            published: None,
            modified: None,
            withdrawn: None,
            title: None,
            descriptions: Vec::new(),
            cvss: Vec::new(),
            cwes: Vec::new(),
            references: Vec::new(),
            kev: None,
            epss: None,
            ssvc: None,
            configurations: Vec::new(),
            cve_affected: Vec::new(),
            osv_affected: Vec::new(),
            advisory: None,
        }
    }

    /// The English description, or the first one.
    pub fn description(&self) -> Option<&str> {
        self.descriptions
            .iter()
            .find(|d| d.lang == "en" || d.lang.starts_with("en-") || d.lang.starts_with("en_"))
            .or_else(|| self.descriptions.first())
            .map(|d| d.value.as_str())
    }

    /// The preferred CVSS assessment: the newest specification version first,
    /// primary before secondary. (NVD publishes no rule; this is ours.)
    pub fn preferred_cvss(&self) -> Option<&Cvss> {
        self.cvss.iter().max_by_key(|c| {
            (
                c.version,
                matches!(c.kind, Some(MetricKind::Primary) | None),
                c.base_score.is_some(),
            )
        })
    }
}
