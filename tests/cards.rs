//! Link-preview cards: each item page previews a card of its own (title, kind, site), drawn once
//! and reused by a rebuild into the same folder; `page-cards = false` brings back the site card.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The item pages of the mini fixture with a card of their own, and their kind's label.
const ITEM_PAGES: &[(&str, &str)] = &[
    ("first/index.html", "Page"),
    ("second/index.html", "Page"),
    ("places/port-town/index.html", "Place"),
    ("organizations/acme/index.html", "Organization"),
    ("people/ann-author/index.html", "Person"),
    ("glossary/quota/index.html", "Glossary term"),
    ("data/counts/index.html", "Dataset"),
    ("sources/doc2016/index.html", "Source"),
    ("figures/count-2000/index.html", "Key figure"),
];

const BASE: &str = "https://fixture.test/mini/";

/// The value of a page's `<meta {attr}="{key}">`, its character references undone.
fn meta(html: &str, attr: &str, key: &str) -> Option<String> {
    let needle = format!("{attr}=\"{key}\" content=\"");
    let i = html.find(&needle)?;
    let value = html[i + needle.len()..].split('"').next().unwrap_or("");
    Some(
        value
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

fn page(out: &Path, file: &str) -> String {
    std::fs::read_to_string(out.join(file)).unwrap()
}

/// Width and height from a PNG's header, if the bytes are a PNG.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |r: std::ops::Range<usize>| u32::from_be_bytes(bytes[r].try_into().unwrap());
    Some((be(16..20), be(20..24)))
}

/// Every PNG under `out/cards/`, relative to `out`.
fn card_files(out: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(out.join("cards"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap();
            rel.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

/// The "(N written, M removed)" of a build's summary line.
fn written(root: &Path, out: &Path) -> (usize, usize) {
    let o = build(root, out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let part = stdout
        .split(" (")
        .find(|p| p.contains(" written, "))
        .unwrap_or_else(|| panic!("no written count in {stdout}"));
    let n: Vec<usize> = part
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .take(2)
        .collect();
    (n[0], n[1])
}

#[test]
fn every_item_page_previews_a_card_of_its_own_that_its_alt_describes() {
    let site = fixture("mini");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let mut images = BTreeSet::new();
    for (file, kind) in ITEM_PAGES {
        let html = page(&out, file);
        let image = meta(&html, "property", "og:image").unwrap();
        assert_eq!(meta(&html, "name", "twitter:image").as_ref(), Some(&image));
        let path = image.strip_prefix(BASE).expect("absolute URL on the site");
        assert!(
            path.starts_with("cards/") && path != "cards/site.png",
            "{file}: previews {path}"
        );
        let bytes = std::fs::read(out.join(path)).unwrap();
        assert_eq!(png_size(&bytes), Some((1200, 630)), "{file}: {path}");
        assert!(images.insert(path.to_string()), "{path} previews two pages");
        let title = meta(&html, "property", "og:title").unwrap();
        let alt = meta(&html, "property", "og:image:alt").unwrap();
        assert_eq!(
            meta(&html, "name", "twitter:image:alt").as_ref(),
            Some(&alt)
        );
        for part in [title.as_str(), kind, "Mini fixture"] {
            assert!(
                alt.contains(part),
                "{file}: alt {alt:?} does not name {part:?}"
            );
        }
    }
    // No card is drawn that no page shows; the home page and the indexes keep the site card,
    // a chart's page its chart.
    let mut drawn = card_files(&out);
    assert!(drawn.remove("cards/site.png"));
    assert_eq!(drawn, images);
    for file in ["index.html", "places/index.html", "timeline/index.html"] {
        let image = meta(&page(&out, file), "property", "og:image").unwrap();
        assert_eq!(image, format!("{BASE}cards/site.png"), "{file}");
    }
    let chart = page(&out, "charts/counts-chart/index.html");
    assert_eq!(
        meta(&chart, "property", "og:image").unwrap(),
        format!("{BASE}charts/counts-chart.png")
    );
}

#[test]
fn page_cards_false_previews_the_site_card_everywhere_but_on_chart_pages() {
    let site = fixture("mini");
    let toml = site.path().join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "[output.fieldbook]",
            "[output.fieldbook]\npage-cards = false",
        ),
    )
    .unwrap();
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    for (file, _) in ITEM_PAGES {
        let html = page(&out, file);
        assert_eq!(
            meta(&html, "property", "og:image").unwrap(),
            format!("{BASE}cards/site.png"),
            "{file}"
        );
        assert!(meta(&html, "property", "og:image:alt")
            .unwrap()
            .starts_with("Title card of the site"));
    }
    assert_eq!(
        card_files(&out),
        BTreeSet::from(["cards/site.png".to_string()])
    );
    // A setting that is no boolean is refused where it is written.
    std::fs::write(
        &toml,
        text.replace(
            "[output.fieldbook]",
            "[output.fieldbook]\npage-cards = \"no\"",
        ),
    )
    .unwrap();
    let o = build(site.path(), &out);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("book.toml:8:"));
}

#[test]
fn a_rebuild_into_the_same_folder_draws_no_card_and_an_edit_draws_one() {
    let site = fixture("mini");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = hashes(&out);
    assert_eq!(
        written(site.path(), &out),
        (0, 0),
        "a rebuild writes nothing"
    );
    assert_eq!(hashes(&out), before);
    // A page's new title changes its card (and pages that show the title), no other card.
    edit_file(
        &site.path().join("content/pages/second.md"),
        "title: Second chapter",
        "title: The second chapter, renamed",
    );
    // (Its search fragments are renamed, so some files are also removed.)
    assert!(written(site.path(), &out).0 > 0);
    let after = hashes(&out);
    let changed: Vec<&String> = after
        .keys()
        .filter(|p| p.starts_with("cards/") && after.get(*p) != before.get(*p))
        .collect();
    assert_eq!(changed, ["cards/pages/second.png"]);
    // And the folder equals a build into an empty one, byte for byte.
    let fresh = site.path().join("fresh");
    build_ok(site.path(), &fresh);
    assert_eq!(hashes(&fresh), after);
}

fn edit_file(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}
