//! OAuth for remote servers through the SDK's OAuth client: the browser does the
//! authorization step. When the server asks for authorization, the page is told the
//! authorization URL and sends the user there; the authorization server redirects back to the
//! inspector's `/oauth/callback`, which hands the response to the waiting flow. The callback
//! needs no token (the authorization server cannot know it), so it does one thing only: complete
//! an authorization that is waiting under the response's `state`.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use mcp::BoxError;
use mcp::client::auth::AuthorizationRedirect;
use mcp::transport::BoxFuture;
use parking_lot::Mutex;
use tokio::sync::oneshot;
use url::Url;

use crate::events::{Event, EventHub};

/// How long the user has to authorize.
pub const AUTHORIZATION_PATIENCE: Duration = Duration::from_secs(600);

/// The authorizations waiting for the browser to come back, by `state`.
#[derive(Debug, Default)]
pub struct Callbacks {
    waiting: Mutex<HashMap<String, oneshot::Sender<Url>>>,
}

impl Callbacks {
    /// Completes the authorization waiting under the `state` of `url`; `false` when none is.
    pub fn complete(&self, url: Url) -> bool {
        let Some(state) = url
            .query_pairs()
            .find(|(k, _)| k == "state")
            .map(|(_, v)| v.into_owned())
        else {
            return false;
        };
        let waiting = self.waiting.lock().remove(&state);
        match waiting {
            Some(tx) => tx.send(url).is_ok(),
            None => false,
        }
    }
}

/// The [`AuthorizationRedirect`] of the inspector: the page opens the authorization URL, the
/// browser comes back to `/oauth/callback`.
pub struct PageRedirect {
    redirect_uri: String,
    callbacks: Arc<Callbacks>,
    hub: Weak<EventHub>,
}

impl PageRedirect {
    /// A redirect back to `redirect_uri` (the inspector's `/oauth/callback`).
    pub fn new(redirect_uri: String, callbacks: Arc<Callbacks>, hub: Weak<EventHub>) -> Self {
        Self {
            redirect_uri,
            callbacks,
            hub,
        }
    }
}

impl AuthorizationRedirect for PageRedirect {
    fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    fn authorize<'a>(&'a self, authorization_url: &'a Url) -> BoxFuture<'a, Result<Url, BoxError>> {
        Box::pin(async move {
            let state = authorization_url
                .query_pairs()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.into_owned())
                .ok_or("the authorization URL has no state")?;
            let (tx, rx) = oneshot::channel();
            self.callbacks.waiting.lock().insert(state.clone(), tx);
            let hub = self.hub.upgrade().ok_or("the inspector is stopping")?;
            hub.publish(Event::Oauth {
                state: "required".to_owned(),
                url: Some(authorization_url.to_string()),
            });
            let answer = tokio::time::timeout(AUTHORIZATION_PATIENCE, rx).await;
            self.callbacks.waiting.lock().remove(&state);
            let url = answer
                .map_err(|_| "nobody completed the authorization in the browser within 10 minutes")?
                .map_err(|_| "the authorization was abandoned")?;
            hub.publish(Event::Oauth {
                state: "done".to_owned(),
                url: None,
            });
            Ok(url)
        })
    }
}

/// The page shown in the tab the authorization server redirected back to.
pub fn callback_page(completed: bool) -> String {
    let (title, text) = if completed {
        (
            "Authorized",
            "The inspector received the authorization. You can close this tab.",
        )
    } else {
        (
            "Nothing to authorize",
            "No authorization of this inspector is waiting for this response (it expired, was \
             already completed, or comes from elsewhere).",
        )
    };
    format!(
        "<!doctype html><meta charset=utf-8><title>{title}</title>\
         <style>body{{font:16px system-ui,sans-serif;margin:4rem auto;max-width:32rem;color:#222}}</style>\
         <h1>{title}</h1><p>{text}</p>"
    )
}
