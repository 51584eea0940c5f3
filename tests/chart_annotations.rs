//! What a chart says beyond its marks: a blank breaks a line (never bridged), a series break is a
//! labelled mark the line does not cross and a note, the notes travel inside the SVG, an open value
//! ("more than 30,000") gets an arrow and a "> 30,000" label, a lone mark on a points chart stands
//! on its x; and bad `breaks` or `open` fields fail the build at their file:line:col.

mod common;

use std::collections::HashMap;

use common::{build, fixture};
use fieldbook::model::{Cell, Chart, Dataset, Row};
use fieldbook::render::chart::{self, Caption, Size};
use quick_xml::events::Event;

const DATASET: &str = "id: d\ntitle: D\ndescription: D.\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: value, title: Value, type: number}\n  - {name: group, title: Group, type: text}\nrows: []\n";

fn chart(kind: &str, extra: &str) -> Chart {
    let yaml = format!("id: c\ntitle: C\ndescription: C.\nkind: {kind}\ndataset: d\nx:\n  field: year\n  title: Year\ny:\n  field: value\n  title: Value\n{extra}");
    serde_yaml::from_str(&yaml).expect("chart spec loads")
}

/// Rows of (year, value or blank, group).
fn dataset(rows: &[(i64, Option<f64>, &str)]) -> Dataset {
    let mut d = fieldbook::load::parse_dataset_text(DATASET).expect("dataset loads");
    for (i, (year, value, group)) in rows.iter().enumerate() {
        let mut row = Row::new();
        row.insert("year".into(), Cell::Int(*year));
        row.insert("value".into(), value.map_or(Cell::Blank, Cell::Num));
        row.insert("group".into(), Cell::Text(group.to_string()));
        d.rows.push(row);
        d.row_lines.push(i + 10);
    }
    d
}

fn svg(c: &Chart, d: &Dataset, notes: &[String]) -> String {
    let caption = Caption {
        notes,
        note_format: "Note: {note}",
        break_format: "Series break at {at}: {label}",
        source: "Source: test.",
        ..Caption::ENGLISH
    };
    chart::svg_with(c, d, Size::Wide, caption).expect("the chart draws")
}

/// Every element as (name, attributes), with the text of `<text>` elements under "#text".
fn elements(svg: &str) -> Vec<(String, HashMap<String, String>)> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut found: Vec<(String, HashMap<String, String>)> = Vec::new();
    loop {
        match reader.read_event().expect("the SVG parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs = e
                    .attributes()
                    .flatten()
                    .map(|a| {
                        (
                            String::from_utf8_lossy(a.key.as_ref()).to_string(),
                            a.unescape_value().unwrap().to_string(),
                        )
                    })
                    .collect();
                found.push((
                    String::from_utf8_lossy(e.name().as_ref()).to_string(),
                    attrs,
                ));
            }
            Event::Text(t) => {
                if let Some(last) = found.last_mut() {
                    let text = t.unescape().unwrap().to_string();
                    last.1.entry("#text".into()).or_default().push_str(&text);
                }
            }
            _ => {}
        }
    }
    found
}

