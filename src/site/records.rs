//! Search records: one per page, entity, dataset, chart, key figure and source, from the
//! Markdown texts alone (the search stage indexes them while pages render).

use std::borrow::Cow;

use crate::model::*;
use crate::search::Record;

use super::Inputs;

/// One search record per page, entity, dataset, chart, key figure and source.
pub fn search_records<'a>(inp: &Inputs<'a>) -> Vec<Record<'a>> {
    let text_of = |kind: Kind, id: &str| -> &'a str {
        inp.markdown
            .get(&(kind, id.to_string()))
            .map_or("", |r| r.text.as_str())
    };
    let mut docs: Vec<Record> = Vec::new();
    for p in &inp.site.pages {
        let text = text_of(Kind::Page, &p.meta.id);
        docs.push(record(
            inp,
            Kind::Page,
            &p.meta.id,
            &p.meta.title,
            [p.meta.summary.as_str().into(), text.into()],
            &[],
        ));
    }
    for e in &inp.site.entities {
        let text = text_of(e.kind.kind(), &e.id);
        docs.push(record(
            inp,
            e.kind.kind(),
            &e.id,
            &e.name,
            [e.summary.as_str().into(), text.into()],
            &e.also,
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

/// A record: its text is the other names, the summary and the body, each when not empty.
fn record<'a>(
    inp: &Inputs<'a>,
    kind: Kind,
    id: &str,
    title: &'a str,
    [summary, text]: [Cow<'a, str>; 2],
    also: &[String],
) -> Record<'a> {
    Record {
        url: inp.config.link(&kind.url(id)),
        title,
        kind: kind.label(),
        text: [also.join(", ").into(), summary, text]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect(),
    }
}
