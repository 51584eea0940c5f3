//! `fieldbook build` as a user runs it, on a small fixture site with one item of every kind.

mod common;

use common::*;
use std::path::Path;

#[test]
fn builds_a_page_for_every_kind() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let o = fieldbook(&[
        "build",
        "--no-minify",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in [
        "index.html",
        "first/index.html",
        "second/index.html",
        "chapters/index.html",
        "places/port-town/index.html",
        "organizations/acme/index.html",
        "people/ann-author/index.html",
        "glossary/quota/index.html",
        "data/counts/index.html",
        "data/counts.csv",
        "data/counts.json",
        "charts/counts-chart/index.html",
        "charts/counts-chart.svg",
        "charts/counts-chart.png",
        "embed/counts-chart/index.html",
        "sources/doc2016/index.html",
        "figures/count-2000/index.html",
        "timeline/index.html",
        "corrections/index.html",
        "search/index.html",
        "pagefind/pagefind.js",
        "pagefind/pagefind-entry.json",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "_redirects",
        "old-first/index.html",
        "style.css",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let timeline = read("timeline/index.html");
    assert!(timeline.contains("id=\"arrival\""));
    // Events sit under a heading for their year.
    assert!(
        timeline.contains("<h2 id=\"y-2000\">2000</h2>"),
        "{timeline}"
    );
    assert!(read("corrections/index.html").contains("id=\"c1\""));
    // Backlinks: the place lists the chapter that mentions it.
    assert!(read("places/port-town/index.html").contains("First chapter"));
    // The updated page names the page that updates it, both ways.
    assert!(read("first/index.html").contains("Second chapter"));
    // Embeds are numbered and cross-referenced on the page.
    let first = read("first/index.html");
    assert!(first.contains("Figure 1"), "figure numbering");
    assert!(first.contains("id=\"chart-counts-chart\""));
    assert!(
        first.contains("(<a href=\"#ref-doc2016\">Author 2016</a>, p. 1)"),
        "citation: {}",
        &first[..0]
    );
    assert!(first.contains("id=\"ref-doc2016\""), "bibliography");
    // Blanks stay blank in downloads.
    assert!(
        read("data/counts.csv").contains("2002,1000,,,doc2016"),
        "{}",
        read("data/counts.csv")
    );
    // Alias redirect.
    let redirect = read("old-first/index.html");
    assert!(
        redirect.contains("url=/mini/first/") && redirect.contains("rel=\"canonical\""),
        "{redirect}"
    );
    assert!(read("_redirects").contains("/mini/old-first/ /mini/first/ 301"));
    // Live reload is never in build output.
    assert!(!first.contains("__fieldbook"));
}

#[test]
fn out_flag_and_identical_bytes_on_rebuild() {
    let site = fixture("mini");
    let a = site.path().join("a");
    let b = site.path().join("nested/b");
    build_ok(site.path(), &a);
    build_ok(site.path(), &b);
    assert!(
        !site.path().join("public").exists(),
        "--out must be honoured"
    );
    let (ha, hb) = (hashes(&a), hashes(&b));
    assert!(ha.len() > 25);
    assert!(
        ha.keys().any(|p| p.starts_with("cards/pages/")),
        "the pages' cards are compared too"
    );
    assert_eq!(
        ha, hb,
        "two builds of the same input must be byte-identical"
    );
    // A rebuild into `a` reuses its chart PNGs; after a chart edit it draws the chart again, and
    // matches a build into an empty folder byte for byte.
    build_ok(site.path(), &a);
    assert_eq!(hashes(&a), ha, "a rebuild must not change a byte");
    let spec = site.path().join("content/charts/counts-chart.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let edited = text.replacen("title: Workers by year", "title: Workers in each year", 1);
    assert_ne!(text, edited, "the fixture's chart has this title");
    std::fs::write(&spec, edited).unwrap();
    build_ok(site.path(), &a);
    let c = site.path().join("c");
    build_ok(site.path(), &c);
    let (ha2, hc) = (hashes(&a), hashes(&c));
    assert_ne!(
        ha2.get("charts/counts-chart.png"),
        ha.get("charts/counts-chart.png")
    );
    assert_eq!(ha2, hc, "a rebuild must equal a build into an empty folder");
}

#[test]
fn every_internal_link_and_fragment_resolves() {
    let site = fixture("mini");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let broken = broken_links(&out, "/mini");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn feeds_and_sitemap_are_well_formed_and_complete() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let o = fieldbook(&[
        "build",
        "--no-minify",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The sitemap lists every page of the site; the feed the texts (pages) and corrections.
    for (f, pages) in [
        (
            "sitemap.xml",
            &[
                "first/",
                "second/",
                "places/port-town/",
                "data/counts/",
                "charts/counts-chart/",
                "sources/doc2016/",
                "figures/count-2000/",
            ][..],
        ),
        ("atom.xml", &["first/", "second/", "corrections/#c1"][..]),
    ] {
        let text = std::fs::read_to_string(out.join(f)).unwrap();
        let mut reader = quick_xml::Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{f} is not well-formed: {e}"),
            }
        }
        for page in pages {
            assert!(
                text.contains(&format!("https://fixture.test/mini/{page}")),
                "{f} lacks {page}"
            );
        }
    }
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    assert!(
        !atom.contains("places/port-town/") && !atom.contains("@page/"),
        "no entity entries and no raw references in the feed:\n{atom}"
    );
}

/// Each bad input: non-zero exit, file:line:col and a hint, and the previous output byte-identical.
fn assert_rejected(mutate: impl Fn(&Path), expect_location: &str, expect_message: &str) {
    let site = fixture("mini");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let before = hashes(&out);
    mutate(site.path());
    let o = build(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "bad input must fail the build");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr.contains(expect_location),
        "expected location {expect_location} in:\n{stderr}"
    );
    assert!(
        stderr.contains(expect_message),
        "expected message {expect_message:?} in:\n{stderr}"
    );
    assert!(stderr.contains("hint:"), "expected a hint in:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        before,
        hashes(&out),
        "a failed build must leave the previous output untouched"
    );
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let p = root.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "fixture lacks {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn malformed_front_matter() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/pages/second.md",
                "title: Second chapter",
                "title: [Second chapter",
            )
        },
        "content/pages/second.md:3:",
        "",
    );
}

