//! Unit tests of the index: a duplicate id and unknown reference targets, each reported at the
//! file, line and column where it is written.

use std::path::PathBuf;

use super::*;
use crate::diag::{Diagnostic, Severity};
use crate::load::{parse_site, SourceFile};
use crate::model::Site;

/// A site loaded from `(path, text)` files, which must load without a problem.
fn site(files: &[(&str, &str)]) -> Site {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(path, text)| SourceFile {
            path: PathBuf::from(path),
            text: text.to_string(),
        })
        .collect();
    let (site, problems) = parse_site(&files);
    assert!(problems.is_empty(), "the test site loads: {problems:?}");
    site
}

/// Every problem as `path:line:col: message`, for assertions that say where.
fn located(problems: &[Diagnostic]) -> Vec<String> {
    problems
        .iter()
        .map(|d| format!("{}:{}:{}: {}", d.path.display(), d.line, d.col, d.message))
        .collect()
}

const SOURCES: (&str, &str) = (
    "content/sources/sources.yaml",
    "- id: report\n  type: report\n  title: A report\n  year: 2016\n",
);

const PLACES: &str = "\
- id: harbour
  kind: place
  name: Harbour
  summary: A port.
- id: quay
  kind: place
  name: Quay
  summary: In the port.
  parent: harbour
";

const DATASET: &str = "\
id: workers
title: Workers
description: Workers by year.
source: report
locator: p. 1
columns:
  - {name: year, title: Year, type: integer}
  - {name: n, title: N, type: integer}
  - {name: from, title: From, type: source}
rows:
  - {year: 2000, n: 5, from: report}
  - {year: 2001, n: 6, from: report}
";

#[test]
fn a_site_without_mistakes_has_no_problems() {
    let s = site(&[
        SOURCES,
        ("content/entities/places.yaml", PLACES),
        ("content/datasets/workers.yaml", DATASET),
    ]);
    let (index, problems) = Index::build(&s);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(check_references(&s, &index).is_empty());
    assert_eq!(index.get(Kind::Place, "quay").unwrap().url, "/places/quay/");
}

#[test]
fn a_duplicate_id_is_reported_where_the_second_is_written() {
    let twice = format!(
        "{PLACES}- id: harbour\n  kind: place\n  name: Harbour again\n  summary: The same id.\n"
    );
    let s = site(&[SOURCES, ("content/entities/places.yaml", &twice)]);
    let (index, problems) = Index::build(&s);
    assert_eq!(
        located(&problems),
        ["content/entities/places.yaml:10:7: duplicate id `place/harbour`"]
    );
    assert_eq!(problems[0].severity, Severity::Error);
    let hint = problems[0].hint.as_deref().unwrap_or("");
    assert!(hint.contains("content/entities/places.yaml:1;"), "{hint}");
    assert_eq!(index.get(Kind::Place, "harbour").unwrap().title, "Harbour");
}

#[test]
fn unknown_reference_targets_are_reported_where_they_are_written() {
    let places = PLACES.replace("parent: harbour", "parent: harbor");
    let dataset = DATASET.replace("n: 6, from: report", "n: 6, from: reprot");
    let events = "- id: arrival\n  date: \"2000\"\n  title: Arrival\n  source: report\n  locator: p. 2\n  pages: [intro]\n";
    let s = site(&[
        SOURCES,
        ("content/entities/places.yaml", &places),
        ("content/datasets/workers.yaml", &dataset),
        ("content/events/events.yaml", events),
    ]);
    let (index, problems) = Index::build(&s);
    assert!(problems.is_empty(), "{problems:?}");
    let problems = check_references(&s, &index);
    assert_eq!(
        located(&problems),
        [
            "content/datasets/workers.yaml:12:1: row column `from`: unknown source `reprot`",
            "content/entities/places.yaml:5:7: parent: unknown place `harbor`",
            "content/events/events.yaml:1:7: pages: unknown page `intro`",
        ]
    );
    let hints: Vec<&str> = problems.iter().filter_map(|d| d.hint.as_deref()).collect();
    assert_eq!(hints[0], "did you mean `source/report`?");
    assert_eq!(hints[1], "did you mean `place/harbour`?");
    assert_eq!(hints[2], "there are no items of kind `page` yet");
}
