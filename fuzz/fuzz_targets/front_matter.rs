//! A whole page file (YAML front matter + Markdown body) through the build's load path: it replaces
//! `content/pages/first.md` in the mini fixture site, then load, index, reference checks, Markdown of
//! every text, in-page fragment checks, orphans, and the CLI's rendering of every diagnostic.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;

const PATH: &str = "content/pages/first.md";

fuzz_target!(|data: &[u8]| {
    // read_content rejects files that are not UTF-8 before parsing.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (files, site, mut diagnostics) = common::load_with(PATH, text);
    let index = common::validate(&site, &mut diagnostics);
    if let Some(page) = site
        .pages
        .iter()
        .find(|p| p.origin.path.as_os_str() == PATH)
    {
        // The body is the tail of the file and its first line is where it starts.
        assert!(text.ends_with(page.body.text.as_str()));
        let start = text.len() - page.body.text.len();
        let (line, _) = fieldbook::diag::line_col(text, start);
        if !page.body.text.is_empty() {
            assert_eq!(page.body.line, line, "body line");
        }
        assert!(page.origin.line >= 1);
    } else {
        assert!(
            diagnostics
                .iter()
                .any(|d| d.is_error() && d.path.as_os_str() == PATH),
            "page dropped without an error"
        );
    }
    // Markdown is rendered even when validation failed: render must not panic on any site.
    let markdown = common::render_site(&site, &index);
    for r in markdown.values() {
        diagnostics.extend(r.diagnostics.iter().cloned());
    }
    diagnostics.extend(fieldbook::build::verify::fragments(&site, &markdown));
    diagnostics.extend(fieldbook::build::verify::orphans(&site, &markdown));
    common::check_diagnostics(&files, &diagnostics);
    common::render_diagnostics(&files, &diagnostics);
});
