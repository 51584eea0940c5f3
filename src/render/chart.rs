//! Charts: a chart spec plus its dataset to accessible SVG (the only module that imports plotters),
//! and SVG to PNG for link previews (resvg, with a bundled DejaVu Sans so bytes are the same on every
//! machine).
//!
//! plotters draws with sentinel colours ([`Paint`]); [`restyle`] then turns each sentinel into
//! `currentColor` plus a CSS class, so the site's stylesheet (and dark mode) colours the chart, and adds
//! `role="img"`, `<title>`, `<desc>` and a `viewBox` without fixed width. Every data mark carries the
//! class `fb-mark` (one per drawn value), which the tests count against the dataset's rows.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::model::{Axis, Cell, Chart, ChartKind, Dataset, Orientation, Row};

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct ChartOut {
    /// 760-wide SVG.
    pub wide: String,
    /// 380-wide SVG.
    pub narrow: String,
    /// 1200x630 PNG.
    pub png: Vec<u8>,
}

/// Sentinel colours, replaced by classes after drawing.
#[derive(Clone, Copy)]
enum Paint {
    Ink,
    Muted,
    Grid,
    Series(u8),
    Range(u8),
    Mark(u8),
}

impl Paint {
    fn rgb(self) -> RGBColor {
        match self {
            Paint::Ink => RGBColor(1, 1, 1),
            Paint::Muted => RGBColor(1, 1, 2),
            Paint::Grid => RGBColor(1, 1, 3),
            Paint::Series(i) => RGBColor(1, 2, i),
            Paint::Range(i) => RGBColor(1, 4, i),
            Paint::Mark(i) => RGBColor(1, 3, i),
        }
    }
}

/// Okabe–Ito colour-blind-safe palette, ordered for contrast on white; dark-mode variants follow.
const PALETTE_LIGHT: [&str; 7] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8a6d00", "#332288", "#6b6b6b",
];
const PALETTE_DARK: [&str; 7] = [
    "#56B4E9", "#F08A4B", "#3CC7A0", "#E3A3C8", "#F0C43A", "#A99CF0", "#bdbdbd",
];

/// Layout presets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Desktop and the chart page: 760 wide.
    Wide,
    /// Phones: 380 wide, shown below 560 px.
    Narrow,
    /// Social card: 1200x630.
    Card,
}

impl Size {
    fn dims(self, panels: usize, categories: usize, horizontal: bool) -> (u32, u32) {
        let extra = if horizontal {
            (categories as u32).saturating_sub(6) * 26
        } else {
            0
        };
        match self {
            Size::Wide => (760, 500 + (panels.saturating_sub(1) as u32) * 200 + extra),
            Size::Narrow => (380, 540 + (panels.saturating_sub(1) as u32) * 180 + extra),
            Size::Card => (1200, 630),
        }
    }
    fn font(self) -> f64 {
        match self {
            // plotters writes font-size = size / 1.24, so these give about 14, 12.5 and 22 px in the viewBox.
            Size::Wide => 17.0,
            Size::Narrow => 15.5,
            Size::Card => 26.0,
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Size::Wide => "w",
            Size::Narrow => "n",
            Size::Card => "c",
        }
    }
}

