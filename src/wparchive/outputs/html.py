"""Pages a person can share: a diff of two versions, and a site's timeline with a chart of its changes.

Each page is one self-contained file: inline CSS and SVG, no script, no external asset, and a
Content-Security-Policy that forbids the page to load anything at all, so opening it makes no network
request whatever the archived text holds (it is escaped anyway).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wparchive.diff.compare import Comparison, format_stat

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1d1d1f; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { text-align: left; padding: .25em .7em; vertical-align: top; }
th { background: #f2f2f4; } tr + tr td { border-top: 1px solid #e5e5e8; }
.sides td:first-child { font-weight: 600; }
.hunk { border: 1px solid #dcdce0; border-radius: 6px; margin: 1em 0; overflow: hidden; }
.hunk header { background: #f2f2f4; color: #555; font: 13px monospace; padding: .2em .6em; }
.row { padding: .15em .6em; white-space: pre-wrap; word-wrap: break-word; }
.row.added { background: #e9f8ec; } .row.removed { background: #fdecee; } .row.changed { background: #fffbea; }
.row .n { color: #888; display: inline-block; font: 12px monospace; min-width: 4.5em; user-select: none; }
del { background: #f9c6cc; color: #86181d; text-decoration: line-through; }
ins { background: #b9efc4; color: #144620; text-decoration: none; }
.meta del, .meta ins { padding: 0 .2em; }
.note { color: #666; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
"""
# One colour per kind of change in the timeline chart; other kinds take the grey.
KIND_COLOURS = {"new": "#4c78a8", "text": "#f58518", "title": "#54a24b", "markup": "#b279a2", "rendering": "#b279a2",
                "hidden": "#e45756", "gone": "#222222", "slug": "#72b7b2", "status": "#eeca3b", "tags": "#9d755d",
                "categories": "#9d755d"}
OTHER_COLOUR = "#bab0ac"


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")


@dataclass(frozen=True)
class SideInfo:
    """What the page says about one side: the label, its version id, capture time and source URL."""

    label: str
    version_id: str
    captured_at: str
    source: str

    @classmethod
    def of(cls, label: str, meta: Mapping[str, Any]) -> SideInfo:
        source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
        where = source.get("path") if source.get("kind") == "file" else source.get("url")
        return cls(label, str(meta.get("version_id") or ""), str(meta.get("captured_at") or ""), str(where or ""))


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "[]"
    return str(value)


def _source_cell(source: str) -> str:
    if source.startswith(("http://", "https://")):
        return f'<a href="{_e(source)}" rel="noreferrer">{_e(source)}</a>'
    return _e(source)


def diff_page(c: Comparison) -> str:
    """The whole comparison as a page: both sides' ids, times and sources; metadata changes; the text with
    removed words in <del> and added ones in <ins>, hunk by hunk with line numbers."""
    a, b = SideInfo.of(c.a.label, c.a.meta), SideInfo.of(c.b.label, c.b.meta)
    title = str(c.b.meta.get("title") or c.a.meta.get("title") or "Untitled")
    out = [f"<h1>What changed: {_e(title)}</h1>\n<table class=\"sides\">\n"
           "<tr><th></th><th>version</th><th>id</th><th>captured at</th><th>source</th></tr>\n"]
    for name, side in (("before", a), ("after", b)):
        out.append(f"<tr><td>{name}</td><td>{_e(side.label)}</td><td><code>{_e(side.version_id)}</code></td>"
                   f"<td>{_e(side.captured_at)}</td><td>{_source_cell(side.source)}</td></tr>\n")
    out.append("</table>\n")
    if c.identical:
        out.append("<p class=\"note\">No differences: the text and the metadata are the same.</p>\n")
        return _page(f"No change: {title}", "".join(out))
    out.append(f"<p class=\"note\">{_e(format_stat(c).strip())}</p>\n")
    if c.meta_changes:
        out.append("<h2>Metadata</h2>\n<table class=\"meta\">\n<tr><th>field</th><th>before</th><th>after</th></tr>\n")
        for m in c.meta_changes:
            out.append(f"<tr><td>{_e(m.field)}</td><td><del>{_e(_show(m.old))}</del></td>"
                       f"<td><ins>{_e(_show(m.new))}</ins></td></tr>\n")
        out.append("</table>\n")
    if c.hunks:
        out.append("<h2>Text</h2>\n")
    for hunk in c.hunks:
        out.append(f"<section class=\"hunk\"><header>{_e(hunk.header)}</header>\n")
        for row in hunk.rows:
            number = row.new_line if row.new_line is not None else row.old_line
            cells = []
            for op, text in row.segments:
                cells.append(f"<del>{_e(text)}</del>" if op == "-" else f"<ins>{_e(text)}</ins>" if op == "+"
                             else _e(text))
            out.append(f"<div class=\"row {row.kind}\"><span class=\"n\">{number}</span>{''.join(cells)}</div>\n")
        out.append("</section>\n")
    if c.render_drift:
        out.append("<p class=\"note\">The text differs but modified_gmt is unchanged: the site's rendering "
                   "changed, not the post.</p>\n")
    return _page(f"Diff: {title}", "".join(out))


