//! Preview: the pages of an edited Markdown file regenerated at once from the last build, which
//! `serve` shows before the full rebuild that follows.

use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic};
use crate::load;
use crate::model::Kind;
use crate::output::OutputFile;
use crate::render::{cite, markdown};
use crate::site::{self, Inputs};

use super::{memo, Built};

/// The pages of `changed` (files under `root`) regenerated at once from the last build, before the
/// full rebuild that follows: what `serve` shows first after an edit. Only an edit to the body of
/// an existing page is previewed; anything else (a new page, a changed front matter, a data or
/// template file, a Markdown error) returns `None` and waits for the full rebuild. The preview
/// may differ from that rebuild only on other pages (backlinks, search), which it does not touch.
pub fn preview(built: &mut Built, root: &Path, changed: &[PathBuf]) -> Option<Vec<OutputFile>> {
    let mut ids = Vec::new();
    for path in changed {
        let rel = path
            .strip_prefix(root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
        let rel = PathBuf::from(rel);
        let i = built.site.pages.iter().position(|p| p.origin.path == rel)?;
        let text = diag::normalize_line_breaks(std::fs::read_to_string(path).ok()?);
        let page = load::parse_page_file(rel.clone(), text).ok()?;
        let old = &built.site.pages[i];
        if page.meta != old.meta || page.origin != old.origin {
            return None;
        }
        let link = |p: &str| built.config.link(p);
        let cx = markdown::Context {
            index: &built.index,
            link: &link,
            path: &rel,
            paragraph_ids: true,
            embeds: true,
            strings: &built.config.strings,
        };
        let rendered = markdown::render(&page.body, &cx);
        if rendered.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        ids.push(page.meta.id.clone());
        built
            .parts
            .markdown
            .insert((Kind::Page, page.meta.id.clone()), rendered);
        built.site.pages[i] = page;
    }
    let memo = memo::Memo::off();
    let inputs = Inputs {
        config: &built.config,
        site: &built.site,
        index: &built.index,
        styles: cite::Styles::shared(),
        markdown: &built.parts.markdown,
        charts: &built.parts.charts,
        mismatches: &built.parts.mismatches,
    };
    let (templates, minify) = (&built.parts.templates, built.parts.minify);
    let render_page = |unit| super::render::render_page(unit, templates, minify, &memo);
    site::pages(&inputs, &render_page, &ids).ok()
}