/// How many marks the chart draws for these rows (one per row with a value or a range, per panel).
pub fn expected_marks(chart: &Chart, dataset: &Dataset) -> usize {
    let rows = chart.rows(dataset);
    let axes: Vec<&Axis> = if chart.panels.is_empty() {
        vec![&chart.y]
    } else {
        chart.panels.iter().collect()
    };
    axes.iter()
        .map(|a| {
            rows.iter()
                .filter(|r| value(r, &a.field).is_some() || range(r, a).is_some())
                .count()
        })
        .sum()
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

fn text(row: &Row, field: Option<&str>) -> String {
    field
        .and_then(|f| row.get(f))
        .map(|c| c.display(None))
        .unwrap_or_default()
}

/// Renders the chart at `size`; `uid` makes element ids unique when several charts share a page.
pub fn svg(
    chart: &Chart,
    dataset: &Dataset,
    size: Size,
    source_line: &str,
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
    let series_names = distinct(&rows, chart.series.as_deref());
    let categories = distinct(&rows, Some(&chart.x.field));
    let horizontal = chart.kind == ChartKind::Bar && chart.orientation == Orientation::Horizontal;
    let panels: Vec<&Axis> = if chart.panels.is_empty() {
        vec![&chart.y]
    } else {
        chart.panels.iter().collect()
    };
    let (w, h) = size.dims(panels.len(), categories.len(), horizontal);
    let font = size.font();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (w, h)).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| format!("drawing failed: {e:?}");
        // Header: title and subtitle; footer: source line and legend.
        let title_lines = wrap_bold(&chart.title, w, font * 1.3 / 1.24);
        let sub_lines = chart
            .subtitle
            .as_deref()
            .map(|s| wrap(s, w, font / 1.24))
            .unwrap_or_default();
        let source_lines = wrap(source_line, w, font * 0.85 / 1.24);
        let shape_names = distinct(&rows, chart.shape.as_deref());
        let mut legend_items: Vec<(String, LegendMark)> = Vec::new();
        if series_names.len() > 1 {
            legend_items.extend(
                series_names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), LegendMark::Swatch(i as u8))),
            );
        }
        if shape_names.len() > 1 {
            legend_items.extend(
                shape_names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), LegendMark::Shape(i))),
            );
        }
        let legend_rows = if legend_items.is_empty() {
            0
        } else {
            legend_rows(&legend_items, w, font)
        };
        let header = (font * 0.9
            + title_lines.len() as f64 * font * 1.25
            + sub_lines.len() as f64 * font
            + font * 0.6) as u32;
        let footer = (font * 0.8 + source_lines.len() as f64 * font * 0.95) as u32
            + legend_rows * (font * 1.2) as u32;
        let (head, rest) = root.split_vertically(header);
        let (body, foot) = rest.split_vertically(h - header - footer);
        let title_style = ("sans-serif", font * 1.3)
            .into_font()
            .style(FontStyle::Bold)
            .color(&Paint::Ink.rgb());
        let mut y = (font * 0.5) as i32;
        for line in &title_lines {
            head.draw(&Text::new(line.clone(), (12, y), title_style.clone()))
                .map_err(e)?;
            y += (font * 1.25) as i32;
        }
        let st = ("sans-serif", font).into_font().color(&Paint::Muted.rgb());
        for line in &sub_lines {
            head.draw(&Text::new(line.clone(), (12, y), st.clone()))
                .map_err(e)?;
            y += font as i32;
        }
        // Legend: colour swatches for series, marker shapes for `shape`; then the source line.
        let st = ("sans-serif", font * 0.9)
            .into_font()
            .color(&Paint::Ink.rgb());
        let (mut x, mut y) = (12i32, (font * 0.3) as i32);
        for (name, mark) in &legend_items {
            let width = legend_width(name, font);
            if x + width > w as i32 - 8 && x > 12 {
                x = 12;
                y += (font * 1.2) as i32;
            }
            let r = (font * 0.3) as i32;
            let (cx, cy) = (x + 6, y + (font * 0.45) as i32);
            match mark {
                LegendMark::Swatch(i) => foot
                    .draw(&Rectangle::new(
                        [(x, cy - r - 1), (x + 12, cy + r + 1)],
                        Paint::Series(*i).rgb().filled(),
                    ))
                    .map_err(e)?,
                LegendMark::Shape(k) => {
                    draw_marker(&foot, (cx, cy), *k, r, Paint::Ink.rgb().filled()).map_err(e)?
                }
            }
            foot.draw(&Text::new(name.clone(), (x + 18, y), st.clone()))
                .map_err(e)?;
            x += width;
        }
        let src_style = ("sans-serif", font * 0.85)
            .into_font()
            .color(&Paint::Muted.rgb());
        let mut sy = (legend_rows as f64 * font * 1.2 + font * 0.5) as i32;
        for line in &source_lines {
            foot.draw(&Text::new(line.clone(), (12, sy), src_style.clone()))
                .map_err(e)?;
            sy += (font * 0.95) as i32;
        }

        let areas = if panels.len() > 1 {
            body.split_evenly((panels.len(), 1))
        } else {
            vec![body]
        };
        for (p, (area, axis)) in areas.iter().zip(&panels).enumerate() {
            let last = p + 1 == panels.len();
            match chart.kind {
                ChartKind::Bar => bars(
                    area,
                    chart,
                    axis,
                    &rows,
                    &categories,
                    &series_names,
                    font,
                    w,
                )
                .map_err(e)?,
                ChartKind::Line | ChartKind::Points => xy(
                    area,
                    chart,
                    axis,
                    &rows,
                    &series_names,
                    font,
                    last,
                    panels.len() > 1,
                )
                .map_err(e)?,
            }
        }
        root.present().map_err(e)?;
    }
    Ok(restyle(&buf, chart, size))
}

enum LegendMark {
    Swatch(u8),
    Shape(usize),
}

fn legend_width(name: &str, font: f64) -> i32 {
    (name.chars().count() as f64 * font * 0.9 / 1.24 * CHAR_W) as i32 + 30
}

fn legend_rows(items: &[(String, LegendMark)], w: u32, font: f64) -> u32 {
    let mut rows = 1;
    let mut x = 12;
    for (name, _) in items {
        let width = legend_width(name, font);
        if x + width > w as i32 - 8 && x > 12 {
            rows += 1;
            x = 12;
        }
        x += width;
    }
    rows
}

