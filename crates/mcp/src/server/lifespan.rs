//! Lifespan: set-up before a server serves, tear-down after, and the state in between.

use std::any::Any;
use std::future::Future;
use std::sync::Arc;

use crate::error::BoxError;
use crate::transport::BoxFuture;

/// Set-up and tear-down around a server's life, the Rust form of the Python SDK's `lifespan`.
///
/// [`start`](Lifespan::start) runs before the first request is served and produces the state
/// every handler reaches through [`RequestContext::lifespan`](super::RequestContext::lifespan);
/// [`stop`](Lifespan::stop) runs once the server has finished serving.
///
/// A closure returning a future of `Result<State, BoxError>` is a lifespan without tear-down:
///
/// ```
/// use std::collections::HashMap;
/// use mcp::server::Lifespan;
///
/// fn takes(_: impl Lifespan) {}
/// takes(|| async { Ok::<_, mcp::BoxError>(HashMap::<String, String>::new()) });
/// ```
pub trait Lifespan: Send + Sync + 'static {
    /// The state handlers can reach.
    type State: Send + Sync + 'static;

    /// Sets up the state (open the database, load the model, ...).
    fn start(&self) -> impl Future<Output = Result<Self::State, BoxError>> + Send;

    /// Tears it down once serving is over.
    fn stop(&self, state: Arc<Self::State>) -> impl Future<Output = ()> + Send {
        drop(state);
        async {}
    }
}

impl<F, Fut, S> Lifespan for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<S, BoxError>> + Send,
    S: Send + Sync + 'static,
{
    type State = S;
    fn start(&self) -> impl Future<Output = Result<S, BoxError>> + Send {
        self()
    }
}

/// The type-erased lifespan state.
pub(crate) type AnyState = Arc<dyn Any + Send + Sync>;

/// A lifespan with its state type erased, so the server need not be generic over it.
pub(crate) trait ErasedLifespan: Send + Sync {
    fn start(&self) -> BoxFuture<'_, Result<AnyState, BoxError>>;
    fn stop(&self, state: AnyState) -> BoxFuture<'_, ()>;
}

impl<L: Lifespan> ErasedLifespan for L {
    fn start(&self) -> BoxFuture<'_, Result<AnyState, BoxError>> {
        Box::pin(async move {
            let state = Lifespan::start(self).await?;
            Ok(Arc::new(state) as AnyState)
        })
    }

    fn stop(&self, state: AnyState) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            if let Ok(state) = state.downcast::<L::State>() {
                Lifespan::stop(self, state).await;
            }
        })
    }
}
