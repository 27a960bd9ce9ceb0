//! The reader's language in the browser: the locale's texts (see `crate::i18n`) with the
//! browser's `Intl` for plural categories, numbers, dates and relative times, so the wasm
//! carries no date or number library.

use std::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use leptos::prelude::*;
use talkback_protocol::{ErrorCode, ValidationError};
use wasm_bindgen::{JsCast, JsValue};

use crate::backend::BackendError;
use crate::i18n::{FALLBACK, Locale, Texts, fill, pick};
use crate::thread::time::Ago;

/// One widget's language; `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct Lang {
    inner: StoredValue<Inner, LocalStorage>,
    /// The locale's texts are in (English is from the start; others after [`Lang::load`]).
    ready: RwSignal<bool>,
    /// The locale file the reader's language needs.
    wanted: &'static str,
}

thread_local! {
    /// Locale files fetched by this page, so remounting a widget fetches nothing again.
    static FETCHED: RefCell<Vec<(&'static str, &'static str)>> = const { RefCell::new(Vec::new()) };
}

/// The text of locale file `tag`, from `template` (`…/locales/{tag}.txt?v=…`, given by the
/// loader), fetched once per page.
async fn fetch(template: &str, tag: &'static str) -> Option<&'static str> {
    if let Some(text) =
        FETCHED.with(|f| f.borrow().iter().find(|(t, _)| *t == tag).map(|(_, x)| *x))
    {
        return Some(text);
    }
    let url = template.replace("{tag}", tag);
    let response = gloo_net::http::Request::get(&url).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    // Kept for the page's life: at most one string per language the page shows.
    let text: &'static str = Box::leak(response.text().await.ok()?.into_boxed_str());
    FETCHED.with(|f| f.borrow_mut().push((tag, text)));
    Some(text)
}

struct Inner {
    texts: Texts,
    /// The BCP 47 tag given to `Intl` and put in the widget's `lang` attribute.
    tag: String,
    plural: Option<JsValue>,
    number: Option<Function>,
    relative: Option<JsValue>,
    date: Option<Function>,
    date_time: Option<Function>,
}

/// `new Intl[name]([tag], options)`, or `None` when the browser refuses (unknown tag, no Intl):
/// a page's odd `lang` must never stop the widget.
fn intl(name: &str, tag: &str, options: &[(&str, &str)]) -> Option<JsValue> {
    let ctor: Function = Reflect::get(
        &Reflect::get(&js_sys::global(), &"Intl".into()).ok()?,
        &name.into(),
    )
    .ok()?
    .dyn_into()
    .ok()?;
    let opts = Object::new();
    for (k, v) in options {
        Reflect::set(&opts, &(*k).into(), &(*v).into()).ok()?;
    }
    let args = Array::of2(&Array::of1(&tag.into()), &opts);
    Reflect::construct(&ctor, &args).ok()
}

/// The bound `format` function of an `Intl` formatter.
fn formatter(obj: Option<JsValue>) -> Option<Function> {
    Reflect::get(&obj?, &"format".into()).ok()?.dyn_into().ok()
}

fn call_string(f: Option<&Function>, arg: &JsValue) -> Option<String> {
    f?.call1(&JsValue::NULL, arg).ok()?.as_string()
}

impl Lang {
    /// The language for a requested tag (`data-lang`, the page's `lang`, the browser's); its
    /// texts are English until [`Lang::load`] has fetched the locale file.
    pub fn new(requested: &str) -> Lang {
        let texts = Texts::english();
        let locale = pick(requested);
        let requested = requested.trim().replace('_', "-");
        // Keep the reader's region (en-GB dates) when its language is the one shown.
        let tag = if pick(&requested) == locale && !requested.is_empty() {
            requested
        } else {
            locale.to_owned()
        };
        let tag = if intl("PluralRules", &tag, &[]).is_some() {
            tag
        } else {
            locale.to_owned()
        };
        let inner = Inner {
            plural: intl("PluralRules", &tag, &[]),
            number: formatter(intl("NumberFormat", &tag, &[])),
            relative: intl("RelativeTimeFormat", &tag, &[("numeric", "auto")]),
            date: formatter(intl("DateTimeFormat", &tag, &[("dateStyle", "medium")])),
            date_time: formatter(intl(
                "DateTimeFormat",
                &tag,
                &[("dateStyle", "medium"), ("timeStyle", "short")],
            )),
            texts,
            tag,
        };
        Lang {
            inner: StoredValue::new_local(inner),
            ready: RwSignal::new(locale == FALLBACK),
            wanted: locale,
        }
    }

    /// Fetches the locale file the language needs from `template` (English stays when there is
    /// none or it cannot be had), then marks the texts ready.
    pub async fn load(self, template: Option<String>) {
        if self.ready.get_untracked() {
            return;
        }
        if let Some(text) = match template {
            Some(t) => fetch(&t, self.wanted).await,
            None => None,
        } {
            let texts = Texts::of(Locale::parse(self.wanted, text));
            self.inner.try_update_value(|i| i.texts = texts);
        }
        self.ready.try_set(true);
    }

    /// The BCP 47 tag of the shown language.
    pub fn tag(&self) -> String {
        self.inner
            .try_with_value(|i| i.tag.clone())
            .unwrap_or_default()
    }

    /// `rtl` or `ltr`; reactive, since the locale's texts may arrive after the first render.
    pub fn dir(&self) -> &'static str {
        self.ready.track();
        let rtl = self.inner.try_with_value(|i| i.texts.locale().rtl());
        if rtl == Some(true) { "rtl" } else { "ltr" }
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        self.inner
            .try_with_value(|i| i.texts.text(key).to_owned())
            .unwrap_or_default()
    }

    /// The text of `key` with its `{placeholders}` filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(&self.t(key), args)
    }

    /// The plural text of `key` for `n`, with `{n}` (formatted) and `args` filled in.
    pub fn n(&self, key: &str, n: u64, args: &[(&str, &str)]) -> String {
        self.inner
            .try_with_value(|i| {
                let category = i
                    .plural
                    .as_ref()
                    .and_then(|p| {
                        let select: Function =
                            Reflect::get(p, &"select".into()).ok()?.dyn_into().ok()?;
                        select
                            .call1(p, &JsValue::from_f64(n as f64))
                            .ok()?
                            .as_string()
                    })
                    .unwrap_or_else(|| if n == 1 { "one".into() } else { "other".into() });
                let number = self.num(n as f64);
                let mut all = vec![("n", number.as_str())];
                all.extend_from_slice(args);
                fill(i.texts.plural(key, &category), &all)
            })
            .unwrap_or_default()
    }

    /// A number in the reader's notation (9,120 · 9.120 · 9 120).
    pub fn num(&self, n: f64) -> String {
        self.inner
            .try_with_value(|i| call_string(i.number.as_ref(), &JsValue::from_f64(n)))
            .flatten()
            .unwrap_or_else(|| n.to_string())
    }

    /// A wait of `seconds` as "45 s", "3 min" or "2 h", rounded up.
    pub fn wait(&self, seconds: u64) -> String {
        let (key, n) = crate::thread::wait::Wait::of(seconds).key_and_count();
        self.f(key, &[("n", &self.num(n as f64))])
    }

    /// "5 minutes ago", "yesterday", or a date.
    pub fn ago(&self, ago: Ago) -> String {
        let (value, unit) = match ago {
            Ago::JustNow => (0, "second"),
            Ago::Minutes(m) => (-m, "minute"),
            Ago::Hours(h) => (-h, "hour"),
            Ago::Yesterday => (-1, "day"),
            Ago::Days(d) => (-d, "day"),
            Ago::On(ms) => return self.date(ms, false),
        };
        self.inner
            .try_with_value(|i| {
                let rtf = i.relative.as_ref()?;
                let format: Function = Reflect::get(rtf, &"format".into()).ok()?.dyn_into().ok()?;
                format
                    .call2(rtf, &JsValue::from_f64(value as f64), &unit.into())
                    .ok()?
                    .as_string()
            })
            .flatten()
            .unwrap_or_default()
    }

    /// A date ("24 Nov 2026"), with the time when `with_time`, in the reader's zone.
    pub fn date(&self, ms: i64, with_time: bool) -> String {
        let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
        self.inner
            .try_with_value(|i| {
                let f = if with_time { &i.date_time } else { &i.date };
                call_string(f.as_ref(), &date)
            })
            .flatten()
            .unwrap_or_default()
    }

    /// What went wrong, in the reader's language. A server's own message for a reader (e.g. a
    /// validation failure) is shown as the server wrote it.
    pub fn error(&self, e: &BackendError) -> String {
        match e {
            BackendError::Network => self.t("error.network"),
            BackendError::Timeout => self.t("error.timeout"),
            BackendError::Http { status, code, .. } => match (e.readers_message(), code) {
                (Some(m), _) => m.to_owned(),
                (_, Some(ErrorCode::Forbidden)) => self.t("error.forbidden"),
                (_, Some(ErrorCode::EditWindowClosed)) => self.t("error.edit_closed"),
                (_, Some(ErrorCode::OwnComment)) => self.t("error.own_comment"),
                (_, Some(ErrorCode::SsoInvalid)) => self.t("error.sso"),
                _ => match status {
                    401 | 403 => self.t("error.auth"),
                    404 => self.t("error.not_found"),
                    413 => self.t("error.too_long"),
                    422 => self.t("error.refused"),
                    429 => self.t("error.too_often"),
                    s if *s >= 500 => self.t("error.server"),
                    s => self.f("error.status", &[("status", &s.to_string())]),
                },
            },
            BackendError::Malformed(_) => self.t("error.malformed"),
            BackendError::Invalid(v) => self.invalid(v),
            BackendError::Unsupported(_) => self.t("error.unsupported"),
            BackendError::RateLimited { seconds } => {
                self.f("error.rate_limited", &[("wait", &self.wait(*seconds))])
            }
            // A peer server's own refusal, already in words for the reader.
            other => other.to_string(),
        }
    }

    /// Why a draft cannot be sent, in the reader's language.
    pub fn invalid(&self, e: &ValidationError) -> String {
        let num = |n: usize| self.num(n as f64);
        match e {
            ValidationError::BodyEmpty => self.t("invalid.body_empty"),
            ValidationError::BodyTooLong { max, len } => self.f(
                "invalid.body_too_long",
                &[("len", &num(*len)), ("max", &num(*max))],
            ),
            ValidationError::NameTooLong { max } => {
                self.f("invalid.name_too_long", &[("max", &num(*max))])
            }
            ValidationError::NameInvalid => self.t("invalid.name"),
            ValidationError::EmailInvalid => self.t("invalid.email"),
            _ => self.t("invalid.other"),
        }
    }
}
