//! Citations: in-text labels, reference lists and "cite this" in APA, Chicago, BibTeX, RIS and CSL-JSON.
//!
//! APA and Chicago come from hayagriva with the CSL styles it ships (the only module that imports
//! hayagriva); BibTeX, RIS and CSL-JSON are plain field lists written here. The in-text label
//! ("Lee and Lee 2016, p. 33") is author-date, as in Chicago's author-date style.

use std::collections::BTreeMap;

use hayagriva::citationberg::{IndependentStyle, Locale, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest, Elem,
    ElemChild, ElemChildren, Formatted as StyledText,
};

use crate::model::{Source, SourceType};

mod formats;
pub use formats::{bibtex, csl_json, ris};

/// A work to cite, in the fields every output format needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Work {
    /// Citation key.
    pub key: String,
    /// CSL-ish type: report, book, chapter, article, news, web, thesis, document, dataset.
    pub kind: String,
    /// Title.
    pub title: String,
    /// "Family, Given" or organizations.
    pub authors: Vec<String>,
    /// Translators.
    pub translators: Vec<String>,
    /// Year.
    pub year: Option<i32>,
    /// YYYY-MM(-DD).
    pub date: Option<String>,
    /// Publisher.
    pub publisher: Option<String>,
    /// Place of publication.
    pub place: Option<String>,
    /// Journal, newspaper, book or website title.
    pub container: Option<String>,
    /// Volume.
    pub volume: Option<String>,
    /// Issue.
    pub issue: Option<String>,
    /// Pages.
    pub pages: Option<String>,
    /// Address.
    pub url: Option<String>,
    /// Note.
    pub note: Option<String>,
}

impl Work {
    /// The work a bibliography source describes.
    pub fn from_source(s: &Source) -> Work {
        let kind = match s.kind {
            SourceType::Report => "report",
            SourceType::Book => "book",
            SourceType::Chapter => "chapter",
            SourceType::Article => "article",
            SourceType::News => "news",
            SourceType::Web => "web",
            SourceType::Thesis => "thesis",
            SourceType::Document => "document",
            SourceType::Dataset => "dataset",
        };
        Work {
            key: s.id.clone(),
            kind: kind.to_string(),
            title: s.title.clone(),
            authors: s.authors.clone(),
            translators: s.translators.clone(),
            year: s.year,
            date: s.date.clone(),
            publisher: s.publisher.clone(),
            place: s.place.clone(),
            container: s.container.clone(),
            volume: s.volume.clone(),
            issue: s.issue.clone(),
            pages: s.pages.clone(),
            url: s.url.clone(),
            note: s.note.clone(),
        }
    }
}

/// Loaded CSL styles; load once per process ([`Styles::shared`]).
pub struct Styles {
    apa: IndependentStyle,
    chicago: IndependentStyle,
    locales: Vec<Locale>,
    /// Works already formatted by this process: CSL rendering is the slow part of formatting
    /// (milliseconds per entry), and its result depends on the work alone, so `serve`'s rebuilds
    /// reuse it, and `build`'s memo saves the ones used ([`Styles::used`]) for the next build.
    /// Each with whether it was asked for since the last [`Styles::remember`].
    done: std::sync::Mutex<std::collections::HashMap<String, (Formatted, bool)>>,
}

/// A reference formatted in every style "cite this" offers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Formatted {
    /// APA 7th, HTML.
    pub apa: String,
    /// Chicago author-date, HTML.
    pub chicago: String,
    /// BibTeX.
    pub bibtex: String,
    /// RIS.
    pub ris: String,
    /// CSL-JSON.
    pub csl_json: String,
}

impl Styles {
    /// Loads the APA and Chicago author-date styles hayagriva ships.
    pub fn load() -> Styles {
        let independent = |s: Style| match s {
            Style::Independent(i) => i,
            Style::Dependent(_) => unreachable!("archived APA and Chicago styles are independent"),
        };
        Styles {
            apa: independent(
                hayagriva::archive::ArchivedStyle::AmericanPsychologicalAssociation.get(),
            ),
            chicago: independent(hayagriva::archive::ArchivedStyle::ChicagoAuthorDate.get()),
            locales: english_locale(),
            done: Default::default(),
        }
    }