/// Average advance of DejaVu Sans per em, for line breaking.
const CHAR_W: f64 = 0.6;

fn wrap_bold(text: &str, w: u32, px: f64) -> Vec<String> {
    wrap(text, w, px * 1.1)
}

/// Draws marker shape `k` (circle, triangle, square, diamond, plus) centred on a pixel position.
fn draw_marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    at: (i32, i32),
    k: usize,
    r: i32,
    style: ShapeStyle,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    match k % 5 {
        0 => area.draw(&Circle::new(at, r, style)),
        1 => area.draw(&TriangleMarker::new(at, r + 1, style)),
        2 => area.draw(&(EmptyElement::at(at) + Rectangle::new([(-r, -r), (r, r)], style))),
        3 => area.draw(
            &(EmptyElement::at(at)
                + Polygon::new(
                    vec![(0, -r - 2), (r + 2, 0), (0, r + 2), (-r - 2, 0)],
                    style,
                )),
        ),
        // A plus drawn as one polygon, so the value is one element (one `fb-mark`) like the others.
        _ => {
            let (a, t) = (r + 1, 2);
            area.draw(
                &(EmptyElement::at(at)
                    + Polygon::new(
                        vec![
                            (-t, -a),
                            (t, -a),
                            (t, -t),
                            (a, -t),
                            (a, t),
                            (t, t),
                            (t, a),
                            (-t, a),
                            (-t, t),
                            (-a, t),
                            (-a, -t),
                            (-t, -t),
                        ],
                        style,
                    )),
            )
        }
    }
}

