//! A moderator's session inside the widget: kept in the host page's `sessionStorage` (it ends
//! with the tab, unlike the reader token), and the requests that need it.
//!
//! The session and its requests exist only with the `moderation` feature, in the full bundle,
//! which the loader mounts whenever a session is stored for the server (`loader/embed.js` reads
//! the same key as [`session_key`]).
//!
//! The reader token travels as `Authorization: Bearer …`; the server reads a moderator from
//! `Authorization: Moderator …`. Moderator routes need only the latter, so the two never have to
//! share one request.

use super::token::origin_of;

/// The `sessionStorage` key of the moderator session for a comment server.
pub fn session_key(api: &str) -> String {
    format!("talkback:moderator:{}", origin_of(api))
}

/// What is kept of a session: `name` and `token` on one line, split at the first tab.
pub fn encode(name: &str, token: &str) -> String {
    format!("{}\t{token}", name.replace('\t', " "))
}

/// Reads what [`encode`] wrote; `None` for anything else.
pub fn decode(stored: &str) -> Option<(String, String)> {
    let (name, token) = stored.split_once('\t')?;
    let token = token.trim();
    (!name.is_empty() && !token.is_empty()).then(|| (name.to_owned(), token.to_owned()))
}

#[cfg(all(target_arch = "wasm32", feature = "moderation"))]
pub use desk::Desk;

#[cfg(all(target_arch = "wasm32", feature = "moderation"))]
mod desk {
    use std::cell::RefCell;

    use gloo_net::http::{Method, RequestBuilder};
    use talkback_protocol::moderation::{
        ActionRequest, ActionResults, LockRequest, Session, SignIn,
    };
    use talkback_protocol::{ThreadInfo, routes};

    use super::{decode, encode, session_key};
    use crate::backend::BackendError;
    use crate::backend::error::decode as decode_json;

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.session_storage().ok().flatten()
    }

    /// The moderator side of one comment server.
    pub struct Desk {
        api: String,
        key: String,
        /// Name and token of the signed-in moderator.
        session: RefCell<Option<(String, String)>>,
    }

    impl Desk {
        /// The desk for the server at `api` (without trailing slash), resuming a session of this tab.
        pub fn new(api: &str) -> Self {
            let key = session_key(api);
            let session = storage()
                .and_then(|s| s.get_item(&key).ok().flatten())
                .and_then(|s| decode(&s));
            Desk {
                api: api.to_owned(),
                key,
                session: RefCell::new(session),
            }
        }

        /// The signed-in moderator's name.
        pub fn name(&self) -> Option<String> {
            self.session.borrow().as_ref().map(|(n, _)| n.clone())
        }

        fn forget(&self) {
            self.session.replace(None);
            if let Some(s) = storage() {
                let _ = s.remove_item(&self.key);
            }
        }

        async fn send(
            &self,
            method: Method,
            route: &str,
            json: Option<String>,
        ) -> Result<(u16, String), BackendError> {
            let url = format!("{}{route}", self.api);
            let token = self.session.borrow().as_ref().map(|(_, t)| t.clone());
            let mut builder = RequestBuilder::new(&url)
                .method(method)
                .header("Accept", "application/json");
            if let Some(t) = token {
                builder = builder.header("Authorization", &format!("Moderator {t}"));
            }
            let request = match json {
                Some(body) => builder
                    .header("Content-Type", "application/json")
                    .body(body),
                None => builder.build(),
            }
            .map_err(|_| BackendError::Network)?;
            let response = request.send().await.map_err(|_| BackendError::Network)?;
            let status = response.status();
            let body = response.text().await.map_err(|_| BackendError::Network)?;
            // An ended session (expired, signed out elsewhere) shows the sign-in link again.
            if status == 401 {
                self.forget();
            }
            Ok((status, body))
        }

        /// Signs in and keeps the session for this tab.
        pub async fn sign_in(
            &self,
            name: String,
            password: String,
        ) -> Result<String, BackendError> {
            let json = serde_json::to_string(&SignIn { name, password })
                .map_err(|_| BackendError::Malformed("a request"))?;
            let (status, body) = self
                .send(Method::POST, routes::ADMIN_SESSION, Some(json))
                .await?;
            let session: Session = decode_json(status, &body, "the moderator session")?;
            if let Some(s) = storage() {
                let _ = s.set_item(&self.key, &encode(&session.name, &session.token));
            }
            self.session
                .replace(Some((session.name.clone(), session.token)));
            Ok(session.name)
        }

        /// Ends the session on the server and here (here even when the server cannot be reached).
        pub async fn sign_out(&self) -> Result<(), BackendError> {
            let result = self.send(Method::DELETE, routes::ADMIN_SESSION, None).await;
            self.forget();
            result.map(|_| ())
        }

        /// One action on comments.
        pub async fn act(&self, request: ActionRequest) -> Result<ActionResults, BackendError> {
            let json = serde_json::to_string(&request)
                .map_err(|_| BackendError::Malformed("a request"))?;
            let (status, body) = self
                .send(Method::POST, routes::ADMIN_ACTIONS, Some(json))
                .await?;
            decode_json(status, &body, "the moderation result")
        }

        /// Closes or opens a thread.
        pub async fn lock(&self, request: LockRequest) -> Result<ThreadInfo, BackendError> {
            let json = serde_json::to_string(&request)
                .map_err(|_| BackendError::Malformed("a request"))?;
            let (status, body) = self
                .send(Method::POST, routes::ADMIN_THREAD_LOCK, Some(json))
                .await?;
            decode_json(status, &body, "the thread")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_survives_storage_and_garbage_is_ignored() {
        let kept = encode("Ed\titor", "tok123");
        assert_eq!(
            decode(&kept),
            Some(("Ed itor".to_owned(), "tok123".to_owned()))
        );
        assert_eq!(decode("no tab"), None);
        assert_eq!(decode("\ttok"), None);
        assert_eq!(decode("name\t "), None);
        assert_eq!(
            session_key("https://C.example/api"),
            "talkback:moderator:https://c.example"
        );
    }
}