fn texts(svg: &str) -> Vec<String> {
    elements(svg)
        .into_iter()
        .filter_map(|(_, a)| Some(a.get("#text")?.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The vertices of each line of series 0, as (x, y) pixel pairs.
fn lines(svg: &str) -> Vec<Vec<(f64, f64)>> {
    elements(svg)
        .into_iter()
        .filter(|(_, a)| a.get("class").map(String::as_str) == Some("fb-s0"))
        .filter_map(|(_, a)| {
            let points = a.get("points")?;
            Some(
                points
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').expect("x,y");
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect(),
            )
        })
        .collect()
}

/// The centre of each data mark, in drawing order.
fn marks(svg: &str) -> Vec<(f64, f64)> {
    elements(svg)
        .into_iter()
        .filter(|(_, a)| {
            a.get("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "fb-mark"))
        })
        .map(|(_, a)| (a["cx"].parse().unwrap(), a["cy"].parse().unwrap()))
        .collect()
}

#[test]
fn a_blank_year_breaks_the_line_instead_of_bridging_it() {
    let d = dataset(&[
        (2000, Some(5.0), "a"),
        (2001, Some(6.0), "a"),
        (2002, None, "a"),
        (2003, Some(8.0), "a"),
        (2004, Some(7.0), "a"),
    ]);
    let out = svg(&chart("line", ""), &d, &[]);
    let m = marks(&out);
    assert_eq!(m.len(), 4, "one mark per value; the blank has none");
    let pieces = lines(&out);
    assert_eq!(pieces.len(), 2, "two pieces around the blank: {pieces:?}");
    assert_eq!(pieces[0], vec![m[0], m[1]]);
    assert_eq!(pieces[1], vec![m[2], m[3]]);
}

#[test]
fn a_series_break_is_a_labelled_mark_the_line_does_not_cross_and_a_note() {
    let d = dataset(&[
        (2000, Some(5.0), "a"),
        (2001, Some(6.0), "a"),
        (2002, Some(9.0), "a"),
        (2003, Some(8.0), "a"),
    ]);
    let c = chart("line", "breaks:\n  - {at: 2002, label: New source <b>}\n");
    let out = svg(&c, &d, &["First note.".to_string()]);
    let m = marks(&out);
    assert_eq!(lines(&out), vec![vec![m[0], m[1]], vec![m[2], m[3]]]);
    let t = texts(&out);
    assert!(
        t.iter().any(|s| s == "New source <b>"),
        "label on the chart: {t:?}"
    );
    assert!(out.contains("New source &lt;b&gt;"), "the label is escaped");
    // The dashed mark stands halfway between 2001 and 2002.
    let x = (m[1].0 + m[2].0) / 2.0;
    let dashes = elements(&out)
        .into_iter()
        .filter(|(_, a)| a.get("class").map(String::as_str) == Some("fb-muted"))
        .filter_map(|(_, a)| a.get("points").cloned())
        .filter(|p| {
            p.split_whitespace()
                .all(|v| (v.split(',').next().unwrap().parse::<f64>().unwrap() - x).abs() <= 1.0)
        })
        .count();
    assert!(dashes > 5, "a dashed vertical line at x={x}");
    assert!(t
        .iter()
        .any(|s| s.contains("Series break at 2002: New source <b>")));
    assert!(
        t.iter().any(|s| s.contains("First note.")),
        "notes inside the SVG: {t:?}"
    );
    let card = chart::svg_with(
        &c,
        &d,
        Size::Card,
        Caption {
            notes: &["First note.".to_string()],
            note_format: "Note: {note}",
            break_format: "Series break at {at}: {label}",
            source: "Source: test.",
            ..Caption::ENGLISH
        },
    )
    .unwrap();
    assert!(
        !card.contains("First note."),
        "the fixed-size card keeps its plot"
    );
}

#[test]
fn long_notes_wrap_inside_the_svg_and_make_it_taller() {
    let d = dataset(&[(2000, Some(5.0), "a"), (2001, Some(6.0), "a")]);
    let c = chart("line", "");
    let plain = svg(&c, &d, &[]);
    let note = "word ".repeat(120);
    let noted = svg(&c, &d, &[note]);
    let height = |s: &str| -> f64 {
        let vb = s
            .split("viewBox=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        vb.split(' ').nth(3).unwrap().parse().unwrap()
    };
    assert!(height(&noted) > height(&plain) + 40.0);
    let lines: Vec<String> = texts(&noted)
        .into_iter()
        .filter(|t| t.contains("word"))
        .collect();
    assert!(lines.len() >= 4, "wrapped: {lines:?}");
    assert!(lines.iter().all(|l| l.chars().count() < 130));
}

#[test]
fn an_open_value_has_an_arrow_and_a_more_than_label() {
    let d = dataset(&[
        (2007, Some(30000.0), "more"),
        (2011, Some(32000.0), "count"),
        (2013, Some(30000.0), "more"),
    ]);
    let c = chart("points", "open: {field: group, above: more}\n");
    let out = svg(&c, &d, &[]);
    assert_eq!(marks(&out).len(), 3, "still one mark per value");
    let t = texts(&out);
    assert_eq!(
        t.iter().filter(|s| s.as_str() == "> 30,000").count(),
        2,
        "{t:?}"
    );
    assert!(!t.iter().any(|s| s.as_str() == "> 32,000"));
    assert!(
        t.iter().any(|s| s.contains("more than the value shown")),
        "legend: {t:?}"
    );
}

#[test]
fn a_lone_mark_on_a_points_chart_stands_on_its_year() {
    let rows = [
        (2000, Some(5.0), "a"),
        (2001, Some(6.0), "b"),
        (2002, Some(7.0), "c"),
        (2002, Some(7.0), "d"),
    ];
    let d = dataset(&rows);
    let points = marks(&svg(&chart("points", "series: group\n"), &d, &[]));
    let line = marks(&svg(&chart("line", "series: group\n"), &d, &[]));
    assert_eq!(points[0], line[0]);
    assert_eq!(points[1], line[1]);
    assert!(
        points[2].0 < line[2].0 && points[3].0 > line[3].0,
        "same year, set apart"
    );
}

/// A build of the mini fixture after `mutate` fails at `location` with `message` and a hint.
fn assert_rejected(mutate: &str, location: &str, message: &str) {
    let site = fixture("mini");
    let spec = site.path().join("content/charts/counts-chart.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(&spec, format!("{text}{mutate}")).unwrap();
    let o = build(site.path(), &site.path().join("public"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(location),
        "expected {location} in:\n{stderr}"
    );
    assert!(
        stderr.contains(message),
        "expected {message:?} in:\n{stderr}"
    );
    assert!(stderr.contains("hint:"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_break_outside_the_data_is_refused_at_its_value() {
    assert_rejected(
        "breaks:\n  - {at: 2016, label: Later}\n",
        "content/charts/counts-chart.yaml:9:10",
        "series break at 2016 is not inside the chart's data",
    );
}

#[test]
fn a_break_with_an_empty_label_is_refused() {
    assert_rejected(
        "breaks:\n  - {at: 2001, label: \" \"}\n",
        "content/charts/counts-chart.yaml:9:",
        "empty label",
    );
}

#[test]
fn an_open_value_no_row_has_is_refused_at_it() {
    assert_rejected(
        "open: {field: source, above: doc2061}\n",
        "content/charts/counts-chart.yaml:8:30",
        "no row the chart draws has `doc2061`",
    );
}

#[test]
fn an_open_column_the_dataset_lacks_is_refused() {
    assert_rejected(
        "open: {field: bound, above: more}\n",
        "content/charts/counts-chart.yaml:8:15",
        "dataset `counts` has no column `bound`",
    );
}

#[test]
fn break_labels_that_would_overlap_go_a_line_lower() {
    let rows: Vec<(i64, Option<f64>, &str)> = (1990..2010).map(|y| (y, Some(20.0), "a")).collect();
    let d = dataset(&rows);
    let c = chart(
        "line",
        "breaks:\n  - {at: 1992, label: A long label for the first break here}\n  - {at: 1996, label: Second label}\n",
    );
    let out = chart::svg(&c, &d, Size::Narrow, "Source: test.").unwrap();
    // On a narrow chart the long label is wrapped: its lines, then the second label under them.
    let long = "A long label for the first break here";
    let texts: Vec<(String, f64)> = elements(&out)
        .into_iter()
        .filter_map(|(_, a)| {
            Some((
                a.get("#text")?.trim().to_string(),
                a.get("y")?.parse().ok()?,
            ))
        })
        .collect();
    // Labels sit in the plot, above the x axis's title (the notes under the chart repeat them).
    let axis_title = texts
        .iter()
        .find(|(t, _)| t == "Year")
        .map_or(f64::MAX, |(_, y)| *y);
    let first: Vec<&(String, f64)> = texts
        .iter()
        .filter(|(t, y)| *y < axis_title && t.contains(' ') && long.contains(t.as_str()))
        .collect();
    let joined: Vec<&str> = first.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(joined.join(" "), long, "the first label, whole: {texts:?}");
    let second: Vec<f64> = texts
        .iter()
        .filter(|(t, _)| t == "Second label")
        .map(|(_, y)| *y)
        .collect();
    assert_eq!(second.len(), 1, "{texts:?}");
    let lowest_first = first.iter().map(|(_, y)| *y).fold(f64::MIN, f64::max);
    assert!(
        second[0] > lowest_first + 5.0,
        "the second label is under the first: {texts:?}"
    );
}
