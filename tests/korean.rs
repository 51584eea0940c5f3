//! A second fixture site, in Korean (`tests/fixtures/korean`: `language = "ko"`, a CSV dataset,
//! Hangul and Cyrillic headings, an entity with names in other scripts): it builds with the
//! Korean interface, keeps the letters of every script in its anchors, and `check --strict` is
//! clean. The build is left in `target/tmp/korean-site/public` for
//! `tests/browser/korean.check.mjs`, which searches it in Chromium.

mod common;

use common::*;
use std::path::PathBuf;

#[test]
fn the_korean_site_builds_with_a_korean_interface_and_native_anchors() {
    let site = fixture("korean");
    let o = fieldbook(&["check", "--root", site.path().to_str().unwrap(), "--strict"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("0 error(s), 0 warning(s)"), "{stderr}");

    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("korean-site/public");
    let _ = std::fs::remove_dir_all(&out);
    build_ok(site.path(), &out);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
    let home = read("index.html");
    assert!(home.contains("<html lang=\"ko\">"));
    for korean in [
        "본문으로 건너뛰기",
        ">검색</a>",
        "이 사이트가 요약한 문서",
        "인용하기",
    ] {
        assert!(home.contains(korean), "home page: {korean}");
    }
    assert!(!home.contains("Skip to content") && !home.contains("Cite this"));
    let chapter = read("first/index.html");
    for id in ["조사-방법", "가구-수의-변화", "прибрежный-район"] {
        assert!(chapter.contains(&format!("id=\"{id}\"")), "anchor {id}");
    }
    assert!(
        chapter.contains("그림 1"),
        "the embedded chart is numbered in Korean"
    );
    // The links Markdown adds beside headings and paragraphs are labelled in Korean too.
    assert!(chapter.contains("aria-label=\"이 절의 링크\""));
    assert!(
        !chapter.contains("Link to this") && !chapter.contains("Series break"),
        "no English interface word in a Korean chapter"
    );
    let chart = read("charts/households-chart/index.html");
    assert!(
        chart.contains("출처: "),
        "the chart's source line is Korean"
    );
    let place = read("places/haean/index.html");
    assert!(place.contains("<span lang=\"ru\">Прибрежное</span>"));
    let dataset = read("data/households/index.html");
    assert!(dataset.contains("두 번째 조사"), "the CSV's Hangul cell");
    assert!(
        broken_links(&out, "/").is_empty(),
        "{:?}",
        broken_links(&out, "/")
    );
}

/// With `png-font` naming a font that has Hangul (Debian's fonts-nanum, which `tests/run.sh`
/// installs; under CI its absence fails the test), the Korean site's cards and chart preview are
/// drawn with it: each differs from the one the bundled DejaVu Sans alone draws (empty boxes).
#[test]
fn png_font_draws_the_korean_cards() {
    let font = std::path::Path::new("/usr/share/fonts/truetype/nanum/NanumGothic.ttf");
    if !font.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "fonts-nanum is not installed (bash tests/run.sh installs it)"
        );
        return;
    }
    let site = fixture("korean");
    let root = site.path();
    let outs = tempfile::tempdir().unwrap();
    let (plain, fonted) = (outs.path().join("plain"), outs.path().join("fonted"));
    build_ok(root, &plain);
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::copy(font, root.join("fonts/NanumGothic.ttf")).unwrap();
    let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
    let book = book.replace(
        "[output.fieldbook]\n",
        "[output.fieldbook]\npng-font = \"fonts/NanumGothic.ttf\"\n",
    );
    std::fs::write(root.join("book.toml"), book).unwrap();
    build_ok(root, &fonted);
    for png in [
        "cards/pages/first.png",
        "cards/site.png",
        "charts/households-chart.png",
    ] {
        let (a, b) = (
            std::fs::read(plain.join(png)).unwrap(),
            std::fs::read(fonted.join(png)).unwrap(),
        );
        assert_ne!(a, b, "{png} is drawn the same without the font");
    }
}
