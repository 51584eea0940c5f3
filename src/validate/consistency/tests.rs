//! Unit tests of the consistency checks: row sums and column sums that disagree with a printed
//! total are reported at the total's row with both numbers; ones that agree are not.

use super::*;

/// A dataset of regions, two parts and a printed total, with a total row, and the checks given.
fn dataset(rows: &str, checks: &str) -> Dataset {
    let text = format!(
        "id: d\ntitle: T\ndescription: D\nsource: s\nlocator: p. 1\ncolumns:\n  - {{name: region, title: Region, type: text}}\n  - {{name: men, title: Men, type: integer}}\n  - {{name: women, title: Women, type: integer}}\n  - {{name: total, title: Total, type: integer}}\nrows:\n{rows}checks:\n{checks}"
    );
    crate::load::parse_dataset_text(&text).expect("the test dataset loads")
}

const ROW_SUM: &str = "  - row-sum: {parts: [men, women], total: total}\n";
const COLUMN_SUM: &str = "  - column-sum: {column: men, total-row: {region: All}}\n";

#[test]
fn row_sums_that_agree_with_the_printed_total_pass() {
    let rows = "  - {region: North, men: 1200, women: 34, total: 1234}\n  - {region: South, men: 5, women: null, total: 5}\n";
    let found = mismatches(&dataset(rows, ROW_SUM));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_row_sum_that_disagrees_is_reported_at_its_row() {
    let rows = "  - {region: North, men: 1200, women: 34, total: 1234}\n  - {region: South, men: 5, women: 7, total: 1300}\n";
    assert_eq!(
        mismatches(&dataset(rows, ROW_SUM)),
        [Mismatch {
            line: 13,
            row: "region South".to_string(),
            what: "total = men + women".to_string(),
            printed: "1,300".to_string(),
            computed: "12".to_string(),
        }]
    );
}

#[test]
fn column_sums_that_agree_with_the_total_row_pass() {
    let rows = "  - {region: North, men: 3, women: 1, total: 4}\n  - {region: South, men: 4, women: 2, total: 6}\n  - {region: All, men: 7, women: 3, total: 10}\n";
    let found = mismatches(&dataset(rows, COLUMN_SUM));
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_column_sum_that_disagrees_is_reported_at_the_total_row() {
    let rows = "  - {region: North, men: 3, women: 1, total: 4}\n  - {region: All, men: 9, women: 3, total: 12}\n  - {region: South, men: 4, women: 2, total: 6}\n";
    assert_eq!(
        mismatches(&dataset(rows, COLUMN_SUM)),
        [Mismatch {
            line: 13,
            row: "region All".to_string(),
            what: "total of men over the other rows".to_string(),
            printed: "9".to_string(),
            computed: "7".to_string(),
        }]
    );
}
