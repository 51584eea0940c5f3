//! The journalist's kit: key figures by theme on the figures index and the headline figures on the
//! home page (both chosen in content); the data bundle (one zip, the same bytes on every build, with a
//! codebook, and a provenance sidecar beside each CSV) linked from the home page and the datasets
//! index; tables and locators that show names, not internal ids.

mod common;

use std::io::Read;
use std::path::Path;

use common::{build, fixture};

const FIGURES: &str = "- id: count-2000
  theme: Counts
  statement: There were 100 workers in 2000.
  value: 100
  unit: workers
  year: 2000
  source: doc2016
  locator: \"Table 1, p. 2\"
  dataset: counts
- id: note-figure
  theme: Money
  headline: true
  statement: A worker paid 200 a month.
  value: 200
  unit: per month
  year: 2001
  source: doc2016
  locator: \"p. 2; cited in doc2016 Table 1 (p. 2)\"
- id: count-2001
  theme: Counts
  statement: There were 200 workers in 2001.
  value: 200
  unit: workers
  year: 2001
  source: doc2016
  locator: \"Table 1, p. 2\"
";

fn write(root: &Path, file: &str, text: &str) {
    std::fs::write(root.join(file), text).unwrap();
}

fn read(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap()
}

fn build_ok(root: &Path, out: &Path) {
    let o = build(root, out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn figures_are_listed_by_theme_and_the_home_page_shows_the_headlines() {
    let site = fixture("mini");
    let out = site.path().join("public");
    write(site.path(), "content/figures/figures.yaml", FIGURES);
    build_ok(site.path(), &out);
    let index = read(&out, "figures/index.html");
    let counts = index
        .find("<h2 id=\"counts\">Counts</h2>")
        .expect("theme heading");
    let money = index
        .find("<h2 id=\"money\">Money</h2>")
        .expect("theme heading");
    assert!(counts < money, "themes in order of their first figure");
    let a = index.find("There were 100 workers").unwrap();
    let b = index.find("There were 200 workers").unwrap();
    assert!(
        counts < a && a < b && b < money,
        "figures under their theme, by year"
    );
    assert!(
        index.contains("2000 · <a href=\"/mini/sources/doc2016/\">Author 2016</a>, Table 1, p. 2")
    );
    // A locator's `cited in <id>` reads as the source's label.
    assert!(
        index.contains("cited in Author 2016, Table 1 (p. 2)"),
        "{index}"
    );
    assert!(!index.contains("cited in doc2016"));
    let home = read(&out, "index.html");
    assert!(
        home.contains("A worker paid 200 a month."),
        "the headline figure"
    );
    assert!(
        !home.contains("There were 100 workers"),
        "only headline figures"
    );
}

#[test]
fn a_figure_without_a_theme_among_themed_ones_is_refused_at_it() {
    let site = fixture("mini");
    let text = FIGURES.replacen(
        "  theme: Counts\n  statement: There were 200",
        "  statement: There were 200",
        1,
    );
    write(site.path(), "content/figures/figures.yaml", &text);
    let o = build(site.path(), &site.path().join("public"));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/figures/figures.yaml:19:"),
        "{stderr}"
    );
    assert!(stderr.contains("`count-2001` has no theme"), "{stderr}");
    assert!(stderr.contains("hint:"), "{stderr}");
}

fn zip_entries(bytes: &[u8]) -> Vec<(String, String)> {
    // A minimal reader of the local file headers, so the test does not share the crate under test.
    let mut out = Vec::new();
    let mut at = 0;
    while bytes.len() >= at + 30 && bytes[at..at + 4] == [0x50, 0x4b, 0x03, 0x04] {
        let u16_at = |i: usize| u16::from_le_bytes([bytes[at + i], bytes[at + i + 1]]) as usize;
        let u32_at = |i: usize| {
            u32::from_le_bytes([
                bytes[at + i],
                bytes[at + i + 1],
                bytes[at + i + 2],
                bytes[at + i + 3],
            ]) as usize
        };
        let (method, size, name_len, extra_len) = (u16_at(8), u32_at(18), u16_at(26), u16_at(28));
        let name = String::from_utf8_lossy(&bytes[at + 30..at + 30 + name_len]).to_string();
        let start = at + 30 + name_len + extra_len;
        let data = &bytes[start..start + size];
        let text = match method {
            0 => String::from_utf8_lossy(data).to_string(),
            _ => {
                let mut s = String::new();
                flate2::read::DeflateDecoder::new(data)
                    .read_to_string(&mut s)
                    .unwrap();
                s
            }
        };
        out.push((name, text));
        at = start + size;
    }
    out
}

#[test]
fn the_data_bundle_is_one_deterministic_zip_with_a_codebook_and_sidecars() {
    let site = fixture("mini");
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    build_ok(site.path(), &a);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    build_ok(site.path(), &b);
    let zip = std::fs::read(a.join("data/all-datasets.zip")).unwrap();
    assert_eq!(
        zip,
        std::fs::read(b.join("data/all-datasets.zip")).unwrap(),
        "same bytes"
    );
    let entries = zip_entries(&zip);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "fieldbook-data/README.md",
            "fieldbook-data/counts.csv",
            "fieldbook-data/counts.json",
            "fieldbook-data/counts.meta.txt"
        ]
    );
    assert_eq!(entries[1].1, read(&a, "data/counts.csv"), "the site's CSV");
    let meta = read(&a, "data/counts.meta.txt");
    assert_eq!(entries[3].1, meta, "the site's sidecar");
    for wanted in [
        "Source: Author 2016, A Fixture Report; Table 1, p. 2",
        "workers: Workers (integer, persons)",
        "1. The share for 2001 is printed as 25.0; the counts give 20.0.",
        "printed as 25.0, the table implies 20.0",
        "Licence: CC BY 4.0",
        "How to cite: ",
        "doc2016: Author 2016, A Fixture Report",
    ] {
        assert!(meta.contains(wanted), "{wanted:?} in:\n{meta}");
    }
    let readme = &entries[0].1;
    assert!(
        readme.contains("Licence: CC BY 4.0") && readme.contains("## counts"),
        "{readme}"
    );
    for page in ["index.html", "data/index.html"] {
        assert!(
            read(&a, page).contains("href=\"/mini/data/all-datasets.zip\""),
            "{page} links the zip"
        );
    }
    assert!(read(&a, "data/counts/index.html").contains("href=\"/mini/data/counts.meta.txt\""));
}

#[test]
fn a_column_of_item_ids_shows_names_and_unknown_ids_are_refused() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let path = site.path().join("content/datasets/counts.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text
        .replace(
            "  - {name: source, title: Source, type: source}",
            "  - {name: source, title: Source, type: source}\n  - {name: org, title: Organization page, type: text, links: org}",
        )
        .replacen("source: doc2016}", "source: doc2016, org: acme}", 1);
    std::fs::write(&path, &text).unwrap();
    build_ok(site.path(), &out);
    let page = read(&out, "data/counts/index.html");
    assert!(
        page.contains("<a href=\"/mini/organizations/acme/\">"),
        "{page}"
    );
    assert!(!page.contains(">acme<"), "the id is not shown");
    assert!(
        read(&out, "data/counts.csv").contains(",acme"),
        "the CSV keeps the id"
    );
    std::fs::write(&path, text.replace("org: acme}", "org: acne}")).unwrap();
    let o = build(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/datasets/counts.yaml:15:"),
        "{stderr}"
    );
    assert!(stderr.contains("acne"), "{stderr}");
}
