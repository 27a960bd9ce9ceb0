//! Request extractors whose failures are JSON errors, and reader authentication.

use axum::extract::{FromRequest, FromRequestParts, Json, Path, Query, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use talkback_protocol::CommentId;

use crate::AppState;
use crate::error::AppError;
use crate::identity;
use crate::ids::token_hash;
use crate::sso::SignedIn;
use crate::store::ReaderId;

/// A JSON body; malformed, oversized or mistyped bodies become JSON errors.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

/// A query string; unparsable values become a JSON 400.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// The `{id}` of a comment route, checked against the protocol's id rules.
pub struct CommentIdPath(pub CommentId);

impl<S: Send + Sync> FromRequestParts<S> for CommentIdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| {
                AppError::BadRequest(format!(
                    "The comment id in the path is not valid: {}",
                    e.body_text()
                ))
            })?;
        CommentId::parse(&raw).map(CommentIdPath).ok_or_else(|| {
            AppError::BadRequest(
                "Comment ids are 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'.".to_owned(),
            )
        })
    }
}

/// The reader identified by the bearer token; required.
pub struct Reader(pub ReaderId);

/// The reader identified by the bearer token, if a known one was sent.
pub struct MaybeReader(pub Option<ReaderId>);

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 256)
        .then_some(token)
}

async fn lookup(state: &AppState, token: &str) -> Result<Option<ReaderId>, AppError> {
    Ok(state.store.find_reader(token_hash(token)).await?)
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // A site account is the same reader on every device; its token wins over a bearer one.
        if let Some(who) = identity::signed_in(state, &parts.headers)? {
            return match identity::reader_of(state, &who, true).await? {
                Some(id) => Ok(Reader(id)),
                None => Err(AppError::Internal(
                    "a signed-in reader was stored but not found".to_owned(),
                )),
            };
        }
        let Some(token) = bearer(parts) else {
            return Err(AppError::Unauthorized(
                "A reader token is required: get one from POST /api/v1/readers and send it as `Authorization: Bearer <token>`."
                    .to_owned(),
            ));
        };
        match lookup(state, token).await? {
            Some(id) => Ok(Reader(id)),
            None => Err(AppError::Unauthorized(
                "This reader token is not known here; get a new one from POST /api/v1/readers."
                    .to_owned(),
            )),
        }
    }
}

impl FromRequestParts<AppState> for MaybeReader {
    type Rejection = AppError;

    /// An unknown token reads like no token: a stale token must not break reading a thread.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        // An invalid sign-in token reads like none: reading must not break when it expires.
        if let Ok(Some(who)) = identity::signed_in(state, &parts.headers) {
            if let Some(id) = identity::reader_of(state, &who, false).await? {
                return Ok(MaybeReader(Some(id)));
            }
        }
        match bearer(parts) {
            Some(token) => Ok(MaybeReader(lookup(state, token).await?)),
            None => Ok(MaybeReader(None)),
        }
    }
}

/// The site account the request is signed in as, if any; an invalid token is a 401
/// `sso_invalid` (used on writes, where the name matters).
pub struct SignedInAs(pub Option<SignedIn>);

impl FromRequestParts<AppState> for SignedInAs {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(SignedInAs(identity::signed_in(state, &parts.headers)?))
    }
}
