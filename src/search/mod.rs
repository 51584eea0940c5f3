//! Search: one record per page, entity, dataset, chart, key figure and source, indexed with
//! Pagefind's Rust API into its chunked static index (`/pagefind/`), which the site's search page
//! queries in the browser through Pagefind's own `pagefind.js` and WebAssembly, from static files
//! alone.
//!
//! This is the only module that knows Pagefind (and the tokio runtime its API needs). Records are
//! plain text: Pagefind stores the content as given and returns excerpts as HTML, so every record
//! is HTML-escaped here and the excerpt can only ever hold Pagefind's own `<mark>`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::model::Kind;
use crate::output::OutputFile;
/// A record's text escaped as HTML, as Pagefind expects of a custom record (it decodes what it
/// reads from pages the same way).
fn escape(s: &str) -> String {
    crate::render::escape::attr(s).into_owned()
}

/// The folder of the index inside the output.
pub const DIR: &str = "pagefind";

/// One searchable item. Its body text is made only when its shard is indexed ([`Record::body`]),
/// so the site's text is never held twice at once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record<'a> {
    /// Site URL (base path included).
    pub url: String,
    /// Title shown as the result's link.
    pub title: &'a str,
    /// What kind of item ("Page", "Place", ...), shown beside the title and usable as a filter.
    pub kind: &'a str,
    /// The text searched and quoted in excerpts: these parts, each made a sentence (see
    /// `searched_text`).
    pub text: Vec<Cow<'a, str>>,
    /// The item whose body text ends [`Record::text`], made by the caller's [`BodyText`] when the
    /// record's shard is indexed and dropped with the shard.
    pub body: Option<(Kind, &'a str)>,
}

/// Makes the body text of an item of a kind ([`Record::body`]); an empty text adds nothing.
pub type BodyText<'a> = dyn Fn(Kind, &str) -> String + Sync + 'a;

/// `r` with its body text made and added to its text.
fn with_body<'a>(r: &Record<'a>, body: &BodyText) -> Record<'a> {
    let mut r = r.clone();
    if let Some((kind, id)) = r.body.take() {
        let text = body(kind, id);
        if !text.is_empty() {
            r.text.push(text.into());
        }
    }
    r
}

/// A record's searched text: its title and its parts as sentences, so an excerpt never runs one
/// field into the next ("Old Harbor, Harbor Town. Town near ...", not "Harbor Town Town near ...").
fn searched_text(r: &Record) -> String {
    let mut out = String::new();
    for part in std::iter::once(r.title).chain(r.text.iter().map(|p| p.as_ref())) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
        if !part.ends_with(['.', '!', '?', ':', ';', '…', '。']) {
            out.push('.');
        }
    }
    out
}

/// How many records may be indexed at once: shards run side by side (one per core) only while
/// their records together stay under this, because Pagefind holds about 150 KB per record of a
/// long page until its shard is written (the 10,000-page bench corpus: 2,852 records per shard).
const RECORDS_AT_ONCE: usize = 3_000;

/// How many indexes the records are split into: one per 300 records, at most 4. Pagefind reads a
/// bundle's records and compresses its files side by side (patches 3 and 4 in `vendor/pagefind`),
/// and a large site is indexed as several bundles (at once where memory allows, see
/// `RECORDS_AT_ONCE`), which the site's search page merges (`mergeIndex` in Pagefind's client).
/// The count depends on the records alone, never on the machine, so the output stays the same
/// everywhere.
pub fn shard_count(records: usize) -> usize {
    records.div_ceil(300).clamp(1, 4)
}

/// The folder of shard `i` inside the output: [`DIR`] for the first, `DIR/i/` for the others.
fn shard_dir(i: usize) -> String {
    if i == 0 {
        DIR.to_string()
    } else {
        format!("{DIR}/{i}")
    }
}

/// One shard's files, or why it could not be built.
pub type Shard = Result<Vec<OutputFile>, String>;

/// How a caller keeps shards between builds (`serve`): given the shard's number and records and
/// the function that indexes them, returns its files, from a cache or by calling the function.
pub type ShardCache<'a> = dyn Fn(usize, &[Record<'_>], &dyn Fn() -> Shard) -> Shard + Sync + 'a;

/// Indexes `records` (in the given order, so the output is deterministic) and returns Pagefind's
/// files under [`DIR`]: its script, WebAssembly, entry file and index chunks; with more than one
/// shard (see [`shard_count`]), the others' entry files, WebAssembly and chunks under `DIR/1/`,
/// `DIR/2/`, ... (each a whole Pagefind bundle but for its UI files). The shards are indexed on
/// one thread per core.
///
/// Do not call it from a rayon worker: Pagefind blocks on a tokio runtime and uses rayon inside,
/// so a worker waiting here could pick up another build's indexing job (nested runtimes panic),
/// or every worker could end up waiting (deadlock).
pub fn build(
    records: &[Record],
    language: &str,
    body: &BodyText,
) -> Result<Vec<OutputFile>, String> {
    build_cached(records, language, body, &|_, _, index| index())
}

