//! schema.org JSON-LD for the head of chapter, article and dataset pages: an `Article` or a
//! `Dataset` crediting whom "cite this" and the Google Scholar tags credit (the site's editors,
//! `authors` in book.toml, for the site's texts and extracts), with the work it draws on as
//! `isBasedOn`, credited to that work's own authors. The JSON is escaped for a `<script>` element
//! by `render::escape::json_script`.

use serde_json::{json, Map, Value};

use crate::model::*;

use super::context::Generator;

impl Generator<'_> {
    /// The `Article` of a chapter or article page (none for the about page).
    pub fn article_json_ld(&self, p: &Page, source: Option<&Source>) -> Option<String> {
        let m = &p.meta;
        if m.kind == PageKind::About {
            return None;
        }
        let mut o = self.work_fields("Article", &m.title, &m.summary, &Kind::Page.url(&m.id));
        o.insert("headline".into(), json!(m.title));
        o.insert(
            "dateModified".into(),
            json!(self
                .updated_of(Kind::Page, &m.id)
                .unwrap_or(&self.inp.config.last_updated)),
        );
        if let Some(s) = source {
            o.insert("isBasedOn".into(), based_on(s));
        }
        Some(finish(o))
    }

    /// The `Dataset` of a dataset page: its CSV and JSON as `DataDownload`s, its columns as
    /// `variableMeasured`, its source as `isBasedOn`.
    pub fn dataset_json_ld(&self, d: &Dataset) -> String {
        let c = self.inp.config;
        let mut o = self.work_fields(
            "Dataset",
            &d.title,
            &d.description,
            &Kind::Dataset.url(&d.id),
        );
        let download = |ext: &str, format: &str| {
            json!({
                "@type": "DataDownload",
                "encodingFormat": format,
                "contentUrl": c.absolute(&format!("/data/{}.{ext}", d.id)),
            })
        };
        o.insert(
            "distribution".into(),
            json!([
                download("csv", "text/csv"),
                download("json", "application/json")
            ]),
        );
        let columns: Vec<Value> = d
            .columns
            .iter()
            .map(|col| {
                let mut v = json!({"@type": "PropertyValue", "name": col.title});
                if let Some(unit) = &col.unit {
                    v["unitText"] = json!(unit);
                }
                v
            })
            .collect();
        o.insert("variableMeasured".into(), Value::Array(columns));
        o.insert(
            "dateModified".into(),
            json!(self
                .updated_of(Kind::Dataset, &d.id)
                .unwrap_or(&c.last_updated)),
        );
        if let Some(s) = self.source(&d.source) {
            o.insert("isBasedOn".into(), based_on(s));
        }
        finish(o)
    }

    /// What every work of the site says: name, description, address, language, licence, and
    /// the site's editors as `author` and `creator`, its publisher, the site it is part of.
    fn work_fields(
        &self,
        kind: &str,
        name: &str,
        description: &str,
        path: &str,
    ) -> Map<String, Value> {
        let c = self.inp.config;
        let mut o = Map::new();
        o.insert("@context".into(), json!("https://schema.org"));
        o.insert("@type".into(), json!(kind));
        o.insert("name".into(), json!(name));
        o.insert("description".into(), json!(description));
        o.insert("url".into(), json!(c.absolute(path)));
        o.insert("inLanguage".into(), json!(c.language));
        let editors = Value::Array(c.authors.iter().map(|a| agent(a)).collect());
        o.insert("author".into(), editors.clone());
        o.insert("creator".into(), editors);
        if !c.publisher.is_empty() {
            o.insert(
                "publisher".into(),
                json!({"@type": "Organization", "name": c.publisher}),
            );
        }
        if !c.last_updated.is_empty() {
            o.insert("datePublished".into(), json!(c.last_updated));
        }
        if !c.licence.is_empty() {
            o.insert(
                "license".into(),
                json!({"@type": "CreativeWork", "name": c.licence}),
            );
        }
        o.insert(
            "isPartOf".into(),
            json!({"@type": "WebSite", "name": c.title, "url": c.absolute("/")}),
        );
        o
    }
}

/// A name as a schema.org agent, by the rule "cite this" follows: "Family, Given" is a `Person`,
/// a name without a comma an `Organization`, kept whole.
fn agent(name: &str) -> Value {
    match name.split_once(',') {
        Some((family, given)) => json!({
            "@type": "Person",
            "name": format!("{} {}", given.trim(), family.trim()).trim().to_string(),
            "familyName": family.trim(),
            "givenName": given.trim(),
        }),
        None => json!({"@type": "Organization", "name": name}),
    }
}

/// The work a page or dataset draws on, credited to its own authors.
fn based_on(s: &Source) -> Value {
    let kind = match s.kind {
        SourceType::Report => "Report",
        SourceType::Book => "Book",
        SourceType::Chapter => "Chapter",
        SourceType::Article => "ScholarlyArticle",
        SourceType::News => "NewsArticle",
        SourceType::Web => "WebPage",
        SourceType::Thesis => "Thesis",
        SourceType::Dataset => "Dataset",
        SourceType::Document => "CreativeWork",
    };
    let mut o = Map::new();
    o.insert("@type".into(), json!(kind));
    o.insert("name".into(), json!(s.title));
    if !s.authors.is_empty() {
        o.insert(
            "author".into(),
            Value::Array(s.authors.iter().map(|a| agent(a)).collect()),
        );
    }
    let date = s.date.clone().or_else(|| s.year.map(|y| y.to_string()));
    if let Some(d) = date {
        o.insert("datePublished".into(), json!(d));
    }
    if let Some(p) = &s.publisher {
        o.insert(
            "publisher".into(),
            json!({"@type": "Organization", "name": p}),
        );
    }
    if let Some(u) = &s.url {
        o.insert("url".into(), json!(u));
    }
    Value::Object(o)
}

/// The object as JSON that can stand inside `<script type="application/ld+json">`.
fn finish(o: Map<String, Value>) -> String {
    let text = serde_json::to_string_pretty(&Value::Object(o)).unwrap_or_default();
    crate::render::escape::json_script(&text).into_owned()
}
