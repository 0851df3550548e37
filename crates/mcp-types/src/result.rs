//! What every result shares: `_meta`, `resultType`, and the cache hints of cacheable results.

use serde::{Deserialize, Serialize};

use crate::meta::Meta;

open_string_enum! {
    /// How to read a result (2026-07-28): a final result, or a request for more input.
    ///
    /// A result from a peer of an earlier version has no `resultType`; treat it as `Complete`.
    #[derive(Default)]
    pub enum ResultType {
        /// The request completed; the result holds the final content.
        #[default]
        Complete = "complete",
        /// The server needs input first: the result is an [`crate::InputRequiredResult`].
        InputRequired = "input_required",
        /// The server runs the request as a task: the result is a task handle (tasks
        /// extension, [`crate::extensions::tasks::CreateTaskResult`]).
        Task = "task",
    }
}

/// Who may cache a cacheable result (2026-07-28), as in HTTP `Cache-Control`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheScope {
    /// No user-specific data: shared caches may serve it across authorization contexts.
    Public,
    /// Cacheable only within the same authorization context.
    Private,
}

/// The fields every result has: `_meta` and, from 2026-07-28, `resultType`.
pub trait ResultFields {
    /// The result's `_meta`.
    fn meta(&self) -> Option<&Meta>;
    /// The result's `_meta`, for editing.
    fn meta_mut(&mut self) -> &mut Option<Meta>;
    /// The result's `resultType`, if set.
    fn result_type(&self) -> Option<&ResultType>;
    /// The result's `resultType`, for editing.
    fn result_type_mut(&mut self) -> &mut Option<ResultType>;

    /// Whether the result is final: `resultType` is `"complete"` or absent.
    fn is_complete(&self) -> bool {
        matches!(self.result_type(), None | Some(ResultType::Complete))
    }

    /// The result as [`Cacheable`], when it is one (the lists, `resources/read`,
    /// `server/discover`): what lets code that handles any result fill in cache hints.
    fn as_cacheable_mut(&mut self) -> Option<&mut dyn Cacheable> {
        None
    }
}

/// A result clients may cache (2026-07-28): the lists, `resources/read`, `server/discover`.
pub trait Cacheable {
    /// How long, in milliseconds, the result may be cached.
    fn ttl_ms(&self) -> Option<u64>;
    /// Who may cache the result.
    fn cache_scope(&self) -> Option<&CacheScope>;
    /// Sets both cache hints.
    fn set_cache(&mut self, ttl_ms: u64, scope: CacheScope);

    /// The same result with both cache hints set.
    fn with_cache(mut self, ttl_ms: u64, scope: CacheScope) -> Self
    where
        Self: Sized,
    {
        self.set_cache(ttl_ms, scope);
        self
    }
}

/// A result that carries no data (the schema's `EmptyResult`), answering `ping`,
/// `logging/setLevel`, `resources/subscribe` and the like.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmptyResult {
    /// Result metadata.
    #[serde(rename = "_meta", default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
    /// How to read the result (2026-07-28).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
}

result_fields!(EmptyResult);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_type_keeps_unknown_values() {
        let t: ResultType = serde_json::from_str(r#""input_required""#).unwrap();
        assert_eq!(t, ResultType::InputRequired);
        let t: ResultType = serde_json::from_str(r#""streaming""#).unwrap();
        assert_eq!(t, ResultType::Other("streaming".into()));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""streaming""#);
    }

    #[test]
    fn absent_result_type_reads_as_complete() {
        let r: EmptyResult = serde_json::from_str("{}").unwrap();
        assert!(r.is_complete());
    }
}
