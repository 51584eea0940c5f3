//! The repo's own site, built as a user builds it: every chart drawn from its data, every dataset used,
//! every link resolving, every number table downloadable.

mod common;

use common::*;
use std::collections::BTreeSet;

struct Built {
    _dir: tempfile::TempDir,
    out: std::path::PathBuf,
    site: fieldbook::model::Site,
}

fn built() -> Built {
    let dir = repo_site();
    let out = dir.path().join("public");
    build_ok(dir.path(), &out);
    let built =
        fieldbook::compile(dir.path(), false).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    Built {
        out,
        site: built.site,
        _dir: dir,
    }
}

const REQUIRED_CHARTS: [&str; 6] = [
    "workers-by-year",
    "quota-growth",
    "nk-share-maritime",
    "foreigners-by-nationality-2013",
    "workers-by-occupation",
    "overseas-workers-2011",
];

#[test]
fn the_six_charts_are_accessible_svg_with_one_mark_per_value() {
    let b = built();
    for id in REQUIRED_CHARTS {
        let svg = std::fs::read_to_string(b.out.join(format!("charts/{id}.svg"))).unwrap();
        assert!(svg.len() < 60_000, "{id}.svg is {} bytes", svg.len());
        assert!(b.out.join(format!("charts/{id}.png")).is_file());
        // Well-formed XML with role, title and desc.
        let mut reader = quick_xml::Reader::from_str(&svg);
        let (mut title, mut desc, mut marks, mut in_el) =
            (String::new(), String::new(), 0usize, "");
        let mut root_ok = false;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Start(e)) | Ok(quick_xml::events::Event::Empty(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    let attr = |k: &str| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == k.as_bytes())
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                    };
                    if name == "svg" {
                        root_ok = attr("role").as_deref() == Some("img")
                            && attr("viewBox").is_some()
                            && attr("width").is_none();
                    }
                    if attr("class").is_some_and(|c| c.split(' ').any(|c| c == "fb-mark")) {
                        marks += 1;
                    }
                    in_el = match name.as_str() {
                        "title" => "title",
                        "desc" => "desc",
                        _ => "",
                    };
                }
                Ok(quick_xml::events::Event::Text(t)) => match in_el {
                    "title" => title.push_str(&t.unescape().unwrap()),
                    "desc" => desc.push_str(&t.unescape().unwrap()),
                    _ => {}
                },
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{id}.svg is not well-formed XML: {e}"),
            }
        }
        assert!(
            root_ok,
            "{id}: root needs role=img, a viewBox and no fixed width"
        );
        assert!(
            !title.trim().is_empty() && !desc.trim().is_empty(),
            "{id}: empty title or desc"
        );
        let chart = b
            .site
            .charts
            .iter()
            .find(|c| c.id == id)
            .expect("chart spec");
        let dataset = b
            .site
            .datasets
            .iter()
            .find(|d| d.id == chart.dataset)
            .unwrap();
        let expected = fieldbook::render::chart::expected_marks(chart, dataset);
        assert!(expected > 0);
        assert_eq!(marks, expected, "{id}: one mark per drawn value");
    }
}

#[test]
fn charts_are_inline_in_the_pages_that_embed_them() {
    let b = built();
    for id in REQUIRED_CHARTS {
        let embedded_in: Vec<_> = b
            .site
            .pages
            .iter()
            .filter(|p| p.body.text.contains(&format!("![](@chart/{id})")))
            .collect();
        assert!(!embedded_in.is_empty(), "chart {id} is embedded by no page");
        for p in embedded_in {
            let html =
                std::fs::read_to_string(b.out.join(format!("{}/index.html", p.meta.id))).unwrap();
            assert!(
                (html.contains(&format!("id=\"chart-{id}\""))
                    || html.contains(&format!("id=chart-{id}>")))
                    && html.contains(&format!("t-{id}-w")),
                "{id} not inline in {}",
                p.meta.id
            );
        }
    }
}

#[test]
fn every_chart_draws_on_a_dataset_and_every_dataset_is_used_by_a_page() {
    let b = built();
    let ids: BTreeSet<&str> = b.site.datasets.iter().map(|d| d.id.as_str()).collect();
    for c in &b.site.charts {
        assert!(ids.contains(c.dataset.as_str()));
    }
    for d in &b.site.datasets {
        let used = b.site.pages.iter().any(|p| {
            p.body.text.contains(&format!("@dataset/{})", d.id))
                || p.body.text.contains(&format!("@dataset/{}#", d.id))
        }) || b.site.charts.iter().any(|c| {
            c.dataset == d.id
                && b.site
                    .pages
                    .iter()
                    .any(|p| p.body.text.contains(&format!("@chart/{})", c.id)))
        });
        assert!(used, "dataset {} is used by no page", d.id);
    }
}

#[test]
fn every_numeric_table_row_is_in_the_downloads_as_printed() {
    let b = built();
    for d in &b.site.datasets {
        let csv = std::fs::read_to_string(b.out.join(format!("data/{}.csv", d.id))).unwrap();
        assert_eq!(
            csv.lines().count(),
            d.rows.len() + 1,
            "{}: one CSV line per row",
            d.id
        );
        let json: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(b.out.join(format!("data/{}.json", d.id))).unwrap(),
        )
        .unwrap();
        assert_eq!(json["rows"].as_array().unwrap().len(), d.rows.len());
        assert!(json["columns"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["name"].is_string()));
    }
    // Spot checks against the printed tables.
    let csv = std::fs::read_to_string(b.out.join("data/nk-share-maritime-1990-2009.csv")).unwrap();
    assert!(
        csv.contains("2004,3126,555,17.6"),
        "Table 3-4 keeps the printed 17.6"
    );
    let page =
        std::fs::read_to_string(b.out.join("data/nk-share-maritime-1990-2009/index.html")).unwrap();
    assert!(
        page.contains("17.6") && page.contains("17.75"),
        "the dataset page shows the data note with both values"
    );
}

#[test]
fn every_internal_link_resolves() {
    let b = built();
    let broken = broken_links(&b.out, "/fieldbook");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn chapters_cite_with_page_locators_and_link_entities() {
    let b = built();
    for p in b
        .site
        .pages
        .iter()
        .filter(|p| p.meta.kind == fieldbook::model::PageKind::Chapter)
    {
        let text = &p.body.text;
        assert!(
            text.contains("[@kinu2016, p"),
            "{} cites no page of the report",
            p.meta.id
        );
        assert!(
            ["@place/", "@org/", "@term/", "@person/"]
                .iter()
                .any(|k| text.contains(k)),
            "{} links no entity",
            p.meta.id
        );
    }
}
