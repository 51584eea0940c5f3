//! Incremental rebuilds (serve's memo) never differ from a full build: random sequences of edits
//! (page text, front matter, a dataset value in YAML and in a CSV file, a template, an entity
//! renamed, a broken file and its fix) are applied to a fixture site, and after each one the memoized build's files are compared
//! byte for byte with a fresh full build's.

mod common;

use std::fs;
use std::path::Path;

use fieldbook::build::memo::Memo;
use fieldbook::{compile, compile_with};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Edit {
    /// Appends a paragraph (with links, a citation or an embed) to a page.
    PageText { page: usize, snippet: usize },
    /// Changes a page's title (the chapter list on every page changes).
    Title { page: usize, n: u8 },
    /// Changes one dataset value (the chart, the table and the pages embedding them change).
    DatasetValue { n: u16 },
    /// Changes one cell of the CSV dataset (its chart, table, downloads and embedding page).
    CsvValue { n: u16 },
    /// Adds visible text to a template.
    Template { template: usize, n: u8 },
    /// Renames an entity's display name.
    EntityName { n: u8 },
    /// Renames an entity's id everywhere it is used.
    EntityId { n: u8 },
    /// Writes a broken YAML file (the build fails), then removes it.
    BreakAndFix,
}

const PAGES: [&str; 2] = ["content/pages/first.md", "content/pages/second.md"];
const SNIPPETS: [&str; 6] = [
    "More about [Port Town](@place/port-town) and [](@org/acme).",
    "A cited claim [@doc2016, p. 2].",
    "![](@figure/count-2000)",
    "Plain words only, nothing linked.",
    "See [the first chapter](@page/first) and [](@person/ann-author).",
    "![](@dataset/counts)",
];
const TEMPLATES: [&str; 5] = [
    "templates/base.html",
    "templates/page.html",
    "templates/entity.html",
    "templates/embed_figure.html",
    "templates/macros.html",
];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..PAGES.len(), 0..SNIPPETS.len())
            .prop_map(|(page, snippet)| Edit::PageText { page, snippet }),
        (0..PAGES.len(), any::<u8>()).prop_map(|(page, n)| Edit::Title { page, n }),
        any::<u16>().prop_map(|n| Edit::DatasetValue { n }),
        any::<u16>().prop_map(|n| Edit::CsvValue { n }),
        (0..TEMPLATES.len(), any::<u8>()).prop_map(|(template, n)| Edit::Template { template, n }),
        any::<u8>().prop_map(|n| Edit::EntityName { n }),
        any::<u8>().prop_map(|n| Edit::EntityId { n }),
        Just(Edit::BreakAndFix),
    ]
}

