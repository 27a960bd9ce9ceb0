//! Moderator accounts and sessions: argon2id password hashes, sign-in with a per-name limit on
//! failed attempts, and session tokens kept (as SHA-256 hashes) in the database so that every
//! instance accepts them.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::header::{AUTHORIZATION, COOKIE, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use talkback_protocol::moderation::{Role, Session, SessionInfo, SignIn};
use talkback_protocol::{ErrorBody, ErrorCode};

use crate::AppState;
use crate::clock::{now_micros, rfc3339};
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::ids::{new_token, token_hash};
use crate::store::Store;
use crate::store::moderation::{Actor, SessionRow};

/// How long a session lasts, in seconds.
pub const SESSION_SECS: i64 = 12 * 3600;
/// The cookie the /admin page signs in with.
pub const COOKIE_NAME: &str = "talkback_admin";
/// Failed sign-ins allowed per name within [`FAILURE_WINDOW_SECS`].
pub const MAX_FAILURES: u64 = 5;
/// The window of [`MAX_FAILURES`], in seconds.
pub const FAILURE_WINDOW_SECS: i64 = 60;
/// Shortest password `admin create` accepts.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// The demo moderator's name (`--demo-moderator`).
pub const DEMO_NAME: &str = "editor";
/// The demo moderator's password, written in the README; never use it anywhere real.
pub const DEMO_PASSWORD: &str = "talkback-demo";

/// Hashes a password with argon2id and a fresh random salt, in PHC string form.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| format!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

/// Whether `password` matches the stored hash; a malformed hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks a new moderator's name and password and stores them.
pub async fn create_moderator(
    store: &dyn Store,
    name: &str,
    password: &str,
    role: Role,
) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > 64
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(
            "A moderator name is 1 to 64 characters without spaces or control characters."
                .to_owned(),
        );
    }
    if password.chars().count() < PASSWORD_MIN_CHARS {
        return Err(format!(
            "The password is too short: use at least {PASSWORD_MIN_CHARS} characters."
        ));
    }
    let owned = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&owned))
        .await
        .map_err(|e| format!("hashing failed: {e}"))??;
    store
        .create_moderator(name.to_owned(), hash, role)
        .await
        .map_err(|e| e.to_string())
}

/// Creates the demo moderator unless it exists (`--demo-moderator`, demo servers only).
pub async fn ensure_demo_moderator(store: &dyn Store) -> Result<bool, String> {
    match store.moderator(DEMO_NAME.to_owned()).await {
        Ok(Some(_)) => Ok(false),
        Ok(None) => create_moderator(store, DEMO_NAME, DEMO_PASSWORD, Role::Admin)
            .await
            .map(|()| true),
        Err(e) => Err(e.to_string()),
    }
}

/// A signed-in moderator, from `Authorization: Moderator <token>` or the session cookie.
pub struct Moderating {
    /// The session.
    pub session: SessionRow,
    /// The SHA-256 of its token, to end it.
    pub token_hash: String,
}

impl Moderating {
    /// The moderator acting now, with the reason they gave.
    pub fn actor(&self, reason: Option<String>) -> Actor {
        Actor {
            name: self.session.moderator.name.clone(),
            reason,
            now: now_micros(),
        }
    }

    /// Refuses moderators who are not admins.
    pub fn require_admin(&self) -> Result<(), AppError> {
        match self.session.moderator.role {
            Role::Admin => Ok(()),
            Role::Moderator => Err(AppError::Forbidden(
                "Only admins can change the site settings; ask an admin.".to_owned(),
            )),
        }
    }
}

fn header_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("moderator")
        .then_some(token.trim())
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.trim())
        .filter(|t| !t.is_empty() && t.len() <= 256)
}

