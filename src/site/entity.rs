//! Places, organizations, people and terms: `entity.html`, at `/<section>/<id>/`.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;
use crate::render::cite::Formatted;

use super::context::{BibEntry, Generator, Link, Meta, SiteCx};

/// What `entity.html` receives.
#[derive(Serialize)]
struct EntityCx<'a> {
    site: &'a SiteCx,
    meta: Meta,
    cite: Formatted,
    entity: EntityFields<'a>,
    body: &'a str,
    bibliography: Vec<BibEntry<'a>>,
    parent: Option<Link>,
    children: Vec<Link>,
    sources: Vec<SourceCited>,
    backlinks: Vec<Link>,
}

#[derive(Serialize)]
struct EntityFields<'a> {
    id: &'a str,
    name: &'a str,
    also: &'a [String],
    summary: &'a str,
    category: &'a Option<String>,
    note: &'a Option<String>,
    names: &'a std::collections::BTreeMap<String, String>,
    extra: &'a std::collections::BTreeMap<String, serde_json::Value>,
}

/// A source that names the entity, and where.
#[derive(Serialize)]
struct SourceCited {
    link: Link,
    locator: Option<String>,
}

impl<'a> Generator<'a> {
    /// An entity's HTML file.
    pub fn entity(&self, e: &'a Entity) -> Result<Vec<OutputFile>, Diagnostic> {
        let kind = e.kind.kind();
        let rendered = self.md_or_empty(kind, &e.id);
        let body = rendered.html();
        let cx = EntityCx {
            site: &self.site_cx,
            meta: self.meta(kind, &e.id, &e.name, &e.summary),
            cite: self.cite_this(
                &e.name,
                &kind.url(&e.id),
                &format!("fieldbook-{}-{}", kind.ref_name(), e.id),
            ),
            entity: EntityFields {
                id: &e.id,
                name: &e.name,
                also: &e.also,
                summary: &e.summary,
                category: &e.category,
                note: &e.note,
                names: &e.names,
                extra: &e.extra,
            },
            body: &body,
            bibliography: self.bibliography(rendered),
            parent: e
                .parent
                .as_ref()
                .and_then(|p| self.item_link(Kind::Place, p)),
            children: self
                .children
                .get(e.id.as_str())
                .into_iter()
                .flatten()
                .filter_map(|c| self.item_link(c.kind.kind(), &c.id))
                .collect(),
            sources: e
                .sources
                .iter()
                .filter_map(|s| {
                    self.item_link(Kind::Source, &s.source)
                        .map(|link| SourceCited {
                            link,
                            locator: s
                                .locator
                                .as_deref()
                                .map(|l| self.inp.site.readable_locator(l)),
                        })
                })
                .collect(),
            backlinks: self.backlinks_of(kind, &e.id),
        };
        let section = kind.section().unwrap_or("");
        Ok(vec![self.render(
            "entity.html",
            format!("{section}/{}/index.html", e.id),
            &cx,
        )?])
    }
}
