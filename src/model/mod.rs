//! The content model: plain data, no I/O.
//!
//! These types are both the YAML/front-matter schema (serde, unknown keys rejected) and the data the
//! later stages read. Every item has a [`Kind`] and an id; its URL derives from those two only
//! ([`Kind::url`]), never from the file it came from.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where an item was declared, for diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// File relative to the site root.
    pub path: PathBuf,
    /// 1-based line of the item's `id`.
    pub line: usize,
    /// 1-based column of the item's `id`.
    pub col: usize,
}

/// Markdown text inside a YAML field, with the position of its first character in the file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Located {
    /// The Markdown source.
    pub text: String,
    /// 1-based line of the first character in the file.
    pub line: usize,
    /// 1-based column of the first character; later lines start at this column too (block scalars).
    pub col: usize,
}

/// Every kind of thing that has an id and a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Kind {
    /// A Markdown page (chapter, article, about).
    Page,
    /// A place entity.
    Place,
    /// An organization entity.
    Organization,
    /// A person entity.
    Person,
    /// A glossary term entity.
    Term,
    /// A dataset.
    Dataset,
    /// A chart.
    Chart,
    /// A bibliography source.
    Source,
    /// A key figure.
    Figure,
    /// A timeline event.
    Event,
    /// A correction.
    Correction,
}

impl Kind {
    /// Every kind, in index order.
    pub const ALL: [Kind; 11] = [
        Kind::Page,
        Kind::Place,
        Kind::Organization,
        Kind::Person,
        Kind::Term,
        Kind::Dataset,
        Kind::Chart,
        Kind::Source,
        Kind::Figure,
        Kind::Event,
        Kind::Correction,
    ];

    /// The name used in `@kind/id` references.
    pub fn ref_name(self) -> &'static str {
        match self {
            Kind::Page => "page",
            Kind::Place => "place",
            Kind::Organization => "org",
            Kind::Person => "person",
            Kind::Term => "term",
            Kind::Dataset => "dataset",
            Kind::Chart => "chart",
            Kind::Source => "source",
            Kind::Figure => "figure",
            Kind::Event => "event",
            Kind::Correction => "correction",
        }
    }

    /// Parses the kind part of an `@kind/id` reference (`organization` is accepted for `org`).
    pub fn from_ref_name(name: &str) -> Option<Kind> {
        Some(match name {
            "page" => Kind::Page,
            "place" => Kind::Place,
            "org" | "organization" => Kind::Organization,
            "person" => Kind::Person,
            "term" => Kind::Term,
            "dataset" | "data" => Kind::Dataset,
            "chart" => Kind::Chart,
            "source" => Kind::Source,
            "figure" => Kind::Figure,
            "event" => Kind::Event,
            "correction" => Kind::Correction,
            _ => return None,
        })
    }

    /// The folder of the kind's index page (`/places/`), or None for pages, which live at the root.
    pub fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Page => return None,
            Kind::Place => "places",
            Kind::Organization => "organizations",
            Kind::Person => "people",
            Kind::Term => "glossary",
            Kind::Dataset => "data",
            Kind::Chart => "charts",
            Kind::Source => "sources",
            Kind::Figure => "figures",
            Kind::Event => "timeline",
            Kind::Correction => "corrections",
        })
    }

    /// Whether each item of this kind gets its own page (events and corrections are anchors on a list).
    pub fn has_own_page(self) -> bool {
        !matches!(self, Kind::Event | Kind::Correction)
    }

    /// The site path of an item: `/places/artyom/`, `/timeline/#id`, `/about/`.
    pub fn url(self, id: &str) -> String {
        match self.section() {
            None => format!("/{id}/"),
            Some(section) if self.has_own_page() => format!("/{section}/{id}/"),
            Some(section) => format!("/{section}/#{id}"),
        }
    }

    /// A human label for the kind, singular.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Page => "Page",
            Kind::Place => "Place",
            Kind::Organization => "Organization",
            Kind::Person => "Person",
            Kind::Term => "Glossary term",
            Kind::Dataset => "Dataset",
            Kind::Chart => "Chart",
            Kind::Source => "Source",
            Kind::Figure => "Key figure",
            Kind::Event => "Event",
            Kind::Correction => "Correction",
        }
    }

    /// A human label for the kind, plural (index page titles).
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Page => "Pages",
            Kind::Place => "Places",
            Kind::Organization => "Organizations",
            Kind::Person => "People",
            Kind::Term => "Glossary",
            Kind::Dataset => "Data",
            Kind::Chart => "Charts",
            Kind::Source => "Sources",
            Kind::Figure => "Key figures",
            Kind::Event => "Timeline",
            Kind::Correction => "Corrections",
        }
    }
}

/// Folder names a page id may not take, because kind indexes and assets live there.
pub const RESERVED_PAGE_IDS: &[&str] = &[
    "places",
    "organizations",
    "people",
    "glossary",
    "data",
    "charts",
    "sources",
    "figures",
    "timeline",
    "corrections",
    "search",
    "embed",
    "static",
    "assets",
    "chapters",
    "pagefind",
    "cards",
];

/// Whether `id` is a valid id: lowercase ASCII letters, digits and `-`, not starting or ending with `-`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// The whole site: every item, loaded and checked.
#[derive(Debug, Clone, Default)]
pub struct Site {
    /// Markdown pages.
    pub pages: Vec<Page>,
    /// Datasets.
    pub datasets: Vec<Dataset>,
    /// Chart specs.
    pub charts: Vec<Chart>,
    /// Places, organizations, people and terms.
    pub entities: Vec<Entity>,
    /// Timeline events.
    pub events: Vec<Event>,
    /// Bibliography.
    pub sources: Vec<Source>,
    /// Key figures.
    pub figures: Vec<KeyFigure>,
    /// Corrections log.
    pub corrections: Vec<Correction>,
}

