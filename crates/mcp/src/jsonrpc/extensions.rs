//! Values a transport attaches to a session for its handlers: a type map, cheap to clone.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::Arc;

/// Values of any type, at most one per type, that a transport attaches to a session (the
/// access token an HTTP request was authorized with, say) and handlers read through
/// [`Peer::extensions`](super::Peer::extensions).
#[derive(Clone, Default)]
pub struct Extensions {
    map: Option<Arc<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>,
}

impl std::fmt::Debug for Extensions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extensions")
            .field("len", &self.map.as_ref().map_or(0, |m| m.len()))
            .finish()
    }
}

impl Extensions {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `value`, replacing any earlier value of its type.
    pub fn insert<T: Send + Sync + 'static>(&mut self, value: T) {
        Arc::make_mut(self.map.get_or_insert_with(Default::default))
            .insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`, if there is one.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.map
            .as_ref()?
            .get(&TypeId::of::<T>())?
            .downcast_ref::<T>()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.map.as_ref().is_none_or(|m| m.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::Extensions;

    #[test]
    fn one_value_per_type() {
        let mut extensions = Extensions::new();
        assert!(extensions.is_empty());
        assert_eq!(extensions.get::<u32>(), None);
        extensions.insert(7u32);
        extensions.insert("name");
        let copy = extensions.clone();
        extensions.insert(8u32);
        assert_eq!(extensions.get::<u32>(), Some(&8));
        assert_eq!(
            copy.get::<u32>(),
            Some(&7),
            "clones do not see later inserts"
        );
        assert_eq!(extensions.get::<&str>(), Some(&"name"));
        assert_eq!(extensions.get::<u64>(), None);
    }
}
