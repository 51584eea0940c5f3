//! Charts: a chart spec plus its dataset to accessible SVG (this folder is the only one that imports
//! plotters), and SVG to PNG for link previews (resvg, with a bundled DejaVu Sans so bytes are the
//! same on every machine).
//!
//! plotters draws with sentinel colours (`style::Paint`); `style::restyle` then turns each sentinel
//! into `currentColor` plus a CSS class, so the site's stylesheet (and dark mode) colours the chart,
//! and adds `role="img"`, `<title>`, `<desc>` and a `viewBox` without fixed width. Every data mark
//! carries the class `fb-mark` (one per drawn value), which the tests count against the dataset's rows.
//!
//! This module holds the public API and lays out one chart: the `frame::Frame` (title, subtitle,
//! legend, source line) around one panel per value axis, drawn by `xy` (lines, points, ranges) or
//! `bars`. `axis` computes value domains and tick labels, `marker` draws marker shapes, `text` wraps
//! lines, and `raster` turns SVG into PNG (charts, the site card and the pages' cards).

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::model::{Axis, Cell, Chart, ChartKind, Column, Dataset, Orientation, Row};

mod annotate;
mod axis;
mod bars;
mod frame;
mod marker;
mod raster;
mod style;
mod text;
mod tips;
mod xy;

pub use raster::{card_png, page_card_svg, png, png_path, PngFonts, SITE_CARD_PATH};
pub use style::{chart_css, theme_css};

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct ChartOut {
    /// 760-wide SVG (shown where the chart's column is 640 px or wider).
    pub wide: String,
    /// 480-wide SVG (columns from 440 to 640 px).
    pub medium: String,
    /// 320-wide SVG (columns under 440 px: phones).
    pub narrow: String,
    /// 1200x630 PNG.
    pub png: Vec<u8>,
}

/// The text under a chart: its notes as plain text (drawn in the wide and narrow SVG, after the
/// series breaks' own notes) and the source line.
#[derive(Debug, Clone, Copy)]
pub struct Caption<'a> {
    /// The chart's notes, one paragraph each, as plain text.
    pub notes: &'a [String],
    /// "Source: ..." credit.
    pub source: &'a str,
    /// How a single note is introduced, `{note}` standing for it ("Note: {note}"); several notes
    /// are numbered instead.
    pub note_format: &'a str,
    /// How a series break is listed among the notes, `{at}` and `{label}` standing for its x
    /// value and label ("Series break at {at}: {label}").
    pub break_format: &'a str,
    /// The legend's words for an open value: "more than the value shown (lower bound)" and
    /// "less than the value shown (upper bound)".
    pub open_above: &'a str,
    pub open_below: &'a str,
    /// A mark's source in its tooltip, `{source}` and `{locator}` standing for the row's own
    /// ("Source: {source}, {locator}"), when the dataset has a source column.
    pub row_source_format: &'a str,
    /// The citation label of each source id a source column names, and each cell of the
    /// `locator` column as readers see it.
    pub source_labels: &'a BTreeMap<String, String>,
}

impl Caption<'_> {
    /// English words, for drawing a chart outside a site (tests, tools).
    pub const ENGLISH: Caption<'static> = Caption {
        notes: &[],
        source: "",
        note_format: "Note: {note}",
        break_format: "Series break at {at}: {label}",
        open_above: "more than the value shown (lower bound)",
        open_below: "less than the value shown (upper bound)",
        row_source_format: "Source: {source}, {locator}",
        source_labels: &BTreeMap::new(),
    };
}

/// Layout presets. Each screen size is shown in a range of column widths (CSS container queries
/// in the theme: `.chart-narrow` under 440 px, `.chart-medium` to 640 px, `.chart-wide` above) and
/// its fonts are sized so that the smallest text, scaled to the narrowest column of its range,
/// is still 12 px or more on screen (as Our World in Data keeps its labels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Desktop and the chart page: 760 wide, shown in columns of 640 px and more.
    Wide,
    /// Tablets and narrow windows: 480 wide, shown in columns from 440 to 640 px.
    Medium,
    /// Phones: 320 wide, shown in columns under 440 px (down to 288 px on a 320 px screen).
    Narrow,
    /// Social card: 1200x630.
    Card,
}

/// The smallest text's size relative to the base font: tick labels are 0.9, notes, value labels,
/// series-break labels, annotations and the source line [`SMALL_TEXT`].
pub(crate) const SMALL_TEXT: f64 = 0.85;

impl Size {
    /// The on-screen sizes, widest first.
    pub const SCREEN: [Size; 3] = [Size::Wide, Size::Medium, Size::Narrow];

