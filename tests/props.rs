//! Property tests: whatever an editor writes, loading and rendering never panic, and Markdown output
//! never carries a raw <script> or event-handler attribute.

use std::path::PathBuf;

use fieldbook::load::{parse_site, SourceFile};
use proptest::prelude::*;

fn page(body: &str) -> SourceFile {
    SourceFile {
        path: PathBuf::from("content/pages/p.md"),
        text: format!("---\nid: p\ntitle: P\nsummary: s\n---\n{body}"),
    }
}

/// Markdown-ish text: the syntax fieldbook extends, mixed with hostile fragments.
fn markdownish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "[x](@place/a)",
        "[](@page/p#h)",
        "[@src, p. 3]",
        "[@a; @b]",
        "![](@chart/c)",
        "![x](@dataset/d)",
        "[^1]",
        "[^1]: note",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[j](javascript:alert(1))",
        "{#p-x}",
        "## H {#h}",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "> [!NOTE]\n> n",
        "*",
        "_",
        "`",
        "\n\n",
        "\n",
        " ",
        "@",
        "#",
        "[",
        "]",
        "(",
        ")",
        "é",
        "日本",
        "\u{0}",
        "&amp;",
        "---",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(String::from), "[a-z ]{0,12}"],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn markdown_never_panics_and_never_emits_script(body in markdownish()) {
        let (site, _) = parse_site(&[page(&body)]);
        let (index, _) = fieldbook::validate::index::Index::build(&site);
        let link = |p: &str| p.to_string();
        let path = PathBuf::from("content/pages/p.md");
        let cx = fieldbook::render::markdown::Context { index: &index, link: &link, path: &path, paragraph_ids: true, embeds: true, strings: &fieldbook::theme::Strings::builtin("en") };
        if let Some(p) = site.pages.first() {
            let r = fieldbook::render::markdown::render(&p.body, &cx);
            let html = r.html();
            let lower = html.to_lowercase();
            prop_assert!(!lower.contains("<script"), "raw script in {}", html);
            prop_assert!(!lower.contains("<img src=x"), "raw img in {}", html);
            prop_assert!(!lower.contains("href=\"javascript:"), "javascript link in {}", html);
            for d in &r.diagnostics {
                prop_assert!(d.line >= 6, "diagnostic before the body: {d}");
            }
        }
    }

    #[test]
    fn yaml_loading_never_panics(text in "[ -~\n]{0,300}", folder in prop::sample::select(vec!["datasets", "charts", "entities", "events", "sources", "figures", "corrections", "pages"])) {
        let ext = if folder == "pages" { "md" } else { "yaml" };
        let file = SourceFile { path: PathBuf::from(format!("content/{folder}/x.{ext}")), text };
        let (site, problems) = parse_site(&[file]);
        let (index, more) = fieldbook::validate::index::Index::build(&site);
        let refs = fieldbook::validate::index::check_references(&site, &index);
        for d in problems.iter().chain(&more).chain(&refs) {
            prop_assert!(!d.message.is_empty());
        }
    }

    #[test]
    fn dataset_cells_of_any_type_are_checked_not_panicked(cell in prop_oneof![
        Just("null".to_string()), Just("~".to_string()), Just("\"x\"".to_string()), Just("1.5".to_string()), Just("-3".to_string()),
        Just("99999999999999999999999".to_string()), Just("[1, 2]".to_string()), Just("{a: 1}".to_string()), Just("true".to_string()), Just(".nan".to_string()), "[a-z0-9]{1,6}"
    ]) {
        let text = format!("id: d\ntitle: T\ndescription: D\nsource: s\nlocator: l\ncolumns:\n  - {{name: n, title: N, type: integer}}\n  - {{name: s, title: S, type: source}}\nrows:\n  - {{n: {cell}, s: {cell}}}\n");
        let (_site, problems) = parse_site(&[SourceFile { path: PathBuf::from("content/datasets/d.yaml"), text }]);
        for d in &problems {
            prop_assert_eq!(d.line, 10, "{}", d);
        }
    }

    /// Any fields in a CSV dataset (quotes, commas, line breaks, numbers, text): loading never
    /// panics; it either reads every row, a text field as written, or reports one problem located in
    /// the CSV file.
    #[test]
    fn csv_fields_of_any_kind_are_checked_not_panicked(rows in prop::collection::vec(
        (prop_oneof![Just(String::new()), Just("12x".to_string()), Just("99999999999999999999999".to_string()),
            Just("1e3".to_string()), Just("-0.5".to_string()), Just("inf".to_string()), "-?[0-9]{1,5}"],
         "[a-z\\-]{0,8}",
         "[ -~\n\u{e9}\u{bd81}]{0,12}"),
        0..6,
    )) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["n", "s", "t"]).unwrap();
        for (n, s, t) in &rows {
            w.write_record([n, s, t]).unwrap();
        }
        let csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let sidecar = "id: d\ntitle: T\ndescription: D\nsource: s\nlocator: l\ncolumns:\n  - {name: n, title: N, type: number}\n  - {name: s, title: S, type: source}\n  - {name: t, title: T, type: text}\n";
        let (site, problems) = parse_site(&[
            SourceFile { path: PathBuf::from("content/datasets/d.csv"), text: csv.clone() },
            SourceFile { path: PathBuf::from("content/datasets/d.yaml"), text: sidecar.to_string() },
        ]);
        if problems.is_empty() {
            let d = &site.datasets[0];
            prop_assert_eq!(d.rows.len(), rows.len());
            for (row, (_, _, t)) in d.rows.iter().zip(&rows) {
                let written = t.trim();
                if !written.is_empty() {
                    prop_assert_eq!(&row["t"], &fieldbook::model::Cell::Text(written.to_string()));
                }
            }
        } else {
            prop_assert_eq!(problems.len(), 1);
            let d = &problems[0];
            prop_assert_eq!(&d.path, &PathBuf::from("content/datasets/d.csv"));
            prop_assert!(d.line >= 2 && d.col >= 1 && d.line <= csv.lines().count(), "{}", d);
        }
    }
}
