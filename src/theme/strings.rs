//! Interface strings: the default theme's `i18n/en.toml`, the theme's file for the site's
//! language where it ships one (`ko`), then the site's own `templates/i18n/<language>.toml`, each
//! key replacing the one before. Templates read them with `t(key="nav.search")`; the Rust stages
//! that write visible text (kind labels, index ledes, chart credits) with [`Strings::get`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diag::{line_col, Diagnostic};

/// Every interface string by key (`section.name`), in the site's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Strings {
    map: BTreeMap<String, String>,
    /// English keys the language's own files leave out (shown in English).
    pub untranslated: Vec<String>,
}

/// The primary language subtag: `ko` for `ko-KR`.
fn primary(language: &str) -> &str {
    language.split('-').next().unwrap_or(language)
}

impl Strings {
    /// The theme's strings for `language` (English where it has none).
    pub fn builtin(language: &str) -> Strings {
        let english = theme_file("en").and_then(|t| flatten(&t, Path::new("i18n/en.toml")).ok());
        let mut map = english.unwrap_or_default();
        let mut untranslated = Vec::new();
        let lang = primary(language);
        if lang != "en" {
            if let Some(own) = theme_file(lang).and_then(|t| flatten(&t, Path::new("i18n")).ok()) {
                untranslated = map
                    .keys()
                    .filter(|k| !own.contains_key(*k))
                    .cloned()
                    .collect();
                map.extend(own);
            } else {
                untranslated = map.keys().cloned().collect();
            }
        }
        Strings { map, untranslated }
    }

    /// The theme's strings for `language` with the site's `templates/i18n/<language>.toml` (or
    /// its primary subtag's file) laid over them.
    pub fn load(root: &Path, language: &str) -> Result<Strings, Diagnostic> {
        let mut strings = Strings::builtin(language);
        for name in [language, primary(language)] {
            let rel = PathBuf::from("templates/i18n").join(format!("{name}.toml"));
            let Ok(text) = std::fs::read_to_string(root.join(&rel)) else {
                continue;
            };
            let own = flatten(&text, &rel)?;
            for key in own.keys() {
                if !strings.map.contains_key(key) {
                    let (line, col) = text
                        .find(key.rsplit('.').next().unwrap_or(key))
                        .map_or((1, 1), |o| line_col(&text, o));
                    return Err(Diagnostic::error(&rel, line, col, format!("unknown interface string `{key}`"))
                        .with_hint("the keys are those of the theme's i18n/en.toml; `fieldbook theme dump` writes it out"));
                }
            }
            strings.untranslated.retain(|k| !own.contains_key(k));
            strings.map.extend(own);
            break;
        }
        Ok(strings)
    }

    /// The string for `key`, or the key itself when there is none (a template error names it
    /// first; see `render::templates`).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        self.map.get(key).map_or(key, String::as_str)
    }

    /// Whether `key` exists.
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// A kind's label, singular ("Place").
    pub fn kind(&self, kind: crate::model::Kind) -> &str {
        self.map
            .get(&format!("kind.{}", kind.ref_name()))
            .map_or(kind.label(), String::as_str)
    }

    /// A kind's label, plural ("Places"; index titles and navigation).
    pub fn kinds(&self, kind: crate::model::Kind) -> &str {
        self.map
            .get(&format!("kinds.{}", kind.ref_name()))
            .map_or(kind.plural(), String::as_str)
    }

    /// The string for `key` with each `{name}` replaced by its value.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_string();
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

fn theme_file(lang: &str) -> Option<String> {
    let path = format!("i18n/{lang}.toml");
    crate::theme::templates()
        .into_iter()
        .find(|f| f.path == path)
        .map(|f| String::from_utf8_lossy(f.bytes).into_owned())
}

/// `[section] key = "text"` to `section.key -> text`; anything but tables of strings is an error.
fn flatten(text: &str, path: &Path) -> Result<BTreeMap<String, String>, Diagnostic> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
        Diagnostic::error(
            path,
            line,
            col,
            format!("cannot read the interface strings: {}", e.message()),
        )
        .with_hint("write [section] tables of key = \"text\" lines, as in the theme's i18n/en.toml")
    })?;
    let mut out = BTreeMap::new();
    for (section, value) in table {
        let Some(keys) = value.as_table() else {
            return Err(not_text(text, path, &section));
        };
        for (key, value) in keys {
            let Some(s) = value.as_str() else {
                return Err(not_text(text, path, key));
            };
            out.insert(format!("{section}.{key}"), s.to_string());
        }
    }
    Ok(out)
}

fn not_text(text: &str, path: &Path, key: &str) -> Diagnostic {
    let (line, col) = text.find(key).map_or((1, 1), |o| line_col(text, o));
    Diagnostic::error(path, line, col, format!("`{key}` is not text"))
        .with_hint("each interface string is key = \"text\" inside a [section] table")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_is_complete_and_korean_translates_every_key() {
        let en = Strings::builtin("en");
        assert_eq!(en.get("nav.search"), "Search");
        assert!(en.untranslated.is_empty());
        let ko = Strings::builtin("ko-KR");
        assert_ne!(ko.get("nav.search"), "Search");
        assert!(
            ko.untranslated.is_empty(),
            "untranslated: {:?}",
            ko.untranslated
        );
        assert_eq!(ko.map.len(), en.map.len());
    }

    #[test]
    fn a_language_without_a_file_falls_back_to_english_and_says_so() {
        let fr = Strings::builtin("fr");
        assert_eq!(fr.get("nav.search"), "Search");
        assert_eq!(fr.untranslated.len(), fr.map.len());
    }

    #[test]
    fn a_site_file_overrides_keys_and_unknown_keys_are_located() {
        let dir = tempfile::tempdir().unwrap();
        let i18n = dir.path().join("templates/i18n");
        std::fs::create_dir_all(&i18n).unwrap();
        std::fs::write(i18n.join("fr.toml"), "[nav]\nsearch = \"Recherche\"\n").unwrap();
        let fr = Strings::load(dir.path(), "fr").unwrap();
        assert_eq!(fr.get("nav.search"), "Recherche");
        assert!(!fr.untranslated.contains(&"nav.search".to_string()));
        std::fs::write(i18n.join("fr.toml"), "[nav]\nserch = \"Recherche\"\n").unwrap();
        let e = Strings::load(dir.path(), "fr").unwrap_err();
        assert_eq!((e.line, e.col), (2, 1));
        assert!(e.message.contains("nav.serch"));
        assert_eq!(
            Strings::builtin("en").fill("footer.last_updated", &[("date", "2026-01-02")]),
            "Last updated 2026-01-02."
        );
    }
}