#[test]
fn unknown_key_in_a_data_file() {
    assert_rejected(
        |r| edit(r, "content/datasets/counts.yaml", "locator:", "locatr:"),
        "content/datasets/counts.yaml:5:1",
        "unknown field `locatr`",
    );
}

#[test]
fn unknown_key_in_a_data_file_with_old_mac_line_breaks() {
    // Lone carriage returns end lines for YAML and for editors; the location must agree.
    assert_rejected(
        |r| {
            edit(r, "content/datasets/counts.yaml", "locator:", "locatr:");
            let p = r.join("content/datasets/counts.yaml");
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&p, text.replace('\n', "\r")).unwrap();
        },
        "content/datasets/counts.yaml:5:1",
        "unknown field `locatr`",
    );
}

#[test]
fn unknown_column_in_a_row() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "{year: 2001, total",
                "{year: 2001, totl",
            )
        },
        "content/datasets/counts.yaml:15:",
        "unknown column `totl`",
    );
}

#[test]
fn text_where_a_number_is_expected() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "workers: 200,",
                "workers: \"200 workers\",",
            )
        },
        "content/datasets/counts.yaml:15:",
        "expects a whole number",
    );
}

#[test]
fn link_to_an_unknown_id() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/pages/second.md",
                "Back to [the first](@page/first#where-it-happens)",
                "Back to [the first](@page/frist)",
            )
        },
        "content/pages/second.md:12:9",
        "did you mean `page/first`",
    );
}

#[test]
fn duplicate_id_across_two_files() {
    assert_rejected(
        |r| {
            std::fs::write(
                r.join("content/pages/copy.md"),
                "---\nid: second\ntitle: Copy\nsummary: s\n---\nText.\n",
            )
            .unwrap()
        },
        "content/pages/second.md:2:5",
        "duplicate id `page/second`",
    );
}

#[test]
fn id_that_would_escape_the_output_directory() {
    assert_rejected(
        |r| edit(r, "content/entities/all.yaml", "id: acme", "id: ../../acme"),
        "content/entities/all.yaml:6:7",
        "is not a valid id",
    );
}

