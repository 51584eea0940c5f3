//! `book.toml`: the site's configuration, read and checked once.
//!
//! mdBook's `[book]` keys (title, authors, description, language) describe the site; fieldbook's own
//! settings live under `[output.fieldbook]` so mdBook 0.5, which rejects unknown top-level tables, still
//! reads the file. Unknown keys are errors that name the key, the line and the column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::{did_you_mean, line_col, Diagnostic};

/// The checked configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Site title (`[book] title`).
    pub title: String,
    /// Site authors or editors (`[book] authors`).
    pub authors: Vec<String>,
    /// One-sentence description (`[book] description`).
    pub description: String,
    /// BCP 47 language tag (`[book] language`).
    pub language: String,
    /// Absolute base URL ending in `/`, possibly with a sub-path (`base-url`).
    pub base_url: String,
    /// The path part of the base URL (`/` or `/sub/path/`): prefix of every internal link.
    pub base_path: String,
    /// Output folder relative to the root, unless `--out` overrides it (`output-dir`).
    pub output_dir: PathBuf,
    /// The licence line printed in the footer and on downloads (`licence`).
    pub licence: String,
    /// ISO date of the last substantive update (`last-updated`): never the wall clock.
    pub last_updated: String,
    /// The publisher named in "cite this" (`publisher`).
    pub publisher: String,
    /// Whether `build` minifies HTML unless told otherwise on the command line (`minify-html`,
    /// default false: served gzipped, a minified page is only 3-5 % smaller; see README).
    pub minify_html: bool,
    /// Whether the site has a search page and index (`search`, default true).
    pub search: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    book: RawBook,
    #[serde(default)]
    output: BTreeMap<String, toml::Value>,
    // mdBook's own tables are accepted and ignored.
    #[serde(default)]
    build: Option<toml::Value>,
    #[serde(default)]
    preprocessor: Option<toml::Value>,
    #[serde(default)]
    rust: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBook {
    title: String,
    #[serde(default)]
    authors: Vec<String>,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    src: Option<String>,
    #[serde(default, rename = "text-direction")]
    text_direction: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFieldbook {
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default)]
    output_dir: Option<String>,
    #[serde(default)]
    licence: Option<String>,
    #[serde(default)]
    last_updated: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    minify_html: Option<bool>,
    #[serde(default)]
    search: Option<bool>,
}

fn default_language() -> String {
    "en".to_string()
}

const FIELDBOOK_KEYS: &[&str] = &[
    "base-url",
    "output-dir",
    "licence",
    "last-updated",
    "publisher",
    "minify-html",
    "search",
];

