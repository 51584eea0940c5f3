//! Datasets: columns, typed cells (a blank is never zero), rows, the arithmetic checks a printed
//! table implies, and how numbers are shown.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::kind::Origin;

/// A column's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Whole numbers.
    Integer,
    /// Any number.
    Number,
    /// Text.
    Text,
    /// The id of a source in the bibliography.
    Source,
}

impl ColumnType {
    /// Whether values are numbers.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Number)
    }
}

/// One column of a dataset.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// Machine name, `[a-z0-9_]+`.
    pub name: String,
    /// Human title.
    pub title: String,
    /// Value type.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// Unit of the values.
    #[serde(default)]
    pub unit: Option<String>,
    /// Digits after the decimal point when displayed.
    #[serde(default)]
    pub decimals: Option<u8>,
    /// What the column means, when the title is not enough.
    #[serde(default)]
    pub description: Option<String>,
    /// The kind of item each cell names by id (`org`, `place`, `person`, `term`, ...): tables show
    /// the item's name linked to its page; the CSV keeps the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<String>,
    /// A provenance or detail column (source, locator, note, the cell as printed): the reader
    /// table on the site shows it only after "Show all columns"; downloads always hold it.
    /// Default: true for `source` columns and a column named `locator`.
    #[serde(default, skip_serializing)]
    pub detail: Option<bool>,
}

/// One cell of a dataset. A blank stays blank: it is never zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// No value (printed as empty, or a dash where the source says so in a note).
    Blank,
    /// A whole number.
    Int(i64),
    /// A number with a fraction.
    Num(f64),
    /// Text (also source ids).
    Text(String),
}

impl Cell {
    /// The numeric value, if any.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The text shown for the cell, with `decimals` for numbers and thousands separators.
    pub fn display(&self, decimals: Option<u8>) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Int(i) => format_number(*i as f64, decimals.or(Some(0))),
            Cell::Num(n) => format_number(*n, decimals),
            Cell::Text(t) => t.clone(),
        }
    }

    /// The raw value for CSV: numbers without separators.
    pub fn raw(&self) -> String {
        match self {
            Cell::Blank => String::new(),
            Cell::Int(i) => i.to_string(),
            Cell::Num(n) => n.to_string(),
            Cell::Text(t) => t.clone(),
        }
    }

    /// Whether this cell equals a YAML-ish filter value (text compared as text, numbers as numbers).
    pub fn matches(&self, wanted: &str) -> bool {
        match self {
            Cell::Blank => wanted.is_empty(),
            Cell::Text(t) => t == wanted,
            other => other
                .as_f64()
                .is_some_and(|v| wanted.parse::<f64>().ok() == Some(v)),
        }
    }
}

/// Formats a number with thousands separators and optional fixed decimals.
pub fn format_number(value: f64, decimals: Option<u8>) -> String {
    let text = match decimals {
        Some(d) => format!("{value:.*}", d as usize),
        None => format!("{value}"),
    };
    let (sign, unsigned) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (int_part, frac) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int_part.len() + 4);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// One row of a dataset: cells by column name.
pub type Row = BTreeMap<String, Cell>;

/// Arithmetic a printed table implies, recomputed by `check`.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Check {
    /// `printed` should equal 100 * part / whole, at the printed decimals.
    Share {
        /// Numerator column.
        part: String,
        /// Denominator column.
        whole: String,
        /// Printed percentage column.
        printed: String,
    },
    /// In each row, `total` should equal the sum of `parts`.
    RowSum {
        /// Columns that add up.
        parts: Vec<String>,
        /// Column holding the printed total.
        total: String,
    },
    /// `column` summed over the other rows should equal its value in the row matching `total-row`.
    ColumnSum {
        /// Column to sum.
        column: String,
        /// Column values that identify the total row, e.g. `{occupation: Total}`.
        #[serde(rename = "total-row")]
        total_row: BTreeMap<String, String>,
        /// Only rows matching these column values take part (for long tables), e.g. `{measure: registered}`.
        #[serde(default, rename = "where")]
        filter: BTreeMap<String, String>,
    },
}