#[test]
fn invalid_utf8_in_a_content_file() {
    assert_rejected(
        |r| {
            let p = r.join("content/pages/second.md");
            let mut bytes = std::fs::read(&p).unwrap();
            bytes.extend_from_slice(b"\nbad \xff\xfe byte\n");
            std::fs::write(&p, bytes).unwrap();
        },
        "content/pages/second.md:14:5",
        "not valid UTF-8",
    );
}

#[test]
fn unknown_key_in_book_toml() {
    assert_rejected(
        |r| edit(r, "book.toml", "licence =", "license ="),
        "book.toml:9:1",
        "unknown field `license`",
    );
}

#[test]
fn png_font_must_be_a_font_file_inside_the_site() {
    let set = |r: &Path, value: &str| {
        edit(
            r,
            "book.toml",
            "licence =",
            &format!("png-font = \"{value}\"\nlicence ="),
        )
    };
    assert_rejected(
        |r| set(r, "../outside.ttf"),
        "book.toml:9:1",
        "is not a path inside the site folder",
    );
    assert_rejected(
        |r| set(r, "fonts/missing.ttf"),
        "book.toml:9:1",
        "cannot be read",
    );
    assert_rejected(
        |r| {
            std::fs::write(r.join("not-a-font.ttf"), "plain text").unwrap();
            set(r, "not-a-font.ttf")
        },
        "book.toml:9:1",
        "is not a font file that can be read",
    );
}

#[test]
fn minify_html_in_book_toml_must_be_true_or_false() {
    assert_rejected(
        |r| {
            edit(
                r,
                "book.toml",
                "licence =",
                "minify-html = \"yes\"\nlicence =",
            )
        },
        "book.toml:9:15",
        "invalid type: string \"yes\", expected a boolean",
    );
}

#[test]
fn minifies_when_book_toml_or_the_command_line_asks() {
    let site = fixture("mini");
    let r = site.path();
    let page = |flags: &[&str]| {
        let out = r.join("public");
        let mut args = vec!["build", "--root", r.to_str().unwrap(), "--out"];
        args.push(out.to_str().unwrap());
        args.extend_from_slice(flags);
        let o = fieldbook(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let html = std::fs::read_to_string(out.join("second/index.html")).unwrap();
        if html.contains("<html lang=en>") {
            "minified"
        } else {
            assert!(html.contains("<html lang=\"en\">\n"), "{html}");
            "as rendered"
        }
    };
    assert_eq!(page(&[]), "as rendered", "the default");
    assert_eq!(page(&["--minify"]), "minified");
    edit(r, "book.toml", "licence =", "minify-html = true\nlicence =");
    assert_eq!(page(&[]), "minified", "book.toml's minify-html = true");
    assert_eq!(page(&["--no-minify"]), "as rendered", "the flag wins");
    let both = fieldbook(&[
        "build",
        "--minify",
        "--no-minify",
        "--root",
        r.to_str().unwrap(),
    ]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "clap rejects contradicting flags"
    );
}

#[test]
fn a_site_without_search_has_no_search_page_index_or_link() {
    let site = fixture("mini");
    let r = site.path();
    let out = r.join("public");
    build_ok(r, &out);
    assert!(out.join("search/index.html").is_file());
    assert!(out.join("pagefind/pagefind.js").is_file());
    edit(r, "book.toml", "licence =", "search = false\nlicence =");
    let o = build(r, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains(", no search index,"), "{summary}");
    assert!(!out.join("search").exists(), "the search page is removed");
    assert!(!out.join("pagefind").exists(), "the index is removed");
    let files = hashes(&out);
    for path in files
        .keys()
        .filter(|p| p.ends_with(".html") || p.ends_with(".xml"))
    {
        let text = std::fs::read_to_string(out.join(path)).unwrap();
        assert!(
            !text.contains("/search/"),
            "{path} still names the search page"
        );
    }
    let broken = broken_links(&out, "/mini");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn unknown_anchor_on_a_linked_page() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/pages/second.md",
                "#where-it-happens",
                "#where-it-happend",
            )
        },
        "content/pages/second.md:12:21",
        "has no anchor `#where-it-happend`",
    );
}

#[test]
fn refuses_to_replace_a_folder_that_is_not_its_output() {
    let site = fixture("mini");
    let out = site.path().join("precious");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.txt"), "do not delete").unwrap();
    let o = build(site.path(), &out);
    assert!(!o.status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("thesis.txt")).unwrap(),
        "do not delete"
    );
}