    /// The width, and the height of the plotting area (the panels); the chart's height adds the
    /// title, legend, notes and source line to it, so long texts never squeeze the plot. The card
    /// is 1200x630 in all.
    fn dims(self, panels: usize, categories: usize, horizontal: bool) -> (u32, u32) {
        let extra_panels = panels.saturating_sub(1) as u32;
        let extra_bars = if horizontal {
            (categories as u32).saturating_sub(6)
        } else {
            0
        };
        match self {
            Size::Wide => (760, 340 + extra_panels * 220 + extra_bars * 30),
            Size::Medium => (480, 320 + extra_panels * 210 + extra_bars * 30),
            Size::Narrow => (320, 300 + extra_panels * 200 + extra_bars * 30),
            Size::Card => (1200, 630),
        }
    }

    /// The base font (plotters writes font-size = size / 1.24): the smallest text,
    /// `SMALL_TEXT * font / 1.24` in SVG units, times the narrowest scale of the size's range
    /// (640/760, 440/480, 288/320) is 12.0-12.3 px.
    fn font(self) -> f64 {
        match self {
            Size::Wide => 20.8,
            Size::Medium => 19.1,
            Size::Narrow => 19.5,
            Size::Card => 26.0,
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Size::Wide => "w",
            Size::Medium => "m",
            Size::Narrow => "n",
            Size::Card => "c",
        }
    }
}

/// Everything the frame and the panels of one chart are drawn from.
struct Plot<'a> {
    chart: &'a Chart,
    rows: &'a [&'a Row],
    /// The x field's distinct values, in order of first appearance (the bars' categories).
    categories: &'a [String],
    /// The series field's distinct values; empty when the chart has no series field.
    series: &'a [String],
    /// The layout preset's font size.
    font: f64,
    /// The SVG's width in pixels.
    width: u32,
    /// The x coordinate and label of each series break inside the chart's x range.
    breaks: Vec<(f64, &'a str)>,
    /// The words around the chart, and the source labels for the marks' tooltips.
    caption: Caption<'a>,
    /// The dataset's columns (cells in tooltips are shown as tables show them).
    columns: &'a [crate::model::Column],
    /// Each drawn mark's tooltip, in drawing order (`tips`); `None` where the drawing carries
    /// none (all but the wide one).
    tips: RefCell<Option<Vec<String>>>,
}

/// A panel's coordinates: plain numbers on both axes.
type Coords<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// How many marks the chart draws for these rows (one per row with a value or a range, per panel).
pub fn expected_marks(chart: &Chart, dataset: &Dataset) -> usize {
    let rows = chart.rows(dataset);
    value_axes(chart)
        .iter()
        .map(|a| {
            rows.iter()
                .filter(|r| value(r, &a.field).is_some() || range(r, a).is_some())
                .count()
        })
        .sum()
}

/// The value axes, one per panel: the chart's panels, or its y axis when it has none.
fn value_axes(chart: &Chart) -> Vec<&Axis> {
    if chart.panels.is_empty() {
        vec![&chart.y]
    } else {
        chart.panels.iter().collect()
    }
}

fn value(row: &Row, field: &str) -> Option<f64> {
    row.get(field).and_then(Cell::as_f64)
}

fn range(row: &Row, axis: &Axis) -> Option<(f64, f64)> {
    Some((
        value(row, axis.low.as_deref()?)?,
        value(row, axis.high.as_deref()?)?,
    ))
}

fn text(columns: &[Column], row: &Row, field: Option<&str>) -> String {
    let Some((f, cell)) = field.and_then(|f| Some((f, row.get(f)?))) else {
        return String::new();
    };
    match columns.iter().find(|c| c.name == f) {
        Some(c) => c.format(cell),
        None => cell.display(None),
    }
}

