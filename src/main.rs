//! The `fieldbook` command line: parses arguments once, dispatches to the library, prints diagnostics
//! and sets the exit code (0 success, 1 errors in the site, 2 bad usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use fieldbook::diag::{self, Severity, Style};

// Rendering, templates and the search indexer allocate many small strings; mimalloc is markedly
// faster at that than the system allocator (see BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tells mimalloc to keep the memory it frees for reuse instead of returning it to the system 10 ms
/// later (its default). Every stage frees and allocates again about as much as the one before, and
/// each return made the kernel zero the same pages again on the next allocation: a 10,000-page
/// build took 990,000 page faults and 7.6 s of system time before, 5,000 and 3.6 s after, with the
/// same peak memory (BENCHMARKS.md).
#[cfg(feature = "mimalloc")]
fn keep_freed_memory() {
    /// `mi_option_purge_delay` (the same position in mimalloc 2 and 3); -1 means never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // mimalloc's own environment variable, when set, wins (to measure or tune it).
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: setting an option is allowed at any time; mimalloc reads it at each purge.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

/// A static research-website generator: Markdown pages and YAML data to a cross-linked site with SVG charts.
#[derive(Parser)]
#[command(name = "fieldbook", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or --out DIR); the previous output stays intact if the build fails.
    Build {
        /// Site folder (holds book.toml, content/, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: output-dir from book.toml, `public`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Minify HTML (default: `minify-html` in book.toml, false).
        #[arg(long, conflicts_with = "no_minify")]
        minify: bool,
        /// Write HTML as rendered, without minifying (the default unless book.toml sets
        /// `minify-html = true`).
        #[arg(long)]
        no_minify: bool,
        /// The address the site is published at, replacing book.toml's base-url (a deploy
        /// preview, a second host).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Render everything again instead of reusing what the last build into this folder
        /// made from unchanged input (kept in .fieldbook-cache/).
        #[arg(long)]
        fresh: bool,
    },
    /// Check everything build checks, plus data consistency, orphans and links, without writing.
    Check {
        /// Site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Fail on warnings too.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Also request every outbound http(s) link (the only use of the network): dead ones and
        /// permanent redirects are warnings.
        #[arg(long)]
        external: bool,
        /// With --external: seconds to wait for each address.
        #[arg(long, default_value_t = 10.0, requires = "external")]
        timeout: f64,
        /// Check as if published at this address (replaces book.toml's base-url).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Start a new site in DIR (default: the current folder, which must be empty): book.toml, one
    /// item of every kind, a CSV dataset with its chart, and a README for its editors.
    Init {
        /// Folder to create the site in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// The built-in theme.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Serve the site on 127.0.0.1 with live reload, rebuilding on every change (not minified; written
    /// to a serve-only folder, never to public/).
    Serve {
        /// Site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port on 127.0.0.1; 0 picks a free one.
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// Folder to write the served site to (default: a new private folder in the system
        /// temporary directory, removed when serve stops).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Serve as if published at this address (replaces book.toml's base-url).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Write the default templates, static files and interface strings into the site's
    /// templates/ and static/ to edit (files the site already has are left alone).
    Dump {
        /// Site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    #[cfg(feature = "mimalloc")]
    keep_freed_memory();
    match Cli::parse().command {
        Command::Build {
            root,
            out,
            minify,
            no_minify,
            base_url,
            fresh,
        } => build(fieldbook::Options {
            root,
            out,
            minify: (minify || no_minify).then_some(minify),
            base_url,
            fresh,
        }),
        Command::Check {
            root,
            strict,
            format,
            external,
            timeout,
            base_url,
        } => {
            let external = external.then(|| fieldbook::build::external::Settings {
                timeout: std::time::Duration::from_secs_f64(match timeout.is_finite() {
                    true => timeout.clamp(0.001, 3600.0),
                    false => 10.0,
                }),
                ..Default::default()
            });
            check(
                &root,
                strict,
                format,
                external.as_ref(),
                base_url.as_deref(),
            )
        }
        Command::Init { dir } => init(&dir),
        Command::Theme {
            action: ThemeAction::Dump { root },
        } => theme_dump(&root),
        Command::Serve {
            root,
            port,
            out,
            base_url,
        } => serve(root, port, out, base_url),
    }
}

/// `fieldbook build`: warnings and the summary on success; every problem and what became of the
/// output folder on failure.
fn build(opts: fieldbook::Options) -> ExitCode {
    let root = opts.root.clone();
    match fieldbook::build(&opts) {
        Ok(report) => {
            print_warnings(&report.diagnostics, &root);
            println!("{}", report.summary());
            ExitCode::SUCCESS
        }
        Err(failure) => {
            eprint!(
                "{}",
                diag::render(&failure.diagnostics, &root, Style::for_stderr())
            );
            let errors = failure.diagnostics.iter().filter(|d| d.is_error()).count();
            if failure.during_write() {
                eprintln!("error: the write stopped part way; every file in the output folder is whole (the previous version or the new one); build again to finish");
            } else {
                eprintln!("error: build failed with {errors} error(s); the previous output was left untouched");
            }
            ExitCode::from(1)
        }
    }
}

/// Prints the warnings among `diagnostics` (notes stay quiet in a build).
fn print_warnings(diagnostics: &[diag::Diagnostic], root: &std::path::Path) {
    let warnings: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .cloned()
        .collect();
    if !warnings.is_empty() {
        eprint!("{}", diag::render(&warnings, root, Style::for_stderr()));
    }
}

/// `fieldbook check`: every diagnostic (JSON on stdout with `--format json`) and a count.
fn check(
    root: &std::path::Path,
    strict: bool,
    format: Format,
    external: Option<&fieldbook::build::external::Settings>,
    base_url: Option<&str>,
) -> ExitCode {
    let diagnostics = fieldbook::build::check_site_with(root, external, base_url);
    let style = if format == Format::Json {
        Style::Json
    } else {
        Style::for_stderr()
    };
    let text = diag::render(&diagnostics, root, style);
    if format == Format::Json {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let notes = diagnostics.len() - errors - warnings;
    if format == Format::Human {
        eprintln!("check: {errors} error(s), {warnings} warning(s), {notes} note(s)");
    }
    if errors > 0 || (strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `fieldbook init`: the starter site, then what to do next.
fn init(dir: &std::path::Path) -> ExitCode {
    match fieldbook::theme::init(dir) {
        Ok(files) => {
            println!(
                "created a fieldbook site in {} ({} files); next: cd {} && fieldbook serve",
                dir.display(),
                files,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// `fieldbook theme dump`: the default theme's files, written where the site can edit them.
fn theme_dump(root: &std::path::Path) -> ExitCode {
    match fieldbook::theme::dump(root) {
        Ok(written) => {
            for p in &written {
                println!("wrote {}", p.display());
            }
            println!(
                "{} files written; files the site already had were left alone",
                written.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write the theme into {}: {e}", root.display());
            ExitCode::from(1)
        }
    }
}

/// `fieldbook serve`: a line per build, preview or failure until stopped.
fn serve(root: PathBuf, port: u16, out: Option<PathBuf>, base_url: Option<String>) -> ExitCode {
    use fieldbook::serve::{Options, Server};
    let shown_root = root.clone();
    let on_build = move |event: &fieldbook::serve::BuildEvent| report_build(event, &shown_root);
    let opts = Options {
        root,
        out,
        port,
        base_url,
    };
    match Server::start(&opts, on_build) {
        Ok(server) => {
            println!(
                "serving {} (live reload; files in {}; Ctrl-C to stop)",
                server.url(),
                server.out_dir().display()
            );
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// One line (and any warnings or errors) per serve build.
fn report_build(event: &fieldbook::serve::BuildEvent, root: &std::path::Path) {
    use fieldbook::serve::BuildEvent;
    match event {
        BuildEvent::Built {
            initial,
            ms,
            written,
            removed,
            reused,
            computed,
            warnings,
        } => {
            print_warnings(warnings, root);
            let what = if *initial { "built" } else { "rebuilt" };
            println!(
                "{what} in {ms:.0} ms: {written} file(s) written, {removed} removed ({computed} unit(s) rendered, {reused} reused)"
            );
        }
        BuildEvent::Previewed { ms, written } => {
            println!("previewed in {ms:.0} ms: {written} file(s) written (full rebuild follows)");
        }
        BuildEvent::Failed {
            initial,
            ms,
            diagnostics,
        } => {
            eprint!("{}", diag::render(diagnostics, root, Style::for_stderr()));
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let then = if *initial {
                "serving what the output folder holds; saving a fix rebuilds"
            } else {
                "still serving the last good version"
            };
            eprintln!("error: build failed with {errors} error(s) in {ms:.0} ms; {then}");
        }
    }
}
