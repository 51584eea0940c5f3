//! Unit tests of loading: typed dataset cells, located YAML errors, page positions.

use std::path::PathBuf;

use super::datasets::parse_dataset;
use super::pages::parse_page;
use super::*;

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: PathBuf::from(path),
        text: text.to_string(),
    }
}

const DATASET: &str = "id: d\ntitle: T\ndescription: D\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: n, title: N, type: number, unit: persons}\nrows:\n  - {year: 1990, n: 706}\n  - {year: 1991, n: null}\n";

#[test]
fn dataset_rows_are_typed_and_blanks_stay_blank() {
    let d = parse_dataset(&file("content/datasets/d.yaml", DATASET)).unwrap();
    assert_eq!(d.rows.len(), 2);
    assert_eq!(d.rows[0]["n"], Cell::Int(706));
    assert_eq!(d.rows[1]["n"], Cell::Blank);
    assert_eq!(d.row_lines, vec![10, 11]);
}

#[test]
fn text_in_a_number_column_is_located() {
    let text = DATASET.replace("n: 706", "n: \"706 workers\"");
    let e = parse_dataset(&file("content/datasets/d.yaml", &text)).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("expects a number"), "{e}");
}

#[test]
fn unknown_column_is_located() {
    let text = DATASET.replace("n: null", "nn: 3");
    let e = parse_dataset(&file("content/datasets/d.yaml", &text)).unwrap_err();
    assert_eq!(e.line, 11, "{e}");
    assert!(e.message.contains("unknown column `nn`"), "{e}");
}

#[test]
fn front_matter_errors_point_into_the_file() {
    let e = parse_page(&file(
        "content/pages/a.md",
        "---\nid: a\ntitle: [unclosed\nsummary: s\n---\nbody\n",
    ))
    .unwrap_err();
    assert!(e.line >= 3, "{e}");
    let e = parse_page(&file(
        "content/pages/a.md",
        "---\nid: a\ntitel: x\nsummary: s\n---\n",
    ))
    .unwrap_err();
    assert_eq!((e.line, e.col), (3, 1), "{e}");
    assert!(e.hint.unwrap().contains("title"));
}

#[test]
fn page_body_line_is_known() {
    let p = parse_page(&file(
        "content/pages/a.md",
        "---\nid: a\ntitle: A\nsummary: s\n---\nbody\n",
    ))
    .unwrap();
    assert_eq!(p.body.line, 6);
    assert_eq!(p.origin.line, 2);
}