/// A data note shown on a dataset page.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// Optional anchor id.
    #[serde(default)]
    pub id: Option<String>,
    /// Markdown text.
    pub text: String,
}

/// The header of a dataset file: everything but the rows, which need the columns to be read.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatasetHeader {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// One or two sentences.
    pub description: String,
    /// Source id.
    pub source: String,
    /// Where in the source.
    pub locator: String,
    /// Printed table number.
    #[serde(default)]
    pub table: Option<String>,
    /// The table's own source line, as printed.
    #[serde(default)]
    pub origin: Option<String>,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows (read in a second pass): one mapping of column name to value per observation.
    #[serde(default)]
    #[schemars(with = "Vec<BTreeMap<String, serde_json::Value>>")]
    pub rows: serde::de::IgnoredAny,
    /// Data notes.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Consistency checks.
    #[serde(default, with = "serde_yaml::with::singleton_map_recursive")]
    #[schemars(with = "Vec<Check>")]
    pub checks: Vec<Check>,
    /// Old ids that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A tidy dataset.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// One or two sentences.
    pub description: String,
    /// Source id.
    pub source: String,
    /// Where in the source.
    pub locator: String,
    /// Printed table number.
    pub table: Option<String>,
    /// The table's own source line, as printed.
    pub origin_line: Option<String>,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows, with the 1-based file line of each.
    pub rows: Vec<Row>,
    /// File line of each row, parallel to `rows` (in `rows_path`).
    pub row_lines: Vec<usize>,
    /// The file the rows are written in: the dataset's own YAML file, or the CSV file beside it.
    pub rows_path: PathBuf,
    /// For rows read from a CSV file: where each cell is written, (line, column) by row and then
    /// in `columns` order. Empty for rows written in YAML.
    pub cell_positions: Vec<Vec<(usize, usize)>>,
    /// Data notes.
    pub notes: Vec<Note>,
    /// Consistency checks.
    pub checks: Vec<Check>,
    /// Old ids.
    pub aliases: Vec<String>,
    /// Where it was declared.
    pub origin: Origin,
}

impl Column {
    /// Whether the reader table hides the column until "Show all columns" (see `detail`).
    pub fn is_detail(&self) -> bool {
        self.detail
            .unwrap_or(self.kind == ColumnType::Source || self.name == "locator")
    }

    /// Whether values are years (shown without thousands separators).
    pub fn is_year(&self) -> bool {
        self.name == "year" || self.name.ends_with("_year") || self.unit.as_deref() == Some("year")
    }

    /// The text shown for a cell of this column.
    pub fn format(&self, cell: &Cell) -> String {
        match cell {
            Cell::Int(i) if self.is_year() => i.to_string(),
            other => other.display(self.decimals),
        }
    }

    /// The title with its unit, e.g. "Workers (persons)".
    pub fn title_with_unit(&self) -> String {
        match &self.unit {
            Some(u) if !u.is_empty() => format!("{} ({u})", self.title),
            _ => self.title.clone(),
        }
    }
}

impl Dataset {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Where row `i`'s cell of column `name` is written: the field itself in a CSV file; in YAML,
    /// the row's line (column 1), or the dataset when the row's line is unknown.
    pub fn cell_origin(&self, i: usize, name: &str) -> Origin {
        let line = self.row_lines.get(i).copied().unwrap_or(0);
        let position = self.columns.iter().position(|c| c.name == name);
        let cell = position.and_then(|p| self.cell_positions.get(i)?.get(p).copied());
        match (cell, line) {
            (Some((line, col)), _) => Origin {
                path: self.rows_path.clone(),
                line,
                col,
            },
            (None, 0) => self.origin.clone(),
            (None, line) => Origin {
                path: self.rows_path.clone(),
                line,
                col: 1,
            },
        }
    }
}