/// [`build`], each shard through `cache`, so that an edit re-indexes only the shard it changed.
pub fn build_cached(
    records: &[Record],
    language: &str,
    body: &BodyText,
    cache: &ShardCache,
) -> Result<Vec<OutputFile>, String> {
    let language = if language.is_empty() { "en" } else { language };
    let per_shard = records.len().div_ceil(shard_count(records.len())).max(1);
    let parts: Vec<&[Record<'_>]> = records.chunks(per_shard).collect();
    // One thread per core at most, and only as many shards at once as RECORDS_AT_ONCE allows:
    // each shard holds its whole word index until it is written.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts.len())
        .min((RECORDS_AT_ONCE / per_shard).max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done: std::sync::Mutex<Vec<(usize, Shard)>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(part) = parts.get(i) else { break };
                let part: Vec<Record> = part.iter().map(|r| with_body(r, body)).collect();
                let index = || {
                    std::panic::catch_unwind(|| build_shard(&part, language, i)).unwrap_or_else(
                        |_| Err("the search indexer stopped unexpectedly".to_string()),
                    )
                };
                let shard = cache(i, &part, &index);
                done.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push((i, shard));
            });
        }
    });
    let mut shards = done.into_inner().unwrap_or_else(|p| p.into_inner());
    shards.sort_by_key(|(i, _)| *i);
    let shards = shards.into_iter().map(|(_, shard)| shard);
    let mut out = Vec::new();
    for shard in shards {
        out.extend(shard?);
    }
    if out.is_empty() {
        // No records: an empty index still gives the search page its script.
        out = build_shard(&[], language, 0)?;
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// One Pagefind bundle of `records`, under [`shard_dir`]`(shard)`. Every shard keeps Pagefind's
/// scripts: an index merged by the client runs its own worker from its own folder.
fn build_shard(
    records: &[Record],
    language: &str,
    shard: usize,
) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|e| format!("cannot start the search indexer: {e}"))?;
        // Read side by side on rayon's pool, added in this order (Pagefind patch 3).
        let custom = records.iter().map(|r| pagefind::api::CustomRecord {
            url: r.url.clone(),
            content: escape(&searched_text(r)),
            language: language.to_string(),
            meta: Some(BTreeMap::from([
                ("title".to_string(), escape(r.title)),
                ("kind".to_string(), escape(r.kind)),
            ])),
            filters: Some(BTreeMap::from([("kind".to_string(), vec![escape(r.kind)])])),
            sort: None,
        });
        index
            .add_custom_records(custom.collect())
            .await
            .map_err(|e| format!("cannot index the records: {e}"))?;
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("cannot build the search index: {e}"))?;
        let dir = shard_dir(shard);
        Ok(files
            .into_iter()
            .filter(|f| {
                let name = f.filename.to_string_lossy();
                // The bundled UI is not used: the site has its own accessible search form.
                !(name.starts_with("pagefind-ui")
                    || name.starts_with("pagefind-modular-ui")
                    || name.starts_with("pagefind-component-ui")
                    || name.starts_with("pagefind-highlight"))
            })
            .map(|f| OutputFile {
                path: format!("{dir}/{}", f.filename.to_string_lossy().replace('\\', "/")),
                bytes: f.contents,
            })
            .collect())
    })
}

