//! Provenance: `fieldbook check` finds every key figure and numeric dataset cell in its source's
//! text, where its locator says, and reports each one it cannot find at file:line:col.
//!
//! `tests/fixtures/provenance` is the mini site with a plain-text copy of its document
//! (`sources/doc.txt`, sections in `content/sources/sources.yaml`). The last two tests run the check
//! on the repo's own site with the seed texts in `../shared/seeds/`.

mod common;

use common::*;
use std::path::Path;

/// `fieldbook check` on `root`: whether it exited 0, and what it printed on stderr.
fn check(root: &Path, strict: bool) -> (bool, String) {
    let root = root.to_str().unwrap();
    // The repo's book.toml keeps a placeholder base-url (a warning) until the site is published;
    // checked as if published, so --strict judges the content.
    let publish = ["--base-url", "https://fieldbook.invalid/fieldbook/"];
    let mut args = vec!["check", "--root", root];
    if strict {
        args.push("--strict");
        args.extend(publish);
    }
    let o = fieldbook(&args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{file} lacks {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

/// `file:line:col` of `key` on the first line of `file` holding `marker`, counted here, apart
/// from the program under test.
fn position(root: &Path, file: &str, marker: &str, key: &str) -> String {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(marker))
        .unwrap();
    let col = line.find(key).unwrap() + 1;
    format!("{file}:{}:{col}", n + 1)
}

#[test]
fn the_fixture_passes_and_says_what_it_checked() {
    let site = fixture("provenance");
    let (ok, stderr) = check(site.path(), true);
    assert!(ok, "{stderr}");
    // Two figures and seven cells found, one derived figure recomputed; other2010 has no text.
    assert!(stderr.contains("provenance: 10 values checked against the source texts: 9 printed where their locators say, 1 derived and recomputed, 0 not found"), "{stderr}");
    assert!(
        stderr.contains("1 values not checked: source `other2010` has no text"),
        "{stderr}"
    );
}

#[test]
fn a_wrong_value_is_reported_at_its_cell() {
    let site = fixture("provenance");
    edit(
        site.path(),
        "content/datasets/counts.yaml",
        "workers: 200,",
        "workers: 210,",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok, "--strict fails on a value the text does not print");
    let at = position(
        site.path(),
        "content/datasets/counts.yaml",
        "workers: 210",
        "workers:",
    );
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(
        stderr.contains("dataset `counts`, row 2 (`workers`): 210 is not printed in `Table 1`"),
        "{stderr}"
    );
    // Without --strict the miss is a warning: check exits 0.
    assert!(check(site.path(), false).0);
}

#[test]
fn a_wrong_display_is_reported_at_the_display() {
    let site = fixture("provenance");
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "value: 120\n",
        "value: 125\n",
    );
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "display: \"$120\"",
        "display: \"$125\"",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok);
    let at = position(
        site.path(),
        "content/figures/figures.yaml",
        "display: \"$125\"",
        "display",
    );
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(
        stderr.contains("key figure `wage-2000` (display): \"$125\" is not printed in `Chapter 2`"),
        "{stderr}"
    );
}

#[test]
fn a_locator_outside_its_section_is_reported_at_the_locator() {
    let site = fixture("provenance");
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "locator: \"Table 1, p. 2\"\n  dataset",
        "locator: \"Table 1, p. 4\"\n  dataset",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok);
    let at = position(
        site.path(),
        "content/figures/figures.yaml",
        "Table 1, p. 4",
        "locator",
    );
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(stderr.contains("key figure `count-2000`: locator `Table 1, p. 4`: `Table 1` covers pp. 2-2, not pp. 4-4"), "{stderr}");
}

#[test]
fn a_locator_naming_the_wrong_section_is_reported_with_where_the_value_is() {
    let site = fixture("provenance");
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "locator: \"Chapter 2, p. 3\"",
        "locator: \"Table 1, p. 2\"",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok);
    let at = position(
        site.path(),
        "content/figures/figures.yaml",
        "display: \"$120\"",
        "display",
    );
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(
        stderr.contains("\"$120\" is not printed in `Table 1` (lines 14-20)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sources/doc.txt prints it at line 25 (`Chapter 2`)"),
        "{stderr}"
    );
    // A section the source does not declare, and no pages: nothing to look in.
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "locator: \"Table 1, p. 2\"\n  dataset",
        "locator: \"Appendix\"\n  dataset",
    );
    let (_, stderr) = check(site.path(), true);
    let at = position(
        site.path(),
        "content/figures/figures.yaml",
        "\"Appendix\"",
        "locator",
    );
    assert!(
        stderr.contains(&at) && stderr.contains("`Appendix` names no section of doc2016's text"),
        "{stderr}"
    );
}