#[test]
fn check_reports_mismatches_with_both_values_and_strict_fails() {
    let site = fixture("mini");
    let root = site.path().to_str().unwrap().to_string();
    // The fixture's 2001 share is explained by a note: reported as a note, strict passes.
    let o = fieldbook(&["check", "--root", &root, "--strict"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("printed as 25.0, but the table implies 20.00"),
        "{stderr}"
    );
    // Without the explaining note it is a warning, and --strict fails on it.
    edit(
        site.path(),
        "content/datasets/counts.yaml",
        "notes:\n  - text: \"The share for 2001 is printed as 25.0; the counts give 20.0.\"\n",
        "",
    );
    let o = fieldbook(&["check", "--root", &root]);
    assert!(o.status.success(), "warnings alone exit 0");
    let o = fieldbook(&["check", "--root", &root, "--strict"]);
    assert!(!o.status.success(), "--strict fails on a mismatch");
    let o = fieldbook(&["check", "--root", &root, "--format", "json"]);
    let line = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.contains("25.0"))
        .unwrap()
        .to_string();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["severity"], "warning");
    assert_eq!(v["line"], 15);
}

#[test]
fn help_exists_for_every_command() {
    for cmd in [
        vec!["--help"],
        vec!["build", "--help"],
        vec!["check", "--help"],
    ] {
        let o = fieldbook(&cmd);
        assert!(o.status.success());
        assert!(String::from_utf8_lossy(&o.stdout).contains("Usage"));
    }
}

