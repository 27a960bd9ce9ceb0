//! Events dispatched on the host element (`talkback:ready`, `talkback:posted`, `talkback:voted`,
//! `talkback:error`) through the loader's `emit` function, so a site can hook its analytics to
//! the widget without touching it.

use talkback_protocol::{Comment, VoteResult};
use wasm_bindgen::{JsCast, JsValue};

use crate::backend::BackendError;

/// The page side of one mounted widget.
#[derive(Clone, Default)]
pub struct Host {
    emit: Option<js_sys::Function>,
    /// The loader's way to replace this widget with the full bundle's (`upgrade`); the full
    /// bundle has nothing to upgrade to.
    #[cfg_attr(feature = "moderation", allow(dead_code))]
    upgrade: Option<js_sys::Function>,
    /// Mounted by that `upgrade` to sign a moderator in: the sign-in form starts open.
    #[cfg(feature = "moderation")]
    pub sign_in: bool,
}

impl Host {
    /// Takes `emit` from the loader's options object; without it events are dropped.
    pub fn from_js(options: &JsValue) -> Self {
        let function = |name: &str| {
            js_sys::Reflect::get(options, &JsValue::from_str(name))
                .ok()
                .and_then(|f| f.dyn_into().ok())
        };
        Host {
            emit: function("emit"),
            upgrade: function("upgrade"),
            #[cfg(feature = "moderation")]
            sign_in: js_sys::Reflect::get(options, &JsValue::from_str("signIn"))
                .is_ok_and(|v| v.is_truthy()),
        }
    }

    /// Asks the loader to mount the full bundle in place of this widget with the moderator
    /// sign-in open (the readers' bundle has neither the form nor the moderator's controls).
    #[cfg(not(feature = "moderation"))]
    pub fn upgrade(&self) {
        if let Some(upgrade) = &self.upgrade {
            let _ = upgrade.call0(&JsValue::NULL);
        }
    }

    fn emit(&self, name: &str, fields: &[(&str, JsValue)]) {
        let Some(emit) = &self.emit else {
            return;
        };
        let detail = js_sys::Object::new();
        for (key, value) in fields {
            let _ = js_sys::Reflect::set(&detail, &JsValue::from_str(key), value);
        }
        // A throwing listener on the page must not break the widget.
        let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(name), &detail);
    }

    /// The first comments are painted.
    pub fn ready(&self, thread: &str, count: u64) {
        self.emit(
            "ready",
            &[("thread", thread.into()), ("count", (count as f64).into())],
        );
    }

    /// The reader's comment or reply was stored.
    pub fn posted(&self, thread: &str, comment: &Comment) {
        let parent = comment
            .parent_id
            .as_ref()
            .map_or(JsValue::NULL, |p| p.to_string().into());
        self.emit(
            "posted",
            &[
                ("thread", thread.into()),
                ("id", comment.id.to_string().into()),
                ("parentId", parent),
            ],
        );
    }

    /// The reader's vote was stored.
    pub fn voted(&self, thread: &str, result: &VoteResult) {
        self.emit(
            "voted",
            &[
                ("thread", thread.into()),
                ("id", result.comment_id.to_string().into()),
                ("value", result.my_vote.as_i8().into()),
                ("score", (result.score as f64).into()),
            ],
        );
    }

    /// Something the reader asked for failed; `kind` says what (`load`, `post`, `vote`, …).
    pub fn error(&self, kind: &str, error: &BackendError) {
        let status = match error {
            BackendError::Http { status, .. } => JsValue::from(*status),
            BackendError::RateLimited { .. } => JsValue::from(429),
            _ => JsValue::NULL,
        };
        self.emit(
            "error",
            &[
                ("kind", kind.into()),
                ("message", error.to_string().into()),
                ("status", status),
            ],
        );
    }
}
