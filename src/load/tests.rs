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
    let d = parse_dataset(&file("content/datasets/d.yaml", DATASET), None).unwrap();
    assert_eq!(d.rows.len(), 2);
    assert_eq!(d.rows[0]["n"], Cell::Int(706));
    assert_eq!(d.rows[1]["n"], Cell::Blank);
    assert_eq!(d.row_lines, vec![10, 11]);
}

#[test]
fn text_in_a_number_column_is_located() {
    let text = DATASET.replace("n: 706", "n: \"706 workers\"");
    let e = parse_dataset(&file("content/datasets/d.yaml", &text), None).unwrap_err();
    assert_eq!(e.line, 10, "{e}");
    assert!(e.message.contains("expects a number"), "{e}");
}

#[test]
fn unknown_column_is_located() {
    let text = DATASET.replace("n: null", "nn: 3");
    let e = parse_dataset(&file("content/datasets/d.yaml", &text), None).unwrap_err();
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

const SIDECAR: &str = "id: d\ntitle: T\ndescription: D\nsource: s\nlocator: p. 1\ncolumns:\n  - {name: year, title: Year, type: integer}\n  - {name: n, title: N, type: number, unit: persons}\n  - {name: note, title: Note, type: text}\n";

/// A sidecar and its CSV file, through `parse_site` as the build reads them.
fn csv_site(sidecar: &str, csv: &str) -> (Site, Vec<Diagnostic>) {
    parse_site(&[
        file("content/datasets/d.csv", csv),
        file("content/datasets/d.yaml", sidecar),
    ])
}

fn csv_error(sidecar: &str, csv: &str) -> Diagnostic {
    let (_, problems) = csv_site(sidecar, csv);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let e = problems.into_iter().next().unwrap();
    assert_eq!(e.path, PathBuf::from("content/datasets/d.csv"), "{e}");
    assert!(e.hint.is_some(), "{e}");
    e
}

#[test]
fn csv_rows_are_typed_located_and_blanks_stay_blank() {
    let csv = "\u{feff}year,n,note\n1990,706,\"a, b\"\n1991,,\"two\nlines, \"\"quoted\"\"\"\n1992,3.5,007\n";
    let (site, problems) = csv_site(SIDECAR, csv);
    assert!(problems.is_empty(), "{problems:?}");
    let d = &site.datasets[0];
    assert_eq!(d.rows.len(), 3);
    assert_eq!(d.rows[0]["year"], Cell::Int(1990));
    assert_eq!(d.rows[0]["n"], Cell::Int(706));
    assert_eq!(d.rows[0]["note"], Cell::Text("a, b".into()));
    assert_eq!(
        d.rows[1]["n"],
        Cell::Blank,
        "an empty field is a blank, never 0"
    );
    assert_eq!(
        d.rows[1]["note"],
        Cell::Text("two\nlines, \"quoted\"".into())
    );
    assert_eq!(d.rows[2]["n"], Cell::Num(3.5));
    assert_eq!(
        d.rows[2]["note"],
        Cell::Text("007".into()),
        "text stays as written"
    );
    assert_eq!(d.row_lines, vec![2, 3, 5]);
    assert_eq!(d.rows_path, PathBuf::from("content/datasets/d.csv"));
    assert_eq!(d.origin.path, PathBuf::from("content/datasets/d.yaml"));
    assert_eq!(d.cell_positions[2], vec![(5, 1), (5, 6), (5, 10)]);
    let o = d.cell_origin(0, "note");
    assert_eq!((o.line, o.col), (2, 10));
}

#[test]
fn a_bad_csv_cell_is_located_with_the_yaml_message() {
    let e = csv_error(SIDECAR, "year,n,note\n1990,1,a\n12x,2,b\n");
    assert_eq!((e.line, e.col), (3, 1), "{e}");
    assert_eq!(
        e.message, "column `year` expects a whole number, found the text \"12x\"",
        "{e}"
    );
    let e = csv_error(SIDECAR, "year,n,note\n1990,\"7,336\",a\n");
    assert_eq!((e.line, e.col), (2, 6), "{e}");
    assert!(
        e.message
            .contains("expects a number, found the text \"7,336\""),
        "{e}"
    );
    let e = csv_error(SIDECAR, "year,n,note\n1990.5,1,a\n");
    assert!(e.message.contains("found the fraction 1990.5"), "{e}");
    let e = csv_error(SIDECAR, "year,n,note\n1990,inf,a\n");
    assert!(e.message.contains("found the text \"inf\""), "{e}");
}

#[test]
fn the_csv_header_must_match_the_sidecar() {
    let missing = csv_error(SIDECAR, "year,note\n1990,a\n");
    assert_eq!((missing.line, missing.col), (1, 6), "{missing}");
    assert!(missing.message.contains("lacks column `n`"), "{missing}");
    assert!(missing.hint.unwrap().contains("year,n,note"));
    let at_end = csv_error(SIDECAR, "year,n\n1990,1\n");
    assert!(at_end.message.contains("lacks column `note`"), "{at_end}");
    assert_eq!((at_end.line, at_end.col), (1, 7), "{at_end}");
    let unknown = csv_error(SIDECAR, "year,nn,note\n1990,1,a\n");
    assert_eq!((unknown.line, unknown.col), (1, 6), "{unknown}");
    assert!(unknown.message.contains("`nn`"), "{unknown}");
    assert!(unknown.hint.unwrap().contains("did you mean `n`"));
    let extra = csv_error(SIDECAR, "year,n,note,extra\n1990,1,a,b\n");
    assert_eq!((extra.line, extra.col), (1, 13), "{extra}");
    assert!(
        extra
            .message
            .contains("`extra`, a column the sidecar does not list"),
        "{extra}"
    );
    let order = csv_error(SIDECAR, "year,note,n\n1990,a,1\n");
    assert_eq!((order.line, order.col), (1, 6), "{order}");
    assert!(
        order.message.contains("column `note` is out of order"),
        "{order}"
    );
    let twice = csv_error(SIDECAR, "year,n,year\n1990,1,2\n");
    assert!(twice.message.contains("appears twice"), "{twice}");
    let empty = csv_error(SIDECAR, "");
    assert!(empty.message.contains("empty"), "{empty}");
}

#[test]
fn ragged_rows_and_open_quotes_are_located() {
    let short = csv_error(SIDECAR, "year,n,note\n1990,1\n");
    assert_eq!((short.line, short.col), (2, 1), "{short}");
    assert!(short.message.contains("2 fields, the header 3"), "{short}");
    let long = csv_error(SIDECAR, "year,n,note\n1990,1,a,b\n");
    assert_eq!((long.line, long.col), (2, 10), "{long}");
    let open = csv_error(SIDECAR, "year,n,note\n1990,1,\"never closed\n");
    assert_eq!((open.line, open.col), (2, 8), "{open}");
    assert!(open.message.contains("never closed"), "{open}");
}

#[test]
fn a_sidecar_with_rows_and_a_csv_file_is_ambiguous() {
    let sidecar = format!("{SIDECAR}rows:\n  - {{year: 1990}}\n");
    let (_, problems) = csv_site(&sidecar, "year,n,note\n1990,1,a\n");
    assert_eq!(problems.len(), 1, "{problems:?}");
    let e = &problems[0];
    assert_eq!(e.path, PathBuf::from("content/datasets/d.yaml"));
    assert_eq!((e.line, e.col), (10, 1), "{e}");
    assert!(e.message.contains("content/datasets/d.csv"), "{e}");
}

#[test]
fn a_csv_file_without_a_sidecar_is_an_error_with_a_sidecar_to_copy() {
    let (site, problems) = parse_site(&[file("content/datasets/d.csv", "year,n\n1990,1\n")]);
    assert!(site.datasets.is_empty());
    assert_eq!(problems.len(), 1, "{problems:?}");
    let e = &problems[0];
    assert_eq!((e.line, e.col), (1, 1), "{e}");
    assert!(
        e.message.contains("no sidecar content/datasets/d.yaml"),
        "{e}"
    );
    let hint = e.hint.as_deref().unwrap();
    assert!(hint.contains("id: d\n"), "{hint}");
    assert!(
        hint.contains("- {name: year, title: year, type: text}"),
        "{hint}"
    );
    // With the sidecar beside it (`.yml` too), the CSV file is read through it.
    let (site, problems) = parse_site(&[
        file("content/datasets/d.csv", "year,n,note\n1990,1,a\n"),
        file("content/datasets/d.yml", SIDECAR),
    ]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(site.datasets[0].rows.len(), 1);
}

/// What the load did before it indexed lines (a scan of the whole file per item, quadratic):
/// each entity's origin and the start of its description, for comparison.
fn positions_by_rescanning(text: &str) -> Vec<((usize, usize), (usize, usize))> {
    let entities: Vec<Entity> = serde_yaml::from_str(text).unwrap();
    let mut out = Vec::new();
    let mut from = 0;
    for e in entities {
        let offset = super::yaml::find_key_value(text, "id", &e.id, from);
        let origin = offset.map_or((1, 1), |o| crate::diag::line_col(text, o));
        from = offset.unwrap_or(from);
        let first = e.description.as_deref().and_then(|d| d.lines().next());
        let item_start: usize = text
            .split_inclusive('\n')
            .take(origin.0 - 1)
            .map(str::len)
            .sum();
        let at = first
            .and_then(|f| text[item_start..].find(f.trim()))
            .map_or(origin, |o| crate::diag::line_col(text, item_start + o));
        out.push((origin, at));
    }
    out
}

#[test]
fn entity_positions_are_those_of_a_rescan_of_the_file() {
    // Ids in quotes and in flow style (not found there), a repeated id, characters of more than one byte before an
    // id and a description, ids that are a prefix of others, comments and blank lines.
    let mut text = String::from("# entities\n\n");
    for i in 0..60 {
        let id = match i % 5 {
            0 => format!("e{i}"),
            1 => format!("\"e{i}\""),
            2 => format!("'e{}'", i / 10),
            3 => "e1".to_string(),
            _ => format!("e{i}-x"),
        };
        let name = if i % 4 == 0 { "Écluse ñ" } else { "Plain" };
        if i % 7 == 6 {
            // Not found after `id:` (the line holds more): the item is placed at 1:1.
            text.push_str(&format!(
                "- {{id: {id}, kind: term, name: {name}, summary: s}}\n"
            ));
            continue;
        }
        text.push_str(&format!(
            "- id: {id}\n  kind: term\n  name: {name} {i}\n  summary: s\n"
        ));
        if i % 3 != 0 {
            text.push_str(&format!(
                "  description: |\n    é{i} text [x](@term/e1).\n\n"
            ));
        }
    }
    let (site, problems) = parse_site(&[file("content/entities/list.yaml", &text)]);
    assert!(problems.is_empty(), "{problems:?}");
    let got: Vec<_> = site
        .entities
        .iter()
        .map(|e| {
            let at = &e.description_at;
            let described = e.description.is_some();
            let at = if described {
                (at.line, at.col)
            } else {
                (e.origin.line, e.origin.col)
            };
            ((e.origin.line, e.origin.col), at)
        })
        .collect();
    assert_eq!(got, positions_by_rescanning(&text));
    assert_eq!(site.entities.len(), 60);
    assert_eq!(
        (site.entities[4].origin.line, site.entities[4].origin.col),
        (25, 7)
    );
}

#[test]
fn a_description_is_looked_for_within_its_own_item() {
    // The first item's description (an escaped quote) is not written as it reads; the same words
    // in the next item are not where it starts.
    let text = "- id: a\n  kind: term\n  name: A\n  summary: s\n  description: \"say \\\"so\\\"\"\n- id: b\n  kind: term\n  name: B\n  summary: s\n  description: |\n    say \"so\"\n";
    let (site, problems) = parse_site(&[file("content/entities/list.yaml", text)]);
    assert!(problems.is_empty(), "{problems:?}");
    let at = |i: usize| {
        (
            site.entities[i].description_at.line,
            site.entities[i].description_at.col,
        )
    };
    assert_eq!(at(0), (1, 7), "the item itself");
    assert_eq!(at(1), (11, 5));
}
