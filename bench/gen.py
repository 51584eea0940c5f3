#!/usr/bin/env python3
"""Deterministic synthetic corpus for the fieldbook benchmark (issue 8).

    python3 bench/gen.py N OUTDIR [--seed S] [--chapters K] [--entities E]

writes three sites built from the same Markdown page bodies:

    OUTDIR/fieldbook/   book.toml + content/ (pages, datasets, charts, entities, sources)
    OUTDIR/hugo/        config.toml + content/*.md + minimal layouts/
    OUTDIR/mdbook/      book.toml + src/SUMMARY.md + src/*.md

Sizes: N pages of 600-1200 words (headings, paragraphs, a list, a table, footnotes, links to other
pages, citations, entity mentions); M = max(5, N // 50) datasets with one chart each; E = max(12, N // 10)
entities (places, organizations, terms), each mentioned by at least one page so it gets backlinks;
8 sources. `--entities E` sets E instead (the bench's entity-scaling row: 8,000 entities in one list
file guard against a load step that grows faster than the file; entities past the N-th are mentioned
by no page). The first K pages (default 20) are chapters, the rest articles (fieldbook prints every
chapter in the sidebar of every page, so an all-chapter corpus grows quadratically; see BENCHMARKS.md).

In the Hugo and mdBook copies, `[text](@page/id#frag)` becomes a relative link to that page,
links to other kinds (entities, datasets, charts) become their plain text, and `[@key, p. N]`
citations become plain author-date text "(Family Year, p. N)". Only the stdlib is used; the output
depends on N, the seed and K only (no clock, no hash randomization).
"""

import argparse
import os
import random
import re
import shutil

WORDS = """
account agency agreement allowance archive arrival assembly audit autumn balance barracks
border branch brigade budget building bureau cabin camp canal cargo census charter clerk
coast committee company contract council county crane crew customs daily deadline debt
delegation depot deputy director district dock dormitory duty east estimate evening export
factory farm ferry field figure firm fishery foreman forest freight fund garden gate
governor grain harbour harvest highway hostel hour housing import income industry inland
inspector interview island journey labour ledger licence logging manager market meeting
migrant mill ministry month morning notice office order overtime passport payment permit
pier plant policy port province quarry quota railway ration record region register report
river road salary season sector settlement shift shipyard site statement station steel
storage summer survey table tax team timber town trade transfer transport treaty truck
union valley vessel village visa wage warehouse week welfare winter worker yard year
""".split()

CONNECTORS = """
and but while because although so then after before since until whereas yet also still
""".split()

VERBS = """
arrived counted described drafted entered expanded filed found held hired kept listed
moved named noted opened paid printed raised recorded reduced reported returned sent
signed stayed supplied wrote
""".split()

FAMILIES = ["Arden", "Baek", "Castell", "Dorn", "Eriksen", "Feld", "Garrow", "Hale"]
GIVEN = ["Mira", "Jon", "Sun-hee", "Pavel", "Lena", "Tae-ho", "Ines", "Oleg"]
SOURCE_TYPES = ["report", "book", "article", "news", "report", "thesis", "book", "document"]
ENTITY_KINDS = [("place", "place", "pl"), ("organization", "org", "org"), ("term", "term", "t")]


def cap(word):
    return word[:1].upper() + word[1:]


