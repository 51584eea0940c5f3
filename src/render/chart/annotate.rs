//! Annotations on line and point panels: series breaks (a dashed vertical mark with its label where
//! the data change source or basis; lines do not join across it) and open values (a value printed
//! as "more than" or "less than": an arrow from its mark and a "> 30,000" label).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::Paint;
use super::text::CHAR_W;
use super::{value, Coords, Plot};
use crate::model::{format_number, Chart, Open, Row};

/// Each break's x coordinate and label: halfway between `at` and the last x before it (so the mark
/// stands between the two bases), for breaks with drawn x values on both sides.
pub(super) fn break_positions<'a>(chart: &'a Chart, rows: &[&Row]) -> Vec<(f64, &'a str)> {
    let xs: Vec<f64> = rows
        .iter()
        .filter_map(|r| value(r, &chart.x.field))
        .collect();
    chart
        .breaks
        .iter()
        .filter_map(|b| {
            let before = xs.iter().copied().filter(|x| *x < b.at).reduce(f64::max)?;
            xs.iter()
                .any(|x| *x >= b.at)
                .then_some(((before + b.at) / 2.0, b.label.as_str()))
        })
        .collect()
}

/// Whether a break lies between x values `a` and `b`, so a line must not join them.
pub(super) fn broken_between(plot: &Plot, a: f64, b: f64) -> bool {
    let (lo, hi) = (a.min(b), a.max(b));
    plot.breaks.iter().any(|(x, _)| lo < *x && *x < hi)
}

/// The directions of the open values among the chart's rows, "more than" first.
pub(super) fn open_kinds(plot: &Plot) -> Vec<Open> {
    [Open::Above, Open::Below]
        .into_iter()
        .filter(|d| plot.rows.iter().any(|r| plot.chart.open_of(r) == Some(*d)))
        .collect()
}

/// A dashed vertical line at each break, from the top of the panel to its axis, and (on the first
/// panel) its label at the top, right of the line or left of it near the right edge; a label that
/// would overlap an earlier one goes a line lower.
pub(super) fn draw_breaks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cc: &Coords<DB>,
    plot: &Plot,
    (y0, y1): (f64, f64),
    labelled: bool,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let base = area.get_base_pixel();
    let (w, _) = area.dim_in_pixel();
    let font = plot.font * super::SMALL_TEXT;
    let style = ("sans-serif", font).into_font().color(&Paint::Muted.rgb());
    // Each label's x extent and its first and last line.
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for (x, label) in &plot.breaks {
        let top = cc.backend_coord(&(*x, y1));
        let bottom = cc.backend_coord(&(*x, y0));
        let px = top.0 - base.0;
        let mut y = top.1 - base.1;
        while y < bottom.1 - base.1 {
            let end = (y + 5).min(bottom.1 - base.1);
            area.draw(&PathElement::new(
                vec![(px, y), (px, end)],
                Paint::Muted.rgb().stroke_width(2),
            ))?;
            y += 9;
        }
        if labelled {
            let left_edge = cc.plotting_area().get_pixel_range().0.start - base.0;
            let lines = break_label_lines(label, px, (left_edge, w as i32 - 4), font);
            let width = lines
                .iter()
                .map(|l| (l.chars().count() as f64 * font / 1.24 * CHAR_W) as i32)
                .max()
                .unwrap_or(0);
            let lx = if px + 5 + width < w as i32 - 4 {
                px + 5
            } else {
                (px - 5 - width).max(left_edge.max(2))
            };
            let tall = lines.len() as i32;
            let row = (0..)
                .find(|r| {
                    !placed.iter().any(|&(a, b, first, last)| {
                        first < r + tall && *r <= last && lx < b + 6 && a < lx + width + 6
                    })
                })
                .unwrap_or(0);
            placed.push((lx, lx + width, row, row + tall - 1));
            for (k, line) in lines.into_iter().enumerate() {
                let y = top.1 - base.1 + 2 + (row + k as i32) * (font * 1.1) as i32;
                area.draw(&Text::new(line, (lx, y), style.clone()))?;
            }
        }
    }
    Ok(())
}

