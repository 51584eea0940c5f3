//! Each item page's own link-preview card (`page-cards` in book.toml): which pages have one, where
//! it goes in the output and what it shows. The build draws them ([`CardUnit`], like a page, is
//! plain data: the stage never sees the cache that reuses a card from the last output). Chart
//! pages preview their chart's PNG; the home page and the site-wide pages keep the site card.

use crate::model::Kind;

use super::Inputs;

/// One page's card for the caller to draw (`render::chart::page_card_svg`) and write at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardUnit {
    /// Where the PNG goes in the output: `cards/<kind's folder>/<id>.png` ([`card_path`]).
    pub path: String,
    /// The page's title, as its `og:title`.
    pub title: String,
    /// The kind's label in the site's language.
    pub kind: String,
    /// The site's title.
    pub site: String,
}

/// Where the card of item `id` of `kind` goes: under `cards/`, in a folder named like the kind's
/// index (`pages` for pages, which have none), so no two items, the site card
/// (`cards/site.png`) or a chart's PNG (`charts/`) share a path.
pub fn card_path(kind: Kind, id: &str) -> String {
    format!("cards/{}/{id}.png", kind.section().unwrap_or("pages"))
}

/// The card of the page of item `id` of `kind` titled `title`, when it has one of its own: every
/// item with a page but charts (and the home page, whose id is empty), unless `page-cards = false`.
pub fn card_of(inp: &Inputs, kind: Kind, id: &str, title: &str) -> Option<CardUnit> {
    let own = inp.config.page_cards && kind.has_own_page() && kind != Kind::Chart;
    (own && !id.is_empty()).then(|| CardUnit {
        path: card_path(kind, id),
        title: title.to_string(),
        kind: inp.config.strings.kind(kind).to_string(),
        site: inp.config.title.clone(),
    })
}

/// The card of every item page that has one, by path. Each title is the one the item's page
/// gives `Generator::meta`, so the card shows what `og:title` says.
pub fn card_units(inp: &Inputs) -> Vec<CardUnit> {
    let s = inp.site;
    let items = (s.pages.iter())
        .map(|p| (Kind::Page, &p.meta.id, &p.meta.title))
        .chain(s.entities.iter().map(|e| (e.kind.kind(), &e.id, &e.name)))
        .chain(s.datasets.iter().map(|d| (Kind::Dataset, &d.id, &d.title)))
        .chain(s.sources.iter().map(|x| (Kind::Source, &x.id, &x.title)))
        .chain(
            s.figures
                .iter()
                .map(|f| (Kind::Figure, &f.id, &f.statement)),
        );
    let mut units: Vec<CardUnit> = items
        .filter_map(|(kind, id, title)| card_of(inp, kind, id, title))
        .collect();
    units.sort_by(|a, b| a.path.cmp(&b.path));
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_paths_never_meet_the_site_card_or_a_chart() {
        assert_eq!(card_path(Kind::Page, "site"), "cards/pages/site.png");
        assert_eq!(card_path(Kind::Place, "harbor"), "cards/places/harbor.png");
        assert_eq!(card_path(Kind::Figure, "x"), "cards/figures/x.png");
        let folders: Vec<String> = Kind::ALL.iter().map(|k| card_path(*k, "site")).collect();
        assert!(!folders
            .iter()
            .any(|p| p == crate::render::chart::SITE_CARD_PATH));
        let mut unique = folders.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), folders.len(), "one folder per kind");
    }
}
