//! Verify: what `fieldbook check` reports beyond a build's own validation, once everything is
//! rendered: in-page fragments (`@page/x#anchor` must name an anchor that exists on page x),
//! entities no text mentions, and a walk of the built site that resolves every internal `href` and
//! `src` (and its fragment) against the files the build produced.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::Diagnostic;
use crate::model::{Kind, Site};
use crate::output::OutputFile;
use crate::render::markdown::Rendered;
use crate::validate::index::parse_ref;

/// Every `@page/id#fragment` whose fragment is not an anchor of that page.
pub fn fragments(site: &Site, markdown: &BTreeMap<(Kind, String), Rendered>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for p in &site.pages {
        let body = &p.body.text;
        let mut from = 0;
        while let Some(i) = body[from..].find("](@page/") {
            let start = from + i + 3;
            from = start;
            let end = body[start..].find(')').map_or(body.len(), |e| start + e);
            let target = &body[start..end];
            let Ok((Kind::Page, id, Some(fragment))) = parse_ref(target) else {
                continue;
            };
            let Some(rendered) = markdown.get(&(Kind::Page, id.to_string())) else {
                continue;
            };
            if !rendered.anchors.contains(fragment) {
                let (l, c) = crate::diag::line_col(body, start - 1);
                let near = crate::diag::did_you_mean(fragment, rendered.anchors.iter().map(String::as_str), "link to a heading of that page; its anchor is the heading text in lowercase with dashes");
                problems.push(
                    Diagnostic::error(
                        &p.origin.path,
                        p.body.line + l - 1,
                        c,
                        format!("page `{id}` has no anchor `#{fragment}`"),
                    )
                    .with_len(target.len() + 1)
                    .with_hint(near),
                );
            }
        }
    }
    problems
}

/// Warnings for entities that no page, description or note mentions.
pub fn orphans(site: &Site, markdown: &BTreeMap<(Kind, String), Rendered>) -> Vec<Diagnostic> {
    let mentioned: BTreeSet<(Kind, String)> = markdown
        .values()
        .flat_map(|r| r.refs.iter().cloned())
        .collect();
    site.entities
        .iter()
        .filter(|e| !mentioned.contains(&(e.kind.kind(), e.id.clone())))
        .map(|e| {
            Diagnostic::warning(
                &e.origin.path,
                e.origin.line,
                e.origin.col,
                format!(
                    "{} `{}` is not mentioned anywhere",
                    e.kind.kind().label().to_lowercase(),
                    e.id
                ),
            )
            .with_hint(format!(
                "link it from a page with [{}](@{}/{}) or remove it",
                e.name,
                e.kind.kind().ref_name(),
                e.id
            ))
        })
        .collect()
}

