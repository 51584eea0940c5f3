//! Search records: one per page, entity, dataset, chart, key figure and source, from the
//! Markdown texts alone (the search stage indexes them while pages render).

use crate::model::*;
use crate::search::Record;

use super::Inputs;

/// One search record per page, entity, dataset, chart, key figure and source.
pub fn search_records(inp: &Inputs) -> Vec<Record> {
    let text_of = |kind: Kind, id: &str| {
        inp.markdown
            .get(&(kind, id.to_string()))
            .map(|r| r.text.clone())
            .unwrap_or_default()
    };
    let mut docs: Vec<Record> = Vec::new();
    for p in &inp.site.pages {
        let text = text_of(Kind::Page, &p.meta.id);
        docs.push(record(
            inp,
            Kind::Page,
            &p.meta.id,
            &p.meta.title,
            [&p.meta.summary, &text],
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
            [&e.summary, &text],
            &e.also,
        ));
    }
    for d in &inp.site.datasets {
        docs.push(record(
            inp,
            Kind::Dataset,
            &d.id,
            &d.title,
            [&d.description, &d.locator],
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
            [&c.description, subtitle],
            &[],
        ));
    }
    for f in &inp.site.figures {
        docs.push(record(
            inp,
            Kind::Figure,
            &f.id,
            &f.statement,
            [&f.shown(), &f.locator],
            &[],
        ));
    }
    for s in &inp.site.sources {
        let authors = s.authors.join(" ");
        docs.push(record(
            inp,
            Kind::Source,
            &s.id,
            &s.title,
            [&s.label(), &authors],
            &[],
        ));
    }
    docs
}

/// A record: its text is the other names, the summary and the body, each when not empty.
fn record(
    inp: &Inputs,
    kind: Kind,
    id: &str,
    title: &str,
    [summary, text]: [&str; 2],
    also: &[String],
) -> Record {
    Record {
        url: inp.config.link(&kind.url(id)),
        title: title.to_string(),
        kind: kind.label().to_string(),
        text: [also.join(", ").as_str(), summary, text]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<&str>>()
            .join(" "),
    }
}