/// Greedy word wrap by an estimated character width; `font` is the rendered size in pixels.
fn wrap(text: &str, w: u32, font: f64) -> Vec<String> {
    let max = ((w as f64 - 24.0) / (font * CHAR_W)).max(10.0) as usize;
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= max => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn distinct(rows: &[&Row], field: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(f) = field {
        for r in rows {
            let v = text(r, Some(f));
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    out
}

fn axis_title(axis: &Axis) -> String {
    match &axis.unit {
        Some(u) if !u.is_empty() => format!("{} ({u})", axis.title),
        _ => axis.title.clone(),
    }
}

/// The value axis from the data's extremes: always through 0, both ends rounded outwards, never
/// empty. Every drawn value lies inside it, so no coordinate leaves the plotting area (a value far
/// below a subnormal axis once overflowed plotters' pixel arithmetic).
fn value_domain(lowest: f64, highest: f64) -> (f64, f64) {
    let top = if highest > 0.0 {
        nice_max(highest)
    } else {
        0.0
    };
    let bottom = if lowest < 0.0 {
        -nice_max(-lowest)
    } else {
        0.0
    };
    if top > bottom {
        (bottom, top)
    } else {
        (bottom, bottom + 1.0)
    }
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    for m in [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0] {
        if m * mag >= v * 1.05 {
            return m * mag;
        }
    }
    10.0 * mag
}

/// Tick label: thousands as "k" when the axis reaches 10,000, so one axis never mixes "5,000" and "10k".
fn tick(v: f64, axis_max: f64) -> String {
    if axis_max >= 10_000.0 && v.abs() >= 1000.0 && v.abs() < 1_000_000.0 {
        format!("{}k", trim_float(v / 1000.0))
    } else {
        short_number(v)
    }
}

fn short_number(v: f64) -> String {
    if v.abs() >= 1_000_000.0 {
        format!("{}M", trim_float(v / 1_000_000.0))
    } else if v.abs() >= 10_000.0 {
        format!("{}k", trim_float(v / 1000.0))
    } else {
        crate::model::format_number((v * 100.0).round() / 100.0, None)
    }
}

fn trim_float(v: f64) -> String {
    let s = format!("{:.1}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[allow(clippy::too_many_arguments)]
fn xy<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    axis: &Axis,
    rows: &[&Row],
    series: &[String],
    font: f64,
    show_x_title: bool,
    panel_title: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let log = axis.scale.as_deref() == Some("log");
    let tf = |v: f64| if log { v.max(1.0).log10() } else { v };
    let xs: Vec<f64> = rows
        .iter()
        .filter_map(|r| value(r, &chart.x.field))
        .collect();
    let (mut x0, mut x1) = xs
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
    if xs.is_empty() {
        (x0, x1) = (0.0, 1.0);
    }
    let pad = ((x1 - x0) * 0.04).max(0.6);
    let ys: Vec<f64> = rows
        .iter()
        .flat_map(|r| {
            [
                value(r, &axis.field),
                range(r, axis).map(|x| x.1),
                range(r, axis).map(|x| x.0),
            ]
        })
        .flatten()
        .collect();
    let ymax = ys.iter().cloned().fold(0.0, f64::max);
    let ymin = ys.iter().cloned().fold(f64::MAX, f64::min);
    let (y0, y1) = if log {
        (tf(ymin.max(1.0)).floor(), tf(ymax).ceil().max(1.0))
    } else {
        value_domain(ymin, ymax)
    };
    let label_font = ("sans-serif", font * 0.9)
        .into_font()
        .color(&Paint::Ink.rgb());
    let mut cc = ChartBuilder::on(area)
        .margin_left(8)
        .margin_right((font * 1.5) as u32)
        .margin_top(if panel_title { (font * 1.8) as u32 } else { 6 })
        .x_label_area_size((font * if show_x_title { 3.2 } else { 1.8 }) as u32)
        .y_label_area_size((font * 4.6) as u32)
        .build_cartesian_2d((x0 - pad)..(x1 + pad), y0..y1)?;
    let y_top = if log { 10f64.powf(y1) } else { y1.max(-y0) };
    let y_fmt = |v: &f64| {
        if log {
            tick(10f64.powf(*v), y_top)
        } else {
            tick(*v, y_top)
        }
    };
    let x_fmt = |v: &f64| format!("{}", v.round() as i64);
    let mut mesh = cc.configure_mesh();
    mesh.disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(Paint::Grid.rgb().stroke_width(1))
        .axis_style(Paint::Muted.rgb().stroke_width(1))
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .y_labels(if log { (y1 - y0) as usize + 1 } else { 6 })
        .x_labels(8)
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt);
    if !panel_title {
        mesh.y_desc(axis_title(axis));
    }
    if show_x_title {
        mesh.x_desc(axis_title(&chart.x));
    }
    mesh.draw()?;
    if panel_title {
        let st = ("sans-serif", font)
            .into_font()
            .style(FontStyle::Bold)
            .color(&Paint::Ink.rgb());
        area.draw(&Text::new(axis_title(axis), (12, 2), st))?;
    }
    let series_of = |r: &Row| {
        series
            .iter()
            .position(|s| *s == text(r, chart.series.as_deref()))
            .unwrap_or(0)
    };
    let n = series.len().max(1) as f64;
    let jitter = |r: &Row| {
        if chart.kind == ChartKind::Points && n > 1.0 {
            (series_of(r) as f64 - (n - 1.0) / 2.0) * 0.22
        } else {
            0.0
        }
    };
    let shapes = distinct(rows, chart.shape.as_deref());
    // Lines first, under the marks.
    if chart.kind == ChartKind::Line {
        for i in 0..series.len().max(1) {
            let pts: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| series.is_empty() || series_of(r) == i)
                .filter_map(|r| Some((value(r, &chart.x.field)?, tf(value(r, &axis.field)?))))
                .collect();
            cc.draw_series(std::iter::once(PathElement::new(
                pts,
                Paint::Series(i as u8).rgb().stroke_width(2),
            )))?;
        }
    }
    for r in rows {
        let Some(x) = value(r, &chart.x.field) else {
            continue;
        };
        let x = x + jitter(r);
        let s = series_of(r) as u8;
        if let Some((lo, hi)) = range(r, axis) {
            let (lo, hi) = (tf(lo), tf(hi));
            let cap = (x1 - x0 + 2.0 * pad) * 0.006;
            cc.draw_series(std::iter::once(PathElement::new(
                vec![(x, lo), (x, hi)],
                Paint::Mark(s).rgb().stroke_width(3),
            )))?;
            cc.draw_series([lo, hi].map(|y| {
                PathElement::new(
                    vec![(x - cap, y), (x + cap, y)],
                    Paint::Range(s).rgb().stroke_width(2),
                )
            }))?;
            continue;
        }
        let Some(y) = value(r, &axis.field) else {
            continue;
        };
        let y = tf(y);
        let shape = shapes
            .iter()
            .position(|v| *v == text(r, chart.shape.as_deref()))
            .unwrap_or(0);
        let style = Paint::Mark(s).rgb().filled();
        let size = (font * 0.3) as i32;
        let at = cc.backend_coord(&(x, y));
        let base = area.get_base_pixel();
        draw_marker(area, (at.0 - base.0, at.1 - base.1), shape, size, style)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    axis: &Axis,
    rows: &[&Row],
    categories: &[String],
    series: &[String],
    font: f64,
    width: u32,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let horizontal = chart.orientation == Orientation::Horizontal;
    let ns = series.len().max(1);
    // Value per (category, series).
    let mut cells: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for r in rows {
        let c = categories
            .iter()
            .position(|c| *c == text(r, Some(&chart.x.field)))
            .unwrap_or(0);
        let s = series
            .iter()
            .position(|s| *s == text(r, chart.series.as_deref()))
            .unwrap_or(0);
        if let Some(v) = value(r, &axis.field) {
            cells.insert((c, s), v);
        }
    }
    // Every bar end: each value, and for stacks each running total.
    let mut ends: Vec<f64> = cells.values().copied().collect();
    if chart.stacked {
        for c in 0..categories.len() {
            let mut acc = 0.0;
            for v in (0..ns).filter_map(|s| cells.get(&(c, s))) {
                acc += v;
                ends.push(acc);
            }
        }
    }
    let (vmin, vmax) = value_domain(
        ends.iter().copied().fold(0.0, f64::min),
        ends.iter().copied().fold(0.0, f64::max),
    );
    let tick_top = vmax.max(-vmin);
    let label_font = ("sans-serif", font * 0.9)
        .into_font()
        .color(&Paint::Ink.rgb());
    let longest = categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(4) as f64;
    let cat_area = if horizontal {
        (longest.min(if width < 500 { 16.0 } else { 30.0 }) * font * 0.55 + 12.0) as u32
    } else {
        (font * 4.6) as u32
    };
    let n = categories.len().max(1) as f64;
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_left(8)
        .margin_right((font * 3.2) as u32)
        .margin_top(6);
    if horizontal {
        builder
            .x_label_area_size((font * 3.2) as u32)
            .y_label_area_size(cat_area);
        let mut cc = builder.build_cartesian_2d(vmin..vmax, 0.0..n)?;
        let fmt = |v: &f64| tick(*v, tick_top);
        cc.configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .light_line_style(TRANSPARENT)
            .bold_line_style(Paint::Grid.rgb().stroke_width(1))
            .axis_style(Paint::Muted.rgb().stroke_width(1))
            .label_style(label_font.clone())
            .axis_desc_style(label_font.clone())
            .x_labels(5)
            .x_label_formatter(&fmt)
            .x_desc(axis_title(axis))
            .draw()?;
        let band = 0.76;
        for (c, name) in categories.iter().enumerate() {
            let top = n - c as f64 - (1.0 - band) / 2.0;
            let y_mid = n - c as f64 - 0.5;
            let mut acc = 0.0;
            for s in 0..ns {
                let Some(&v) = cells.get(&(c, s)) else {
                    continue;
                };
                let (y_hi, y_lo, x_lo, x_hi) = if chart.stacked {
                    (top, top - band, acc, acc + v)
                } else {
                    let h = band / ns as f64;
                    (top - h * s as f64, top - h * (s as f64 + 1.0), 0.0, v)
                };
                acc += v;
                cc.draw_series(std::iter::once(Rectangle::new(
                    [(x_lo, y_lo), (x_hi, y_hi)],
                    Paint::Mark(s as u8).rgb().filled(),
                )))?;
                if !chart.stacked {
                    let st = ("sans-serif", font * 0.8)
                        .into_font()
                        .color(&Paint::Ink.rgb())
                        .pos(Pos::new(HPos::Left, VPos::Center));
                    cc.draw_series(std::iter::once(Text::new(
                        format!(" {}", crate::model::format_number(v, None)),
                        (x_hi, (y_lo + y_hi) / 2.0),
                        st,
                    )))?;
                }
            }
            if chart.stacked {
                let st = ("sans-serif", font * 0.8)
                    .into_font()
                    .color(&Paint::Ink.rgb())
                    .pos(Pos::new(HPos::Left, VPos::Center));
                cc.draw_series(std::iter::once(Text::new(
                    format!(" {}", crate::model::format_number(acc, None)),
                    (acc, y_mid),
                    st,
                )))?;
            }
            let st = label_font.clone().pos(Pos::new(HPos::Right, VPos::Center));
            let label: String = if name.chars().count() > 30 {
                name.chars().take(29).collect::<String>() + "…"
            } else {
                name.clone()
            };
            let (px, py) = cc.backend_coord(&(0.0, y_mid));
            area.draw(&Text::new(
                label,
                (
                    px - 6 - area.get_base_pixel().0,
                    py - area.get_base_pixel().1,
                ),
                st,
            ))?;
        }
    } else {
        builder
            .x_label_area_size((font * 3.0) as u32)
            .y_label_area_size(cat_area);
        let mut cc = builder.build_cartesian_2d(0.0..n, vmin..vmax)?;
        let fmt = |v: &f64| tick(*v, tick_top);
        cc.configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .light_line_style(TRANSPARENT)
            .bold_line_style(Paint::Grid.rgb().stroke_width(1))
            .axis_style(Paint::Muted.rgb().stroke_width(1))
            .label_style(label_font.clone())
            .axis_desc_style(label_font.clone())
            .y_labels(6)
            .y_label_formatter(&fmt)
            .y_desc(axis_title(axis))
            .draw()?;
        let band = 0.76;
        for (c, name) in categories.iter().enumerate() {
            let left = c as f64 + (1.0 - band) / 2.0;
            let mut acc = 0.0;
            for s in 0..ns {
                let Some(&v) = cells.get(&(c, s)) else {
                    continue;
                };
                let (x_lo, x_hi, y_lo, y_hi) = if chart.stacked {
                    (left, left + band, acc, acc + v)
                } else {
                    let w = band / ns as f64;
                    (left + w * s as f64, left + w * (s as f64 + 1.0), 0.0, v)
                };
                acc += v;
                cc.draw_series(std::iter::once(Rectangle::new(
                    [(x_lo, y_lo), (x_hi, y_hi)],
                    Paint::Mark(s as u8).rgb().filled(),
                )))?;
                if !chart.stacked {
                    let st = ("sans-serif", font * 0.75)
                        .into_font()
                        .color(&Paint::Ink.rgb())
                        .pos(Pos::new(HPos::Center, VPos::Bottom));
                    cc.draw_series(std::iter::once(Text::new(
                        crate::model::format_number(v, None),
                        ((x_lo + x_hi) / 2.0, y_hi),
                        st,
                    )))?;
                }
            }
            let st = label_font.clone().pos(Pos::new(HPos::Center, VPos::Top));
            let (px, py) = cc.backend_coord(&(c as f64 + 0.5, 0.0));
            area.draw(&Text::new(
                name.clone(),
                (
                    px - area.get_base_pixel().0,
                    py + 6 - area.get_base_pixel().1,
                ),
                st,
            ))?;
        }
    }
    Ok(())
}

/// Replaces sentinel colours with classes, adds accessibility markup and a responsive viewBox.
fn restyle(svg: &str, chart: &Chart, size: Size) -> String {
    let uid = format!("{}-{}", chart.id, size.suffix());
    let mut out = String::with_capacity(svg.len() + 2048);
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + end + 1];
        out.push_str(&restyle_tag(tag));
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    // Root element: drop fixed width/height, keep the viewBox, add role and labels.
    let open_end = out.find('>').unwrap_or(0);
    let root = &out[..open_end];
    let view_box = root
        .split("viewBox=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0 0 760 470")
        .to_string();
    let esc = crate::render::markdown::escape_text;
    let new_root = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{view_box}\" class=\"fb-chart fb-chart-{}\" role=\"img\" aria-labelledby=\"t-{uid} d-{uid}\" font-family=\"DejaVu Sans, Verdana, sans-serif\"><title id=\"t-{uid}\">{}</title><desc id=\"d-{uid}\">{}</desc><style>{}</style><rect class=\"fb-bg\" width=\"100%\" height=\"100%\"/>",
        size.suffix(),
        esc(&chart.title),
        esc(chart.description.trim()),
        chart_css()
    );
    out.replace_range(..open_end + 1, &new_root);
    out.replace("font-family=\"sans-serif\" ", "")
}

/// The chart's own stylesheet: light colours by default, dark when the viewer prefers it. The site's
/// stylesheet overrides these through the same classes when the reader toggles the theme.
pub fn chart_css() -> String {
    let mut css = String::from(
        ".fb-chart{color:#1a1a1a}.fb-bg{fill:#fff}.fb-muted{color:#555}.fb-grid{color:#e2e2e2}",
    );
    for (i, c) in PALETTE_LIGHT.iter().enumerate() {
        let _ = write!(css, ".fb-s{i}{{color:{c}}}");
    }
    css.push_str("@media (prefers-color-scheme:dark){.fb-chart{color:#eee}.fb-bg{fill:#161616}.fb-muted{color:#b5b5b5}.fb-grid{color:#3a3a3a}");
    for (i, c) in PALETTE_DARK.iter().enumerate() {
        let _ = write!(css, ".fb-s{i}{{color:{c}}}");
    }
    css.push('}');
    css
}

/// The site stylesheet's overrides for a forced theme (`html[data-theme=dark]`).
pub fn theme_css() -> String {
    let mut css = String::from("html[data-theme=dark] .fb-chart{color:#eee}html[data-theme=dark] .fb-bg{fill:#161616}html[data-theme=dark] .fb-muted{color:#b5b5b5}html[data-theme=dark] .fb-grid{color:#3a3a3a}");
    for (i, c) in PALETTE_DARK.iter().enumerate() {
        let _ = write!(css, "html[data-theme=dark] .fb-s{i}{{color:{c}}}");
    }
    css.push_str("html[data-theme=light] .fb-chart{color:#1a1a1a}html[data-theme=light] .fb-bg{fill:#fff}html[data-theme=light] .fb-muted{color:#555}html[data-theme=light] .fb-grid{color:#e2e2e2}");
    for (i, c) in PALETTE_LIGHT.iter().enumerate() {
        let _ = write!(css, "html[data-theme=light] .fb-s{i}{{color:{c}}}");
    }
    css
}

fn restyle_tag(tag: &str) -> String {
    let mut classes: Vec<String> = Vec::new();
    let mut out = tag.to_string();
    for attr in ["fill", "stroke"] {
        let pat = format!("{attr}=\"#");
        if let Some(i) = out.find(&pat) {
            let hex = &out[i + pat.len()..i + pat.len() + 6];
            let class = match hex {
                "010101" => Some(String::new()),
                "010102" => Some("fb-muted".to_string()),
                "010103" => Some("fb-grid".to_string()),
                h if h.starts_with("0102") => Some(format!(
                    "fb-s{}",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                h if h.starts_with("0103") => Some(format!(
                    "fb-s{} fb-mark",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                h if h.starts_with("0104") => Some(format!(
                    "fb-s{} fb-range",
                    u8::from_str_radix(&h[4..], 16).unwrap_or(0)
                )),
                _ => None,
            };
            if let Some(class) = class {
                out.replace_range(
                    i..i + pat.len() + 6 + 1,
                    &format!("{attr}=\"currentColor\""),
                );
                for c in class.split_whitespace() {
                    if !classes.iter().any(|x| x == c) {
                        classes.push(c.to_string());
                    }
                }
            }
        }
    }
    out = out.replace(" opacity=\"1\"", "");
    if !classes.is_empty() {
        let at = out
            .find(|c: char| c.is_whitespace())
            .unwrap_or(out.len() - 1);
        out.insert_str(at, &format!(" class=\"{}\"", classes.join(" ")));
    }
    out
}

/// Where chart `id`'s PNG goes in the output (the social card of its pages).
pub fn png_path(id: &str) -> String {
    format!("charts/{id}.png")
}

/// Where the site's own card goes in the output.
pub const SITE_CARD_PATH: &str = "cards/site.png";

/// Names the way PNGs are drawn and encoded. It is part of the fingerprint a PNG records, so change
/// it whenever the rasterizer, the encoder settings or the bundled fonts change: PNGs kept from an
/// earlier build are then drawn again instead of reused.
const PNG_FORMAT: &str = "fieldbook png 1: resvg 0.45, DejaVu Sans 2.37, RGB, Paeth, fast deflate";

/// The PNG text chunk keyword under which a PNG records the fingerprint of its SVG.
const SOURCE_KEYWORD: &str = "fieldbook-source";

/// Rasterizes an SVG to PNG at its viewBox size with the bundled font: the same bytes everywhere.
/// The PNG records a fingerprint of `svg` (and of [`PNG_FORMAT`]); when `previous` (the same
/// file from the last build) records the same one, it is returned as it is instead of being drawn
/// again, which is most of the cost of a chart.
pub fn png(svg: &str, previous: Option<Vec<u8>>) -> Result<Vec<u8>, String> {
    let key = source_key(svg);
    if let Some(bytes) = previous {
        if recorded_source(&bytes).as_deref() == Some(key.as_str()) {
            return Ok(bytes);
        }
    }
    rasterize(svg, &key)
}

fn source_key(svg: &str) -> String {
    crate::fingerprint::Hasher::new()
        .str(PNG_FORMAT)
        .str(svg)
        .finish()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The fingerprint a PNG written by [`png`] records, if the file is whole: every chunk's length
/// fits and it ends with `IEND`.
fn recorded_source(png: &[u8]) -> Option<String> {
    let mut rest = png.strip_prefix(b"\x89PNG\r\n\x1a\n".as_slice())?;
    let mut source = None;
    loop {
        let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let kind = rest.get(4..8)?;
        let data = rest.get(8..8 + len)?;
        rest = rest.get(12 + len..)?;
        if kind == b"tEXt" {
            if let Some(value) = data.strip_prefix(format!("{SOURCE_KEYWORD}\0").as_bytes()) {
                source = Some(String::from_utf8(value.to_vec()).ok()?);
            }
        }
        if kind == b"IEND" {
            return if rest.is_empty() { source } else { None };
        }
    }
}

fn rasterize(svg: &str, key: &str) -> Result<Vec<u8>, String> {
    use resvg::{tiny_skia, usvg};
    // The bundled fonts are parsed once per process and shared by every PNG.
    static FONTS: std::sync::OnceLock<std::sync::Arc<usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(include_bytes!("../assets/DejaVuSans.ttf").to_vec());
        db.load_font_data(include_bytes!("../assets/DejaVuSans-Bold.ttf").to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        std::sync::Arc::new(db)
    });
    let options = usvg::Options {
        fontdb: std::sync::Arc::clone(fonts),
        font_family: "DejaVu Sans".to_string(),
        ..usvg::Options::default()
    };
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|e| format!("cannot read the SVG: {e}"))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("empty chart")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode_png(&pixmap, key).map_err(|e| format!("cannot encode PNG: {e}"))
}

/// Encodes a rendered chart. Charts and cards paint an opaque background, so they are written as RGB
/// with the Paeth filter and fast deflate: about 1.5 ms and 110 KB for a 1200x630 chart, where
/// tiny-skia's RGBA encoder took 6 ms for 180 KB. A pixmap with any transparency keeps RGBA (its
/// colours un-premultiplied). `source` is recorded in a text chunk.
fn encode_png(pixmap: &resvg::tiny_skia::Pixmap, source: &str) -> Result<Vec<u8>, String> {
    let opaque = pixmap.data().chunks_exact(4).all(|p| p[3] == 255);
    let (color, pixels): (png::ColorType, Vec<u8>) = if opaque {
        let rgb = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        (png::ColorType::Rgb, rgb)
    } else {
        let rgba = pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        (png::ColorType::Rgba, rgba)
    };
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder
        .add_text_chunk(SOURCE_KEYWORD.to_string(), source.to_string())
        .map_err(|e| e.to_string())?;
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// The first `n` lines; an ellipsis ends the last one when text was left out.
fn at_most(mut lines: Vec<String>, n: usize) -> Vec<String> {
    if lines.len() > n {
        lines.truncate(n);
        if let Some(last) = lines.last_mut() {
            last.push('\u{2026}');
        }
    }
    lines
}

/// A 1200x630 title card for link previews of pages that have no chart of their own.
/// `previous` is the card of the last build, reused when it was drawn from the same text.
pub fn card_png(
    title: &str,
    subtitle: &str,
    previous: Option<Vec<u8>>,
) -> Result<Vec<u8>, crate::diag::Diagnostic> {
    let esc = crate::render::markdown::escape_text;
    let mut lines = String::new();
    for (i, line) in at_most(wrap(title, 1040, 60.0 / 1.1), 3).iter().enumerate() {
        let _ = write!(
            lines,
            "<text x=\"80\" y=\"{}\" font-size=\"60\" font-weight=\"bold\" fill=\"#111\">{}</text>",
            200 + i * 74,
            esc(line)
        );
    }
    for (i, line) in at_most(wrap(subtitle, 1040, 30.0), 3).iter().enumerate() {
        let _ = write!(
            lines,
            "<text x=\"80\" y=\"{}\" font-size=\"30\" fill=\"#333\">{}</text>",
            450 + i * 42,
            esc(line)
        );
    }
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1200 630\" width=\"1200\" height=\"630\" font-family=\"DejaVu Sans\"><rect width=\"1200\" height=\"630\" fill=\"#f7f4ee\"/><rect width=\"24\" height=\"630\" fill=\"#0072B2\"/>{lines}</svg>"
    );
    png(&svg, previous).map_err(|e| {
        crate::diag::Diagnostic::error("book.toml", 0, 0, format!("cannot draw the site card: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 40 20\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#fff\"/><rect width=\"10\" height=\"20\" fill=\"#0072B2\"/></svg>";

    #[test]
    fn a_png_records_its_source_and_is_reused_only_while_it_matches() {
        let fresh = png(SVG, None).unwrap();
        assert_eq!(recorded_source(&fresh), Some(source_key(SVG)));
        // Reused as it is when drawn from the same SVG.
        assert_eq!(png(SVG, Some(fresh.clone())).unwrap(), fresh);
        // Drawn again for another SVG: the same bytes as a fresh build of that SVG.
        let other = SVG.replace("#0072B2", "#D55E00");
        let redrawn = png(&other, Some(fresh.clone())).unwrap();
        assert_ne!(redrawn, fresh);
        assert_eq!(redrawn, png(&other, None).unwrap());
        // A truncated or foreign file is never reused.
        let cut = fresh[..fresh.len() - 4].to_vec();
        assert_eq!(png(SVG, Some(cut)).unwrap(), fresh);
        assert_eq!(png(SVG, Some(b"not a png".to_vec())).unwrap(), fresh);
    }

    #[test]
    fn a_card_line_cut_short_ends_with_an_ellipsis() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(at_most(lines(&["a", "b"]), 3), lines(&["a", "b"]));
        assert_eq!(
            at_most(lines(&["a", "b", "c", "d"]), 3),
            lines(&["a", "b", "c\u{2026}"])
        );
    }

    #[test]
    fn an_opaque_chart_is_encoded_as_rgb() {
        let bytes = png(SVG, None).unwrap();
        // IHDR: width, height, bit depth 8, colour type 2 (RGB).
        assert_eq!(&bytes[12..16], b"IHDR");
        assert_eq!((bytes[24], bytes[25]), (8, 2));
        let transparent = SVG.replace("fill=\"#fff\"", "fill=\"none\"");
        let bytes = png(&transparent, None).unwrap();
        assert_eq!((bytes[24], bytes[25]), (8, 6));
    }
}
