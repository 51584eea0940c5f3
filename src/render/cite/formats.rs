//! BibTeX, RIS and CSL-JSON for "cite this": plain field lists, each value escaped for its format
//! (BibTeX's special characters written as TeX commands except in `url`, which is verbatim; one
//! RIS tag per line; CSL-JSON through serde_json).

use serde_json::{json, Value};

use super::Work;

/// A BibTeX field value: the characters TeX reads as commands (`\\ { } & % $ # _ ~ ^`) written as
/// the commands that print them, so the value parses as one brace-balanced field.
fn bibtex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL for BibTeX's `url` field, which the `url` package (and biblatex) read verbatim: `_ % #`
/// stay as they are; only what would unbalance the field's braces (or start a TeX command) is
/// percent-encoded, which leaves the address the same.
fn bibtex_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            '\\' => out.push_str("%5C"),
            c if c.is_whitespace() || c.is_control() => out.push_str("%20"),
            c => out.push(c),
        }
    }
    out
}

/// BibTeX's `author` field: "Family, Given" names as they are, a name without a comma (an
/// institution, "Example Institute") inside one brace pair, `{Example Institute}`, so BibTeX keeps
/// it whole instead of reading "Institute" as a family name.
fn bibtex_authors(authors: &[String]) -> String {
    authors
        .iter()
        .map(|a| {
            if a.contains(',') {
                bibtex_escape(a)
            } else {
                format!("{{{}}}", bibtex_escape(a))
            }
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

/// The work as a BibTeX entry.
pub fn bibtex(work: &Work) -> String {
    let kind = match work.kind.as_str() {
        "report" | "document" => "techreport",
        "book" => "book",
        "chapter" => "incollection",
        "article" | "news" => "article",
        "thesis" => "phdthesis",
        _ => "misc",
    };
    let mut lines = vec![format!("@{kind}{{{},", work.key)];
    // `value` is written as it is: each caller escapes it for its field.
    let mut field = |name: &str, value: String| {
        if !value.is_empty() {
            lines.push(format!("  {name} = {{{value}}},"));
        }
    };
    let text = |v: &Option<String>| bibtex_escape(v.as_deref().unwrap_or(""));
    field("author", bibtex_authors(&work.authors));
    field("title", bibtex_escape(&work.title));
    let container_field = match work.kind.as_str() {
        "chapter" => "booktitle",
        "article" | "news" => "journal",
        _ => "howpublished",
    };
    field(container_field, text(&work.container));
    let publisher = if kind == "techreport" {
        "institution"
    } else {
        "publisher"
    };
    field(publisher, text(&work.publisher));
    field("address", text(&work.place));
    field("year", work.year.map(|y| y.to_string()).unwrap_or_default());
    field("volume", text(&work.volume));
    field("number", text(&work.issue));
    field("pages", text(&work.pages));
    field(
        "url",
        work.url.as_deref().map(bibtex_url).unwrap_or_default(),
    );
    field("note", text(&work.note));
    lines.push("}".to_string());
    lines.join("\n")
}

/// The work as an RIS record.
pub fn ris(work: &Work) -> String {
    let ty = match work.kind.as_str() {
        "report" | "document" => "RPRT",
        "book" => "BOOK",
        "chapter" => "CHAP",
        "article" => "JOUR",
        "news" => "NEWS",
        "web" => "ELEC",
        "thesis" => "THES",
        "dataset" => "DATA",
        _ => "GEN",
    };
    let mut lines = vec![format!("TY  - {ty}")];
    // One line per tag: a line break inside a value would start a line RIS cannot read.
    let mut field = |tag: &str, value: Option<&str>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            let v: String = v
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            lines.push(format!("{tag}  - {}", v.trim()));
        }
    };
    for a in &work.authors {
        field("AU", Some(a));
    }
    field("TI", Some(&work.title));
    field("T2", work.container.as_deref());
    field("PB", work.publisher.as_deref());
    field("CY", work.place.as_deref());
    field("PY", work.year.map(|y| y.to_string()).as_deref());
    // RIS writes dates as YYYY/MM/DD/.
    field(
        "DA",
        work.date
            .as_ref()
            .map(|d| format!("{}/", d.replace('-', "/")))
            .as_deref(),
    );
    field("VL", work.volume.as_deref());
    field("IS", work.issue.as_deref());
    field("SP", work.pages.as_deref());
    field("UR", work.url.as_deref());
    field("N1", work.note.as_deref());
    lines.push("ER  - ".to_string());
    lines.join("\n")
}

/// The work as a CSL-JSON item.
pub fn csl_json(work: &Work) -> Value {
    let ty = match work.kind.as_str() {
        "report" | "document" => "report",
        "book" => "book",
        "chapter" => "chapter",
        "article" => "article-journal",
        "news" => "article-newspaper",
        "web" => "webpage",
        "thesis" => "thesis",
        "dataset" => "dataset",
        _ => "document",
    };
    let names: Vec<Value> = work
        .authors
        .iter()
        .map(|a| match a.split_once(',') {
            Some((f, g)) => json!({"family": f.trim(), "given": g.trim()}),
            None => json!({"literal": a}),
        })
        .collect();
    let mut obj = serde_json::Map::new();
    obj.insert("id".into(), json!(work.key));
    obj.insert("type".into(), json!(ty));
    obj.insert("title".into(), json!(work.title));
    if !names.is_empty() {
        obj.insert("author".into(), Value::Array(names));
    }
    let date = work
        .date
        .clone()
        .or_else(|| work.year.map(|y| y.to_string()));
    if let Some(d) = date {
        let parts: Vec<Value> = d
            .split('-')
            .filter_map(|p| p.parse::<i64>().ok())
            .map(Value::from)
            .collect();
        obj.insert("issued".into(), json!({"date-parts": [parts]}));
    }
    for (k, v) in [
        ("container-title", &work.container),
        ("publisher", &work.publisher),
        ("publisher-place", &work.place),
        ("volume", &work.volume),
        ("issue", &work.issue),
        ("page", &work.pages),
        ("URL", &work.url),
        ("note", &work.note),
    ] {
        if let Some(v) = v {
            obj.insert(k.into(), Value::String(v.clone()));
        }
    }
    Value::Object(obj)
}
