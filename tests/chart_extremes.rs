//! Charts of awkward numbers: negative values, values that differ by many orders of magnitude, and
//! values too small to label. Every drawn coordinate must stay inside the SVG's viewBox, and what
//! cannot be drawn is refused at its dataset row (the `chart_numbers` fuzz target found a negative
//! value under a subnormal axis that overflowed plotters' pixel arithmetic).

use fieldbook::model::{Cell, Chart, Dataset, Row};
use fieldbook::render::chart::{self, Size};
use quick_xml::events::Event;

const DATASET: &str = "id: d\ntitle: D\ndescription: D.\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: value, title: Value, type: number}\n  - {name: group, title: Group, type: text}\nrows: []\n";

fn chart(kind: &str, extra: &str) -> Chart {
    let yaml = format!("id: c\ntitle: C\ndescription: C.\nkind: {kind}\ndataset: d\nx:\n  field: year\n  title: Year\ny:\n  field: value\n  title: Value\n{extra}");
    let mut c: Chart = serde_yaml::from_str(&yaml).expect("chart spec loads");
    c.origin = fieldbook::model::Origin {
        path: "content/charts/c.yaml".into(),
        line: 1,
        col: 5,
    };
    c
}

fn dataset(rows: &[(i64, f64, &str)]) -> Dataset {
    let mut d = fieldbook::load::parse_dataset_text(DATASET).expect("dataset loads");
    for (i, (year, value, group)) in rows.iter().enumerate() {
        let mut row = Row::new();
        row.insert("year".into(), Cell::Int(*year));
        row.insert("value".into(), Cell::Num(*value));
        row.insert("group".into(), Cell::Text(group.to_string()));
        d.rows.push(row);
        d.row_lines.push(i + 10);
    }
    d
}

/// Every number in a coordinate attribute, with the viewBox's width and height.
fn coordinates(svg: &str) -> ((f64, f64), Vec<(String, f64)>) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut view = (0.0, 0.0);
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("the SVG parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes().flatten() {
                    let key = String::from_utf8_lossy(a.key.as_ref()).to_string();
                    let value = String::from_utf8_lossy(&a.value).to_string();
                    let numbers = || {
                        value
                            .split(|c: char| c == ',' || c == ' ' || c.is_ascii_alphabetic())
                            .filter_map(|n| n.parse::<f64>().ok())
                            .collect::<Vec<_>>()
                    };
                    match key.as_str() {
                        "viewBox" => {
                            let n = numbers();
                            view = (n[2], n[3]);
                        }
                        "x" | "y" | "x1" | "x2" | "y1" | "y2" | "cx" | "cy" | "points" | "d" => {
                            found.extend(numbers().into_iter().map(|n| (key.clone(), n)))
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    (view, found)
}

/// The attributes of each element whose class contains `class`, in drawing order.
fn elements(svg: &str, class: &str) -> Vec<std::collections::HashMap<String, f64>> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut found = Vec::new();
    loop {
        match reader.read_event().expect("the SVG parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs: Vec<(String, String)> = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.as_ref()).to_string(),
                            String::from_utf8_lossy(&a.value).to_string(),
                        )
                    })
                    .collect();
                let classes = attrs
                    .iter()
                    .find(|(k, _)| k == "class")
                    .map(|(_, v)| v.clone());
                if classes.is_some_and(|v| v.split(' ').any(|c| c == class)) {
                    found.push(
                        attrs
                            .into_iter()
                            .filter_map(|(k, v)| Some((k, v.parse::<f64>().ok()?)))
                            .collect(),
                    );
                }
            }
            _ => {}
        }
    }
    found
}

/// Each mark stands where its value says: line vertices on the marks' centres, a smaller value never
/// above a larger one, bar lengths in proportion to the values.
fn assert_faithful(c: &Chart, svg: &str, values: &[f64]) {
    let marks = elements(svg, "fb-mark");
    assert_eq!(marks.len(), values.len(), "one mark per value");
    if c.kind == fieldbook::model::ChartKind::Bar {
        let horizontal = c.orientation == fieldbook::model::Orientation::Horizontal;
        let length = |m: &std::collections::HashMap<String, f64>| {
            m[if horizontal { "width" } else { "height" }]
        };
        // Pixels per unit from the longest bar; every bar within 2 px (rounding) of its share.
        let (longest, top) = marks
            .iter()
            .zip(values)
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .expect("a mark");
        let per_unit = if *top == 0.0 {
            0.0
        } else {
            length(longest) / top.abs()
        };
        for (m, v) in marks.iter().zip(values) {
            assert!(
                (length(m) - v.abs() * per_unit).abs() <= 2.0,
                "a bar of {v} is {} long; one of {top} is {}",
                length(m),
                length(longest)
            );
        }
        return;
    }
    let centres: Vec<(f64, f64)> = marks.iter().map(|m| (m["cx"], m["cy"])).collect();
    for (a, va) in centres.iter().zip(values) {
        for (b, vb) in centres.iter().zip(values) {
            if va < vb {
                assert!(
                    a.1 > b.1,
                    "{va} is drawn at y={}, above {vb} at y={}",
                    a.1,
                    b.1
                );
            }
        }
    }
    if c.kind == fieldbook::model::ChartKind::Line && c.series.is_none() {
        let mut reader = quick_xml::Reader::from_str(svg);
        let mut vertices = Vec::new();
        loop {
            match reader.read_event().expect("the SVG parses") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    let get = |k: &str| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == k.as_bytes())
                            .map(|a| String::from_utf8_lossy(&a.value).to_string())
                    };
                    if get("class").as_deref() == Some("fb-s0") {
                        if let Some(points) = get("points") {
                            vertices.extend(points.split_whitespace().map(|p| {
                                let (x, y) = p.split_once(',').expect("x,y");
                                (x.parse::<f64>().unwrap(), y.parse::<f64>().unwrap())
                            }));
                        }
                    }
                }
                _ => {}
            }
        }
        assert_eq!(vertices, centres, "the line passes through the marks");
    }
}

