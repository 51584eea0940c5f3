//! A dataset from a CSV file beside its YAML sidecar, built as a user would: its page, downloads
//! and chart come out of the CSV's rows (a blank stays blank), and a bad cell fails the build at
//! `file.csv:line:col` with the previous output untouched.

mod common;

use common::*;

#[test]
fn a_csv_dataset_builds_its_page_downloads_and_chart() {
    let site = fixture("mini");
    add_csv_dataset(site.path());
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let page = std::fs::read_to_string(out.join("data/wages/index.html")).unwrap();
    for cell in ["120.5", "141.5", "paid in cash, monthly", "not given"] {
        assert!(page.contains(cell), "the dataset page lacks {cell}");
    }
    let csv = std::fs::read_to_string(out.join("data/wages.csv")).unwrap();
    assert!(
        csv.contains("2003,,not given"),
        "a blank stays blank: {csv}"
    );
    assert!(csv.contains("\"two\nlines\""), "{csv}");
    let json = std::fs::read_to_string(out.join("data/wages.json")).unwrap();
    assert!(
        json.contains("null"),
        "the blank is null in the JSON: {json}"
    );
    let svg = std::fs::read_to_string(out.join("charts/wages-chart.svg")).unwrap();
    assert!(
        svg.matches("fb-mark").count() >= 3,
        "the chart draws the CSV's values"
    );
    let second = std::fs::read_to_string(out.join("second/index.html")).unwrap();
    assert!(second.contains("chart-wages-chart") && second.contains("paid in cash"));
    let broken = broken_links(&out, "/mini");
    assert!(broken.is_empty(), "{broken:?}");
}

#[test]
fn a_bad_csv_cell_fails_the_build_at_its_line_and_column() {
    let site = fixture("mini");
    add_csv_dataset(site.path());
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = hashes(&out);
    let csv = site.path().join("content/datasets/wages.csv");
    std::fs::write(&csv, WAGES_CSV.replace("2002,141.5", "2002,141.5x")).unwrap();
    let o = build(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("content/datasets/wages.csv:5:6"),
        "the cell is located: {stderr}"
    );
    assert!(stderr.contains("column `wage` expects a number, found the text \"141.5x\""));
    assert!(stderr.contains("hint"), "{stderr}");
    assert_eq!(
        before,
        hashes(&out),
        "a failed build leaves the output as it was"
    );
    // A CSV file without its sidecar is an error too, never silently ignored.
    std::fs::write(&csv, WAGES_CSV).unwrap();
    std::fs::remove_file(site.path().join("content/datasets/wages.yaml")).unwrap();
    let o = build(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        stderr.contains("content/datasets/wages.csv:1:1"),
        "{stderr}"
    );
    assert!(stderr.contains("no sidecar"), "{stderr}");
}

#[test]
fn check_reports_a_csv_rows_problems_in_the_csv_file() {
    let site = fixture("mini");
    add_csv_dataset(site.path());
    // A share check on the CSV's rows that the rows do not meet is reported at the CSV's row.
    let sidecar = site.path().join("content/datasets/wages.yaml");
    let text = WAGES_SIDECAR.replace(
        "notes:",
        "checks:\n  - row-sum: {parts: [year], total: wage}\nnotes:",
    );
    std::fs::write(&sidecar, text).unwrap();
    let o = fieldbook(&["check", "--root", site.path().to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        format!("{stdout}{stderr}").contains("content/datasets/wages.csv:2:1"),
        "{stdout}{stderr}"
    );
}
