//! Key figures: the numbers a journalist would quote, each with its source and locator.

use serde::{Deserialize, Serialize};

use super::datasets::format_number;
use super::kind::Origin;

/// A figure a journalist would quote.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    /// Stable id.
    pub id: String,
    /// One line, own words.
    pub statement: String,
    /// Point value.
    #[serde(default)]
    pub value: Option<f64>,
    /// Low end of a range.
    #[serde(default)]
    pub low: Option<f64>,
    /// High end of a range.
    #[serde(default)]
    pub high: Option<f64>,
    /// Unit.
    pub unit: String,
    /// The figure exactly as printed.
    #[serde(default)]
    pub display: Option<String>,
    /// The year the figure refers to.
    pub year: i32,
    /// Source id.
    pub source: String,
    /// Where in the source.
    pub locator: String,
    /// Dataset holding it.
    #[serde(default)]
    pub dataset: Option<String>,
    /// Markdown note.
    #[serde(default)]
    pub note: Option<String>,
    /// The theme the figures index lists it under (the theme's title). Themes are listed in the
    /// order of their first figure in the files; when one figure has a theme, every figure needs one.
    #[serde(default)]
    pub theme: Option<String>,
    /// Shown on the home page, in file order.
    #[serde(default)]
    pub headline: bool,
    /// Old ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
}

impl KeyFigure {
    /// The figure as shown: as printed when given, else formatted from the value or range.
    pub fn shown(&self) -> String {
        if let Some(d) = &self.display {
            return d.clone();
        }
        match (self.value, self.low, self.high) {
            (Some(v), _, _) => format_number(v, if v.fract() == 0.0 { Some(0) } else { None }),
            (None, Some(l), Some(h)) => {
                format!("{}–{}", format_number(l, None), format_number(h, None))
            }
            _ => String::new(),
        }
    }
}
