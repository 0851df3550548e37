//! Protocol versions, the two eras they fall into, and version negotiation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A published revision of the Model Context Protocol.
///
/// Versions are an enumerated set, oldest first; the derived ordering follows release order.
///
/// ```
/// use mcp_types::{Era, ProtocolVersion};
/// let v: ProtocolVersion = "2025-06-18".parse().unwrap();
/// assert_eq!(v.era(), Era::Handshake);
/// assert!(ProtocolVersion::LATEST > v);
/// assert_eq!(ProtocolVersion::LATEST.era(), Era::Stateless);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// The first published revision.
    V2024_11_05,
    /// Streamable HTTP, tool annotations, audio content, authorization.
    V2025_03_26,
    /// Structured tool output, elicitation, resource links; batching removed.
    V2025_06_18,
    /// Tasks, URL elicitation, sampling with tools, icons.
    V2025_11_25,
    /// The stateless revision: no handshake, per-request `_meta`, multi round-trip requests.
    V2026_07_28,
}

/// How a protocol version establishes what a request means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// `initialize` / `notifications/initialized` set up a session (2024-11-05 … 2025-11-25).
    Handshake,
    /// Every request carries its version, capabilities and client info in `_meta` (2026-07-28 on).
    Stateless,
}

impl ProtocolVersion {
    /// The newest version this library speaks.
    pub const LATEST: Self = Self::V2026_07_28;
    /// The newest version reached through the `initialize` handshake.
    pub const LATEST_HANDSHAKE: Self = Self::V2025_11_25;
    /// Every version, oldest first.
    pub const ALL: [Self; 5] = [
        Self::V2024_11_05,
        Self::V2025_03_26,
        Self::V2025_06_18,
        Self::V2025_11_25,
        Self::V2026_07_28,
    ];

    /// The version's wire form, such as `"2025-11-25"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::V2024_11_05 => "2024-11-05",
            Self::V2025_03_26 => "2025-03-26",
            Self::V2025_06_18 => "2025-06-18",
            Self::V2025_11_25 => "2025-11-25",
            Self::V2026_07_28 => "2026-07-28",
        }
    }

    /// The era this version belongs to.
    pub const fn era(self) -> Era {
        match self {
            Self::V2026_07_28 => Era::Stateless,
            _ => Era::Handshake,
        }
    }

    /// Whether this version uses the stateless, per-request model.
    pub const fn is_stateless(self) -> bool {
        matches!(self.era(), Era::Stateless)
    }

    /// Parses a wire version string; `None` for a version this library does not know.
    pub fn from_wire(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The era of a version as a peer wrote it (in `MCP-Protocol-Version`, or a request's
    /// `_meta`): the one policy for every layer that asks.
    ///
    /// A version this library does not know belongs to the stateless era: versions only get
    /// newer, and the stateless era is where a request's version is checked against those the
    /// server speaks and refused with `-32022` (unsupported protocol version), naming them, so
    /// that the client can pick one. Taken for the handshake era, it would be served under a
    /// handshake that never happened.
    ///
    /// ```
    /// use mcp_types::{Era, ProtocolVersion};
    /// assert_eq!(ProtocolVersion::era_of("2025-06-18"), Era::Handshake);
    /// assert_eq!(ProtocolVersion::era_of("2026-07-28"), Era::Stateless);
    /// assert_eq!(ProtocolVersion::era_of("2099-01-01"), Era::Stateless);
    /// ```
    pub fn era_of(version: &str) -> Era {
        Self::from_wire(version).map_or(Era::Stateless, Self::era)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error of parsing a protocol version this library does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProtocolVersion(pub String);

impl fmt::Display for UnknownProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown protocol version {:?}; known versions: {}",
            self.0,
            ProtocolVersion::ALL.map(ProtocolVersion::as_str).join(", ")
        )
    }
}

impl std::error::Error for UnknownProtocolVersion {}

impl FromStr for ProtocolVersion {
    type Err = UnknownProtocolVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_wire(s).ok_or_else(|| UnknownProtocolVersion(s.to_owned()))
    }
}

impl Serialize for ProtocolVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProtocolVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The version a handshake-era server answers `initialize` with.
///
/// The spec's rule: if the server supports the requested version it answers with the same one;
/// otherwise it answers with the latest handshake version it supports, and the client decides
/// whether it can go on. `None` when `supported` holds no handshake-era version at all.
///
/// ```
/// use mcp_types::{negotiate_handshake, ProtocolVersion as V};
/// let all = V::ALL;
/// assert_eq!(negotiate_handshake("2025-03-26", &all), Some(V::V2025_03_26));
/// assert_eq!(negotiate_handshake("1999-01-01", &all), Some(V::V2025_11_25));
/// // a stateless version is never negotiated through initialize
/// assert_eq!(negotiate_handshake("2026-07-28", &all), Some(V::V2025_11_25));
/// ```
pub fn negotiate_handshake(
    requested: &str,
    supported: &[ProtocolVersion],
) -> Option<ProtocolVersion> {
    let handshake = || {
        supported
            .iter()
            .copied()
            .filter(|v| v.era() == Era::Handshake)
    };
    handshake()
        .find(|v| v.as_str() == requested)
        .or_else(|| handshake().max())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_version_round_trips_through_its_wire_form() {
        for v in ProtocolVersion::ALL {
            assert_eq!(v.as_str().parse::<ProtocolVersion>().unwrap(), v);
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<ProtocolVersion>(&json).unwrap(), v);
        }
        assert!("2099-01-01".parse::<ProtocolVersion>().is_err());
    }

    #[test]
    fn handshake_negotiation_needs_a_handshake_version() {
        assert_eq!(
            negotiate_handshake("2025-11-25", &[ProtocolVersion::V2026_07_28]),
            None
        );
        assert_eq!(
            negotiate_handshake(
                "2025-11-25",
                &[ProtocolVersion::V2024_11_05, ProtocolVersion::V2025_06_18]
            ),
            Some(ProtocolVersion::V2025_06_18)
        );
    }
}