#[test]
fn every_kind_of_page_has_canonical_previews_cite_this_and_downloads() {
    let site = fixture("mini");
    let out = site.path().join("public");
    let o = fieldbook(&[
        "build",
        "--no-minify",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let meta = |html: &str, attr: &str, key: &str| -> Option<String> {
        let needle = format!("{attr}=\"{key}\" content=\"");
        html.find(&needle).map(|i| {
            html[i + needle.len()..]
                .split('"')
                .next()
                .unwrap_or("")
                .to_string()
        })
    };
    let local = |url: &str| {
        out.join(
            url.strip_prefix("https://fixture.test/mini/")
                .expect("absolute URL on the site"),
        )
    };
    let pages = [
        ("index.html", "https://fixture.test/mini/"),
        ("first/index.html", "https://fixture.test/mini/first/"),
        (
            "places/port-town/index.html",
            "https://fixture.test/mini/places/port-town/",
        ),
        (
            "organizations/acme/index.html",
            "https://fixture.test/mini/organizations/acme/",
        ),
        (
            "people/ann-author/index.html",
            "https://fixture.test/mini/people/ann-author/",
        ),
        (
            "glossary/quota/index.html",
            "https://fixture.test/mini/glossary/quota/",
        ),
        (
            "data/counts/index.html",
            "https://fixture.test/mini/data/counts/",
        ),
        (
            "charts/counts-chart/index.html",
            "https://fixture.test/mini/charts/counts-chart/",
        ),
        (
            "sources/doc2016/index.html",
            "https://fixture.test/mini/sources/doc2016/",
        ),
        (
            "figures/count-2000/index.html",
            "https://fixture.test/mini/figures/count-2000/",
        ),
        ("timeline/index.html", "https://fixture.test/mini/timeline/"),
        ("places/index.html", "https://fixture.test/mini/places/"),
    ];
    for (file, canonical) in pages {
        let html = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            html.contains(&format!("<link rel=\"canonical\" href=\"{canonical}\">")),
            "{file}: canonical"
        );
        for key in [
            "og:title",
            "og:description",
            "og:url",
            "og:image:alt",
            "og:image:width",
            "og:image:height",
        ] {
            assert!(
                meta(&html, "property", key).is_some_and(|v| !v.is_empty()),
                "{file}: {key}"
            );
        }
        assert_eq!(
            meta(&html, "property", "og:image:type").as_deref(),
            Some("image/png"),
            "{file}"
        );
        let image = meta(&html, "property", "og:image").unwrap();
        assert!(
            image.ends_with(".png") && local(&image).is_file(),
            "{file}: og:image {image} must exist"
        );
        assert_eq!(
            meta(&html, "name", "twitter:card").as_deref(),
            Some("summary_large_image")
        );
        assert!(
            meta(&html, "name", "twitter:image:alt").is_some_and(|v| !v.is_empty()),
            "{file}: twitter:image:alt"
        );
        assert_eq!(meta(&html, "name", "twitter:image"), Some(image));
        for part in [
            "class=\"cite-apa\"",
            "class=\"cite-chicago\"",
            "class=\"cite-bibtex\"><code>@",
        ] {
            assert!(html.contains(part), "{file}: cite this lacks {part}");
        }
        assert!(
            html.contains(canonical.trim_end_matches('/')),
            "{file}: cite this carries the permalink"
        );
    }
    // Chart pages preview their own chart; downloads exist.
    let chart = std::fs::read_to_string(out.join("charts/counts-chart/index.html")).unwrap();
    assert_eq!(
        meta(&chart, "property", "og:image").as_deref(),
        Some("https://fixture.test/mini/charts/counts-chart.png")
    );
    for link in [
        "/mini/charts/counts-chart.svg",
        "/mini/charts/counts-chart.png",
        "/mini/data/counts.csv",
        "/mini/data/counts.json",
    ] {
        assert!(
            chart.contains(&format!("href=\"{link}\"")),
            "chart page links {link}"
        );
        assert!(out.join(link.trim_start_matches("/mini/")).is_file());
    }
    assert!(
        chart.contains("&lt;iframe src=\"https://fixture.test/mini/embed/counts-chart/\"")
            || chart.contains(
                "&lt;iframe src=&quot;https://fixture.test/mini/embed/counts-chart/&quot;"
            ),
        "iframe snippet"
    );
    let data = std::fs::read_to_string(out.join("data/counts/index.html")).unwrap();
    assert!(
        data.contains("href=\"/mini/data/counts.csv\"")
            && data.contains("href=\"/mini/data/counts.json\"")
            && data.contains("CC BY 4.0")
    );
    // Chapters carry citation_* tags for reference managers.
    let first = std::fs::read_to_string(out.join("first/index.html")).unwrap();
    assert!(
        meta(&first, "name", "citation_title").is_some()
            && meta(&first, "name", "citation_author").is_some()
    );
}

#[test]
fn sitemap_lists_every_page() {
    let site = fixture("mini");
    let out = site.path().join("public");
    build_ok(site.path(), &out);
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let atom = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    for e in walkdir::WalkDir::new(&out).into_iter().flatten() {
        let rel = e
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("index.html")
            && !rel.starts_with("embed/")
            && !rel.starts_with("old-first")
            && rel != "search/index.html"
            // The print edition repeats the chapters and asks not to be indexed.
            && rel != "print/index.html"
        {
            let url = format!(
                "https://fixture.test/mini/{}",
                rel.trim_end_matches("index.html")
            );
            assert!(
                sitemap.contains(&format!("<loc>{url}</loc>")),
                "sitemap lacks {url}"
            );
            // The feed lists the pages (at `/<id>/`), not the index pages or the other items.
            if rel.matches('/').count() == 1
                && ![
                    "chapters/index.html",
                    "places/index.html",
                    "organizations/index.html",
                    "people/index.html",
                    "glossary/index.html",
                    "data/index.html",
                    "charts/index.html",
                    "sources/index.html",
                    "figures/index.html",
                    "timeline/index.html",
                    "corrections/index.html",
                ]
                .contains(&rel.as_str())
            {
                assert!(atom.contains(&url), "atom lacks {url}");
            }
        }
    }
}

// Regression tests of the hostile-input issue: each failed before its fix.

#[test]
fn a_chart_value_near_f64_max_is_refused_at_its_row_instead_of_hanging() {
    // Once, 1.7e308 made the axis code loop forever.
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "{name: workers, title: Workers, type: integer",
                "{name: workers, title: Workers, type: number",
            );
            edit(
                r,
                "content/datasets/counts.yaml",
                "workers: 200,",
                "workers: 1.7e308,",
            );
        },
        "content/datasets/counts.yaml:15:",
        "too large to chart",
    );
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "workers: 200,",
                "workers: 9000000000000000000,",
            )
        },
        "content/datasets/counts.yaml:15:",
        "too large to chart",
    );
}

#[test]
fn a_static_file_in_the_place_of_a_page_is_refused() {
    // Static files were once added after the clash check, so one silently replaced a page.
    assert_rejected(
        |r| {
            std::fs::create_dir_all(r.join("static/sources")).unwrap();
            std::fs::write(r.join("static/sources/index.html"), "<p>shadow</p>").unwrap();
        },
        "static/sources/index.html",
        "two files would be written to sources/index.html",
    );
}