@dataclass(frozen=True)
class TimelineRow:
    """One line of the timeline's table: a version, what changed, and where its diff page is (if any)."""

    captured_at: str
    ref: str
    version_id: str
    kind: str
    labels: list[str]
    title: str
    diff_href: str | None


def _chart(per_day: Mapping[str, Counter[str]], kinds: list[str]) -> str:
    """Stacked bars of versions per day, one colour per kind, with a legend and the day range."""
    days = sorted(per_day)
    width, height, left, bottom, top = 900, 220, 40, 30, 30
    peak = max((sum(c.values()) for c in per_day.values()), default=0) or 1
    step = (width - left - 10) / max(len(days), 1)
    bar = max(step * 0.8, 1.0)
    scale = (height - bottom - top) / peak
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'viewBox="0 0 {width} {height}" aria-label="versions per day by kind of change">',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>',
             f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>']
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = height - bottom
        for kind in kinds:
            n = per_day[day].get(kind, 0)
            if not n:
                continue
            h = n * scale
            y -= h
            colour = KIND_COLOURS.get(kind, OTHER_COLOUR)
            parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                         f'fill="{colour}"><title>{_e(day)}: {n} {_e(kind)}</title></rect>')
    if days:
        parts.append(f'<text x="{left}" y="{height - bottom + 16}">{_e(days[0])}</text>')
        parts.append(f'<text x="{width - 10}" y="{height - bottom + 16}" text-anchor="end">{_e(days[-1])}</text>')
    x = left
    for kind in kinds:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{KIND_COLOURS.get(kind, OTHER_COLOUR)}"/>'
                     f'<text x="{x + 16}" y="16">{_e(kind)}</text>')
        x += 24 + 7 * len(kind)
    parts.append("</svg>")
    return "".join(parts)


def timeline_page(site: str, rows: Iterable[TimelineRow], table_limit: int) -> str:
    """A site's history: the chart of all `rows` (newest first) and a table of the first `table_limit`."""
    per_day: dict[str, Counter[str]] = {}
    shown: list[TimelineRow] = []
    total = 0
    for row in rows:
        per_day.setdefault(row.captured_at[:10], Counter())[row.kind] += 1
        if len(shown) < table_limit:
            shown.append(row)
        total += 1
    seen = Counter(k for c in per_day.values() for k in c.elements())
    kinds = sorted(seen, key=lambda k: (list(KIND_COLOURS).index(k) if k in KIND_COLOURS else 99, k))
    out = [f"<h1>History of {_e(site)}</h1>\n",
           f"<p class=\"note\">{total} versions on {len(per_day)} days"
           + (f" ({', '.join(f'{seen[k]} {k}' for k in kinds)})" if kinds else "") + ".</p>\n",
           f"<figure>{_chart(per_day, kinds)}</figure>\n"]
    heading = "All changes" if len(shown) == total else f"The latest {len(shown)} changes"
    out.append(f"<h2>{heading}</h2>\n<table class=\"changes\">\n"
               "<tr><th>captured at</th><th>version</th><th>changed</th><th>title</th></tr>\n")
    for row in shown:
        name = f"{_e(row.ref)}@{_e(row.version_id)}"
        version = f'<a href="{_e(row.diff_href)}">{name}</a>' if row.diff_href else name
        changed = ", ".join(row.labels) or "first capture"
        out.append(f"<tr><td>{_e(row.captured_at)}</td><td>{version}</td><td>{_e(changed)}</td>"
                   f"<td>{_e(row.title)}</td></tr>\n")
    out.append("</table>\n")
    return _page(f"History of {site}", "".join(out))