fn assert_inside(c: &Chart, d: &Dataset) {
    assert!(
        fieldbook::validate::index::chart_data_problems(c, d).is_empty(),
        "these values can be drawn"
    );
    for size in [Size::Wide, Size::Medium, Size::Narrow, Size::Card] {
        let svg = chart::svg(c, d, size, "Source: test.").expect("the chart draws");
        let values: Vec<f64> = d
            .rows
            .iter()
            .filter_map(|r| r.get("value")?.as_f64())
            .collect();
        assert_faithful(c, &svg, &values);
        let ((w, h), found) = coordinates(&svg);
        assert!(w > 0.0 && h > 0.0);
        for (attribute, n) in found {
            assert!(
                (-1.0..=w.max(h) + 1.0).contains(&n),
                "{:?} {size:?}: {attribute}={n} lies outside the {w}x{h} viewBox",
                c.kind
            );
        }
    }
}

#[test]
fn negative_values_are_drawn_inside_the_chart() {
    let rows = [
        (2000, 5.0, "a"),
        (2001, -300.0, "a"),
        (2002, 12.5, "b"),
        (2003, -0.5, "b"),
    ];
    for kind in ["line", "bar", "points"] {
        assert_inside(&chart(kind, ""), &dataset(&rows));
        assert_inside(&chart(kind, "series: group\n"), &dataset(&rows));
    }
    assert_inside(&chart("bar", "orientation: horizontal\n"), &dataset(&rows));
    assert_inside(
        &chart("bar", "stacked: true\nseries: group\n"),
        &dataset(&[(2000, 5.0, "a"), (2000, -9.0, "b"), (2001, -3.0, "a")]),
    );
}

#[test]
fn only_negative_or_only_zero_values_still_make_an_axis() {
    for kind in ["line", "bar", "points"] {
        assert_inside(
            &chart(kind, ""),
            &dataset(&[(2000, -5.0, "a"), (2001, -7.0, "a")]),
        );
        assert_inside(
            &chart(kind, ""),
            &dataset(&[(2000, 0.0, "a"), (2001, 0.0, "a")]),
        );
    }
}

#[test]
fn values_far_apart_in_size_stay_inside() {
    let rows = [(2000, 0.000002, "a"), (0, 1e15, "a"), (-23388, -1e15, "a")];
    for kind in ["line", "bar", "points"] {
        assert_inside(&chart(kind, ""), &dataset(&rows));
    }
}

#[test]
fn a_value_too_small_to_label_is_refused_at_its_row() {
    // The fuzz input: a subnormal value, and a negative one far below the axis it made.
    let d = dataset(&[
        (2000, 1.6578092117e-313, "a"),
        (0, 2.0237e-320, "a"),
        (-23388, -3.635361573763388e-132, "a"),
    ]);
    for kind in ["line", "bar", "points"] {
        let c = chart(kind, "");
        let problems = fieldbook::validate::index::chart_data_problems(&c, &d);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [10, 11, 12], "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.message.contains("too small to chart")));
        assert!(chart::svg(&c, &d, Size::Wide, "Source: test.").is_err());
    }
}

/// A bar chart's categories from a year column read as the dataset's table shows them: 2022, not
/// "2,022" (integers elsewhere keep their thousands separators).
#[test]
fn bar_categories_from_a_year_column_have_no_thousands_separator() {
    let d = dataset(&[(2022, 310.0, "a"), (2023, 342.0, "a")]);
    for size in [Size::Wide, Size::Narrow] {
        let svg = chart::svg(&chart("bar", ""), &d, size, "Source: S.").unwrap();
        assert!(
            svg.contains("\n2022\n") && svg.contains("\n2023\n"),
            "{svg}"
        );
        assert!(!svg.contains("2,022"), "{svg}");
    }
}
