//! Markdown pages: their front matter (the schema authors write) and the loaded page.

use serde::{Deserialize, Serialize};

use super::kind::{Located, Origin};

/// What a Markdown page is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum PageKind {
    /// A chapter of the report, in reading order.
    Chapter,
    /// A stand-alone article.
    #[default]
    Article,
    /// About the site.
    About,
}

/// Front matter of a Markdown page.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Chapter, article or about.
    #[serde(default)]
    pub kind: PageKind,
    /// Position in the reading order (chapters).
    #[serde(default)]
    pub order: Option<i64>,
    /// The report part summarized ("III.3").
    #[serde(default)]
    pub part: Option<String>,
    /// Printed pages covered ("pp. 69-76").
    #[serde(default)]
    pub locator: Option<String>,
    /// One sentence for lists, search and previews.
    pub summary: String,
    /// The document this page summarizes.
    #[serde(default)]
    pub source: Option<String>,
    /// Pages this page updates.
    #[serde(default)]
    pub updates: Vec<String>,
    /// Old ids that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Date of the last substantive change.
    #[serde(default)]
    pub updated: Option<String>,
}

/// A Markdown page.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Front matter.
    pub meta: FrontMatter,
    /// The Markdown body.
    pub body: Located,
    /// Where it was declared.
    pub origin: Origin,
}
