//! Line and point panels: x is a number (such as a year), y a value on a linear or log axis. A row
//! with a low–high range is drawn as a range bar with caps; a row with a value as a marker (its shape
//! from the `shape` field), with an arrow when the value is open ("more than"); lines join each
//! series' values, under the marks, and break at a blank and at a series break. On a points chart,
//! marks at the same x are set apart sideways.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::annotate::{broken_between, draw_breaks, draw_open, draw_open_labels, OpenMark};
use super::axis::{axis_title, house_style, tick, value_domain, x_label_count};
use super::marker::draw_marker;
use super::style::Paint;
use super::text::wrap_bold;
use super::{distinct, position, range, value, Coords, Plot};
use crate::model::{Axis, ChartKind, Row};

/// Which titles a panel shows.
pub(super) struct Titles {
    /// The x axis's title, under the last panel only.
    pub(super) x_axis: bool,
    /// The value axis's title above the panel (charts of several panels), instead of beside it.
    pub(super) panel: bool,
    /// The first panel, which labels the series breaks.
    pub(super) first: bool,
}

/// A panel's coordinate ranges.
struct Scale {
    /// Whether the value axis is logarithmic (its coordinates are then log10 of the values).
    log: bool,
    /// The smallest and largest x.
    x: (f64, f64),
    /// Room left and right of the x values.
    pad: f64,
    /// The value axis, in coordinates.
    y: (f64, f64),
}

impl Scale {
    fn new(plot: &Plot, axis: &Axis) -> Scale {
        let log = axis.scale.as_deref() == Some("log");
        let xs: Vec<f64> = plot
            .rows
            .iter()
            .filter_map(|r| value(r, &plot.chart.x.field))
            .collect();
        let (mut x0, mut x1) = xs
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &x| (a.min(x), b.max(x)));
        if xs.is_empty() {
            (x0, x1) = (0.0, 1.0);
        }
        let pad = ((x1 - x0) * 0.04).max(0.6);
        let ys: Vec<f64> = plot
            .rows
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
        let mut scale = Scale {
            log,
            x: (x0, x1),
            pad,
            y: (0.0, 0.0),
        };
        scale.y = if log {
            (
                scale.y(ymin.max(1.0)).floor(),
                scale.y(ymax).ceil().max(1.0),
            )
        } else {
            value_domain(ymin, ymax)
        };
        scale
    }

    /// A value's y coordinate: on a log axis its log10 (values under 1 at 1).
    fn y(&self, v: f64) -> f64 {
        if self.log {
            v.max(1.0).log10()
        } else {
            v
        }
    }

    /// Half the width of a range's caps.
    fn cap(&self) -> f64 {
        (self.x.1 - self.x.0 + 2.0 * self.pad) * 0.006
    }
}

/// Draws one line or points panel for the value axis `axis`.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &Plot,
    axis: &Axis,
    titles: Titles,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let scale = Scale::new(plot, axis);
    let mut cc = draw_axes(area, plot, axis, &scale, &titles)?;
    draw_breaks(area, &cc, plot, scale.y, titles.first)?;
    if plot.chart.kind == ChartKind::Line {
        draw_lines(&mut cc, plot, axis, &scale)?;
    }
    draw_marks(area, &mut cc, plot, axis, &scale)
}

/// The coordinates, the mesh with its tick labels and titles, and the panel's own title.
fn draw_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    plot: &Plot,
    axis: &Axis,
    scale: &Scale,
    titles: &Titles,
) -> Result<Coords<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (font, log) = (plot.font, scale.log);
    let ((x0, x1), (y0, y1), pad) = (scale.x, scale.y, scale.pad);
    // A panel's title, wrapped to the chart's width, sits above its plot.
    let panel_title = if titles.panel {
        wrap_bold(&axis_title(axis), plot.width, font / 1.24)
    } else {
        Vec::new()
    };
    let title_height = panel_title.len() as f64 * font * 1.2;
    let mut cc = ChartBuilder::on(area)
        .margin_left(8)
        .margin_right((font * 1.5) as u32)
        .margin_top(if titles.panel {
            (title_height + font * 0.6) as u32
        } else {
            6
        })
        .x_label_area_size((font * if titles.x_axis { 3.2 } else { 1.8 }) as u32)
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
    house_style(&mut mesh, font);
    mesh.disable_x_mesh()
        .y_labels(if log { (y1 - y0) as usize + 1 } else { 6 })
        .x_labels(x_label_count(plot.width, font))
        .y_label_formatter(&y_fmt)
        .x_label_formatter(&x_fmt);
    if !titles.panel {
        mesh.y_desc(axis_title(axis));
    }
    if titles.x_axis {
        mesh.x_desc(axis_title(&plot.chart.x));
    }
    mesh.draw()?;
    let st = ("sans-serif", font)
        .into_font()
        .style(FontStyle::Bold)
        .color(&Paint::Ink.rgb());
    for (k, line) in panel_title.into_iter().enumerate() {
        area.draw(&Text::new(
            line,
            (12, 2 + (k as f64 * font * 1.2) as i32),
            st.clone(),
        ))?;
    }
    Ok(cc)
}