fn replace_line(path: &Path, starts: &str, with: &str) {
    let text = fs::read_to_string(path).unwrap();
    let out: Vec<String> = text
        .lines()
        .map(|l| {
            if l.starts_with(starts) {
                with.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(path, out.join("\n") + "\n").unwrap();
}

/// Applies `edit` to the site at `root`; `entity_id` is the current id of the renamed entity.
fn apply(root: &Path, edit: &Edit, entity_id: &mut String, memo: &Memo) {
    match edit {
        Edit::PageText { page, snippet } => {
            let path = root.join(PAGES[*page]);
            let mut text = fs::read_to_string(&path).unwrap();
            let snippet = SNIPPETS[*snippet].replace("port-town", entity_id);
            // An item is embedded once per page; an embed already there is appended as a link.
            let snippet = match snippet.strip_prefix('!') {
                Some(link) if text.contains(&snippet) => link.to_string(),
                _ => snippet,
            };
            text.push_str(&format!("\n\n{snippet}\n"));
            fs::write(&path, text).unwrap();
        }
        Edit::Title { page, n } => {
            replace_line(
                &root.join(PAGES[*page]),
                "title:",
                &format!("title: Title {n}"),
            );
        }
        Edit::DatasetValue { n } => {
            let path = root.join("content/datasets/counts.yaml");
            let text = fs::read_to_string(&path).unwrap();
            let text = text.replacen(
                &text[text.find("workers: ").unwrap()..]
                    .split(',')
                    .next()
                    .unwrap()
                    .to_string(),
                &format!("workers: {}", n % 1000),
                1,
            );
            fs::write(&path, text).unwrap();
        }
        Edit::CsvValue { n } => {
            let text = common::WAGES_CSV.replace("2002,141.5,", &format!("2002,{}.5,", n % 1000));
            fs::write(root.join("content/datasets/wages.csv"), text).unwrap();
        }
        Edit::Template { template, n } => {
            let path = root.join(TEMPLATES[*template]);
            // The site starts on the built-in theme: the first edit of a template overrides it.
            let text = fs::read_to_string(&path).unwrap_or_else(|_| {
                let name = TEMPLATES[*template].trim_start_matches("templates/");
                let default = fieldbook::theme::templates()
                    .into_iter()
                    .find(|f| f.path == name)
                    .unwrap();
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                String::from_utf8(default.bytes.to_vec()).unwrap()
            });
            let mark = format!("<b>edit {n}</b>");
            let text = match text.find("{% endblock") {
                Some(i) if !TEMPLATES[*template].ends_with("macros.html") => {
                    format!("{}{mark}{}", &text[..i], &text[i..])
                }
                // macros.html: change what a macro prints.
                _ => match text.find("{% endmacro") {
                    Some(i) => format!("{}{mark}{}", &text[..i], &text[i..]),
                    None => format!("{text}{mark}"),
                },
            };
            fs::write(&path, text).unwrap();
        }
        Edit::EntityName { n } => {
            replace_line(
                &root.join("content/entities/all.yaml"),
                "  name: Port Town",
                &format!("  name: Port Town {n}"),
            );
        }
        Edit::EntityId { n } => {
            let new = format!("port-town-{n}");
            if new == *entity_id {
                return;
            }
            for entry in walkdir::WalkDir::new(root.join("content")) {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    let text = fs::read_to_string(entry.path()).unwrap();
                    let renamed = text
                        .replace(&format!("@place/{entity_id})"), &format!("@place/{new})"))
                        .replace(&format!("id: {entity_id}\n"), &format!("id: {new}\n"));
                    if renamed != text {
                        fs::write(entry.path(), renamed).unwrap();
                    }
                }
            }
            *entity_id = new;
        }
        Edit::BreakAndFix => {
            let broken = root.join("content/datasets/broken.yaml");
            fs::write(&broken, "id: broken\ntitle: [unclosed\n").unwrap();
            assert!(
                compile_with(root, false, memo).is_err(),
                "a broken file fails the incremental build"
            );
            fs::remove_file(&broken).unwrap();
        }
    }
}

fn assert_same_as_full_build(
    root: &Path,
    memo: &Memo,
    after: &str,
) -> fieldbook::build::memo::Stats {
    let incremental = match compile_with(root, false, memo) {
        Ok(b) => b,
        Err(f) => panic!(
            "incremental build failed after {after}: {:?}",
            f.diagnostics
        ),
    };
    let full = match compile(root, false) {
        Ok(b) => b,
        Err(f) => panic!("full build failed after {after}: {:?}", f.diagnostics),
    };
    let paths = |b: &fieldbook::Built| b.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(
        paths(&incremental),
        paths(&full),
        "file lists differ after {after}"
    );
    for (a, b) in incremental.files.iter().zip(&full.files) {
        assert!(
            a.bytes == b.bytes,
            "{} differs from a full build after {after}",
            a.path
        );
    }
    incremental.report.memo
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn incremental_output_equals_a_full_build(edits in prop::collection::vec(edit(), 1..7)) {
        let site = common::fixture("mini");
        let root = site.path();
        common::add_csv_dataset(root);
        let memo = Memo::new();
        let first = assert_same_as_full_build(root, &memo, "the first build");
        prop_assert_eq!(first.reused, 0);
        let mut entity_id = "port-town".to_string();
        for (i, e) in edits.iter().enumerate() {
            apply(root, e, &mut entity_id, &memo);
            assert_same_as_full_build(root, &memo, &format!("edit {i} {e:?} of {edits:?}"));
        }
    }
}

/// A one-page edit on the repo's own site re-renders a few units and reuses the rest.
#[test]
fn a_one_page_edit_on_the_repo_site_reuses_almost_everything() {
    let site = common::repo_site();
    let root = site.path();
    let memo = Memo::new();
    let first = assert_same_as_full_build(root, &memo, "the first build");
    let page = root.join("content/pages/conclusion.md");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\n\nAn added closing sentence.\n");
    fs::write(&page, text).unwrap();
    let second = assert_same_as_full_build(root, &memo, "a one-page edit");
    assert!(
        second.computed <= 5,
        "a one-page edit re-rendered {} units (first build: {})",
        second.computed,
        first.computed
    );
    assert!(second.reused > 100, "{second:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// `serve` shows an edited page before the full rebuild (`fieldbook::preview`): the page it
    /// shows is byte for byte the page the full build makes, after each of several edits.
    #[test]
    fn a_previewed_page_equals_the_full_builds_page(
        edits in prop::collection::vec((0..PAGES.len(), 0..SNIPPETS.len()), 1..5)
    ) {
        let site = common::fixture("mini");
        let root = site.path();
        let mut last = compile(root, false).expect("the fixture builds");
        let mut entity_id = "port-town".to_string();
        for (i, (page, snippet)) in edits.iter().enumerate() {
            let edit = Edit::PageText { page: *page, snippet: *snippet };
            apply(root, &edit, &mut entity_id, &Memo::off());
            let shown = fieldbook::preview(&mut last, root, &[root.join(PAGES[*page])])
                .unwrap_or_else(|| panic!("edit {i} ({edit:?}) was not previewed"));
            prop_assert_eq!(shown.len(), 1);
            let full = compile(root, false).expect("the edited fixture builds");
            for f in &shown {
                let made = full.files.iter().find(|g| g.path == f.path);
                prop_assert!(made.is_some(), "the full build has no {}", f.path);
                prop_assert!(made.is_some_and(|g| g.bytes == f.bytes),
                    "{} differs from the full build's after edit {i} of {edits:?}", f.path);
            }
        }
    }
}

/// Edits a preview cannot show alone (front matter, data) wait for the full rebuild.
#[test]
fn only_page_body_edits_are_previewed() {
    let site = common::fixture("mini");
    let root = site.path();
    let mut last = compile(root, false).expect("the fixture builds");
    let mut id = "port-town".to_string();
    apply(root, &Edit::Title { page: 0, n: 3 }, &mut id, &Memo::off());
    assert!(fieldbook::preview(&mut last, root, &[root.join(PAGES[0])]).is_none());
    let data = root.join("content/datasets/counts.yaml");
    assert!(fieldbook::preview(&mut last, root, &[data]).is_none());
}

/// An edit to a CSV file alone re-renders what reads its dataset (its chart, its table, the page
/// embedding them) and reuses the rest, and equals a full build.
#[test]
fn a_csv_edit_rebuilds_its_datasets_pages() {
    let site = common::fixture("mini");
    let root = site.path();
    common::add_csv_dataset(root);
    let memo = Memo::new();
    assert_same_as_full_build(root, &memo, "the first build");
    let mut id = "port-town".to_string();
    apply(root, &Edit::CsvValue { n: 7 }, &mut id, &memo);
    let stats = assert_same_as_full_build(root, &memo, "a CSV edit");
    assert!(stats.computed >= 3, "the chart, table and page: {stats:?}");
    assert!(stats.reused > stats.computed, "{stats:?}");
    let built = compile(root, false).unwrap();
    let page = built
        .files
        .iter()
        .find(|f| f.path == "data/wages/index.html")
        .unwrap();
    assert!(String::from_utf8_lossy(&page.bytes).contains("7.5"));
}

/// `build` into a folder with the memo the last build into it saved, and `build --fresh` into
/// another: both folders must hold the same files, byte for byte. Returns the warm build's stats.
fn assert_warm_build_is_a_full_build(
    root: &Path,
    warm: &Path,
    fresh: &Path,
    after: &str,
) -> fieldbook::build::memo::Stats {
    let options = |out: &Path, fresh: bool| fieldbook::Options {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        minify: None,
        base_url: None,
        fresh,
    };
    let report = fieldbook::build(&options(warm, false))
        .unwrap_or_else(|f| panic!("warm build failed after {after}: {:?}", f.diagnostics));
    if let Err(f) = fieldbook::build(&options(fresh, true)) {
        panic!("fresh build failed after {after}: {:?}", f.diagnostics);
    }
    let (a, b) = (common::hashes(warm), common::hashes(fresh));
    let differ: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "warm and fresh builds differ after {after}: {differ:?}"
    );
    report.memo
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// Warm builds (`build` reusing the memo saved beside the last build into the same folder)
    /// never differ from a fresh build, after random edit sequences; and an unchanged rebuild
    /// renders nothing.
    #[test]
    fn a_warm_build_equals_a_fresh_build(edits in prop::collection::vec(edit(), 1..6)) {
        let site = common::fixture("mini");
        let root = site.path();
        common::add_csv_dataset(root);
        let outs = tempfile::tempdir().unwrap();
        let (warm, fresh) = (outs.path().join("warm"), outs.path().join("fresh"));
        assert_warm_build_is_a_full_build(root, &warm, &fresh, "the first build");
        let again = assert_warm_build_is_a_full_build(root, &warm, &fresh, "nothing");
        prop_assert_eq!(again.computed, 0, "an unchanged rebuild computed units: {:?}", again);
        let mut entity_id = "port-town".to_string();
        for (i, e) in edits.iter().enumerate() {
            apply(root, e, &mut entity_id, &Memo::off());
            assert_warm_build_is_a_full_build(root, &warm, &fresh, &format!("edit {i} {e:?} of {edits:?}"));
        }
    }
}

/// A warm build trusts no receipt the output folder contradicts and no memo it cannot read: a
/// page edited by hand in the output, a deleted chart PNG and a truncated memo file are all
/// made again, and the folder ends as a fresh build leaves it.
#[test]
fn a_warm_build_rebuilds_what_the_folder_or_a_broken_memo_contradicts() {
    let site = common::fixture("mini");
    let root = site.path();
    let outs = tempfile::tempdir().unwrap();
    let (warm, fresh) = (outs.path().join("warm"), outs.path().join("fresh"));
    assert_warm_build_is_a_full_build(root, &warm, &fresh, "the first build");
    let page = warm.join("first/index.html");
    fs::write(&page, "edited by hand").unwrap();
    let png = fs::read_dir(warm.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("the fixture has a chart PNG");
    fs::remove_file(&png).unwrap();
    let stats = assert_warm_build_is_a_full_build(root, &warm, &fresh, "hand edits");
    assert!(stats.computed >= 2, "the page and the chart: {stats:?}");
    assert!(stats.reused > 0, "{stats:?}");
    let cache = root.join(".fieldbook-cache");
    let memos: Vec<_> = fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("memo-")
        })
        .collect();
    assert_eq!(memos.len(), 2, "one memo per output folder: {memos:?}");
    for memo in &memos {
        let bytes = fs::read(memo).unwrap();
        fs::write(memo, &bytes[..bytes.len() / 2]).unwrap();
    }
    let stats = assert_warm_build_is_a_full_build(root, &warm, &fresh, "a truncated memo");
    assert_eq!(stats.reused, 0, "a truncated memo is not read: {stats:?}");
    let stats = assert_warm_build_is_a_full_build(root, &warm, &fresh, "the memo saved again");
    assert_eq!(stats.computed, 0, "{stats:?}");
}

/// The memo is never written through a symlink: a `.fieldbook-cache` that is one, or a symlink
/// at the memo's temporary name, leaves what it points to alone, and the build succeeds.
#[cfg(unix)]
#[test]
fn the_memo_is_never_written_through_a_symlink() {
    let site = common::fixture("mini");
    let root = site.path();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), root.join(".fieldbook-cache")).unwrap();
    let outs = tempfile::tempdir().unwrap();
    let (warm, fresh) = (outs.path().join("warm"), outs.path().join("fresh"));
    assert_warm_build_is_a_full_build(root, &warm, &fresh, "a symlinked cache folder");
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    // A real folder, with a symlink planted at each memo's temporary name.
    fs::remove_file(root.join(".fieldbook-cache")).unwrap();
    assert_warm_build_is_a_full_build(root, &warm, &fresh, "a real cache folder");
    let victim = elsewhere.path().join("victim");
    fs::write(&victim, "keep me").unwrap();
    for memo in fs::read_dir(root.join(".fieldbook-cache")).unwrap() {
        let memo = memo.unwrap().path();
        if memo
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("memo-")
        {
            std::os::unix::fs::symlink(&victim, memo.with_extension("tmp")).unwrap();
        }
    }
    let stats = assert_warm_build_is_a_full_build(root, &warm, &fresh, "planted symlinks");
    assert_eq!(stats.computed, 0, "{stats:?}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep me");
}
