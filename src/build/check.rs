//! Check: everything `fieldbook check` reports beyond a build's own errors: data-consistency
//! mismatches, broken internal links (located in the item's file), provenance of every value, and
//! orphans; with `--external`, dead and moved outbound links (`external`).

use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic};
use crate::validate::consistency;

use super::{external, verify};

/// Everything `check` reports: build errors, data-consistency mismatches, orphans, broken links.
pub fn check_site(root: &Path) -> Vec<Diagnostic> {
    check_site_with(root, None, None)
}

/// [`check_site`], plus, with `external`, every outbound web address requested
/// (`check --external`; the only use of the network).
/// `base_url` replaces book.toml's (`check --base-url`).
pub fn check_site_with(
    root: &Path,
    external: Option<&external::Settings>,
    base_url: Option<&str>,
) -> Vec<Diagnostic> {
    let built = match super::compile_for_check(root, false, base_url) {
        Ok(b) => b,
        Err(f) => return f.diagnostics,
    };
    let mut out = built.report.diagnostics.clone();
    for d in &built.site.datasets {
        let acknowledged =
            |m: &consistency::Mismatch| d.notes.iter().any(|n| n.text.contains(&m.printed));
        for m in consistency::mismatches(d) {
            let message = format!(
                "dataset `{}`, {}: {} is printed as {}, but the table implies {}",
                d.id, m.row, m.what, m.printed, m.computed
            );
            let diag = if acknowledged(&m) {
                Diagnostic::note(&d.rows_path, m.line, 1, message)
            } else {
                Diagnostic::warning(&d.rows_path, m.line, 1, message)
            };
            out.push(diag.with_hint("keep the printed value; explain the difference in a dataset note that quotes the printed value (it then becomes a note)"));
        }
    }
    let origins = built.site.origins_by_url();
    for (page, target) in verify::broken_links(&built.files, &built.config.base_path) {
        let url = format!("/{}", page.trim_end_matches("index.html"));
        let message = format!("broken internal link {target} (on {url})");
        let located = origins.get(url.as_str()).map(|origin| {
            // Where the item's own file writes the target, else the item itself.
            let written = target.strip_prefix(built.config.base_path.trim_end_matches('/')).unwrap_or(&target);
            let text = std::fs::read_to_string(root.join(&origin.path)).unwrap_or_default();
            let (line, col) = text.find(written).map_or((origin.line, origin.col), |o| diag::line_col(&text, o));
            Diagnostic::error(&origin.path, line, col, message.clone())
                .with_hint("link to an item with [text](@kind/id), which is checked; if the link is not in this file, it comes from a template")
        });
        out.push(located.unwrap_or_else(|| {
            Diagnostic::error(PathBuf::from("templates"), 0, 0, message).with_hint(format!(
                "the page {url} is made by a template (or is a static file); find the link there"
            ))
        }));
    }
    // Every key figure and dataset cell against the source texts (sources with `text:`).
    out.extend(crate::validate::provenance::check(&built.site, root));
    out.extend(built.orphans);
    if let Some(settings) = external {
        let addresses = external::addresses(&built.site, root);
        out.extend(external::check(&addresses, settings));
    }
    out.sort_by(|a, b| {
        (b.severity, &a.path, a.line, a.col).cmp(&(a.severity, &b.path, b.line, b.col))
    });
    out.dedup();
    out
}
