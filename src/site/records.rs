//! Search records: one per page, entity, dataset, chart, key figure and source, from the
//! Markdown texts alone (the search stage indexes them while pages render).

use std::borrow::Cow;

use crate::model::*;
use crate::render::markdown::Rendered;
use crate::search::Record;

use super::Inputs;

/// The plain text of a rendered page body with its embedded items in place (as a reader sees
/// the page); the caller renders the embeds.
pub type PageText<'a, 'b> = dyn Fn(&'a Rendered) -> Cow<'a, str> + 'b;

/// One search record per page, entity, dataset, chart, key figure and source. A page's text is
/// `page_text` of its body, so it holds the charts, tables and figures it embeds.
pub fn search_records<'a>(inp: &Inputs<'a>, page_text: &PageText<'a, '_>) -> Vec<Record<'a>> {
    let text_of = |kind: Kind, id: &str| -> &'a str {
        inp.markdown
            .get(&(kind, id.to_string()))
            .map_or("", |r| r.text.as_str())
    };
    let mut docs = page_records(inp, page_text);
    for e in &inp.site.entities {
        let text = text_of(e.kind.kind(), &e.id);
        docs.push(record(
            inp,
            e.kind.kind(),
            &e.id,
            &e.name,
            [e.summary.as_str().into(), text.into()],
            &e.also
                .iter()
                .chain(e.names.values())
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ));
    }
    for d in &inp.site.datasets {
        docs.push(record(
            inp,
            Kind::Dataset,
            &d.id,
            &d.title,
            [
                d.description.as_str().into(),
                inp.site.readable_locator(&d.locator).into(),
            ],
            &[],
        ));
    }
    for c in &inp.site.charts {
        let subtitle = c.subtitle.as_deref().unwrap_or("");
        docs.push(record(
            inp,
            Kind::Chart,
            &c.id,
            &c.title,
            [c.description.as_str().into(), subtitle.into()],
            &[],
        ));
    }
    for f in &inp.site.figures {
        docs.push(record(
            inp,
            Kind::Figure,
            &f.id,
            &f.statement,
            [
                f.shown().into(),
                inp.site.readable_locator(&f.locator).into(),
            ],
            &[],
        ));
    }
    for s in &inp.site.sources {
        docs.push(record(
            inp,
            Kind::Source,
            &s.id,
            &s.title,
            [s.label().into(), s.authors.join(" ").into()],
            &[],
        ));
    }
    docs
}

/// The pages' records, each with its embeds' text.
fn page_records<'a>(inp: &Inputs<'a>, page_text: &PageText<'a, '_>) -> Vec<Record<'a>> {
    let mut docs = Vec::new();
    for p in &inp.site.pages {
        let text = inp
            .markdown
            .get(&(Kind::Page, p.meta.id.clone()))
            .map_or(Cow::Borrowed(""), page_text);
        docs.push(record(
            inp,
            Kind::Page,
            &p.meta.id,
            &p.meta.title,
            [p.meta.summary.as_str().into(), text],
            &[],
        ));
    }
    docs
}

/// A record: its text is the other names (spellings and names in other languages), the summary and the body, each when not empty.
fn record<'a>(
    inp: &Inputs<'a>,
    kind: Kind,
    id: &str,
    title: &'a str,
    [summary, text]: [Cow<'a, str>; 2],
    also: &[&str],
) -> Record<'a> {
    Record {
        url: inp.config.link(&kind.url(id)),
        title,
        kind: inp.config.strings.kind(kind),
        text: [also.join(", ").into(), summary, text]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
    }
}