/// Every internal link or source in the built HTML that points nowhere, as (page, target).
pub fn broken_links(files: &[OutputFile], base_path: &str) -> Vec<(String, String)> {
    let mut anchors: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let html: Vec<(&OutputFile, String)> = files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| (f, String::from_utf8_lossy(&f.bytes).into_owned()))
        .collect();
    for (f, text) in &html {
        anchors.insert(
            f.path.clone(),
            attr_values(text, "id").into_iter().collect(),
        );
    }
    let base = base_path.trim_end_matches('/');
    let mut broken = Vec::new();
    for (f, text) in &html {
        for target in attr_values(text, "href")
            .into_iter()
            .chain(attr_values(text, "src"))
        {
            if target.starts_with("http:")
                || target.starts_with("https:")
                || target.starts_with("mailto:")
                || target.starts_with("//")
                || target.starts_with("data:")
            {
                continue;
            }
            let (path, fragment) = target
                .split_once('#')
                .map_or((target.as_str(), None), |(p, f)| (p, Some(f)));
            let file = if path.is_empty() {
                f.path.clone()
            } else if let Some(rest) = path.strip_prefix(base).filter(|r| r.starts_with('/')) {
                let rest = rest.trim_start_matches('/');
                if rest.is_empty() || rest.ends_with('/') {
                    format!("{rest}index.html")
                } else {
                    rest.to_string()
                }
            } else {
                broken.push((f.path.clone(), target.clone()));
                continue;
            };
            if !paths.contains(file.as_str()) {
                broken.push((f.path.clone(), target.clone()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|fr| !fr.is_empty()) {
                if file.ends_with(".html")
                    && !anchors.get(&file).is_some_and(|a| a.contains(fragment))
                {
                    broken.push((f.path.clone(), target.clone()));
                }
            }
        }
    }
    broken
}

/// Values of `name="..."` (or unquoted) attributes in HTML text, decoded for `&amp;`.
fn attr_values(html: &str, name: &str) -> Vec<String> {
    // Only inside tags: text such as an escaped <iframe> in a <textarea> is not a link.
    let mut out = Vec::new();
    let needle = format!(" {name}=");
    for tag in html.split('<').skip(1).filter_map(|t| t.split('>').next()) {
        for (i, _) in tag.match_indices(&needle) {
            let rest = &tag[i + needle.len()..];
            let v = match rest.chars().next() {
                Some('"') => rest[1..].split('"').next().unwrap_or(""),
                Some('\'') => rest[1..].split('\'').next().unwrap_or(""),
                _ => rest.split(char::is_whitespace).next().unwrap_or(""),
            };
            out.push(decode_entities(v));
        }
    }
    out
}

/// Decodes the character references Tera and minify-html write in attributes.
fn decode_entities(s: &str) -> String {
    crate::render::escape::decode(s).into_owned()
}

#[cfg(test)]
mod tests {
    //! An entity no text mentions is reported at its declaration and one that is mentioned is not
    //! (the checker has no notion of an orphan page: pages are reached from the contents); a
    //! planted broken link is found, and good links are not.

    use std::path::PathBuf;

    use super::*;
    use crate::load::{parse_site, SourceFile};

    const ENTITIES: &str = "- id: harbour\n  kind: place\n  name: Harbour\n  summary: A port.\n- id: acme\n  kind: organization\n  name: Acme\n  summary: A firm.\n";

    #[test]
    fn an_entity_nothing_mentions_is_reported_where_it_is_declared() {
        let file = SourceFile {
            path: PathBuf::from("content/entities/all.yaml"),
            text: ENTITIES.to_string(),
        };
        let (site, problems) = parse_site(&[file]);
        assert!(problems.is_empty(), "{problems:?}");
        let mut page = Rendered::default();
        page.refs = vec![(Kind::Place, "harbour".to_string())];
        let markdown = BTreeMap::from([((Kind::Page, "first".to_string()), page)]);
        let found: Vec<String> = orphans(&site, &markdown)
            .iter()
            .map(|d| {
                let at = format!("{}:{}:{}", d.path.display(), d.line, d.col);
                format!("{at}: {}", d.message)
            })
            .collect();
        assert_eq!(
            found,
            ["content/entities/all.yaml:5:7: organization `acme` is not mentioned anywhere"]
        );
    }

    fn html(path: &str, body: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            bytes: format!("<!doctype html><html><body>{body}</body></html>").into_bytes(),
        }
    }

    #[test]
    fn a_planted_broken_link_is_found_and_good_links_are_not() {
        let files = [
            html(
                "index.html",
                r##"<h2 id="top">Top</h2><a href="/sub/places/harbour/">ok</a> <a href="#top">ok</a> <a href="https://example.org/x">ok</a> <img src="/sub/static/map.svg"> <a href="/sub/places/harbor/">planted</a> <a href="/sub/places/harbour/#nowhere">planted</a> <a href="/elsewhere/">planted</a>"##,
            ),
            html("places/harbour/index.html", r#"<p id="here">Harbour</p>"#),
            OutputFile {
                path: "static/map.svg".to_string(),
                bytes: b"<svg/>".to_vec(),
            },
        ];
        assert_eq!(
            broken_links(&files, "/sub/"),
            [
                ("index.html".to_string(), "/sub/places/harbor/".to_string()),
                (
                    "index.html".to_string(),
                    "/sub/places/harbour/#nowhere".to_string()
                ),
                ("index.html".to_string(), "/elsewhere/".to_string()),
            ]
        );
    }
}