/// A break's label in lines that fit on the roomier side of its line at `px`, between the plot's
/// left edge and the chart's right edge (`left`, `right`).
fn break_label_lines(label: &str, px: i32, (left, right): (i32, i32), font: f64) -> Vec<String> {
    let room = (right - px - 5).max(px - 5 - left).max(0);
    super::text::wrap(label, (room + 24) as u32, font / 1.24)
}

/// An arrow of `len` pixels from `from` (area pixels), up for "more than", down for "less than",
/// in `paint`: a shaft and a filled head.
pub(super) fn draw_arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    dir: Open,
    len: i32,
    paint: Paint,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let sign = if dir == Open::Above { -1 } else { 1 };
    let tip = y + sign * len;
    area.draw(&PathElement::new(
        vec![(x, y), (x, tip - sign * 4)],
        paint.rgb().stroke_width(2),
    ))?;
    area.draw(&Polygon::new(
        vec![(x, tip), (x - 4, tip - sign * 6), (x + 4, tip - sign * 6)],
        paint.rgb().filled(),
    ))
}

/// An open value as drawn: where its mark stands, for its arrow and its group's label.
pub(super) struct OpenMark {
    /// The value's x and y in data (the group a label is shared by).
    pub(super) key: (u64, u64, bool),
    /// The mark's centre, in area pixels.
    pub(super) at: (i32, i32),
    /// The value.
    pub(super) value: f64,
    /// Which way it is open.
    pub(super) dir: Open,
}

/// The arrow of an open value drawn at `m.at` in series `s`, with room for a marker of size `r`.
pub(super) fn draw_open<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &OpenMark,
    s: u8,
    r: i32,
    font: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let sign = if m.dir == Open::Above { -1 } else { 1 };
    let from = (m.at.0, m.at.1 + sign * (r + 2));
    draw_arrow(area, from, m.dir, (font * 1.5) as i32, Paint::Series(s))
}

/// One label per group of open marks with the same x, value and direction ("> 30,000"), beside the
/// group's arrows: right of the rightmost, or left of the leftmost near the panel's right edge. On a
/// narrow chart two groups can be close: a label that would cover an earlier one with the same text
/// is left out (that one says it), and a different text moves down a line until it is clear.
pub(super) fn draw_open_labels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    marks: &[OpenMark],
    r: i32,
    font: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let (w, _) = area.dim_in_pixel();
    let size = font * super::SMALL_TEXT;
    let style = ("sans-serif", size).into_font().color(&Paint::Ink.rgb());
    let mut done: Vec<(u64, u64, bool)> = Vec::new();
    let mut drawn: Vec<(String, [i32; 4])> = Vec::new();
    let line = (size / 1.24 * 1.2) as i32;
    for m in marks {
        if done.contains(&m.key) {
            continue;
        }
        done.push(m.key);
        let group: Vec<&OpenMark> = marks.iter().filter(|o| o.key == m.key).collect();
        let right = group.iter().map(|o| o.at.0).max().unwrap_or(m.at.0);
        let left = group.iter().map(|o| o.at.0).min().unwrap_or(m.at.0);
        let sign = if m.dir == Open::Above { "> " } else { "< " };
        let text = format!("{sign}{}", format_number(m.value, None));
        let width = (text.chars().count() as f64 * size / 1.24 * CHAR_W) as i32;
        let x = if right + r + 4 + width < w as i32 - 2 {
            right + r + 4
        } else {
            (left - r - 4 - width).max(2)
        };
        let shaft = (font * 1.5) as i32 / 2 + r;
        let y = if m.dir == Open::Above {
            m.at.1 - shaft
        } else {
            m.at.1 + shaft
        };
        let half = (size / 1.24 / 2.0) as i32;
        let mut top = y - half - 2;
        let hits = |top: i32, drawn: &[(String, [i32; 4])]| {
            drawn
                .iter()
                .find(|(_, b)| x < b[2] && b[0] < x + width && top < b[3] && b[1] < top + line)
                .map(|(t, _)| t.clone())
        };
        let mut tries = 0;
        while let Some(other) = hits(top, &drawn) {
            if other == text || tries == 3 {
                break;
            }
            top += line;
            tries += 1;
        }
        if hits(top, &drawn).is_some() {
            continue;
        }
        drawn.push((text.clone(), [x, top, x + width, top + line]));
        area.draw(&Text::new(text, (x, top), style.clone()))?;
    }
    Ok(())
}