/// Bytes of the index proper (chunks, fragments, metadata), without Pagefind's script and
/// WebAssembly, for the build summary.
pub fn index_bytes(files: &[OutputFile]) -> usize {
    files
        .iter()
        .filter(|f| f.path.starts_with(DIR) && f.path.contains(".pf_"))
        .map(|f| f.bytes.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(url: &str, title: &'a str, text: &'a str) -> Record<'a> {
        Record {
            url: url.into(),
            title,
            kind: "Page",
            text: vec![text.into()],
            body: None,
        }
    }

    fn no_body(_: Kind, _: &str) -> String {
        String::new()
    }

    #[test]
    fn a_body_made_when_its_shard_is_indexed_is_indexed_as_if_given() {
        let texts: Vec<String> = (0..301).map(|i| format!("words {i}")).collect();
        let titles: Vec<String> = (0..301).map(|i| format!("P{i}")).collect();
        let given: Vec<Record> = (0..301)
            .map(|i| record(&format!("/p{i}/"), &titles[i], &texts[i]))
            .collect();
        let deferred: Vec<Record> = (0..301)
            .map(|i| Record {
                text: Vec::new(),
                body: Some((Kind::Page, titles[i].as_str())),
                ..record(&format!("/p{i}/"), &titles[i], "")
            })
            .collect();
        let body = |kind: Kind, id: &str| {
            assert_eq!(kind, Kind::Page);
            format!("words {}", &id[1..])
        };
        assert_eq!(build(&given, "en", &no_body), build(&deferred, "en", &body));
    }

    #[test]
    fn each_field_of_a_record_reads_as_its_own_sentence() {
        let r = Record {
            url: "/places/harbor/".into(),
            title: "Harbor",
            kind: "Place",
            text: vec![
                "Old Harbor, Harbor Town".into(),
                "Town near the airport.".into(),
                "".into(),
                "Where is it?".into(),
                "1,006".into(),
            ],
            body: None,
        };
        assert_eq!(
            searched_text(&r),
            "Harbor. Old Harbor, Harbor Town. Town near the airport. Where is it? 1,006."
        );
    }

    #[test]
    fn writes_a_chunked_index_with_the_script_and_wasm() {
        let files = build(
            &[
                record("/places/harbor/", "Harbor", "A town near Capital."),
                record(
                    "/later-years/",
                    "Since 2007",
                    "Workers in Harbor and Bayside.",
                ),
            ],
            "en",
            &no_body,
        )
        .expect("index builds");
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"pagefind/pagefind.js"), "{paths:?}");
        assert!(paths.contains(&"pagefind/pagefind-entry.json"), "{paths:?}");
        assert!(paths.iter().any(|p| p.ends_with(".pf_meta")), "{paths:?}");
        assert!(
            paths.iter().any(|p| p.ends_with(".pf_fragment")),
            "{paths:?}"
        );
        assert!(paths.iter().any(|p| p.ends_with(".pagefind")), "{paths:?}");
        assert!(!paths.iter().any(|p| p.contains("-ui")), "{paths:?}");
        assert!(index_bytes(&files) > 0);
    }

    #[test]
    fn same_records_give_the_same_bytes() {
        let records = [
            record("/a/", "A <b>", "alpha & beta"),
            record("/b/", "B", "gamma"),
        ];
        assert_eq!(
            build(&records, "en", &no_body),
            build(&records, "en", &no_body)
        );
    }

    #[test]
    fn a_large_site_is_indexed_in_shards_each_a_whole_bundle() {
        assert_eq!(
            [0, 1, 300, 301, 900, 901, 100_000].map(shard_count),
            [1, 1, 1, 2, 3, 4, 4]
        );
        let titles: Vec<String> = (0..301).map(|i| format!("P{i}")).collect();
        let records: Vec<Record> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| record(&format!("/p{i}/"), title, "words"))
            .collect();
        let files = build(&records, "en", &no_body).expect("index builds");
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for entry in [
            "pagefind/pagefind-entry.json",
            "pagefind/1/pagefind-entry.json",
        ] {
            assert!(paths.contains(&entry), "{entry} missing");
        }
        assert!(paths.contains(&"pagefind/1/pagefind-worker.js"));
        assert!(!paths.iter().any(|p| p.starts_with("pagefind/2/")));
        let fragments = |dir: &str| {
            paths
                .iter()
                .filter(|p| p.starts_with(dir) && p.contains(".pf_fragment"))
                .count()
        };
        assert_eq!(fragments("pagefind/1/"), 150);
        assert_eq!(fragments("pagefind/fragment/"), 151);
    }

    #[test]
    fn an_edit_reindexes_only_the_shard_holding_it() {
        use std::collections::HashMap;
        use std::sync::Mutex;
        let titles: Vec<String> = (0..301).map(|i| format!("P{i}")).collect();
        let mut texts: Vec<String> = (0..301).map(|i| format!("words {i}")).collect();
        let kept: Mutex<HashMap<(usize, String), Vec<OutputFile>>> = Mutex::default();
        let indexed = std::sync::atomic::AtomicUsize::new(0);
        let cache = |i: usize, part: &[Record<'_>], index: &dyn Fn() -> Shard| -> Shard {
            let key = (i, format!("{part:?}"));
            if let Some(files) = kept.lock().unwrap().get(&key) {
                return Ok(files.clone());
            }
            indexed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let files = index()?;
            kept.lock().unwrap().insert(key, files.clone());
            Ok(files)
        };
        let mut outputs = Vec::new();
        for edit in [false, true] {
            if edit {
                texts[200] = "an edited page".into();
            }
            let records: Vec<Record> = (0..301)
                .map(|i| record(&format!("/p{i}/"), &titles[i], &texts[i]))
                .collect();
            outputs.push(build_cached(&records, "en", &no_body, &cache).expect("index builds"));
            assert_eq!(
                outputs.last(),
                Some(&build(&records, "en", &no_body).expect("index builds"))
            );
        }
        assert_eq!(
            indexed.into_inner(),
            3,
            "two shards, then only the edited one"
        );
        assert_ne!(outputs[0], outputs[1]);
    }

    #[test]
    fn escapes_markup_in_records() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
