//! The files machines read: `sitemap.xml`, the Atom feed, `robots.txt` and the chart stylesheet
//! for forced themes.

use std::collections::BTreeMap;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;

use super::context::Generator;

/// One feed entry: date, title, site path, summary (plain text) and the rendered text, if any.
struct Entry {
    date: String,
    title: String,
    url: String,
    summary: String,
    html: Option<String>,
}

impl Generator<'_> {
    /// Sitemap, Atom feed, robots.txt and charts.css.
    pub fn machine_files(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        let c = self.inp.config;
        let mut files = Vec::new();
        let mut robots = "User-agent: *\nAllow: /\n".to_string();
        // Sitemaps and Atom ids need absolute addresses: without a base-url they are left out
        // (`check` says so).
        if c.has_address() {
            files.push(OutputFile {
                path: "sitemap.xml".into(),
                bytes: self.sitemap().into_bytes(),
            });
            files.push(OutputFile {
                path: "atom.xml".into(),
                bytes: self.atom().into_bytes(),
            });
            robots.push_str(&format!("Sitemap: {}\n", c.absolute("/sitemap.xml")));
        }
        files.push(OutputFile {
            path: "robots.txt".into(),
            bytes: robots.into_bytes(),
        });
        // Stylesheet additions for charts in a forced theme.
        files.push(OutputFile {
            path: "charts.css".into(),
            bytes: crate::render::chart::theme_css().into_bytes(),
        });
        Ok(files)
    }

    /// Every address of the site that has a page of its own, sorted, with the date its item last
    /// changed when it has one of its own ([`Generator::updated_of`]).
    fn all_urls(&self) -> Vec<(String, Option<&str>)> {
        let mut urls: BTreeMap<String, Option<&str>> = BTreeMap::new();
        urls.insert("/".into(), None);
        for p in ["/chapters/", "/corrections/"] {
            urls.insert(p.into(), None);
        }
        if !self.inp.site.events.is_empty() {
            urls.insert("/timeline/".into(), None);
        }
        if self.inp.config.search {
            urls.insert("/search/".into(), None);
        }
        for k in Kind::ALL {
            let has_items = self.inp.index.ids(k).next().is_some();
            if let (Some(section), true, true) = (k.section(), k.has_own_page(), has_items) {
                urls.insert(format!("/{section}/"), None);
            }
            if k.has_own_page() {
                for id in self.inp.index.ids(k) {
                    urls.insert(k.url(id), self.updated_of(k, id));
                }
            }
        }
        urls.into_iter().collect()
    }

    /// Every address (sitemaps.org protocol), each with the date its item last changed, or else
    /// the site's date.
    fn sitemap(&self) -> String {
        let c = self.inp.config;
        let mut x = Xml::new();
        x.open(
            "urlset",
            &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
        );
        for (u, updated) in &self.all_urls() {
            x.newline(1);
            x.open("url", &[]);
            x.element("loc", &c.absolute(u));
            match updated {
                Some(d) => x.element("lastmod", d),
                None if !c.last_updated.is_empty() => x.element("lastmod", &c.last_updated),
                None => {}
            }
            x.close("url");
        }
        x.newline(0);
        x.close("urlset");
        x.finish()
    }

    /// The feed (RFC 4287): the pages, each at its own date (its `updated`, or the latest correction
    /// to it, or else the site's date), and the corrections at theirs; newest first. Datasets,
    /// charts and the other items are in the sitemap, not here: a reader subscribes to the
    /// texts and to what changed.
    fn atom(&self) -> String {
        let c = self.inp.config;
        let site_date = if c.last_updated.is_empty() {
            "1970-01-01".to_string()
        } else {
            c.last_updated.clone()
        };
        let mut entries = self.feed_entries(&site_date);
        entries.sort_by(|a, b| (&b.date, &a.url).cmp(&(&a.date, &b.url)));
        // The feed changed when its newest entry did.
        let updated = entries
            .iter()
            .map(|e| e.date.as_str())
            .chain([site_date.as_str()])
            .max()
            .unwrap_or(&site_date)
            .to_string();
        let mut x = Xml::new();
        let home = c.absolute("/");
        let language = c.language.as_str();
        x.open(
            "feed",
            &[
                ("xmlns", "http://www.w3.org/2005/Atom"),
                ("xml:base", &home),
                ("xml:lang", language),
            ],
        );
        for (name, text) in [("title", c.title.as_str()), ("id", &home)] {
            x.newline(1);
            x.element(name, text);
        }
        x.newline(1);
        x.empty(
            "link",
            &[("rel", "self"), ("href", &c.absolute("/atom.xml"))],
        );
        x.newline(1);
        x.empty("link", &[("href", &home)]);
        x.newline(1);
        x.element("updated", &format!("{updated}T00:00:00Z"));
        x.newline(1);
        x.open("author", &[]);
        // RFC 4287 asks every feed whose entries have no author of their own for one.
        let author = if c.authors.is_empty() {
            c.title.clone()
        } else {
            c.authors.join(", ")
        };
        x.element("name", &author);
        x.close("author");
        for e in entries {
            x.entry(&e, &c.absolute(&e.url));
        }
        x.newline(0);
        x.close("feed");
        x.finish()
    }

    fn feed_entries(&self, site_date: &str) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for p in &self.inp.site.pages {
            entries.push(Entry {
                date: self
                    .updated_of(Kind::Page, &p.meta.id)
                    .unwrap_or(site_date)
                    .to_string(),
                title: p.meta.title.clone(),
                url: Kind::Page.url(&p.meta.id),
                summary: p.meta.summary.clone(),
                html: None,
            });
        }
        for k in &self.inp.site.corrections {
            let rendered = self.md(Kind::Correction, &k.id);
            // The corrected item by its title, not as the `@kind/id` written in the YAML.
            let target = k
                .target
                .strip_prefix('@')
                .and_then(|t| crate::validate::index::parse_ref(t).ok())
                .and_then(|(kind, id, _)| self.inp.index.get(kind, id))
                .map_or(k.target.as_str(), |e| e.title.as_str());
            let title = if target.is_empty() {
                self.t().kind(Kind::Correction).to_string()
            } else {
                self.t().fill("corrections.title", &[("target", target)])
            };
            entries.push(Entry {
                date: dated(&k.date).unwrap_or(site_date).to_string(),
                title,
                url: Kind::Correction.url(&k.id),
                summary: rendered.map_or(k.text.clone(), |r| r.text().trim().to_string()),
                html: rendered.map(|r| r.html()),
            });
        }
        entries
    }
}

