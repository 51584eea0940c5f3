//! Content rule: pages are written in our own words. Fails if any run of 12 consecutive words of a seed
//! document appears in content/. Exact bibliographic titles (`title:` lines in content/sources/) are
//! citations, not prose, and are exempt.

use std::collections::HashSet;
use std::path::PathBuf;

const N: usize = 12;

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn no_run_of_twelve_seed_words_in_content() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seeds = repo.join("../shared/seeds");
    let entries = std::fs::read_dir(&seeds).unwrap_or_else(|e| {
        panic!(
            "the seed documents must sit in {} (shared/ beside the repo): {e}",
            seeds.display()
        )
    });
    let mut grams: HashSet<String> = HashSet::new();
    for e in entries.flatten() {
        if e.path().extension().is_some_and(|x| x == "txt") {
            let w = words(&std::fs::read_to_string(e.path()).unwrap());
            for win in w.windows(N) {
                grams.insert(win.join(" "));
            }
        }
    }
    assert!(grams.len() > 10_000, "seeds not found or empty");
    let mut copied = Vec::new();
    for e in walkdir::WalkDir::new(repo.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let text = std::fs::read_to_string(e.path()).unwrap();
        let in_sources = e.path().components().any(|c| c.as_os_str() == "sources");
        let text: String = text
            .lines()
            .filter(|l| {
                !(in_sources
                    && (l
                        .trim_start()
                        .trim_start_matches("- ")
                        .starts_with("title:")
                        || l.trim_start().starts_with("container:")
                        || l.trim_start().starts_with("url:")))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let w = words(&text);
        if let Some(win) = w.windows(N).find(|win| grams.contains(&win.join(" "))) {
            copied.push(format!("{}: \"{}\"", e.path().display(), win.join(" ")));
        }
    }
    assert!(
        copied.is_empty(),
        "copied runs of {N} words:\n{}",
        copied.join("\n")
    );
}

#[test]
fn the_check_detects_a_copied_sentence() {
    // The same normalisation applied to a known seed sentence must match: the test can fail.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed =
        std::fs::read_to_string(repo.join("../shared/seeds/000_3ca020230d5de5bb.txt")).unwrap();
    let w = words(&seed);
    let sample = w[40..40 + N].join(" ");
    let all: HashSet<String> = w.windows(N).map(|x| x.join(" ")).collect();
    assert!(all.contains(&sample));
}
