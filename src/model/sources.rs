//! The bibliography: sources, their author-date labels, the sections of a source's local text that
//! locators name, and citations with a locator.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::kind::Origin;

/// A citation with a locator.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// Source id.
    pub source: String,
    /// Where in the source.
    #[serde(default)]
    pub locator: Option<String>,
}

/// A bibliography entry.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Source {
    /// Stable id (the citation key).
    pub id: String,
    /// report, book, chapter, article, news, web, thesis, document, dataset.
    #[serde(rename = "type")]
    pub kind: SourceType,
    /// Title.
    pub title: String,
    /// "Family, Given" or an organization.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Translators.
    #[serde(default)]
    pub translators: Vec<String>,
    /// Editors.
    #[serde(default)]
    pub editors: Vec<String>,
    /// Year of publication.
    pub year: Option<i32>,
    /// Fuller date.
    #[serde(default)]
    pub date: Option<String>,
    /// Publisher.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Place of publication.
    #[serde(default)]
    pub place: Option<String>,
    /// Journal, newspaper or book title.
    #[serde(default)]
    pub container: Option<String>,
    /// Volume.
    #[serde(default)]
    pub volume: Option<String>,
    /// Issue.
    #[serde(default)]
    pub issue: Option<String>,
    /// Page range.
    #[serde(default)]
    pub pages: Option<String>,
    /// Web address.
    #[serde(default)]
    pub url: Option<String>,
    /// Language.
    #[serde(default)]
    pub language: Option<String>,
    /// Free note.
    #[serde(default)]
    pub note: Option<String>,
    /// Where the report cites it.
    #[serde(default)]
    pub cited_in: Option<String>,
    /// A local plain-text copy of the document, relative to the site root; read by `check`
    /// (provenance), never published.
    #[serde(default, skip_serializing)]
    pub text: Option<String>,
    /// Regions of `text` by the names locators use ("Table 2-1", "II.3"); see `provenance`.
    #[serde(default, skip_serializing)]
    pub sections: BTreeMap<String, Section>,
    /// Old ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
}

impl Source {
    /// The author-date label: "Lee and Lee 2016", "Song 2012", "Turner et al. 1997".
    pub fn label(&self) -> String {
        let s = self;
        let who = match s.authors.as_slice() {
            [] => s
                .container
                .clone()
                .unwrap_or_else(|| s.publisher.clone().unwrap_or_else(|| short_title(&s.title))),
            [a] => family(a).to_string(),
            [a, b] => format!("{} and {}", family(a), family(b)),
            [a, ..] => format!("{} et al.", family(a)),
        };
        match s.year {
            Some(y) => format!("{who} {y}"),
            None => format!("{who} n.d."),
        }
    }
}

/// Family name of "Family, Given", or the whole name of an organization.
fn family(name: &str) -> &str {
    name.split_once(',').map_or(name, |(f, _)| f).trim()
}

fn short_title(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().take(4).collect();
    let short = words.join(" ");
    if title.split_whitespace().count() > 4 {
        format!("{short}…")
    } else {
        short
    }
}

/// One region of a source's text that locators name.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its first line: the one line reading this (leading `#`, `*`, `\` and blanks aside), else the
    /// one line beginning with it; `head … tail` matches a line from `head` to `tail`.
    pub start: String,
    /// It ends before the first later line beginning with this (or `head … tail`); absent: at the end.
    #[serde(default)]
    pub end: Option<String>,
    /// The printed pages it covers, `"31-55"` or `"33"`: a locator giving only pages names the
    /// sections covering them, and one naming this section must cite pages inside them.
    #[serde(default)]
    pub pages: Option<String>,
}

/// Source types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceType {
    /// A research report.
    Report,
    /// A book.
    Book,
    /// A chapter in a book.
    Chapter,
    /// A journal or magazine article.
    Article,
    /// A news story.
    News,
    /// A web page.
    Web,
    /// A thesis.
    Thesis,
    /// An official or unpublished document.
    Document,
    /// A dataset.
    Dataset,
}
