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
    /// Whether each item page has a link-preview card of its own (`page-cards`, default true);
    /// when false, every page but a chart's previews the site card.
    pub page_cards: bool,
    /// A font file inside the site folder for the characters the bundled DejaVu Sans lacks in
    /// PNGs (`png-font`: Hangul, Han, Kana, ...), checked and loaded by the build.
    pub png_font: Option<PathBuf>,
    /// The interface strings in the site's language (`crate::theme::Strings`).
    pub strings: crate::theme::Strings,
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

#[derive(Deserialize, schemars::JsonSchema)]
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

#[derive(Deserialize, Default, schemars::JsonSchema)]
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
    #[serde(default)]
    page_cards: Option<bool>,
    #[serde(default)]
    png_font: Option<String>,
}

/// The JSON Schema of `book.toml`'s two tables, generated from the types that read them:
/// (`"book"`, schema of `[book]`) and (`"output.fieldbook"`, schema of `[output.fieldbook]`).
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("book", schemars::schema_for!(RawBook).to_value()),
        (
            "output.fieldbook",
            schemars::schema_for!(RawFieldbook).to_value(),
        ),
    ]
}

/// Whether `s` looks like a BCP 47 language tag: a 2-3 letter language, then subtags of 1-8
/// letters or digits (`en`, `ko`, `pt-BR`, `zh-Hant-TW`).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
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
    "page-cards",
    "png-font",
];

