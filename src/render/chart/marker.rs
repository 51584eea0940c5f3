//! Marker shapes for points and for the legend's `shape` entries, each drawn as one element so a
//! value is one `fb-mark`.

use plotters::coord::Shift;
use plotters::prelude::*;

/// Draws marker shape `k` (circle, triangle, square, diamond, plus) centred on a pixel position.
pub(super) fn draw_marker<DB: DrawingBackend>(
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
        _ => area.draw(&(EmptyElement::at(at) + Polygon::new(plus(r + 1, 2), style))),
    }
}

/// The outline of a plus with arms `a` from the centre and half-thickness `t`.
fn plus(a: i32, t: i32) -> Vec<(i32, i32)> {
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
    ]
}