#[test]
fn a_derived_value_is_recomputed() {
    let site = fixture("provenance");
    edit(
        site.path(),
        "content/figures/figures.yaml",
        "`value = 200 - 100`",
        "`value = 200 - 90`",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok);
    let text = std::fs::read_to_string(site.path().join("content/figures/figures.yaml")).unwrap();
    let id = text
        .lines()
        .position(|l| l.contains("id: count-rise-2001"))
        .unwrap();
    let value = id
        + text
            .lines()
            .skip(id)
            .position(|l| l.starts_with("  value:"))
            .unwrap();
    assert!(
        stderr.contains(&format!("content/figures/figures.yaml:{}:3", value + 1)),
        "{stderr}"
    );
    assert!(stderr.contains("key figure `count-rise-2001` (value): 100 is declared derived, but its formula gives 110"), "{stderr}");
}

#[test]
fn a_missing_text_is_a_warning_naming_it_and_the_site_still_builds() {
    let site = fixture("provenance");
    std::fs::remove_file(site.path().join("sources/doc.txt")).unwrap();
    let (ok, stderr) = check(site.path(), false);
    assert!(ok, "{stderr}");
    let at = position(
        site.path(),
        "content/sources/sources.yaml",
        "text: sources/doc.txt",
        "text",
    );
    assert!(
        stderr.contains(&at) && stderr.contains("text file sources/doc.txt not found"),
        "{stderr}"
    );
    assert!(
        !check(site.path(), true).0,
        "--strict fails while the text is missing"
    );
    build_ok(site.path(), &site.path().join("public"));
    let published = walkdir::WalkDir::new(site.path().join("public"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file());
    for e in published {
        let bytes = std::fs::read(e.path()).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("sources/doc.txt"),
            "{} names the text",
            e.path().display()
        );
    }
}

#[test]
fn the_repo_site_has_no_unexplained_value() {
    // The repo itself, so that `../shared/seeds/` resolves as in CI.
    let (ok, stderr) = check(&repo(), true);
    assert!(ok, "check --strict on the repo's site:\n{stderr}");
    let summary = stderr
        .lines()
        .find(|l| l.contains("provenance:"))
        .unwrap_or_else(|| panic!("no provenance summary:\n{stderr}"));
    assert!(summary.ends_with(", 0 not found"), "{summary}");
    assert!(
        !stderr.contains("values not checked"),
        "a value the site prints has no source text:\n{stderr}"
    );
}

#[test]
fn the_repo_site_check_catches_a_planted_wrong_value() {
    // A copy of the repo's site whose sources point at the seeds by absolute path.
    let site = repo_site();
    let seeds = repo().join("../shared/seeds");
    let sources = site.path().join("content/sources/sources.yaml");
    let text = std::fs::read_to_string(&sources).unwrap().replace(
        "text: ../shared/seeds/",
        &format!("text: {}/", seeds.display()),
    );
    std::fs::write(&sources, text).unwrap();
    assert!(
        check(site.path(), true).0,
        "the copy passes before the plant"
    );
    edit(
        site.path(),
        "content/figures/key-figures.yaml",
        "  value: 7336\n",
        "  value: 7436\n",
    );
    edit(
        site.path(),
        "content/figures/key-figures.yaml",
        "display: \"7,336\"",
        "display: \"7,436\"",
    );
    let (ok, stderr) = check(site.path(), true);
    assert!(!ok);
    let at = position(
        site.path(),
        "content/figures/key-figures.yaml",
        "display: \"7,436\"",
        "display",
    );
    assert!(stderr.contains(&at), "expected {at}:\n{stderr}");
    assert!(
        stderr.contains(
            "key figure `registered-maritime-2014` (display): \"7,436\" is not printed in `II.3`"
        ),
        "{stderr}"
    );
}
