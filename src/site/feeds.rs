//! The files machines read: `sitemap.xml`, the Atom feed, `robots.txt` and the chart stylesheet
//! for forced themes.

use std::collections::BTreeSet;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::diag::Diagnostic;
use crate::model::*;
use crate::output::OutputFile;

use super::context::Generator;

/// One feed entry: date, title, site path, summary.
struct Entry {
    date: String,
    title: String,
    url: String,
    summary: String,
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

    /// Every address of the site that has a page of its own, sorted.
    fn all_urls(&self) -> Vec<String> {
        let mut urls: BTreeSet<String> = BTreeSet::new();
        urls.insert("/".into());
        for p in ["/chapters/", "/corrections/"] {
            urls.insert(p.into());
        }
        if !self.inp.site.events.is_empty() {
            urls.insert("/timeline/".into());
        }
        if self.inp.config.search {
            urls.insert("/search/".into());
        }
        for k in Kind::ALL {
            let has_items = self.inp.index.ids(k).next().is_some();
            if let (Some(section), true, true) = (k.section(), k.has_own_page(), has_items) {
                urls.insert(format!("/{section}/"));
            }
            if k.has_own_page() {
                for id in self.inp.index.ids(k) {
                    urls.insert(k.url(id));
                }
            }
        }
        urls.into_iter().collect()
    }

    /// Every address with the site's date (sitemaps.org protocol).
    fn sitemap(&self) -> String {
        let c = self.inp.config;
        let mut x = Xml::new();
        x.open(
            "urlset",
            &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
        );
        for u in &self.all_urls() {
            x.newline(1);
            x.open("url", &[]);
            x.element("loc", &c.absolute(u));
            if !c.last_updated.is_empty() {
                x.element("lastmod", &c.last_updated);
            }
            x.close("url");
        }
        x.newline(0);
        x.close("urlset");
        x.finish()
    }

    /// The feed: pages by their `updated` date, corrections by theirs, every other item at the
    /// site's date; newest first.
    fn atom(&self) -> String {
        let c = self.inp.config;
        let updated = if c.last_updated.is_empty() {
            "1970-01-01".to_string()
        } else {
            c.last_updated.clone()
        };
        let mut x = Xml::new();
        x.open("feed", &[("xmlns", "http://www.w3.org/2005/Atom")]);
        x.newline(1);
        x.element("title", &c.title);
        x.newline(1);
        x.element("id", &c.absolute("/"));
        x.newline(1);
        x.empty(
            "link",
            &[("rel", "self"), ("href", &c.absolute("/atom.xml"))],
        );
        x.newline(1);
        x.empty("link", &[("href", &c.absolute("/"))]);
        x.newline(1);
        x.element("updated", &format!("{updated}T00:00:00Z"));
        x.newline(1);
        x.open("author", &[]);
        x.element("name", &c.authors.join(", "));
        x.close("author");
        let mut entries = self.feed_entries(&updated);
        entries.sort_by(|a, b| (&b.date, &a.url).cmp(&(&a.date, &b.url)));
        for e in entries {
            let date = if e.date.len() == 10 {
                &e.date
            } else {
                &updated
            };
            let url = c.absolute(&e.url);
            x.newline(1);
            x.open("entry", &[]);
            for (name, text) in [("title", e.title.as_str()), ("id", &url)] {
                x.newline(2);
                x.element(name, text);
            }
            x.newline(2);
            x.empty("link", &[("href", &url)]);
            x.newline(2);
            x.element("updated", &format!("{date}T00:00:00Z"));
            x.newline(2);
            x.element("summary", &e.summary);
            x.newline(1);
            x.close("entry");
        }
        x.newline(0);
        x.close("feed");
        x.finish()
    }

    fn feed_entries(&self, updated: &str) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for p in &self.inp.site.pages {
            entries.push(Entry {
                date: p
                    .meta
                    .updated
                    .clone()
                    .unwrap_or_else(|| updated.to_string()),
                title: p.meta.title.clone(),
                url: Kind::Page.url(&p.meta.id),
                summary: p.meta.summary.clone(),
            });
        }
        for k in &self.inp.site.corrections {
            entries.push(Entry {
                date: k.date.clone(),
                title: self.t().fill("corrections.title", &[("target", &k.target)]),
                url: Kind::Correction.url(&k.id),
                summary: k.text.clone(),
            });
        }
        // A set of the addresses so far: a scan per address was quadratic in pages.
        let mut seen: BTreeSet<String> = entries.iter().map(|e| e.url.clone()).collect();
        for u in self.all_urls() {
            if seen.contains(&u) {
                continue;
            }
            let title = Kind::ALL.iter().find_map(|k| {
                u.strip_prefix(&format!("/{}/", k.section().unwrap_or("-")))
                    .filter(|r| !r.is_empty())
                    .and_then(|r| self.inp.index.get(*k, r.trim_end_matches('/')))
            });
            if let Some(e) = title {
                seen.insert(u.clone());
                entries.push(Entry {
                    date: updated.to_string(),
                    title: e.title.clone(),
                    url: u,
                    summary: String::new(),
                });
            }
        }
        entries
    }
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