#[test]
fn a_log_scale_chart_with_zero_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "workers: 200,",
                "workers: 0,",
            );
            edit(
                r,
                "content/charts/counts-chart.yaml",
                "unit: persons}",
                "unit: persons, scale: log}",
            );
        },
        "content/datasets/counts.yaml:15:",
        "cannot be drawn on a log scale",
    );
}

#[test]
fn a_chart_that_draws_no_row_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/charts/counts-chart.yaml",
                "kind: line",
                "kind: line\nfilter: {year: \"1900\"}",
            )
        },
        "content/charts/counts-chart.yaml:1:",
        "chart draws no row",
    );
}

#[test]
fn a_malformed_base_url_is_a_located_error_not_a_panic() {
    for bad in [
        "x//",
        "https://",
        "/relative/",
        "javascript:alert(1)",
        "https://exa mple.org/",
        "ftp://fixture.test/",
    ] {
        assert_rejected(
            |r| {
                edit(
                    r,
                    "book.toml",
                    "base-url = \"https://fixture.test/mini/\"",
                    &format!("base-url = \"{bad}\""),
                )
            },
            "book.toml:8:12",
            "base-url",
        );
    }
}

#[test]
fn a_names_key_that_is_no_language_tag_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/entities/all.yaml",
                "  name: Port Town\n",
                "  name: Port Town\n  names:\n    \"ko onclick=x\": 항구\n",
            )
        },
        "content/entities/all.yaml:1:",
        "is not a language tag",
    );
}

#[test]
fn an_impossible_date_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/corrections/corrections.yaml",
                "2026-01-02",
                "2007-02-30",
            )
        },
        "content/corrections/corrections.yaml:1:",
        "is not a real date",
    );
}

#[test]
fn a_javascript_url_in_a_source_is_refused() {
    assert_rejected(
        |r| {
            let p = r.join("content/sources/sources.yaml");
            let text = std::fs::read_to_string(&p).unwrap();
            let (first, rest) = text.split_once('\n').unwrap();
            std::fs::write(
                &p,
                format!("{first}\n  url: \" \\tJaVaScRiPt:alert(1)\"\n{rest}"),
            )
            .unwrap();
        },
        "content/sources/sources.yaml:1:",
        "url `JaVaScRiPt:alert(1)`",
    );
}

#[test]
fn a_control_character_is_refused_where_it_is_written() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/pages/second.md",
                "title: Second chapter",
                "title: Second\u{1b} chapter",
            )
        },
        "content/pages/second.md:3:14",
        "control character U+001B",
    );
    // Written as a YAML escape, it is caught in the parsed value.
    assert_rejected(
        |r| {
            edit(
                r,
                "content/entities/all.yaml",
                "summary: A port.",
                "summary: \"A port\\0.\"",
            )
        },
        "content/entities/all.yaml:1:",
        "control character U+0000",
    );
}

#[test]
fn a_remote_image_is_refused() {
    assert_rejected(
        |r| {
            append(
                r,
                "content/pages/second.md",
                "\n![A map](https://fixture.test/map.png)\n",
            )
        },
        "content/pages/second.md:",
        "is not a file of this site",
    );
}

fn append(root: &Path, file: &str, text: &str) {
    let p = root.join(file);
    let mut t = std::fs::read_to_string(&p).unwrap();
    t.push_str(text);
    std::fs::write(p, t).unwrap();
}

#[test]
fn a_place_inside_itself_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/entities/all.yaml",
                "summary: A port.",
                "summary: A port.\n  parent: port-town",
            )
        },
        "content/entities/all.yaml:1:7",
        "lies inside itself",
    );
}

#[test]
fn two_items_with_the_same_alias_are_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/pages/second.md",
                "title: Second chapter",
                "title: Second chapter\naliases: [old-first]",
            )
        },
        "content/pages/second.md:2:",
        "already an alias of `page/first`",
    );
}

#[test]
fn an_alias_named_after_the_sites_own_folders_is_refused() {
    for reserved in ["pagefind", "embed", "cards"] {
        assert_rejected(
            |r| {
                edit(
                    r,
                    "content/pages/first.md",
                    "aliases: [old-first]",
                    &format!("aliases: [{reserved}]"),
                )
            },
            "content/pages/first.md:2:",
            "is reserved",
        );
    }
}

