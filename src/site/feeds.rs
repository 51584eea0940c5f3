//! The files machines read: `sitemap.xml`, the Atom feed, `robots.txt`, the chart stylesheet for
//! forced themes and the site's link-preview card.

use std::collections::BTreeSet;

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
    /// Sitemap, Atom feed, robots.txt, charts.css and the site card.
    pub fn machine_files(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        let c = self.inp.config;
        Ok(vec![
            OutputFile {
                path: "sitemap.xml".into(),
                bytes: self.sitemap().into_bytes(),
            },
            OutputFile {
                path: "atom.xml".into(),
                bytes: self.atom().into_bytes(),
            },
            OutputFile {
                path: "robots.txt".into(),
                bytes: format!(
                    "User-agent: *\nAllow: /\nSitemap: {}\n",
                    c.absolute("/sitemap.xml")
                )
                .into_bytes(),
            },
            // Stylesheet additions for charts in a forced theme, and the site card.
            OutputFile {
                path: "charts.css".into(),
                bytes: crate::render::chart::theme_css().into_bytes(),
            },
            OutputFile {
                path: crate::render::chart::SITE_CARD_PATH.into(),
                bytes: crate::render::chart::card_png(
                    &c.title,
                    &c.description,
                    self.inp
                        .memo
                        .previous_file(crate::render::chart::SITE_CARD_PATH),
                )?,
            },
        ])
    }

    /// Every address of the site that has a page of its own, sorted.
    fn all_urls(&self) -> Vec<String> {
        let mut urls: BTreeSet<String> = BTreeSet::new();
        urls.insert("/".into());
        for p in ["/chapters/", "/timeline/", "/corrections/"] {
            urls.insert(p.into());
        }
        if self.inp.config.search {
            urls.insert("/search/".into());
        }
        for k in Kind::ALL {
            if let (Some(section), true) = (k.section(), k.has_own_page()) {
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

    fn sitemap(&self) -> String {
        let c = self.inp.config;
        let mut sitemap = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for u in &self.all_urls() {
            sitemap.push_str(&format!(
                "  <url><loc>{}</loc>{}</url>\n",
                xml_escape(&c.absolute(u)),
                if c.last_updated.is_empty() {
                    String::new()
                } else {
                    format!("<lastmod>{}</lastmod>", c.last_updated)
                }
            ));
        }
        sitemap.push_str("</urlset>\n");
        sitemap
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
        let mut feed = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{}T00:00:00Z</updated>\n  <author><name>{}</name></author>\n",
            xml_escape(&c.title), xml_escape(&c.absolute("/")), xml_escape(&c.absolute("/atom.xml")), xml_escape(&c.absolute("/")), updated, xml_escape(&c.authors.join(", "))
        );
        let mut entries = self.feed_entries(&updated);
        entries.sort_by(|a, b| (&b.date, &a.url).cmp(&(&a.date, &b.url)));
        for e in entries {
            let date = if e.date.len() == 10 {
                e.date
            } else {
                updated.clone()
            };
            feed.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}T00:00:00Z</updated>\n    <summary>{}</summary>\n  </entry>\n",
                xml_escape(&e.title), xml_escape(&c.absolute(&e.url)), xml_escape(&c.absolute(&e.url)), date, xml_escape(&e.summary)
            ));
        }
        feed.push_str("</feed>\n");
        feed
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
                title: format!("Correction: {}", k.target),
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

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
