//! Timeline events and corrections: dated items shown as anchors on one list page
//! (`/timeline/#id`, `/corrections/#id`), not on pages of their own.

use serde::{Deserialize, Serialize};

use super::kind::{Located, Origin};

/// A dated event on the timeline.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Stable id.
    pub id: String,
    /// YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: String,
    /// One line.
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub description: Option<String>,
    /// Source id.
    pub source: String,
    /// Where in the source.
    pub locator: String,
    /// Pages where it is discussed.
    #[serde(default)]
    pub pages: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
    /// Position of the description in the file.
    #[serde(skip)]
    pub description_at: Located,
}

/// An entry in the corrections log.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Stable id.
    pub id: String,
    /// YYYY-MM-DD.
    pub date: String,
    /// `@kind/id` of what was corrected.
    pub target: String,
    /// Markdown text.
    pub text: String,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
}
