//! Search records: one per page, entity, dataset, chart, key figure and source, from the
//! Markdown texts alone (the search stage indexes them while pages render). A page's or an
//! entity's body text is named, not made: the indexer makes it when the record's shard is indexed.

use std::borrow::Cow;

use crate::model::*;
use crate::search::Record;

use super::Inputs;

/// One search record per page, entity, dataset, chart, key figure and source. A page's body
/// text (made by the caller's [`crate::search::BodyText`]) holds the charts, tables and figures
/// it embeds.
pub fn search_records<'a>(inp: &Inputs<'a>) -> Vec<Record<'a>> {
    let mut docs = Vec::new();
    for p in &inp.site.pages {
        let summary = [p.meta.summary.as_str().into(), "".into()];
        let mut r = record(inp, Kind::Page, &p.meta.id, &p.meta.title, summary, &[]);
        r.body = Some((Kind::Page, &p.meta.id));
        docs.push(r);
    }
    for e in &inp.site.entities {
        let also: Vec<&str> = e
            .also
            .iter()
            .chain(e.names.values())
            .map(String::as_str)
            .collect();
        let summary = [e.summary.as_str().into(), "".into()];
        let mut r = record(inp, e.kind.kind(), &e.id, &e.name, summary, &also);
        r.body = Some((e.kind.kind(), &e.id));
        docs.push(r);
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
        body: None,
    }
}