/// The distinct values of `field` in the rows as the dataset's tables show them (a year without a
/// thousands separator), in order of first appearance (none without a field).
fn distinct(columns: &[Column], rows: &[&Row], field: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(f) = field {
        for r in rows {
            let v = text(columns, r, Some(f));
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

/// Where the row's value of `field` stands among `names` (from [`distinct`]); 0 when absent.
fn position(columns: &[Column], names: &[String], row: &Row, field: Option<&str>) -> usize {
    let v = text(columns, row, field);
    names.iter().position(|n| *n == v).unwrap_or(0)
}

/// Draws the chart in every size: the three screen SVGs and the card's PNG (`previous_png`, the
/// PNG of an earlier build, is reused when it was drawn from the same card).
pub fn draw_all(
    chart: &Chart,
    dataset: &Dataset,
    caption: Caption,
    previous_png: Option<Vec<u8>>,
    fonts: &PngFonts,
) -> Result<ChartOut, String> {
    let card = svg_with(chart, dataset, Size::Card, caption)?;
    Ok(ChartOut {
        wide: svg_with(chart, dataset, Size::Wide, caption)?,
        medium: svg_with(chart, dataset, Size::Medium, caption)?,
        narrow: svg_with(chart, dataset, Size::Narrow, caption)?,
        png: png(&card, previous_png, fonts)?,
    })
}

/// The width and height of a drawn chart's `viewBox` (its size in SVG units).
pub fn view_box(svg: &str) -> Option<(f64, f64)> {
    let rest = &svg[svg.find("viewBox=\"")? + 9..];
    let mut n = rest[..rest.find('"')?].split_whitespace().skip(2);
    Some((n.next()?.parse().ok()?, n.next()?.parse().ok()?))
}

/// Renders the chart at `size` with `source_line` under it and no notes (see [`svg_with`]).
pub fn svg(
    chart: &Chart,
    dataset: &Dataset,
    size: Size,
    source_line: &str,
) -> Result<String, String> {
    let caption = Caption {
        source: source_line,
        ..Caption::ENGLISH
    };
    svg_with(chart, dataset, size, caption)
}

/// Renders the chart at `size` with its caption: the notes (and series breaks) are drawn under the
/// plot in the wide and narrow sizes, so a downloaded or embedded SVG carries them; the card (a
/// fixed 1200x630 preview) has the source line only.
pub fn svg_with(
    chart: &Chart,
    dataset: &Dataset,
    size: Size,
    caption: Caption,
) -> Result<String, String> {
    let rows = chart.rows(dataset);
    // Validation reports these at their rows (`index::chart_data_problems`); this guard keeps any
    // caller from reaching the axis code, which never ends on values near f64::MAX.
    let out_of_range = rows
        .iter()
        .flat_map(|r| r.values())
        .filter_map(Cell::as_f64)
        .any(|v| !crate::model::chartable(v));
    if rows.is_empty() || out_of_range {
        return Err("the chart has no rows, or a value too large or too small to draw".to_string());
    }
    let series = distinct(&dataset.columns, &rows, chart.series.as_deref());
    let categories = distinct(&dataset.columns, &rows, Some(&chart.x.field));
    let horizontal = chart.kind == ChartKind::Bar && chart.orientation == Orientation::Horizontal;
    let panels = value_axes(chart);
    let (width, height) = size.dims(panels.len(), categories.len(), horizontal);
    let plot = Plot {
        chart,
        rows: &rows,
        categories: &categories,
        series: &series,
        font: size.font(),
        width,
        breaks: annotate::break_positions(chart, &rows),
        caption,
        columns: &dataset.columns,
        // Only the wide drawing carries the tooltips: the others draw the same marks in the same
        // order, and the site's script lends them the wide drawing's (a third of the bytes).
        tips: RefCell::new((size == Size::Wide).then(Vec::new)),
    };
    let notes = match size {
        Size::Card => Vec::new(),
        _ => chart
            .breaks
            .iter()
            .map(|b| b.note(caption.break_format))
            .chain(caption.notes.iter().cloned())
            .collect(),
    };
    let frame = frame::Frame::new(&plot, &notes, &caption);
    let height = match size {
        Size::Card => height,
        _ => frame.header + height + frame.footer,
    };
    let mut buf = String::new();
    draw(&mut buf, &plot, &frame, &panels, height).map_err(|e| format!("drawing failed: {e:?}"))?;
    let tips = plot.tips.take().unwrap_or_default();
    Ok(style::restyle(&buf, chart, size, &tips))
}

/// Draws the frame, then the panels one under another, into `buf`.
fn draw(
    buf: &mut String,
    plot: &Plot,
    frame: &frame::Frame,
    panels: &[&Axis],
    height: u32,
) -> Result<(), DrawingAreaErrorKind<std::io::Error>> {
    let root = SVGBackend::with_string(buf, (plot.width, height)).into_drawing_area();
    let (head, rest) = root.split_vertically(frame.header);
    let (body, foot) = rest.split_vertically(height - frame.header - frame.footer);
    frame.draw_header(&head, plot.font)?;
    frame.draw_footer(&foot, plot)?;
    let areas = if panels.len() > 1 {
        body.split_evenly((panels.len(), 1))
    } else {
        vec![body]
    };
    for (p, (area, axis)) in areas.iter().zip(panels).enumerate() {
        match plot.chart.kind {
            ChartKind::Bar => bars::draw(area, plot, axis)?,
            ChartKind::Line | ChartKind::Points => {
                let titles = xy::Titles {
                    x_axis: p + 1 == panels.len(),
                    panel: panels.len() > 1,
                    first: p == 0,
                };
                xy::draw(area, plot, axis, titles)?
            }
        }
    }
    root.present()
}
