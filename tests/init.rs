//! `fieldbook init` with the binary alone: outside the repo, the starter site builds and passes
//! `check --strict` at once, has no empty sections, and `theme dump` gives the site files to edit
//! that then win over the built-in theme. (tests/browser/init.check.mjs opens it in Chromium.)

mod common;

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fieldbook"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn ok(o: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{text}");
    text
}

/// A starter site (in a temporary folder, kept alive by the first value) whose book.toml has
/// `from` replaced by `to`.
fn starter_with(from: &str, to: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    ok(&run(tmp.path(), &["init", "site"]));
    let site = tmp.path().join("site");
    let toml = site.join("book.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains(from), "the starter's book.toml has {from:?}");
    std::fs::write(&toml, text.replace(from, to)).unwrap();
    (tmp, site)
}

#[test]
fn init_builds_and_checks_strict_outside_the_repo() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&run(tmp.path(), &["init", "site"]));
    let site = tmp.path().join("site");
    assert!(site.join("content/datasets/households.csv").is_file());
    assert!(!site.join("templates").exists(), "the theme is built in");
    let built = ok(&run(&site, &["build"]));
    assert!(!built.contains("warning"), "{built}");
    // The second build reuses what the first saved in .fieldbook-cache/ (which git ignores, as
    // it does the built site).
    let again = ok(&run(&site, &["build"]));
    assert!(
        again.contains("units reused") && again.contains("(0 written"),
        "{again}"
    );
    let ignored = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(
        ignored.contains("/public/") && ignored.contains("/.fieldbook-cache/"),
        "{ignored}"
    );
    let checked = ok(&run(&site, &["check", "--strict"]));
    assert!(checked.contains("0 error(s), 0 warning(s)"), "{checked}");
    let public = site.join("public");
    for page in [
        "index.html",
        "introduction/index.html",
        "charts/households-by-year/index.html",
        "data/households/index.html",
        "search/index.html",
        "places/riverside/index.html",
    ] {
        assert!(public.join(page).is_file(), "{page}");
    }
    // Sections with no items are neither generated nor linked.
    assert!(!public.join("people").exists());
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(!home.contains("/people/"), "no link to an empty section");
    assert!(common::broken_links(&public, "/").is_empty());
    // Without a base-url there is no address for a sitemap or a feed: neither is written, nothing
    // links to them, and check says why.
    assert!(!public.join("sitemap.xml").exists() && !public.join("atom.xml").exists());
    assert!(
        !home.contains("atom.xml"),
        "no link to a feed that is not there"
    );
    let robots = std::fs::read_to_string(public.join("robots.txt")).unwrap();
    assert!(!robots.contains("Sitemap:"), "{robots}");
    assert!(checked.contains("no base-url"), "{checked}");
}

#[test]
fn a_language_without_a_translation_is_reported_with_its_keys() {
    let (_tmp, site) = starter_with("language = \"en\"", "language = \"fr\"");
    let checked = ok(&run(&site, &["check", "--strict"]));
    assert!(
        checked.contains("have no `fr` translation") && checked.contains("book.toml:5:1"),
        "{checked}"
    );
    // Translating one key takes it off the list.
    let i18n = site.join("templates/i18n");
    std::fs::create_dir_all(&i18n).unwrap();
    std::fs::write(i18n.join("fr.toml"), "[nav]\nsearch = \"Rechercher\"\n").unwrap();
    let count = |s: &str| -> usize {
        let at = s.find(" interface string(s)").expect("the note");
        s[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    let after = ok(&run(&site, &["check"]));
    assert_eq!(count(&after) + 1, count(&checked), "{after}");
}

#[test]
fn init_refuses_a_folder_with_files_and_leaves_them() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let o = run(tmp.path(), &["init", "."]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not empty"));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn theme_dump_gives_files_that_override_the_built_in_theme() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&run(tmp.path(), &["init", "site"]));
    let site = tmp.path().join("site");
    ok(&run(&site, &["theme", "dump"]));
    assert!(site.join("templates/base.html").is_file());
    assert!(site.join("templates/i18n/ko.toml").is_file());
    assert!(site.join("static/style.css").is_file());
    let base = site.join("templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(
        &base,
        text.replace("<main id=\"main\">", "<main id=\"main\"><p>OVERRIDDEN</p>"),
    )
    .unwrap();
    std::fs::write(
        site.join("templates/i18n/en.toml"),
        "[nav]\nsearch = \"Find\"\n",
    )
    .unwrap();
    ok(&run(&site, &["build"]));
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(home.contains("OVERRIDDEN"));
    assert!(home.contains(">Find</a>"), "a site's interface string wins");
    // A second dump leaves the edited file alone.
    ok(&run(&site, &["theme", "dump"]));
    assert!(std::fs::read_to_string(&base)
        .unwrap()
        .contains("OVERRIDDEN"));
}

#[test]
fn a_placeholder_base_url_warns_on_build_and_fails_check_strict() {
    let (_tmp, site) = starter_with(
        "[output.fieldbook]\n",
        "[output.fieldbook]\nbase-url = \"https://example.org/\"\n",
    );
    let built = ok(&run(&site, &["build"]));
    assert!(
        built.contains("placeholder") && built.contains("book.toml:"),
        "{built}"
    );
    assert!(!run(&site, &["check", "--strict"]).status.success());
    // --base-url replaces it, for build and check alike.
    ok(&run(
        &site,
        &[
            "check",
            "--strict",
            "--base-url",
            "https://survey.example.edu/",
        ],
    ));
    ok(&run(
        &site,
        &["build", "--base-url", "https://survey.example.edu/sub/"],
    ));
    let home = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(
        home.contains("href=\"https://survey.example.edu/sub/\""),
        "canonical"
    );
    assert!(
        home.contains("href=\"/sub/style.css\""),
        "links under the sub-path"
    );
    let sitemap = std::fs::read_to_string(site.join("public/sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://survey.example.edu/sub/</loc>"),
        "with an address, the sitemap is written with absolute locations"
    );
    assert!(site.join("public/atom.xml").is_file());
}