/// One line per series (one line when there are no series) through its values, in pieces: a row
/// with a blank value ends a piece (a blank is never bridged), and so does a series break.
fn draw_lines<DB: DrawingBackend>(
    cc: &mut Coords<DB>,
    plot: &Plot,
    axis: &Axis,
    scale: &Scale,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    for i in 0..plot.series.len().max(1) {
        let rows = plot
            .rows
            .iter()
            .filter(|r| plot.series.is_empty() || series_of(plot, r) == i);
        for piece in pieces(plot, rows, axis, scale) {
            cc.draw_series(std::iter::once(PathElement::new(
                piece,
                Paint::Series(i as u8).rgb().stroke_width(2),
            )))?;
        }
    }
    Ok(())
}

/// The runs of a series' points that a line may join, each of at least two points.
fn pieces<'r>(
    plot: &Plot,
    rows: impl Iterator<Item = &'r &'r Row>,
    axis: &Axis,
    scale: &Scale,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
    for r in rows {
        let Some(x) = value(r, &plot.chart.x.field) else {
            continue;
        };
        let last = out.last().and_then(|p| p.last()).map(|p| p.0);
        let point = value(r, &axis.field).map(|v| (x, scale.y(v)));
        let joined = point.is_some() && last.is_none_or(|l| !broken_between(plot, l, x));
        if !joined && out.last().is_some_and(|p| !p.is_empty()) {
            out.push(Vec::new());
        }
        if let (Some(p), Some(piece)) = (point, out.last_mut()) {
            piece.push(p);
        }
    }
    out.retain(|p| p.len() > 1);
    out
}

/// A mark per row: a range bar where the row has a range, else a marker at its value.
fn draw_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cc: &mut Coords<DB>,
    plot: &Plot,
    axis: &Axis,
    scale: &Scale,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let chart = plot.chart;
    let shapes = distinct(plot.columns, plot.rows, chart.shape.as_deref());
    let size = (plot.font * 0.3) as i32;
    let base = area.get_base_pixel();
    let offsets = jitter(plot, axis, cc);
    let mut open = Vec::new();
    for (r, dx) in plot.rows.iter().zip(offsets) {
        let Some(x0) = value(r, &chart.x.field) else {
            continue;
        };
        let x = x0 + dx;
        let s = series_of(plot, r) as u8;
        if let Some((lo, hi)) = range(r, axis) {
            draw_range(cc, x, (scale.y(lo), scale.y(hi)), s, scale.cap())?;
            super::tips::record(plot, r, axis);
            continue;
        }
        let Some(y) = value(r, &axis.field) else {
            continue;
        };
        let shape = position(plot.columns, &shapes, r, chart.shape.as_deref());
        let style = Paint::Mark(s).rgb().filled();
        let at = cc.backend_coord(&(x, scale.y(y)));
        let at = (at.0 - base.0, at.1 - base.1);
        draw_marker(area, at, shape, size, style)?;
        super::tips::record(plot, r, axis);
        if let Some(dir) = chart.open_of(r) {
            let mark = OpenMark {
                key: (x0.to_bits(), y.to_bits(), dir == crate::model::Open::Above),
                at,
                value: y,
                dir,
            };
            draw_open(area, &mark, s, size, plot.font)?;
            open.push(mark);
        }
    }
    draw_open_labels(area, &open, size, plot.font)
}

/// A range at `x` from `lo` to `hi` (coordinates) in series `s`: a bar with a cap at each end.
fn draw_range<DB: DrawingBackend>(
    cc: &mut Coords<DB>,
    x: f64,
    (lo, hi): (f64, f64),
    s: u8,
    cap: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
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
    Ok(())
}

/// The row's series number (0 when the chart has no series).
fn series_of(plot: &Plot, row: &Row) -> usize {
    position(plot.columns, plot.series, row, plot.chart.series.as_deref())
}

/// Each row's sideways shift, in x units: on a points chart, the marks drawn at the same x are set
/// a marker's width apart around it, in row order, so equal values stay apart; a lone mark stays on
/// its x. Lines are never shifted.
fn jitter<DB: DrawingBackend>(plot: &Plot, axis: &Axis, cc: &Coords<DB>) -> Vec<f64> {
    let x_of = |r: &Row| value(r, &plot.chart.x.field);
    let drawn = |r: &Row| value(r, &axis.field).is_some() || range(r, axis).is_some();
    if plot.chart.kind != ChartKind::Points {
        return vec![0.0; plot.rows.len()];
    }
    let x0 = plot.rows.iter().find_map(|r| x_of(r)).unwrap_or(0.0);
    let per_unit = (cc.backend_coord(&(x0 + 1.0, 0.0)).0 - cc.backend_coord(&(x0, 0.0)).0) as f64;
    let step = if per_unit > 0.0 {
        plot.font * 0.9 / per_unit
    } else {
        0.0
    };
    plot.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let Some(x) = x_of(r).filter(|_| drawn(r)) else {
                return 0.0;
            };
            let same = |o: &&&Row| drawn(o) && x_of(o) == Some(x);
            let n = plot.rows.iter().filter(same).count() as f64;
            let rank = plot.rows[..i].iter().filter(same).count() as f64;
            (rank - (n - 1.0) / 2.0) * step
        })
        .collect()
}
