"""HTML templates printed to tagged PDF (PDF/UA-1) with WeasyPrint.

Reports are rendered from Jinja templates under ``templates/reports/`` with the shared
print stylesheet. WeasyPrint may only read files from the application's own static
folder: a report never fetches anything from the network, whatever text it contains.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from flask import current_app, render_template
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

STYLESHEET = "reports/print.css"
# Control characters pasted into user text have no glyph, and a NUL garbles the PDF's text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def render_pdf(
    template: str, target: str | Path | IO[bytes] | None = None, **context
) -> bytes | None:
    """Render `template` with `context` to a tagged PDF: bytes, or written to `target`."""
    html = _CONTROL.sub("", render_template(template, **context))
    static = Path(current_app.static_folder)
    fetcher = _StaticOnlyFetcher(static)
    document = HTML(string=html, base_url=static.as_uri() + "/", url_fetcher=fetcher)
    stylesheet = CSS(filename=static / STYLESHEET, url_fetcher=fetcher)
    # PDF/UA-1 makes WeasyPrint tag the structure (headings, tables, lists, reading
    # order) and record the document language, which screen readers need.
    return document.write_pdf(target, stylesheets=[stylesheet], pdf_variant="pdf/ua-1")


class _StaticOnlyFetcher(URLFetcher):
    """Reads the application's static files and data: URLs; refuses everything else."""

    def __init__(self, static: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self._static = static.resolve().as_uri() + "/"

    def fetch(self, url, headers=None):
        if not (url.startswith(self._static) or url.startswith("data:")):
            raise ValueError(f"reports read only the application's own files, not {url}")
        return super().fetch(url, headers)