impl Config {
    /// Reads and checks `root/book.toml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = PathBuf::from("book.toml");
        let text = std::fs::read_to_string(root.join(&path)).map_err(|e| {
            Diagnostic::error(&path, 0, 0, format!("cannot read book.toml: {e}"))
                .with_hint("run fieldbook from the site folder, or pass --root DIR")
        })?;
        Config::parse(&text, &path)
    }

    /// Parses the text of a `book.toml`; `path` is used in diagnostics.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostic> {
        let toml_error = |e: toml::de::Error, offset_base: usize| {
            let (line, col) = e
                .span()
                .map_or((1, 1), |s| line_col(text, s.start + offset_base));
            let message = e.message().to_string();
            let hint = unknown_field_hint(&message);
            let d = Diagnostic::error(path, line, col, format!("book.toml: {message}"));
            match hint {
                Some(h) => d.with_hint(h),
                None => d.with_hint(
                    "see README.md, section 'Configuration', for the keys book.toml accepts",
                ),
            }
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(e, 0))?;
        let _ = (
            &raw.build,
            &raw.preprocessor,
            &raw.rust,
            &raw.book.src,
            &raw.book.text_direction,
        );
        let fieldbook: RawFieldbook = match raw.output.get("fieldbook") {
            None => RawFieldbook::default(),
            Some(value) => {
                // Re-parse the table from its own text so errors keep their position.
                let start = text.find("[output.fieldbook]").unwrap_or(0);
                let section_end = text[start + 1..]
                    .find("\n[")
                    .map_or(text.len(), |i| start + 1 + i);
                let section = &text[start..section_end];
                let body = section.split_once('\n').map_or("", |(_, b)| b);
                let body_start = section_end - body.len();
                if start == 0 && !text.starts_with("[output.fieldbook]") {
                    value
                        .clone()
                        .try_into()
                        .map_err(|e: toml::de::Error| toml_error(e, 0))?
                } else {
                    toml::from_str(body).map_err(|e| toml_error(e, body_start))?
                }
            }
        };
        let base_url = fieldbook.base_url.unwrap_or_else(|| "/".to_string());
        let base_url = if base_url.ends_with('/') {
            base_url
        } else {
            format!("{base_url}/")
        };
        let base_path = base_path_of(&base_url);
        let last_updated = fieldbook.last_updated.unwrap_or_default();
        if !last_updated.is_empty() && !is_iso_date(&last_updated) {
            let offset = text.find(&last_updated).unwrap_or(0);
            let (line, col) = line_col(text, offset);
            return Err(Diagnostic::error(
                path,
                line,
                col,
                "last-updated must be a date YYYY-MM-DD",
            )
            .with_hint("write e.g. last-updated = \"2026-11-25\""));
        }
        Ok(Config {
            title: raw.book.title,
            authors: raw.book.authors,
            description: raw.book.description,
            language: raw.book.language,
            base_url,
            base_path,
            output_dir: PathBuf::from(fieldbook.output_dir.unwrap_or_else(|| "public".to_string())),
            licence: fieldbook.licence.unwrap_or_default(),
            last_updated,
            publisher: fieldbook.publisher.unwrap_or_default(),
            minify_html: fieldbook.minify_html.unwrap_or(false),
            search: fieldbook.search.unwrap_or(true),
        })
    }

    /// The absolute URL of a site path such as `/data/x/`.
    pub fn absolute(&self, site_path: &str) -> String {
        let origin_end = self.base_url.len() - self.base_path.len();
        format!("{}{}", &self.base_url[..origin_end], self.link(site_path))
    }

    /// The root-relative link of a site path (prefixed with the base URL's sub-path).
    pub fn link(&self, site_path: &str) -> String {
        format!("{}{}", self.base_path.trim_end_matches('/'), site_path)
    }
}

fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let key = rest.split('`').next()?;
    Some(did_you_mean(
        key,
        FIELDBOOK_KEYS.iter().copied(),
        "remove the key or check its spelling",
    ))
}

fn base_path_of(base_url: &str) -> String {
    match base_url.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_string(),
            None => "/".to_string(),
        },
        None => {
            if base_url.starts_with('/') {
                base_url.to_string()
            } else {
                format!("/{base_url}")
            }
        }
    }
}

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with plausible numbers.
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2) && (1..=12).contains(&m.parse::<u32>().unwrap_or(0)),
        [y, m, d] => {
            digits(y, 4)
                && digits(m, 2)
                && digits(d, 2)
                && (1..=12).contains(&m.parse::<u32>().unwrap_or(0))
                && (1..=31).contains(&d.parse::<u32>().unwrap_or(0))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "[book]\ntitle = \"T\"\n\n[output.fieldbook]\nbase-url = \"https://example.org/sub\"\n";

    #[test]
    fn reads_base_url_with_sub_path() {
        let c = Config::parse(GOOD, Path::new("book.toml")).unwrap();
        assert_eq!(c.base_url, "https://example.org/sub/");
        assert_eq!(c.base_path, "/sub/");
        assert_eq!(c.link("/data/x/"), "/sub/data/x/");
        assert_eq!(c.absolute("/data/x/"), "https://example.org/sub/data/x/");
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text =
            "[book]\ntitle = \"T\"\n\n[output.fieldbook]\nbase-url = \"/\"\nbase-ulr = \"x\"\n";
        let d = Config::parse(text, Path::new("book.toml")).unwrap_err();
        assert_eq!(d.line, 6, "{d}");
        assert!(d.message.contains("base-ulr"), "{d}");
        assert!(d.hint.unwrap().contains("base-url"));
    }

    #[test]
    fn unknown_top_level_table_is_an_error() {
        let d = Config::parse(
            "[book]\ntitle = \"T\"\n[site]\nx = 1\n",
            Path::new("book.toml"),
        )
        .unwrap_err();
        assert_eq!(d.line, 3, "{d}");
    }
}