/// The date an item last changed, when it has one of its own: a page's `updated`, and the date of
/// every correction to the item (`target`); the latest of them. Dates not in `YYYY-MM-DD` form
/// are left out.
pub fn updated_dates(site: &Site) -> BTreeMap<(Kind, String), String> {
    let mut dates: BTreeMap<(Kind, String), String> = BTreeMap::new();
    let mut note = |kind: Kind, id: &str, date: &str| {
        if let Some(d) = dated(date) {
            let slot = dates.entry((kind, id.to_string())).or_default();
            if d > slot.as_str() {
                *slot = d.to_string();
            }
        }
    };
    for p in &site.pages {
        if let Some(u) = &p.meta.updated {
            note(Kind::Page, &p.meta.id, u);
        }
    }
    for k in &site.corrections {
        let target = k.target.strip_prefix('@').unwrap_or(&k.target);
        if let Ok((kind, id, _)) = crate::validate::index::parse_ref(target) {
            note(kind, id, &k.date);
        }
    }
    dates
}

/// A full date (`YYYY-MM-DD`), the form Atom and the sitemap need.
fn dated(date: &str) -> Option<&str> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (b.len() == 10 && b[4] == b'-' && b[7] == b'-' && digits(0..4) && digits(5..7) && digits(8..10))
        .then_some(date)
}

/// An XML document written with quick-xml, which escapes every text and attribute value; the
/// layout (one element per line, two-space indents) is written as whitespace between elements.
struct Xml {
    w: quick_xml::Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        let mut w = quick_xml::Writer::new(Vec::new());
        // Writing to memory cannot fail.
        let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
        let mut x = Xml { w };
        x.newline(0);
        x
    }

    fn newline(&mut self, indent: usize) {
        let space = format!("\n{}", "  ".repeat(indent));
        let _ = self
            .w
            .write_event(Event::Text(BytesText::from_escaped(space)));
    }

    fn open(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        let _ = self.w.write_event(Event::Start(start));
    }

    fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) {
        let start = BytesStart::new(name).with_attributes(attributes.iter().copied());
        let _ = self.w.write_event(Event::Empty(start));
    }

    fn close(&mut self, name: &str) {
        let _ = self.w.write_event(Event::End(BytesEnd::new(name)));
    }

    /// One `<entry>`: title, id (its absolute address), link, date, summary and content.
    fn entry(&mut self, e: &Entry, url: &str) {
        self.newline(1);
        self.open("entry", &[]);
        for (name, text) in [("title", e.title.as_str()), ("id", url)] {
            self.newline(2);
            self.element(name, text);
        }
        self.newline(2);
        self.empty("link", &[("href", url)]);
        self.newline(2);
        self.element("updated", &format!("{}T00:00:00Z", e.date));
        if !e.summary.is_empty() {
            self.newline(2);
            self.element("summary", &e.summary);
        }
        if let Some(html) = &e.html {
            self.newline(2);
            self.open("content", &[("type", "html")]);
            let _ = self.w.write_event(Event::Text(BytesText::new(html)));
            self.close("content");
        }
        self.newline(1);
        self.close("entry");
    }

    /// `<name>text</name>`, the text escaped.
    fn element(&mut self, name: &str, text: &str) {
        self.open(name, &[]);
        let _ = self.w.write_event(Event::Text(BytesText::new(text)));
        self.close(name);
    }

    fn finish(mut self) -> String {
        self.newline(0);
        let mut text = String::from_utf8(self.w.into_inner()).unwrap_or_default();
        // The document ends with one line break.
        text.truncate(text.trim_end().len());
        text.push('\n');
        text
    }
}
