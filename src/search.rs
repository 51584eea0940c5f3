//! Search: one record per page, entity, dataset, chart, key figure and source, indexed with
//! Pagefind's Rust API into its chunked static index (`/pagefind/`), which the site's search page
//! queries in the browser through Pagefind's own `pagefind.js` and WebAssembly, from static files
//! alone.
//!
//! This is the only module that knows Pagefind (and the tokio runtime its API needs). Records are
//! plain text: Pagefind stores the content as given and returns excerpts as HTML, so every record
//! is HTML-escaped here and the excerpt can only ever hold Pagefind's own `<mark>`.

use std::collections::BTreeMap;

use crate::output::OutputFile;
// Escapes text the way Pagefind escapes what it extracts from HTML pages.
use crate::render::escape_html as escape;

/// The folder of the index inside the output.
pub const DIR: &str = "pagefind";

/// One searchable item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// Site URL (base path included).
    pub url: String,
    /// Title shown as the result's link.
    pub title: String,
    /// What kind of item ("Page", "Place", ...), shown beside the title and usable as a filter.
    pub kind: String,
    /// The text searched and quoted in excerpts.
    pub text: String,
}

/// Indexes `records` (in the given order, so the output is deterministic) and returns Pagefind's
/// files under [`DIR`]: its script, WebAssembly, entry file and index chunks.
///
/// Do not call it from a rayon worker: Pagefind blocks on a tokio runtime and uses rayon inside,
/// so a worker waiting here could pick up another build's indexing job (nested runtimes panic),
/// or every worker could end up waiting (deadlock).
pub fn build(records: &[Record], language: &str) -> Result<Vec<OutputFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("cannot start the search indexer: {e}"))?;
    let language = if language.is_empty() { "en" } else { language };
    runtime.block_on(async {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options))
            .map_err(|e| format!("cannot start the search indexer: {e}"))?;
        for r in records {
            let meta = BTreeMap::from([
                ("title".to_string(), escape(&r.title)),
                ("kind".to_string(), escape(&r.kind)),
            ]);
            let filters = BTreeMap::from([("kind".to_string(), vec![escape(&r.kind)])]);
            index
                .add_custom_record(
                    r.url.clone(),
                    escape(&format!("{}. {}", r.title, r.text)),
                    language.to_string(),
                    Some(meta),
                    Some(filters),
                    None,
                )
                .await
                .map_err(|e| format!("cannot index {}: {e}", r.url))?;
        }
        let files = index
            .get_files()
            .await
            .map_err(|e| format!("cannot build the search index: {e}"))?;
        let mut out: Vec<OutputFile> = files
            .into_iter()
            // The bundled UI is not used: the site has its own accessible search form.
            .filter(|f| {
                let name = f.filename.to_string_lossy();
                !name.starts_with("pagefind-ui")
                    && !name.starts_with("pagefind-modular-ui")
                    && !name.starts_with("pagefind-component-ui")
                    && !name.starts_with("pagefind-highlight")
            })
            .map(|f| OutputFile {
                path: format!("{DIR}/{}", f.filename.to_string_lossy().replace('\\', "/")),
                bytes: f.contents,
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
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

    fn record(url: &str, title: &str, text: &str) -> Record {
        Record {
            url: url.into(),
            title: title.into(),
            kind: "Page".into(),
            text: text.into(),
        }
    }

    #[test]
    fn writes_a_chunked_index_with_the_script_and_wasm() {
        let files = build(
            &[
                record("/places/artyom/", "Artyom", "A town near Vladivostok."),
                record(
                    "/since-2007/",
                    "Since 2007",
                    "Workers in Artyom and Nakhodka.",
                ),
            ],
            "en",
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
        assert_eq!(build(&records, "en"), build(&records, "en"));
    }

    #[test]
    fn escapes_markup_in_records() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