    /// The styles, loaded once per process (they never change; `serve` rebuilds reuse them).
    pub fn shared() -> &'static Styles {
        static STYLES: std::sync::OnceLock<Styles> = std::sync::OnceLock::new();
        STYLES.get_or_init(Styles::load)
    }

    /// Every format of "cite this".
    pub fn formatted(&self, work: &Work) -> Formatted {
        let key = format!("{work:?}");
        if let Some((f, used)) = self.lock().get_mut(&key) {
            *used = true;
            return f.clone();
        }
        let f = self.format(work);
        self.lock().insert(key, (f.clone(), true));
        f
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (Formatted, bool)>> {
        self.done.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes works formatted by an earlier process (`build`'s memo), each under the key
    /// [`Styles::used`] gave it, and starts counting which are used anew.
    pub fn remember(&self, known: Vec<(String, Formatted)>) {
        let mut done = self.lock();
        done.values_mut().for_each(|(_, used)| *used = false);
        done.extend(known.into_iter().map(|(k, f)| (k, (f, false))));
    }

    /// Every work formatted or reused since the last [`Styles::remember`], by key, sorted.
    pub fn used(&self) -> Vec<(String, Formatted)> {
        let mut used: Vec<(String, Formatted)> = self
            .lock()
            .iter()
            .filter(|(_, (_, used))| *used)
            .map(|(k, (f, _))| (k.clone(), f.clone()))
            .collect();
        used.sort_by(|a, b| a.0.cmp(&b.0));
        used
    }

    fn format(&self, work: &Work) -> Formatted {
        Formatted {
            apa: self.reference(work, &self.apa),
            chicago: self.reference(work, &self.chicago),
            bibtex: bibtex(work),
            ris: ris(work),
            csl_json: serde_json::to_string_pretty(&csl_json(work)).unwrap_or_default(),
        }
    }

    fn reference(&self, work: &Work, style: &IndependentStyle) -> String {
        let Some(entry) = hayagriva_entry(work) else {
            return html_escape(&work.title);
        };
        let mut driver = BibliographyDriver::new();
        driver.citation(CitationRequest::from_items(
            // Hidden: only the bibliography entry is wanted, not an in-text citation.
            vec![CitationItem::new(&entry, None, None, true, None)],
            style,
            &self.locales,
        ));
        let rendered = driver.finish(BibliographyRequest::new(style, None, &self.locales));
        let mut out = String::new();
        if let Some(bib) = rendered.bibliography {
            for item in bib.items {
                let _ = escaped(item.content).write_buf(&mut out, BufWriteFormat::Html);
            }
        }
        if out.is_empty() {
            html_escape(&work.title)
        } else {
            tidy_punctuation(&out)
        }
    }
}

/// A formatted reference without the stray punctuation a style leaves where a field it expects is
/// missing (Chicago ends a dateless news item's container with ",."): a comma or a doubled full stop
/// before a full stop becomes the full stop, a doubled comma one comma.
pub fn tidy_punctuation(html: &str) -> String {
    let mut out = html.to_string();
    for (from, to) in [(",.", "."), (", .", "."), (",,", ","), (". .", ".")] {
        while out.contains(from) {
            out = out.replace(from, to);
        }
    }
    out
}

/// The en-US CSL locale, the only one the site's styles use (both are US English). hayagriva's
/// `archive::locales()` decodes all of its 60-odd locales, which costs more than a small site's
/// whole build; this decodes the one whose bytes name `en-US`, falling back to all of them.
fn english_locale() -> Vec<Locale> {
    let needle = b"en-US";
    let english: Vec<Locale> = hayagriva::archive::LOCALES
        .iter()
        .filter(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        .filter_map(|bytes| ciborium::de::from_reader::<Locale, _>(*bytes).ok())
        .filter(|l| l.lang.as_ref().map(|l| l.to_string()).as_deref() == Some("en-US"))
        .collect();
    if english.is_empty() {
        hayagriva::archive::locales()
    } else {
        english
    }
}

const TITLE_MARK: &str = "Zfieldbooktitlez";
const URL_MARK: &str = "https://fieldbook.invalid/permalink";

/// "Cite this" for many items of one site that differ only in title, URL and key: the CSL styles run
/// once per build on a template work, then each item's title and URL are filled in.
pub struct SiteCiter {
    template: Work,
    apa: String,
    chicago: String,
}

impl SiteCiter {
    /// Formats the template once. `site` holds the fields every item shares (authors, date, publisher).
    pub fn new(styles: &Styles, site: &Work) -> SiteCiter {
        let template = Work {
            title: TITLE_MARK.into(),
            url: Some(URL_MARK.into()),
            ..site.clone()
        };
        // Through the process-wide cache: `serve` makes a SiteCiter on every rebuild and preview.
        let formatted = styles.formatted(&template);
        SiteCiter {
            apa: formatted.apa,
            chicago: formatted.chicago,
            template,
        }
    }

    /// Every format for one item.
    pub fn formatted(&self, title: &str, url: &str, key: &str) -> Formatted {
        let fill = |html: &str| {
            html.replace(TITLE_MARK, &html_escape(title))
                .replace(&TITLE_MARK.to_lowercase(), &html_escape(title))
                .replace(URL_MARK, &html_escape(url))
        };
        let work = Work {
            key: key.into(),
            title: title.into(),
            url: Some(url.into()),
            ..self.template.clone()
        };
        Formatted {
            apa: fill(&self.apa),
            chicago: fill(&self.chicago),
            bibtex: bibtex(&work),
            ris: ris(&work),
            csl_json: serde_json::to_string_pretty(&csl_json(&work)).unwrap_or_default(),
        }
    }
}

fn html_escape(s: &str) -> String {
    crate::render::escape::attr(s).into_owned()
}

/// The formatter's output with every text it carries HTML-escaped. hayagriva writes its text and
/// link targets into the HTML as they are, so a source's title, author or URL could carry markup;
/// this is the one place its output is made safe, and nothing it prints reaches a page otherwise.
fn escaped(children: ElemChildren) -> ElemChildren {
    let text = |t: StyledText| StyledText {
        text: html_escape(&t.text),
        ..t
    };
    ElemChildren(
        children
            .0
            .into_iter()
            .map(|child| match child {
                ElemChild::Text(t) => ElemChild::Text(text(t)),
                ElemChild::Elem(e) => ElemChild::Elem(Elem {
                    children: escaped(e.children),
                    ..e
                }),
                ElemChild::Markup(m) => ElemChild::Markup(html_escape(&m)),
                ElemChild::Link { text: t, url } => ElemChild::Link {
                    text: text(t),
                    url: html_escape(&url),
                },
                other @ ElemChild::Transparent { .. } => other,
            })
            .collect(),
    )
}

/// A text for one of hayagriva's formattable fields, which read `\\ { } $` as markup (`{..}` keeps
/// its case, `$..$` is math): each one is escaped, so a title with a dollar sign or a lone brace
/// is printed as written instead of failing to parse.
fn formattable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '{' | '}' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Builds the hayagriva entry through its own YAML format, so its parser checks every field.
fn hayagriva_entry(work: &Work) -> Option<hayagriva::Entry> {
    let mut fields: BTreeMap<&str, serde_yaml::Value> = BTreeMap::new();
    let s = |v: &str| serde_yaml::Value::String(v.to_string());
    let f = |v: &str| s(&formattable(v));
    let (kind, parent_kind) = hayagriva_types(&work.kind);
    fields.insert("type", s(kind));
    fields.insert("title", f(&work.title));
    hayagriva_people(work, &mut fields);
    match (&work.date, work.year) {
        (Some(d), _) => fields.insert("date", s(d)),
        (None, Some(y)) => fields.insert("date", s(&y.to_string())),
        _ => None,
    };
    if let Some(p) = &work.publisher {
        let mut m = serde_yaml::Mapping::new();
        // The publisher is a name: kept as written (`{..}`), so no style capitalizes "fieldbook"
        // in one place and prints it lower-case in another.
        m.insert(s("name"), s(&format!("{{{}}}", formattable(p))));
        if let Some(place) = &work.place {
            m.insert(s("location"), f(place));
        }
        fields.insert("publisher", serde_yaml::Value::Mapping(m));
    }
    if let Some(u) = &work.url {
        fields.insert("url", s(u));
    }
    if let Some(n) = &work.note {
        fields.insert("note", f(n));
    }
    let mut parent = serde_yaml::Mapping::new();
    if let (Some(pk), Some(c)) = (parent_kind, &work.container) {
        parent.insert(s("type"), s(pk));
        parent.insert(s("title"), f(c));
    }
    for (k, v) in [
        ("volume", &work.volume),
        ("issue", &work.issue),
        ("page-range", &work.pages),
    ] {
        if let Some(v) = v {
            if parent.is_empty() {
                fields.insert(k, s(v));
            } else {
                parent.insert(s(k), s(v));
            }
        }
    }
    if !parent.is_empty() {
        fields.insert("parent", serde_yaml::Value::Mapping(parent));
    }
    let mut library = serde_yaml::Mapping::new();
    library.insert(s(&work.key), serde_yaml::to_value(&fields).ok()?);
    let text = serde_yaml::to_string(&library).ok()?;
    let lib = hayagriva::io::from_yaml_str(&text).ok()?;
    lib.get(&work.key).cloned()
}

/// hayagriva's entry type for a work's kind, and the type of its container when it has one.
fn hayagriva_types(kind: &str) -> (&'static str, Option<&'static str>) {
    match kind {
        "report" | "document" => ("report", None),
        "book" => ("book", None),
        "chapter" => ("chapter", Some("book")),
        "article" => ("article", Some("periodical")),
        "news" => ("article", Some("newspaper")),
        "web" => ("web", Some("web")),
        "thesis" => ("thesis", None),
        _ => ("misc", None),
    }
}

/// The `author` and `affiliated` (translator) fields of a hayagriva entry.
fn hayagriva_people(work: &Work, fields: &mut BTreeMap<&str, serde_yaml::Value>) {
    let s = |v: &str| serde_yaml::Value::String(v.to_string());
    if !work.authors.is_empty() {
        // "Family, Given" is a person; a name without a comma is an organization, kept whole.
        let person = |a: &String| {
            if a.contains(',') {
                s(a)
            } else {
                let mut m = serde_yaml::Mapping::new();
                m.insert(s("name"), s(a));
                serde_yaml::Value::Mapping(m)
            }
        };
        fields.insert(
            "author",
            serde_yaml::Value::Sequence(work.authors.iter().map(person).collect()),
        );
    }
    if !work.translators.is_empty() {
        let names = serde_yaml::Value::Sequence(work.translators.iter().map(|a| s(a)).collect());
        let mut role = serde_yaml::Mapping::new();
        role.insert(s("role"), s("translator"));
        role.insert(s("names"), names);
        fields.insert(
            "affiliated",
            serde_yaml::Value::Sequence(vec![serde_yaml::Value::Mapping(role)]),
        );
    }
}

#[cfg(test)]
mod tests;