impl Config {
    /// Reads and checks `root/book.toml`.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = PathBuf::from("book.toml");
        let text = std::fs::read_to_string(root.join(&path)).map_err(|e| {
            Diagnostic::error(&path, 0, 0, format!("cannot read book.toml: {e}"))
                .with_hint("run fieldbook from the site folder, or pass --root DIR")
        })?;
        let mut config = Config::parse(&text, &path)?;
        config.strings = crate::theme::Strings::load(root, &config.language)?;
        Ok(config)
    }

    /// Parses the text of a `book.toml`; `path` is used in diagnostics.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostic> {
        if let Some(d) = crate::diag::control_character(text) {
            return Err(d.relocated(path));
        }
        let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, path, e, 0))?;
        let _ = (
            &raw.build,
            &raw.preprocessor,
            &raw.rust,
            &raw.book.src,
            &raw.book.text_direction,
        );
        let fieldbook = fieldbook_table(text, path, &raw)?;
        let base_url = match fieldbook.base_url {
            None => "/".to_string(),
            Some(given) => {
                let offset = text
                    .find("base-url")
                    .and_then(|k| text[k..].find(['"', '\'']).map(|q| k + q))
                    .unwrap_or(0);
                check_base_url(&given).map_err(|why| {
                    let (line, col) = line_col(text, offset);
                    Diagnostic::error(path, line, col, format!("base-url `{given}` {why}"))
                        .with_hint("write the address the site is published at, e.g. base-url = \"https://example.org/report/\"")
                })?
            }
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
        let settings = [
            ("licence", fieldbook.licence.as_deref()),
            ("publisher", fieldbook.publisher.as_deref()),
            ("output-dir", fieldbook.output_dir.as_deref()),
            ("png-font", fieldbook.png_font.as_deref()),
        ];
        check_strings(text, path, &raw.book, settings)?;
        let strings = crate::theme::Strings::builtin(&raw.book.language);
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
            page_cards: fieldbook.page_cards.unwrap_or(true),
            png_font: fieldbook.png_font.map(PathBuf::from),
            strings,
        })
    }

    /// Replaces the base URL (`--base-url`), checked as book.toml's is.
    pub fn set_base_url(&mut self, given: &str) -> Result<(), Diagnostic> {
        let url = check_base_url(given).map_err(|why| {
            Diagnostic::error("--base-url", 0, 0, format!("--base-url `{given}` {why}"))
                .with_hint("pass the address the site is published at, e.g. --base-url https://example.net/report/")
        })?;
        self.base_path = base_path_of(&url);
        self.base_url = url;
        Ok(())
    }

    /// Whether the base URL is a documentation placeholder (a host under example.org, .com or
    /// .net, RFC 2606): permalinks, "cite this", embeds and feeds would point nowhere.
    pub fn has_placeholder_base_url(&self) -> bool {
        url::Url::parse(&self.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .is_some_and(|h| {
                ["example.org", "example.com", "example.net"]
                    .iter()
                    .any(|d| h == *d || h.ends_with(&format!(".{d}")))
            })
    }

    /// Whether the site knows the address it is published at (a base-url with a scheme and host):
    /// without one every link is root-relative, and the files that need absolute addresses (the
    /// sitemap and the Atom feed) are not written.
    pub fn has_address(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
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

/// A TOML error as a diagnostic at its position in `text` (`offset_base`: where the TOML parsed
/// starts in `text`), with a hint naming the key meant when the key is unknown.
fn toml_error(text: &str, path: &Path, e: toml::de::Error, offset_base: usize) -> Diagnostic {
    let (line, col) = e
        .span()
        .map_or((1, 1), |s| line_col(text, s.start + offset_base));
    let message = e.message().to_string();
    let hint = unknown_field_hint(&message);
    let d = Diagnostic::error(path, line, col, format!("book.toml: {message}"));
    match hint {
        Some(h) => d.with_hint(h),
        None => {
            d.with_hint("see README.md, section 'Configuration', for the keys book.toml accepts")
        }
    }
}

/// The `[output.fieldbook]` table, re-parsed from its own text so errors keep their position.
fn fieldbook_table(text: &str, path: &Path, raw: &RawFile) -> Result<RawFieldbook, Diagnostic> {
    let Some(value) = raw.output.get("fieldbook") else {
        return Ok(RawFieldbook::default());
    };
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
            .map_err(|e: toml::de::Error| toml_error(text, path, e, 0))
    } else {
        toml::from_str(body).map_err(|e| toml_error(text, path, e, body_start))
    }
}

/// Line and column of `key` at the start of a line of `text`, else of the text's start.
fn at_key(text: &str, key: &str) -> (usize, usize) {
    let offset = text
        .match_indices(key)
        .find(|(i, _)| *i == 0 || text[..*i].ends_with('\n'))
        .map_or(0, |(i, _)| i);
    line_col(text, offset)
}

/// Values the TOML escapes can carry past the check of the file's own characters (a control
/// character), in `[book]` and in the `settings` of `[output.fieldbook]` given; and the language tag.
fn check_strings(
    text: &str,
    path: &Path,
    book: &RawBook,
    settings: [(&str, Option<&str>); 4],
) -> Result<(), Diagnostic> {
    let mut strings: Vec<(&str, &str)> = vec![
        ("title", &book.title),
        ("description", &book.description),
        ("language", &book.language),
    ];
    strings.extend(book.authors.iter().map(|a| ("authors", a.as_str())));
    for (key, value) in settings {
        if let Some(v) = value {
            strings.push((key, v));
        }
    }
    for (key, value) in &strings {
        if let Some(c) = value
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        {
            let (line, col) = at_key(text, key);
            return Err(Diagnostic::error(
                path,
                line,
                col,
                format!("{key} holds the control character U+{:04X}", c as u32),
            )
            .with_hint("remove the escape that writes it (such as \\u0000)"));
        }
    }
    if !is_language_tag(&book.language) {
        let (line, col) = at_key(text, "language");
        return Err(Diagnostic::error(
            path,
            line,
            col,
            format!("language `{}` is not a language tag", book.language),
        )
        .with_hint("write a BCP 47 tag such as \"en\", \"ko\" or \"pt-BR\""));
    }
    Ok(())
}

/// Checks a `base-url` and returns it normalized to end in `/`: an absolute `http` or `https` URL
/// with a host, no spaces, no query or fragment (every link and permalink is built from it).
pub fn check_base_url(given: &str) -> Result<String, &'static str> {
    if given.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("contains a space or a control character");
    }
    let url = url::Url::parse(given).map_err(|_| "is not an absolute URL")?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("must start with http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("has no host");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("must not have a query (?) or a fragment (#)");
    }
    if url.path().contains("//") || !url.username().is_empty() || url.password().is_some() {
        return Err("has an empty path segment (//) or a user name");
    }
    let normalized = url.as_str().to_string();
    Ok(if normalized.ends_with('/') {
        normalized
    } else {
        format!("{normalized}/")
    })
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

/// Whether `s` is `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real year, month or day (no
/// 2007-02-30; February 29 only in leap years).
pub fn is_iso_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let number = |p: &str, n: usize| -> Option<u32> {
        (p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let month = |m: &str| number(m, 2).filter(|m| (1..=12).contains(m));
    match parts.as_slice() {
        [y] => number(y, 4).is_some(),
        [y, m] => number(y, 4).is_some() && month(m).is_some(),
        [y, m, d] => match (number(y, 4), month(m), number(d, 2)) {
            (Some(y), Some(m), Some(d)) => (1..=days_in_month(y, m)).contains(&d),
            _ => false,
        },
        _ => false,
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
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