#[test]
fn a_key_figure_whose_display_disagrees_with_its_value_is_refused() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/figures/figures.yaml",
                "value: 100",
                "value: 100\n  display: \"1,000\"",
            )
        },
        "content/figures/figures.yaml:1:",
        "does not show 100",
    );
}

#[test]
fn out_inside_static_or_content_is_refused() {
    for inside in ["static/out", "content/out", "templates"] {
        let site = fixture("mini");
        let o = build(site.path(), &site.path().join(inside));
        assert_eq!(o.status.code(), Some(1), "{inside}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("choose another --out folder"),
            "{inside}"
        );
        let copied = walkdir::WalkDir::new(site.path().join("static"))
            .into_iter()
            .flatten()
            .count();
        assert!(
            copied < 10,
            "{inside}: the output was written into the sources"
        );
    }
}

#[test]
fn thousands_of_headings_with_the_same_text_build_in_linear_time() {
    // 30,000 "## Notes" headings took 97 s when each id tried -2, -3, ... from the start.
    let site = fixture("mini");
    let body = "## Notes\n\nSame opening words of a paragraph.\n\n".repeat(30_000);
    std::fs::write(
        site.path().join("content/pages/notes.md"),
        format!("---\nid: notes\ntitle: Notes\nsummary: Many notes.\n---\n\n{body}"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    build_ok(site.path(), &site.path().join("public"));
    let html = std::fs::read_to_string(site.path().join("public/notes/index.html")).unwrap();
    assert!(html.contains("id=\"notes-30000\""));
    // Generous for a slow machine: the quadratic version took over a minute.
    assert!(
        started.elapsed().as_secs() < 40,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn stored_markup_in_a_source_is_escaped_in_cite_this_and_reference_lists() {
    let site = fixture("mini");
    let r = site.path();
    let p = r.join("content/sources/sources.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    std::fs::write(
        &p,
        format!(
            "{first}\n{}",
            rest.replace(
                "publisher: Fixture Institute",
                "publisher: \"<img src=x onerror=alert(1)>\""
            )
        ),
    )
    .unwrap();
    edit(
        r,
        "book.toml",
        "title = \"Mini fixture\"",
        "title = \"Mini <script>alert(2)</script>\"",
    );
    edit(
        r,
        "book.toml",
        "licence = \"CC BY 4.0\"",
        "licence = \"<b onmouseover=alert(3)>CC</b>\"",
    );
    let out = r.join("public");
    build_ok(r, &out);
    for page in [
        "first/index.html",
        "sources/doc2016/index.html",
        "index.html",
    ] {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(
            !html.contains("<img src=x"),
            "{page}: a source field reached the page as markup"
        );
        assert!(
            !html.contains("<script>alert(2)"),
            "{page}: the site title reached the page as markup"
        );
        assert!(
            !html.contains("<b onmouseover"),
            "{page}: the licence reached the page as markup"
        );
    }
}

#[test]
fn a_missing_chart_column_is_located_at_the_value() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/charts/counts-chart.yaml",
                "y: {field: workers,",
                "y: {field: wrkers,",
            )
        },
        "content/charts/counts-chart.yaml:7:12",
        "has no column `wrkers`",
    );
}

#[test]
fn a_duplicate_yaml_key_is_located_at_its_second_occurrence() {
    assert_rejected(
        |r| {
            edit(
                r,
                "content/datasets/counts.yaml",
                "title: Counts by year\n",
                "title: Counts by year\ntitle: Again\n",
            )
        },
        "content/datasets/counts.yaml:3:1",
        "duplicate field `title`",
    );
}

#[test]
fn a_tab_in_front_matter_is_located_without_a_contradicting_line_number() {
    let site = fixture("mini");
    let out = site.path().join("public");
    edit(
        site.path(),
        "content/pages/second.md",
        "title: Second chapter",
        "\ttitle: Second chapter",
    );
    let o = build(site.path(), &out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("content/pages/second.md:3:"), "{stderr}");
    assert!(
        !stderr.contains("at line"),
        "the message names another line than the location:\n{stderr}"
    );
    assert!(stderr.contains("spaces"), "{stderr}");
}
