//! The tracker's states API, client side: the response type and the
//! request URLs.
//!
//! `GET {base}/api/v1/states?branch=<b>&origin=<o>&origin=<o2>…` answers
//! `{"states":[{"branch","repo","origin","vuln","state","version",
//! "fixed_version","reason"}]}`, where `state` is one of `vulnerable`,
//! `possibly-vulnerable`, `fixed`, `not-affected` ([`StateKind`]).

use secfixes_model::{StateKind, VulnId};

/// Most origins asked for in one request, to keep URLs short (a long query
/// string is refused by some proxies at 8 KB).
pub const ORIGINS_PER_REQUEST: usize = 100;

/// One state as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct ServerState {
    /// Branch (`v3.18`).
    pub branch: String,
    /// Repository (`main`).
    pub repo: String,
    /// Origin package.
    pub origin: String,
    /// The vulnerability.
    pub vuln: VulnId,
    /// The state.
    pub state: StateKind,
    /// The published version the state is about.
    #[serde(default)]
    pub version: Option<String>,
    /// The fixing version, when one is recorded.
    #[serde(default)]
    pub fixed_version: Option<String>,
    /// A short reason.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The response body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct StatesResponse {
    /// The states.
    pub states: Vec<ServerState>,
}

/// The request URLs for these origins, at most [`ORIGINS_PER_REQUEST`]
/// origins each; values are percent-encoded (`gtk+3.0` → `gtk%2B3.0`: a
/// raw `+` would read as a space).
pub fn states_urls<'a, I>(base: &str, branch: &str, origins: I) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut origins: Vec<&str> = origins.into_iter().collect();
    origins.sort_unstable();
    origins.dedup();
    let base = base.trim_end_matches('/');
    origins
        .chunks(ORIGINS_PER_REQUEST)
        .map(|chunk| {
            let mut url = format!("{base}/api/v1/states?branch={}", encode(branch));
            for o in chunk {
                url.push_str("&origin=");
                url.push_str(&encode(o));
            }
            url
        })
        .collect()
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_encoded_sorted_and_chunked() {
        let u = states_urls(
            "http://127.0.0.1:8080/",
            "v3.18",
            ["openssl", "gtk+3.0", "openssl", "a b"],
        );
        assert_eq!(
            u,
            [
                "http://127.0.0.1:8080/api/v1/states?branch=v3.18&origin=a%20b&origin=gtk%2B3.0&origin=openssl"
            ]
        );
        let many: Vec<String> = (0..250).map(|i| format!("p{i:03}")).collect();
        let u = states_urls("http://h", "edge", many.iter().map(String::as_str));
        assert_eq!(u.len(), 3);
        assert_eq!(u[2].matches("&origin=").count(), 50);
        assert!(states_urls("http://h", "edge", []).is_empty());
    }

    #[test]
    fn the_response_reads() {
        let r: StatesResponse = serde_json::from_str(
            r#"{"states":[{"branch":"v3.18","repo":"main","origin":"openssl","vuln":"cve-2023-0464",
                "state":"possibly-vulnerable","version":"3.1.4-r0","fixed_version":null,"reason":null}]}"#,
        )
        .unwrap();
        assert_eq!(r.states[0].vuln.as_str(), "CVE-2023-0464");
        assert_eq!(r.states[0].state, StateKind::PossiblyVulnerable);
        let bad = serde_json::from_str::<StatesResponse>(
            r#"{"states":[{"branch":"b","repo":"r","origin":"o","vuln":"x","state":"meh"}]}"#,
        );
        assert!(bad.unwrap_err().to_string().contains("meh"));
    }
}
