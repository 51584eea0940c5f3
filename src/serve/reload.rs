//! Live reload: the `<script>` added to every served page, and the Server-Sent Events stream it
//! listens to (`reload` after a good build, `error` with the diagnostics after a failed one, `hello`
//! with the build id on connecting).
//!
//! Serve mode is the only place the script is added to pages ([`inject_live_reload`]); `build`
//! output never carries it. Builds reach the streams through a `tokio::sync::broadcast` channel; a
//! stream holds a connection but none of the request slots that file requests share.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use super::rebuild::{lock, Shared};
use crate::output::OutputFile;

/// The URL path of the Server-Sent Events stream the injected script listens to.
pub const EVENTS_PATH: &str = "/__fieldbook/events";

/// How often an idle event stream gets a comment, so dead connections are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How long a page waits before reconnecting to a stream that broke.
const RETRY: Duration = Duration::from_millis(1000);

/// The live-reload client added before `</body>` of every served page. It opens an `EventSource`;
/// `reload` reloads the page (removing the error overlay), `error` shows the diagnostics text in a
/// fixed-position overlay (as text, never as HTML), and `hello` carries the build id so a page that
/// reconnects after missing a rebuild (or a server restart) reloads itself.
pub const LIVE_RELOAD_SCRIPT: &str = r#"<script data-fieldbook-serve>
(function () {
  if (!window.EventSource) return;
  var box = null, seen = null;
  function clearOverlay() { if (box) { box.remove(); box = null; } }
  function showOverlay(text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "fieldbook-serve-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;max-height:70vh;overflow:auto;z-index:2147483647;margin:0;padding:1rem 1.25rem;background:#1f1111;color:#ffe4e4;border:2px solid #e5484d;border-radius:6px;box-shadow:0 6px 30px rgba(0,0,0,.45);font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;text-align:left";
      (document.body || document.documentElement).appendChild(box);
    }
    box.textContent = "fieldbook serve: the site does not build; this is the last good version.\n\n" + text;
  }
  var events = new EventSource("/__fieldbook/events");
  events.addEventListener("hello", function (e) {
    if (seen === null) seen = e.data; else if (e.data !== seen) location.reload();
  });
  events.addEventListener("reload", function () { clearOverlay(); location.reload(); });
  events.addEventListener("error", function (e) {
    // Connection problems fire a plain `error` Event without data; EventSource reconnects by itself.
    if (typeof e.data === "string") showOverlay(e.data);
  });
})();
</script>
"#;

/// Adds [`LIVE_RELOAD_SCRIPT`] before the last `</body>` (any case), or at the end when there is none.
pub fn inject_live_reload(html: &str) -> String {
    let close = html
        .as_bytes()
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"));
    match close {
        Some(i) => format!("{}{}{}", &html[..i], LIVE_RELOAD_SCRIPT, &html[i..]),
        None => format!("{html}{LIVE_RELOAD_SCRIPT}"),
    }
}

/// Adds the live-reload script to every `.html` file; other files are left as they are.
pub fn with_live_reload(files: Vec<OutputFile>) -> Vec<OutputFile> {
    files
        .into_iter()
        .map(|f| {
            if !f.path.ends_with(".html") {
                return f;
            }
            match String::from_utf8(f.bytes) {
                Ok(html) => OutputFile {
                    path: f.path,
                    bytes: inject_live_reload(&html).into_bytes(),
                },
                Err(e) => OutputFile {
                    path: f.path,
                    bytes: e.into_bytes(),
                },
            }
        })
        .collect()
}

/// One message to the open event streams.
#[derive(Debug, Clone)]
pub(super) enum Message {
    /// A good build changed the site; data is the new build id.
    Reload(String),
    /// A build failed; data is the plain-text diagnostics.
    Error(String),
}

/// One named event; `\r` is dropped and every line of `data` becomes a `data:` line.
fn event(name: &str, data: &str) -> Event {
    Event::default().event(name).data(data.replace('\r', ""))
}

impl Message {
    fn event(&self) -> Event {
        match self {
            Message::Reload(id) => event("reload", id),
            Message::Error(text) => event("error", text),
        }
    }
}

/// `GET /__fieldbook/events`: `retry`, `hello` with the build id and the current error if any,
/// then one event per message from the builds, with a keep-alive comment when idle.
pub(super) async fn events(State(shared): State<Arc<Shared>>) -> Response {
    // Subscribe under the same lock the builds send under, so no message falls in between.
    let (receiver, id, error) = {
        let live = lock(&shared.live);
        if shared.is_stopping() {
            return (StatusCode::SERVICE_UNAVAILABLE, "stopping\n").into_response();
        }
        (
            shared.messages.subscribe(),
            shared.build_id(live.generation),
            live.error.clone(),
        )
    };
    let mut first = vec![Event::default().retry(RETRY), event("hello", &id)];
    if let Some(text) = error {
        first.push(event("error", &text));
    }
    let later = stream::unfold(receiver, |mut receiver| async move {
        loop {
            match receiver.recv().await {
                Ok(message) => return Some((message.event(), receiver)),
                // A stream that fell behind skips to the newest messages.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    let all = stream::iter(first).chain(later).map(Ok::<_, Infallible>);
    Sse::new(all)
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"))
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_the_script_before_the_last_body_end() {
        let html = "<html><body><p>x</p></BODY></html>";
        let out = inject_live_reload(html);
        let at = out.find("<script data-fieldbook-serve>").unwrap();
        assert!(at < out.find("</BODY>").unwrap());
        assert!(out.starts_with("<html><body><p>x</p><script"));
        assert!(inject_live_reload("<p>fragment</p>").ends_with("</script>\n"));
        let files = with_live_reload(vec![
            OutputFile {
                path: "a/index.html".into(),
                bytes: b"<body></body>".to_vec(),
            },
            OutputFile {
                path: "style.css".into(),
                bytes: b"body{}".to_vec(),
            },
        ]);
        assert!(String::from_utf8_lossy(&files[0].bytes).contains(EVENTS_PATH));
        assert_eq!(files[1].bytes, b"body{}");
    }

    #[tokio::test]
    async fn events_split_lines() {
        let events =
            stream::iter([event("error", "a\r\nb"), event("hello", "x")]).map(Ok::<_, Infallible>);
        let body = Sse::new(events).into_response().into_body();
        let bytes = axum::body::to_bytes(body, 1 << 16).await.unwrap();
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "event: error\ndata: a\ndata: b\n\nevent: hello\ndata: x\n\n"
        );
    }
}
