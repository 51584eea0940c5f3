//! Charts of extreme numbers: the input picks the chart kind, scale, orientation, stacking and the
//! values (any f64 bit pattern: 1.7e308, subnormals, -0, huge integers, blanks). Validation must
//! refuse what cannot be drawn, at a located row, and `chart::svg` must finish quickly on anything,
//! validated or not (a value near f64::MAX once made the axis code loop forever).
#![no_main]

use fieldbook::render::chart::{self, Size};
use fieldbook::model::{Cell, Chart, Dataset};
use libfuzzer_sys::fuzz_target;

const DATASET: &str = "id: d\ntitle: D\ndescription: D.\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: value, title: Value, type: number}\n  - {name: low, title: Low, type: number}\n  - {name: high, title: High, type: number}\n  - {name: group, title: Group, type: text}\nrows: []\n";

fn chart_yaml(flags: u8) -> String {
    let kind = ["line", "bar", "points"][(flags % 3) as usize];
    let scale = if flags & 0x04 != 0 { "\n  scale: log" } else { "" };
    let range = if flags & 0x08 != 0 { "\n  low: low\n  high: high" } else { "" };
    let orientation = if flags & 0x10 != 0 { "orientation: horizontal\n" } else { "" };
    let stacked = if flags & 0x20 != 0 { "stacked: true\n" } else { "" };
    let series = if flags & 0x40 != 0 { "series: group\n" } else { "" };
    format!("id: c\ntitle: C\ndescription: C.\nkind: {kind}\ndataset: d\nx:\n  field: year\n  title: Year\ny:\n  field: value\n  title: Value{scale}{range}\n{orientation}{stacked}{series}")
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(mut chart) = serde_yaml::from_str::<Chart>(&chart_yaml(flags)) else {
        panic!("the generated chart spec does not load");
    };
    // As the loader sets it: where the chart's id is written.
    chart.origin = fieldbook::model::Origin { path: "content/charts/c.yaml".into(), line: 1, col: 5 };
    let mut dataset: Dataset = match fieldbook::load::parse_dataset_text(DATASET) {
        Ok(d) => d,
        Err(e) => panic!("the generated dataset does not load: {e:?}"),
    };
    // Rows of 27 bytes: a year (i16), three f64 bit patterns (value, low, high), one byte of blanks and group.
    for (i, chunk) in rest.chunks_exact(27).take(40).enumerate() {
        let num = |at: usize| f64::from_le_bytes(chunk[at..at + 8].try_into().unwrap_or([0; 8]));
        let blank = chunk[26];
        let cell = |bit: u8, v: f64| if blank & bit != 0 || !v.is_finite() { Cell::Blank } else { Cell::Num(v) };
        let mut row = fieldbook::model::Row::new();
        row.insert("year".into(), Cell::Int(i64::from(i16::from_le_bytes([chunk[0], chunk[1]]))));
        row.insert("value".into(), cell(1, num(2)));
        row.insert("low".into(), cell(2, num(10)));
        row.insert("high".into(), cell(4, num(18)));
        row.insert("group".into(), Cell::Text(format!("g{}", chunk[26] >> 4)));
        dataset.rows.push(row);
        dataset.row_lines.push(i + 12);
    }
    let problems = fieldbook::validate::index::chart_data_problems(&chart, &dataset);
    for p in &problems {
        assert!(p.line > 0, "an unlocated problem: {p:?}");
    }
    let started = std::time::Instant::now();
    for size in [Size::Wide, Size::Narrow, Size::Card] {
        let svg = chart::svg(&chart, &dataset, size, "Source: fuzz.");
        if problems.is_empty() {
            if let Ok(svg) = &svg {
                if let Err(e) = roxmltree::Document::parse(svg) {
                    panic!("chart SVG does not parse: {e}");
                }
            }
        }
    }
    assert!(started.elapsed().as_secs() < 10, "drawing took {:?}", started.elapsed());
});
