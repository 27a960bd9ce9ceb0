//! The widget's words in each language: the locale files in `locales/` (English embedded, the
//! others fetched by the readers who need them), the choice of a locale for a requested
//! language, and filling in `{placeholders}`. Numbers, plural categories, dates and relative
//! times come from the browser's `Intl`.

mod files {
    include!(concat!(env!("OUT_DIR"), "/locales.rs"));
}

/// The locale every other falls back to, and whose keys every other must have.
pub const FALLBACK: &str = "en";

/// One parsed locale file.
#[derive(Clone, Debug)]
pub struct Locale {
    /// Its tag, the file name: `de`, `pt`, …
    pub tag: &'static str,
    entries: Vec<(&'static str, &'static str)>,
}

impl Locale {
    /// Parses `key = text` lines; `#` starts a comment line, blank lines are skipped.
    pub fn parse(tag: &'static str, text: &'static str) -> Locale {
        let mut entries: Vec<_> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        entries.sort_by_key(|(k, _)| *k);
        Locale { tag, entries }
    }

    /// English, embedded in the widget.
    pub fn english() -> Locale {
        Locale::parse(FALLBACK, files::ENGLISH)
    }

    /// The text of `key`, if this locale has it.
    pub fn get(&self, key: &str) -> Option<&'static str> {
        self.entries
            .binary_search_by_key(&key, |(k, _)| k)
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| *v)
    }

    /// All keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.entries.iter().map(|(k, _)| *k)
    }

    /// Written right to left (`dir = rtl`).
    pub fn rtl(&self) -> bool {
        self.get("dir") == Some("rtl")
    }
}

/// Tags of the locale files.
pub fn tags() -> impl Iterator<Item = &'static str> {
    files::TAGS.iter().copied()
}

/// The locale file for a requested language (`de-AT`, `pt_BR`, `ar`): the whole tag, else its
/// language, else English.
pub fn pick(requested: &str) -> &'static str {
    let wanted = requested.trim().replace('_', "-").to_ascii_lowercase();
    let language = wanted.split('-').next().unwrap_or_default();
    tags()
        .find(|t| *t == wanted)
        .or_else(|| tags().find(|t| *t == language))
        .unwrap_or(FALLBACK)
}

/// The texts of one locale, with English where it lacks a key.
#[derive(Clone, Debug)]
pub struct Texts {
    locale: Locale,
    fallback: Locale,
}

impl Texts {
    /// English.
    pub fn english() -> Texts {
        Texts::of(Locale::english())
    }

    /// The texts of `locale`.
    pub fn of(locale: Locale) -> Texts {
        Texts {
            locale,
            fallback: Locale::english(),
        }
    }

    /// The chosen locale.
    pub fn locale(&self) -> &Locale {
        &self.locale
    }

    /// The text of `key`; English when the locale lacks it, the key itself when both do.
    pub fn text<'a>(&self, key: &'a str) -> &'a str {
        self.locale
            .get(key)
            .or_else(|| self.fallback.get(key))
            .unwrap_or(key)
    }

    /// The plural form of `key` for a CLDR `category` (`one`, `few`, …), else its `other` form.
    pub fn plural(&self, key: &str, category: &str) -> &'static str {
        let form = |l: &Locale| {
            l.get(&format!("{key}.{category}"))
                .or_else(|| l.get(&format!("{key}.other")))
        };
        form(&self.locale)
            .or_else(|| form(&self.fallback))
            .unwrap_or_default()
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The `{placeholders}` of a text, sorted.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut found: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of a plural text end in a CLDR category.
    const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

    fn base(key: &str) -> &str {
        match key.rsplit_once('.') {
            Some((b, c)) if CATEGORIES.contains(&c) => b,
            _ => key,
        }
    }

    /// A locale file as the widget fetches it.
    fn file(tag: &'static str) -> Locale {
        let path = format!("{}/locales/{tag}.txt", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
        Locale::parse(tag, Box::leak(text.into_boxed_str()))
    }

    #[test]
    fn there_are_at_least_eight_languages_and_arabic_is_right_to_left() {
        let all: Vec<_> = tags().collect();
        for tag in ["en", "de", "fr", "es", "pt", "ru", "ja", "ar"] {
            assert!(all.contains(&tag), "{tag} missing from {all:?}");
        }
        assert!(file("ar").rtl());
        assert!(!file("de").rtl());
    }

    #[test]
    fn every_locale_has_every_english_text_with_the_same_placeholders() {
        let en = Locale::english();
        for tag in tags() {
            let l = file(tag);
            for key in en.keys() {
                let (b, plural) = (base(key), base(key) != key);
                let theirs = if plural {
                    l.get(&format!("{b}.other"))
                } else {
                    l.get(key)
                };
                let Some(theirs) = theirs else {
                    panic!(
                        "{tag}.txt has no `{}`",
                        if plural {
                            format!("{b}.other")
                        } else {
                            key.to_owned()
                        }
                    );
                };
                let mut want = placeholders(en.get(key).unwrap());
                let mut got = placeholders(theirs);
                // A plural form may spell the number out ("تعليقان"): {n} is optional there.
                if plural {
                    want.retain(|p| *p != "n");
                    got.retain(|p| *p != "n");
                }
                assert_eq!(
                    got, want,
                    "{tag}.txt `{key}`: placeholders differ from English"
                );
            }
            for key in l.keys() {
                assert!(
                    en.get(key).is_some() || en.get(&format!("{}.other", base(key))).is_some(),
                    "{tag}.txt has `{key}`, which English does not know"
                );
            }
        }
    }

    #[test]
    fn a_language_picks_its_locale_or_falls_back_to_english() {
        assert_eq!(pick("de-AT"), "de");
        assert_eq!(pick("pt_BR"), "pt");
        assert_eq!(pick("AR"), "ar");
        assert_eq!(pick("it"), "en");
        assert_eq!(pick(""), "en");
        assert_eq!(pick("<script>"), "en");
    }

    #[test]
    fn texts_fall_back_and_fill_in() {
        let ru = Texts::of(file("ru"));
        assert_eq!(ru.plural("comments", "few"), "{n} комментария");
        assert_eq!(
            ru.plural("comments", "zero"),
            "{n} комментария",
            "other when a category is missing"
        );
        let ja = Texts::of(file("ja"));
        assert_eq!(ja.text("no.such.key"), "no.such.key");
        assert_eq!(
            fill("{name} · {n}", &[("n", "3"), ("name", "Ada")]),
            "Ada · 3"
        );
        assert_eq!(placeholders("{a} and {b} and {a}"), vec!["a", "b"]);
    }
}