class Corpus:
    def __init__(self, n, seed, chapters, entities=None):
        self.n = n
        self.rng = random.Random(seed)
        self.chapters = min(chapters, n)
        self.m = max(5, n // 50)
        self.e = max(12, n // 10) if entities is None else entities
        r = self.rng
        self.sources = []
        for i in range(8):
            self.sources.append(
                {
                    "id": "src%02d" % (i + 1),
                    "family": FAMILIES[i],
                    "given": GIVEN[i],
                    "year": 1995 + 3 * i,
                    "type": SOURCE_TYPES[i],
                    "title": "%s of the %s %s" % (cap(r.choice(WORDS)), r.choice(WORDS), r.choice(WORDS)),
                }
            )
        self.entities = []
        for i in range(self.e):
            kind, ref, prefix = ENTITY_KINDS[i % 3]
            name = "%s %s" % (cap(r.choice(WORDS)), cap(r.choice(WORDS)))
            if kind == "term":
                name = name.lower()
            self.entities.append(
                {"kind": kind, "ref": ref, "id": "%s-%04d" % (prefix, i + 1), "name": "%s %d" % (name, i + 1)}
            )
        self.datasets = []
        for i in range(self.m):
            words = [r.choice(WORDS) for _ in range(2)]
            self.datasets.append(
                {
                    "id": "d-%04d" % (i + 1),
                    "chart": "c-%04d" % (i + 1),
                    "title": "%s %s counts, series %d" % (cap(words[0]), words[1], i + 1),
                    "start": 1990 + r.randrange(15),
                    "base": r.randrange(100, 5000),
                    "source": self.sources[i % 8]["id"],
                    "kind": "line" if i % 2 == 0 else "bar",
                }
            )
        # Titles and first headings of every page, fixed before the bodies so pages can link
        # to another page's first section.
        self.pages = []
        for i in range(n):
            t = [r.choice(WORDS) for _ in range(3)]
            h = [r.choice(WORDS) for _ in range(2)]
            self.pages.append(
                {
                    "id": "p-%05d" % (i + 1),
                    "title": "%s %s and the %s, part %d" % (cap(t[0]), t[1], t[2], i + 1),
                    "summary": "A synthetic page on the %s %s and the %s (number %d)." % (t[0], t[1], t[2], i + 1),
                    "first_heading": "Overview of the %s %s" % (h[0], h[1]),
                }
            )

    # ---- text pieces (fieldbook syntax) -------------------------------------------------------

    def sentence(self, min_words=8, max_words=18):
        r = self.rng
        k = r.randint(min_words, max_words)
        words = []
        for j in range(k):
            if j == 2:
                words.append(r.choice(VERBS))
            elif j > 3 and r.random() < 0.08:
                words.append(r.choice(CONNECTORS))
            elif r.random() < 0.05:
                words.append(str(r.randrange(2, 9000)))
            else:
                words.append(r.choice(WORDS))
        words[0] = cap(words[0])
        return " ".join(words) + "."

    def citation(self):
        r = self.rng
        if r.random() < 0.2:
            a, b = r.sample(self.sources, 2)
            return "[@%s, pp. %d-%d; @%s]" % (a["id"], (p := r.randrange(1, 300)), p + r.randrange(1, 5), b["id"])
        return "[@%s, p. %d]" % (r.choice(self.sources)["id"], r.randrange(1, 300))

    def entity_link(self, ent):
        return "[%s](@%s/%s)" % (ent["name"], ent["ref"], ent["id"])

    def page_link(self, i):
        r = self.rng
        j = r.randrange(self.n - 1)
        if j >= i:
            j += 1
        target = self.pages[j]
        if r.random() < 0.3:
            frag = "#" + slug(target["first_heading"])
        else:
            frag = ""
        return "[%s](@page/%s%s)" % (target["title"].split(",")[0].lower(), target["id"], frag)

    def paragraph(self, i, extras):
        """A paragraph of 3-6 sentences; `extras` are inline pieces spliced in after sentences."""
        r = self.rng
        sentences = [self.sentence() for _ in range(r.randint(3, 6))]
        for piece in extras:
            k = r.randrange(len(sentences))
            s = sentences[k]
            sentences[k] = s[:-1] + " " + piece + "."
        return " ".join(sentences)

    def body(self, i):
        """The Markdown body of page i in fieldbook syntax (600-1200 words)."""
        r = self.rng
        target = r.randint(575, 1030)
        ents = [self.entities[i % self.e]] + [r.choice(self.entities) for _ in range(3)]
        ds = self.datasets[i % self.m]
        blocks = []
        notes = []
        words = 0

        def add(text):
            nonlocal words
            blocks.append(text)
            words += count_words(text)

        add(self.paragraph(i, [self.entity_link(ents[0]), self.citation()]))
        section = 0
        while words < target:
            section += 1
            if section == 1:
                heading = self.pages[i]["first_heading"]
            else:
                heading = "%s %s %d" % (cap(r.choice(WORDS)), r.choice(WORDS), section)
            add("## " + heading)
            extras = [self.citation()]
            if r.random() < 0.7:
                extras.append(self.page_link(i))
            if r.random() < 0.5:
                extras.append(self.entity_link(r.choice(ents)))
            n = len(notes) + 1
            notes.append("[^%d]: %s %s" % (n, self.sentence(6, 14)[:-1], self.citation() + "."))
            extras.append("[^%d]" % n)
            add(self.paragraph(i, extras))
            if words >= target:
                break
            kind = section % 3
            if kind == 1:
                items = []
                for _ in range(r.randint(3, 6)):
                    item = self.sentence(5, 12)
                    if r.random() < 0.25:
                        item = item[:-1] + " " + self.entity_link(r.choice(ents)) + "."
                    items.append("- " + item)
                add("\n".join(items))
            elif kind == 2:
                rows = ["| Year | %s | Count | Note |" % cap(r.choice(WORDS)), "| --- | --- | ---: | --- |"]
                for _ in range(r.randint(3, 6)):
                    rows.append(
                        "| %d | %s | %s | %s %s |"
                        % (r.randrange(1990, 2020), r.choice(WORDS), format(r.randrange(10, 99999), ","),
                           r.choice(WORDS), r.choice(WORDS))
                    )
                add("\n".join(rows))
            else:
                add(self.paragraph(i, ["see [the %s](@dataset/%s) and [its chart](@chart/%s)"
                                       % (ds["title"].split(",")[0].lower(), ds["id"], ds["chart"])]))
            if words < target:
                add(self.paragraph(i, [self.entity_link(r.choice(ents))] if r.random() < 0.5 else []))
        blocks.extend(notes)
        return "\n\n".join(blocks) + "\n"


def count_words(text):
    return len(re.findall(r"[A-Za-z0-9]+", re.sub(r"\(@[^)]*\)|\[\^\d+\]|@src\d+", "", text)))


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---- conversion for Hugo and mdBook ---------------------------------------------------------------

LINK = re.compile(r"\[([^\]]*)\]\(@([a-z]+)/([a-z0-9-]+)(#[a-z0-9-]+)?\)")
CITE = re.compile(r"\[(@src\d+[^\]]*)\]")


def convert(body, sources, page_href):
    """fieldbook syntax -> plain CommonMark: page links to relative links, other @ links to their
    text, citations to "(Family Year, p. N)"."""
    by_id = {s["id"]: s for s in sources}

    def link(m):
        text, kind, ident, frag = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        if kind == "page":
            return "[%s](%s%s)" % (text, page_href(ident), frag)
        return text

    def cite(m):
        parts = []
        for item in m.group(1).split(";"):
            item = item.strip()
            key, _, loc = item.partition(",")
            s = by_id[key.strip()[1:]]
            label = "%s %d" % (s["family"], s["year"])
            parts.append(label + (", " + loc.strip() if loc.strip() else ""))
        return "(" + "; ".join(parts) + ")"

    return CITE.sub(cite, LINK.sub(link, body))


def yq(s):
    """A double-quoted YAML/TOML string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_fieldbook(c, out, bodies):
    write(
        os.path.join(out, "book.toml"),
        '[book]\ntitle = "Synthetic fieldbook corpus, %d pages"\nauthors = ["fieldbook bench"]\n'
        'description = "Generated by bench/gen.py for the build benchmark."\nlanguage = "en"\n\n'
        '[output.fieldbook]\nbase-url = "https://example.org/"\nlicence = "CC BY 4.0"\n'
        'last-updated = "2026-01-01"\npublisher = "fieldbook bench"\n'
        # Hugo makes no link-preview card per page, so the like-for-like rows leave fieldbook's out too.
        'page-cards = false\n' % c.n,
    )
    content = os.path.join(out, "content")
    lines = []
    for s in c.sources:
        lines.append(
            "- id: %s\n  type: %s\n  title: %s\n  authors: [%s]\n  year: %d\n  publisher: %s\n  place: Seoul\n"
            % (s["id"], s["type"], yq(s["title"]), yq("%s, %s" % (s["family"], s["given"])), s["year"],
               yq("%s Institute" % s["family"]))
        )
    write(os.path.join(content, "sources", "sources.yaml"), "".join(lines))
    lines = []
    for k, e in enumerate(c.entities):
        other = c.entities[(k * 7 + 1) % c.e]
        lines.append(
            "- id: %s\n  kind: %s\n  name: %s\n  summary: %s\n  description: %s\n"
            % (e["id"], e["kind"], yq(e["name"]), yq("A synthetic %s, number %d." % (e["kind"], k + 1)),
               yq("Related to [%s](@%s/%s) [@%s, p. %d]." % (other["name"], other["ref"], other["id"],
                                                             c.sources[k % 8]["id"], k % 300 + 1)))
        )
    write(os.path.join(content, "entities", "entities.yaml"), "".join(lines))
    for k, d in enumerate(c.datasets):
        rows = []
        value = d["base"]
        for y in range(10):
            value = value + (k * 37 + y * 11) % 400 - 150
            other = (k * 13 + y * 29) % 900 + 50
            rows.append("  - {year: %d, workers: %d, others: %d}" % (d["start"] + y, max(value, 1), other))
        write(
            os.path.join(content, "datasets", d["id"] + ".yaml"),
            "id: %s\ntitle: %s\ndescription: %s\nsource: %s\nlocator: %s\ncolumns:\n"
            "  - {name: year, title: Year, type: integer}\n"
            "  - {name: workers, title: Workers, type: integer, unit: persons}\n"
            "  - {name: others, title: Other workers, type: integer, unit: persons}\n"
            "rows:\n%s\n"
            % (d["id"], yq(d["title"]), yq("Synthetic yearly counts for the benchmark, series %d." % (k + 1)),
               d["source"], yq("Table %d, p. %d" % (k + 1, k % 300 + 1)), "\n".join(rows)),
        )
        write(
            os.path.join(content, "charts", d["chart"] + ".yaml"),
            "id: %s\ntitle: %s\ndescription: %s\nkind: %s\ndataset: %s\n"
            "x: {field: year, title: Year}\ny: {field: workers, title: Workers, unit: persons}\n"
            % (d["chart"], yq(d["title"]), yq("Workers per year in synthetic series %d." % (k + 1)), d["kind"],
               d["id"]),
        )
    for i, p in enumerate(c.pages):
        kind = "chapter" if i < c.chapters else "article"
        write(
            os.path.join(content, "pages", p["id"] + ".md"),
            "---\nid: %s\ntitle: %s\nkind: %s\norder: %d\nsummary: %s\n---\n\n%s"
            % (p["id"], yq(p["title"]), kind, i + 1, yq(p["summary"]), bodies[i]),
        )


HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title></head>
<body><main>{{ block "main" . }}{{ end }}</main></body></html>
"""
HUGO_SINGLE = """{{ define "main" }}<article data-pagefind-body><h1>{{ .Title }}</h1>
{{ .Content }}</article>{{ end }}
"""
HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
<ol>{{ range .RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
"""


def write_hugo(c, out, bodies):
    write(
        os.path.join(out, "config.toml"),
        'baseURL = "https://example.org/"\nlanguageCode = "en"\ntitle = "Synthetic corpus, %d pages"\n'
        'disableKinds = ["taxonomy", "term"]\nrssLimit = 20\n'
        '[markup.goldmark.renderer]\nunsafe = false\n' % c.n,
    )
    write(os.path.join(out, "layouts", "_default", "baseof.html"), HUGO_BASEOF)
    write(os.path.join(out, "layouts", "_default", "single.html"), HUGO_SINGLE)
    write(os.path.join(out, "layouts", "_default", "list.html"), HUGO_LIST)
    for i, p in enumerate(c.pages):
        body = convert(bodies[i], c.sources, lambda ident: "../%s/" % ident)
        write(
            os.path.join(out, "content", p["id"] + ".md"),
            "---\ntitle: %s\nsummary: %s\nweight: %d\n---\n\n%s" % (yq(p["title"]), yq(p["summary"]), i + 1, body),
        )


def write_mdbook(c, out, bodies):
    write(
        os.path.join(out, "book.toml"),
        '[book]\ntitle = "Synthetic corpus, %d pages"\nauthors = ["fieldbook bench"]\nlanguage = "en"\nsrc = "src"\n'
        % c.n,
    )
    summary = ["# Summary\n"]
    for i, p in enumerate(c.pages):
        body = convert(bodies[i], c.sources, lambda ident: "%s.md" % ident)
        write(os.path.join(out, "src", p["id"] + ".md"), "# %s\n\n%s" % (p["title"], body))
        summary.append("- [%s](%s.md)" % (p["title"], p["id"]))
    write(os.path.join(out, "src", "SUMMARY.md"), "\n".join(summary) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of pages")
    ap.add_argument("out", help="output folder (replaced)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--chapters", type=int, default=20, help="how many pages are chapters (default 20)")
    ap.add_argument("--entities", type=int, help="how many entities (default max(12, N // 10))")
    a = ap.parse_args()
    if a.n < 2:
        ap.error("n must be at least 2")
    if a.entities is not None and a.entities < 1:
        ap.error("--entities must be at least 1")
    c = Corpus(a.n, a.seed, a.chapters, a.entities)
    bodies = [c.body(i) for i in range(a.n)]
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    write_fieldbook(c, os.path.join(a.out, "fieldbook"), bodies)
    write_hugo(c, os.path.join(a.out, "hugo"), bodies)
    write_mdbook(c, os.path.join(a.out, "mdbook"), bodies)
    words = sum(count_words(b) for b in bodies)
    print("generated %d pages (%d words, %d-%d per page), %d datasets/charts, %d entities, %d sources in %s"
          % (a.n, words, min(map(count_words, bodies)), max(map(count_words, bodies)), c.m, c.e, len(c.sources),
             a.out))


if __name__ == "__main__":
    main()
