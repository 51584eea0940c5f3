//! Chart specs: which dataset columns a chart draws and how, and the range of values a chart can
//! draw.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::datasets::{Dataset, Row};
use super::kind::Origin;

/// Chart kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Lines with markers.
    Line,
    /// Bars, grouped or stacked.
    Bar,
    /// Points, with low/high whiskers where given.
    Points,
}

/// Bar orientation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// Bars grow upwards.
    #[default]
    Vertical,
    /// Bars grow rightwards (long category names).
    Horizontal,
}

/// One axis of a chart: a dataset column.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Column name.
    pub field: String,
    /// Axis title.
    pub title: String,
    /// Unit shown in the axis title.
    #[serde(default)]
    pub unit: Option<String>,
    /// Column with the low end of a range.
    #[serde(default)]
    pub low: Option<String>,
    /// Column with the high end of a range.
    #[serde(default)]
    pub high: Option<String>,
    /// `linear` (default) or `log`.
    #[serde(default)]
    pub scale: Option<String>,
}

/// A series break: from `at` on (an x value, such as the year 2006), the data come from another
/// source or basis.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SeriesBreak {
    /// The first x value of the new source or basis.
    pub at: f64,
    /// A short label drawn beside the mark and repeated in the notes.
    pub label: String,
}

impl SeriesBreak {
    /// `at` as written: a whole number without separators ("2006"), else as it is.
    pub fn at_text(&self) -> String {
        if self.at.fract() == 0.0 && self.at.abs() < 1e15 {
            format!("{}", self.at as i64)
        } else {
            self.at.to_string()
        }
    }

    /// The sentence listing the break among the chart's notes (page and SVG), from `format`
    /// with `{at}` and `{label}` in it (the interface string `chart.series_break`).
    pub fn note(&self, format: &str) -> String {
        format
            .replace("{at}", &self.at_text())
            .replace("{label}", self.label.trim())
    }
}

/// Which rows hold open ranges: a value printed as "more than" (a lower bound) or "less than" (an
/// upper bound), told apart by a column of the dataset.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenValues {
    /// The column that says how a value is printed.
    pub field: String,
    /// Rows whose `field` equals this are lower bounds: more than their value.
    #[serde(default)]
    pub above: Option<String>,
    /// Rows whose `field` equals this are upper bounds: less than their value.
    #[serde(default)]
    pub below: Option<String>,
}

/// Which way a value is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// More than the value.
    Above,
    /// Less than the value.
    Below,
}

/// A chart spec.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Subtitle.
    #[serde(default)]
    pub subtitle: Option<String>,
    /// What the chart shows, in one or two sentences (SVG `<desc>`).
    pub description: String,
    /// Line, bar or points.
    pub kind: ChartKind,
    /// Dataset id.
    pub dataset: String,
    /// X axis (categories for bars).
    pub x: Axis,
    /// Y axis (values).
    pub y: Axis,
    /// Column whose values become series.
    #[serde(default)]
    pub series: Option<String>,
    /// Column whose values pick marker shapes.
    #[serde(default)]
    pub shape: Option<String>,
    /// Keep rows whose columns equal these values.
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    /// Drop rows whose columns equal these values (e.g. a printed total row).
    #[serde(default)]
    pub exclude: BTreeMap<String, String>,
    /// Bar orientation.
    #[serde(default)]
    pub orientation: Orientation,
    /// Stack bar series.
    #[serde(default)]
    pub stacked: bool,
    /// Several aligned panels sharing x.
    #[serde(default)]
    pub panels: Vec<Axis>,
    /// Series breaks: where the data change source or basis, each drawn as a labelled vertical mark
    /// (lines do not join across it) and listed in the chart's notes.
    #[serde(default)]
    pub breaks: Vec<SeriesBreak>,
    /// Rows printed as open ranges ("more than 30,000"), drawn with an arrow and a `>` label.
    #[serde(default)]
    pub open: Option<OpenValues>,
    /// Notes under the chart (Markdown); also drawn inside the SVG, as plain text.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Old ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
    /// Line and column of each value written in the file, for diagnostics about a value.
    #[serde(skip)]
    pub value_positions: BTreeMap<String, (usize, usize)>,
}

impl Chart {
    /// Where `value` is written in the chart's file, else where the chart is declared.
    pub fn position_of(&self, value: &str) -> (usize, usize) {
        self.value_positions
            .get(value)
            .copied()
            .unwrap_or((self.origin.line, self.origin.col))
    }

    /// Whether `row`'s value is printed as an open range, and which way.
    pub fn open_of(&self, row: &Row) -> Option<Open> {
        let o = self.open.as_ref()?;
        let cell = row.get(&o.field)?;
        if o.above.as_deref().is_some_and(|v| cell.matches(v)) {
            Some(Open::Above)
        } else if o.below.as_deref().is_some_and(|v| cell.matches(v)) {
            Some(Open::Below)
        } else {
            None
        }
    }

    /// The rows this chart draws: the dataset's rows after `filter` and `exclude`.
    pub fn rows<'a>(&self, dataset: &'a Dataset) -> Vec<&'a Row> {
        dataset
            .rows
            .iter()
            .filter(|r| {
                self.filter
                    .iter()
                    .all(|(k, v)| r.get(k).is_some_and(|c| c.matches(v)))
            })
            .filter(|r| {
                !self
                    .exclude
                    .iter()
                    .any(|(k, v)| r.get(k).is_some_and(|c| c.matches(v)))
            })
            .collect()
    }
}

/// The largest magnitude a chart draws. Axis ticks are computed from the data, and a value near
/// `f64::MAX` overflows them (a build once looped forever on 1.7e308); no printed table needs more.
pub const CHART_VALUE_LIMIT: f64 = 1e15;

/// The smallest non-zero magnitude a chart draws. Below it the axis labels would all read 0, and
/// an axis spanning a subnormal range maps a value far outside it past the pixel grid.
pub const CHART_VALUE_SMALLEST: f64 = 1e-6;

/// Whether a chart can draw `v`: finite, at most [`CHART_VALUE_LIMIT`] in size, and 0 or at least
/// [`CHART_VALUE_SMALLEST`].
pub fn chartable(v: f64) -> bool {
    v.is_finite() && v.abs() <= CHART_VALUE_LIMIT && (v == 0.0 || v.abs() >= CHART_VALUE_SMALLEST)
}