impl Site {
    /// Where each item with a page of its own was declared, by its site path (`/places/x/`).
    pub fn origins_by_url(&self) -> BTreeMap<String, &Origin> {
        let mut out = BTreeMap::new();
        out.extend(
            self.pages
                .iter()
                .map(|p| (Kind::Page.url(&p.meta.id), &p.origin)),
        );
        out.extend(
            self.datasets
                .iter()
                .map(|d| (Kind::Dataset.url(&d.id), &d.origin)),
        );
        out.extend(
            self.charts
                .iter()
                .map(|c| (Kind::Chart.url(&c.id), &c.origin)),
        );
        out.extend(
            self.entities
                .iter()
                .map(|e| (e.kind.kind().url(&e.id), &e.origin)),
        );
        out.extend(
            self.sources
                .iter()
                .map(|s| (Kind::Source.url(&s.id), &s.origin)),
        );
        out.extend(
            self.figures
                .iter()
                .map(|f| (Kind::Figure.url(&f.id), &f.origin)),
        );
        out
    }

    /// Every web address written in content, with where it was declared and its field name: the
    /// URL-valued fields of every kind, so one policy (`index::check_web_address`) covers them all.
    /// A new URL field of any kind is added here.
    pub fn web_addresses(&self) -> Vec<(&str, &Origin, &'static str)> {
        self.sources
            .iter()
            .filter_map(|s| Some((s.url.as_deref()?, &s.origin, "url")))
            .collect()
    }
}

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
    /// File line of each row, parallel to `rows`.
    pub row_lines: Vec<usize>,
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
}

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
    /// Notes under the chart (Markdown).
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

/// Entity kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A place.
    Place,
    /// An organization.
    Organization,
    /// A person.
    Person,
    /// A glossary term.
    Term,
}

impl EntityKind {
    /// The item kind.
    pub fn kind(self) -> Kind {
        match self {
            EntityKind::Place => Kind::Place,
            EntityKind::Organization => Kind::Organization,
            EntityKind::Person => Kind::Person,
            EntityKind::Term => Kind::Term,
        }
    }
}

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

/// A place, organization, person or glossary term.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Stable id, unique per kind.
    pub id: String,
    /// Which kind.
    pub kind: EntityKind,
    /// Name.
    pub name: String,
    /// Other spellings.
    #[serde(default)]
    pub also: Vec<String>,
    /// One line.
    pub summary: String,
    /// Markdown paragraph(s).
    #[serde(default)]
    pub description: Option<String>,
    /// Free label: city, firm, agency...
    #[serde(default)]
    pub category: Option<String>,
    /// Containing place.
    #[serde(default)]
    pub parent: Option<String>,
    /// Row number in Table 2-2.
    #[serde(default, rename = "table-2-2")]
    pub table_2_2: Option<u32>,
    /// Note printed beside it in a table.
    #[serde(default)]
    pub note: Option<String>,
    /// The Korean term as romanized in the source.
    #[serde(default)]
    pub romanized: Option<String>,
    /// Where the sources discuss it.
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    /// Old ids.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Where it was declared.
    #[serde(skip)]
    pub origin: Origin,
    /// Position of the description in the file.
    #[serde(skip)]
    pub description_at: Located,
}

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

/// How a content folder's files hold their items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileShape {
    /// Markdown with YAML front matter (the schema is the front matter's).
    FrontMatter,
    /// One YAML mapping per file.
    One,
    /// A YAML list of items per file.
    List,
}

/// The JSON Schema of every content kind, generated from the model types: (content folder, how
/// its files hold items, schema). Editors can validate YAML with them (`fieldbook schema`), and the
/// hostile-input tests take every field from them, so a new field is covered without editing a test.
pub fn content_schemas() -> Vec<(&'static str, FileShape, serde_json::Value)> {
    use schemars::schema_for;
    let value = |s: schemars::Schema| s.to_value();
    vec![
        (
            "pages",
            FileShape::FrontMatter,
            value(schema_for!(FrontMatter)),
        ),
        (
            "datasets",
            FileShape::One,
            value(schema_for!(DatasetHeader)),
        ),
        ("charts", FileShape::One, value(schema_for!(Chart))),
        ("entities", FileShape::List, value(schema_for!(Vec<Entity>))),
        ("events", FileShape::List, value(schema_for!(Vec<Event>))),
        ("sources", FileShape::List, value(schema_for!(Vec<Source>))),
        (
            "figures",
            FileShape::List,
            value(schema_for!(Vec<KeyFigure>)),
        ),
        (
            "corrections",
            FileShape::List,
            value(schema_for!(Vec<Correction>)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_derive_from_kind_and_id() {
        assert_eq!(Kind::Place.url("artyom"), "/places/artyom/");
        assert_eq!(Kind::Page.url("about"), "/about/");
        assert_eq!(Kind::Event.url("x"), "/timeline/#x");
    }

    #[test]
    fn numbers_keep_printed_decimals() {
        assert_eq!(Cell::Num(14.0).display(Some(1)), "14.0");
        assert_eq!(Cell::Int(7336).display(None), "7,336");
        assert_eq!(Cell::Int(1_218_000).display(None), "1,218,000");
        assert_eq!(Cell::Int(706).display(None), "706");
        assert_eq!(Cell::Blank.display(None), "");
    }

    #[test]
    fn ids_are_checked() {
        assert!(is_valid_id("artyom-2"));
        assert!(!is_valid_id("../etc"));
        assert!(!is_valid_id("Artyom"));
        assert!(!is_valid_id(""));
    }
}
