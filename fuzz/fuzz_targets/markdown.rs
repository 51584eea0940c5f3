//! Markdown with fieldbook's extensions (`@kind/id` links, `[@key, p. 3]` citations, `![](@chart/x)`
//! embeds, `{#id}` anchors, footnotes), rendered against the mini fixture's index. The first byte picks
//! the context: a page body (paragraph ids, embeds) or a YAML description (neither).
#![no_main]

mod common;

use std::path::Path;

use fieldbook::validate::index::Index;
use fieldbook::model::Located;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static INDEX: Index = {
        let (_, site, mut diagnostics) = common::load_with("content/none", "");
        let index = common::validate(&site, &mut diagnostics);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "fixture: {diagnostics:?}");
        index
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let is_page = flags & 1 == 0;
    let source = Located {
        text: text.to_string(),
        line: 12,
        col: if flags & 2 == 0 { 1 } else { 5 },
    };
    INDEX.with(|index| {
        let r = common::render(index, &source, Path::new("content/pages/p.md"), is_page);
        common::check_rendered(&source, &r);
        // Every id given to an element is recorded as an anchor (fragment checks rely on it).
        let mut rest = r.html.as_str();
        while let Some(i) = rest.find(" id=\"") {
            rest = &rest[i + 5..];
            let end = rest.find('"').unwrap_or(rest.len());
            let id = &rest[..end];
            assert!(
                r.anchors.contains(id)
                    || r.anchors.contains(&fieldbook::render::markdown::escape_attr(id))
                    || id.contains('&'),
                "id `{id}` not in anchors: {}",
                r.html
            );
        }
        // Search text is tag-free.
        let _ = fieldbook::render::markdown::html_to_text(&r.html);
    });
});