impl FromRequestParts<AppState> for Moderating {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Some(token) = header_token(&parts.headers).or_else(|| cookie_token(&parts.headers))
        else {
            return Err(AppError::Unauthorized(
                "Sign in as a moderator first (POST /api/v1/admin/session), then send `Authorization: Moderator <token>`."
                    .to_owned(),
            ));
        };
        let hash = token_hash(token);
        match state.store.session(hash.clone(), now_micros()).await? {
            Some(session) => Ok(Moderating {
                session,
                token_hash: hash,
            }),
            None => Err(AppError::Unauthorized(
                "Your moderator session has expired or was ended; sign in again.".to_owned(),
            )),
        }
    }
}

/// The cookie that carries (or, with `max_age` 0, clears) a session for the /admin page.
fn cookie(token: &str, max_age: i64, headers: &HeaderMap) -> Option<HeaderValue> {
    // Behind a TLS-terminating proxy the request arrives as http; the proxy says https.
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"));
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .ok()
}

/// `POST /api/v1/admin/session`
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, AppError> {
    let name = body.name.trim().to_owned();
    let now = now_micros();
    let since = now - FAILURE_WINDOW_SECS * 1_000_000;
    if state.store.sign_in_failures(name.clone(), since).await? >= MAX_FAILURES {
        let body = ErrorBody::new(
            ErrorCode::RateLimited,
            format!("Too many wrong passwords for {name:?}; wait a minute before trying again."),
        );
        let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(FAILURE_WINDOW_SECS));
        return Ok(response);
    }
    let moderator = state.store.moderator(name.clone()).await?;
    // An unknown name is checked against a hash too, so timing does not tell names apart.
    let hash = moderator
        .as_ref()
        .map(|m| m.password_hash.clone())
        .unwrap_or_else(|| UNKNOWN_NAME_HASH.to_owned());
    let password = body.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &password))
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
    let Some(moderator) = moderator.filter(|_| matches) else {
        state.store.record_sign_in_failure(name, now).await?;
        return Err(AppError::Unauthorized("Wrong name or password.".to_owned()));
    };
    let token = new_token();
    let expires_at = now + SESSION_SECS * 1_000_000;
    state
        .store
        .create_session(token_hash(&token), moderator.id, expires_at)
        .await?;
    let session = Session {
        token: token.clone(),
        name: moderator.name,
        role: moderator.role,
        expires_at: rfc3339(expires_at),
    };
    let mut response = Json(session).into_response();
    if let Some(c) = cookie(&token, SESSION_SECS, &headers) {
        response.headers_mut().insert(SET_COOKIE, c);
    }
    Ok(response)
}

/// A valid argon2id hash of a random password nobody knows, for unknown names.
const UNKNOWN_NAME_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$5b2nFC5mZ2XPj6lSvYTm4M9ZGc0Z+3q7JV0hCxFYb0k";

/// `GET /api/v1/admin/session`
pub async fn who(me: Moderating) -> Json<SessionInfo> {
    Json(SessionInfo {
        name: me.session.moderator.name,
        role: me.session.moderator.role,
        expires_at: rfc3339(me.session.expires_at),
    })
}

/// `DELETE /api/v1/admin/session`
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    me: Moderating,
) -> Result<Response, AppError> {
    state.store.end_session(me.token_hash).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = cookie("", 0, &headers) {
        response.headers_mut().insert(SET_COOKIE, c);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse battery!"));
        assert!(!verify_password("not a hash", "x"));
        assert!(!verify_password(UNKNOWN_NAME_HASH, ""));
        assert!(PasswordHash::new(UNKNOWN_NAME_HASH).is_ok());
    }

    #[test]
    fn tokens_come_from_the_header_or_the_cookie() {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_static("Moderator abc"));
        assert_eq!(header_token(&h), Some("abc"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(header_token(&h), None);
        h.insert(
            COOKIE,
            HeaderValue::from_static("x=1; talkback_admin=tok; y=2"),
        );
        assert_eq!(cookie_token(&h), Some("tok"));
    }
}
