"""Typst templates compiled to tagged PDF (PDF/UA-1): every PDF report the platform writes.

A report is a template under ``templates/reports/`` and the data it lays out, written as
JSON beside it. The compiler runs in a temporary folder holding only those files: it can
read nothing else, and user text is data the template places as text, never markup.
Fonts are the ones the project installs (Noto Sans, DejaVu Sans, a Chinese subset of Noto
Sans CJK), never the machine's, so a report looks the same wherever it is written.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import fontpkg_noto_sans
import typst
from flask_babel import _, format_date, format_time
from fontTools.ttLib import TTFont

from app import palette
from app.i18n import Localized, current_timezone_name, language_name
from app.services.reports.bidi import is_rtl
from app.services.reports.text_language import typst_language

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "reports"
FONT_PATHS = [
    str(fontpkg_noto_sans.ROOT / "files"),
    str(TEMPLATES / "fonts"),
]
SHARED = "_common.typ"
# Control characters pasted into user text have no glyph, and a NUL garbles the PDF's text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Extra = Callable[[Path], None]  # writes more data files into the compiler's folder


def clean(text: str | None) -> str:
    """User text without control characters, and with U+FFFD for any character none of the
    project's fonts draws: PDF/UA forbids text without a glyph, and a report must not fail
    over an emoji."""
    return _undrawable().sub("\ufffd", _CONTROL.sub("", text or ""))


@functools.cache
def _undrawable() -> re.Pattern[str]:
    """Matches one character that no font in FONT_PATHS covers."""
    covered: set[int] = {0x09, 0x0A, 0x0D}
    covered.update(range(0x200B, 0x2010))  # zero-width joiners and direction marks
    covered.update(range(0x202A, 0x202F))
    for folder in FONT_PATHS:
        for path in Path(folder).iterdir():
            if path.suffix.lower() in (".ttf", ".otf"):
                covered.update(TTFont(path, lazy=True).getBestCmap())
    ranges, start, previous = [], None, None
    for code in sorted(covered):
        if start is None:
            start = previous = code
        elif code == previous + 1:
            previous = code
        else:
            ranges.append((start, previous))
            start = previous = code
    ranges.append((start, previous))
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[^{body}]")


def user_text(text: str | None, language: str | None = None) -> dict[str, Any]:
    """Typed text as the templates' `ut` takes it: the text, its direction and language
    (with its region when the tag names one)."""
    value = clean(text)
    item: dict[str, Any] = {"t": value}
    if is_rtl(value):
        item["rtl"] = True
    item.update(typst_language(language))
    return item


def _cleaned(value: Any) -> Any:
    """Every string in `value` cleaned: a name or title no font draws must not stop a report."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cleaned(item) for item in value]
    return value


def localized(item: Localized) -> dict[str, Any]:
    """A translated text, marked with its language when the original stood in for it."""
    return user_text(item.text, item.language if item.is_fallback else None)


def fallback_note(item: Localized) -> str:
    """The line saying a text is shown in its original language, or nothing."""
    if not item.is_fallback:
        return ""
    language = language_name(item.language)
    return _(
        "Not yet translated: shown in the original language (%(language)s).", language=language
    )


def moment(value: datetime) -> str:
    """A date and time in the reader's zone, the zone named: as the pages show them."""
    return (
        f"{format_date(value, 'long')}, {format_time(value, 'short')} ({current_timezone_name()})"
    )


def names(values: Iterable[str]) -> list[dict[str, Any]]:
    """Organisation names, each in its own direction."""
    return [user_text(value) for value in values]


def render_pdf(
    template: str,
    data: dict[str, Any],
    target: str | Path | IO[bytes] | None = None,
    extra: Extra | None = None,
    before_compile: Callable[[], None] | None = None,
    waiting: Callable[[float], None] | None = None,
) -> bytes | None:
    """Compile `template` with `data` to a tagged PDF: bytes, or written to `target`.

    `extra(folder)` may write more data files beside the template; `before_compile()` hears
    when typesetting starts and `waiting(seconds)` once a second while it goes on.
    """
    with tempfile.TemporaryDirectory(prefix="agora-report-") as folder:
        root = Path(folder)
        for name in (SHARED, template):
            shutil.copyfile(TEMPLATES / name, root / name)
        with open(root / "data.json", "w", encoding="utf-8") as out:
            json.dump(_cleaned(data), out, ensure_ascii=False)
        _write_identity(root)
        if extra is not None:
            extra(root)
        if before_compile is not None:
            before_compile()
        pdf = _compile_waiting(root / template, root, waiting)
    if target is None:
        return pdf
    if isinstance(target, (str, Path)):
        Path(target).write_bytes(pdf)
    else:
        target.write(pdf)
    return None


def _write_identity(root: Path) -> None:
    """The site's palette and name mark, which every report's page style reads."""
    identity = {
        "colours": palette.report_colours(),
        "mark": {"name": palette.MARK_NAME, "sub": _("UCLG Policy Council consultations")},
    }
    (root / "identity.json").write_text(json.dumps(identity, ensure_ascii=False), "utf-8")
    (root / "mark.svg").write_text(palette.mark_svg(), "utf-8")


def _compile_waiting(source: Path, root: Path, waiting: Callable[[float], None] | None) -> bytes:
    """Compile, calling `waiting` every second meanwhile (the compiler releases the GIL)."""
    if waiting is None:
        return compile_pdf(source, root)
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["pdf"] = compile_pdf(source, root)
        except Exception as error:  # noqa: BLE001 - raised again in the caller's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, name="typst-compile", daemon=True)
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(timeout=1.0)
        if worker.is_alive():
            waiting(time.monotonic() - started)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["pdf"]


def compile_pdf(source: Path, root: Path, output_format: str = "pdf", ppi: int = 0) -> bytes:
    """Compile a template inside `root` with the project's fonts only."""
    options: dict[str, Any] = {
        "root": str(root),
        "font_paths": FONT_PATHS,
        "ignore_system_fonts": True,
    }
    if output_format == "pdf":
        # PDF/UA-1: tagged structure, title and language, bookmarks, alt text on figures.
        options["pdf_standards"] = "ua-1"
    else:
        options.update(format=output_format, ppi=ppi or 72)
    try:
        return typst.compile(str(source), **options)
    except typst.TypstError as error:
        # The message alone names no place; the diagnostic gives the template's line.
        raise RuntimeError(f"{source.name}: {getattr(error, 'diagnostic', error)}") from error
