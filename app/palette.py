"""Agora's colours, in one place: the emails, the charts and the reports (PDF and Word) read
them from here, and a test holds the style sheet's custom properties (`--agora-*` in
static/css/app.css, which cannot import Python) to the same values.

Every colour text is written in keeps at least 4.5:1 against white and the paper colour
(WCAG 2.1 AA); white on the accent, as on buttons, keeps 8:1.
"""

from __future__ import annotations

# The site's palette: name → colour, as `--agora-<name>` in app.css.
PALETTE = {
    "ink": "#1d2433",  # text
    "accent": "#0b5394",  # links, buttons, headings' rule, the name mark
    "muted": "#595f69",  # secondary text
    "paper": "#fbfaf7",  # the footer's and emails' background
    "tint": "#eef3f9",  # table headers, highlighted panels
    "line": "#d5d9df",  # rules and borders (never text)
    "warm": "#8a3b12",  # the mark's second colour
}
MARK_GOLD = "#f2b33d"  # the dot under the mark's columns: decoration, never text
WHITE = "#ffffff"

# Each stance's chart colour (white patterns drawn on it tell them apart without colour).
STANCES = {"support": "#1b7a3d", "amend": "#a15c00", "oppose": "#b42318", "none": "#5f6670"}
# Light tints of each stance's colour, by its share of a paragraph's stances (1–4): the heat
# map's cells, with ink on every one of them.
HEAT_TINTS = {
    "support": ("#edf4ef", "#d6e7dc", "#bbd7c5", "#9bc4aa"),
    "amend": ("#f7f2eb", "#eee2d1", "#e3ceb2", "#d6b78f"),
    "oppose": ("#f9eded", "#f2d7d5", "#e8bdba", "#de9e99"),
    "none": ("#f2f3f4", "#e2e3e5", "#cfd1d4", "#b9bcc0"),
}

# The name mark: a portico (the agora's columns) on the accent, a gold dot below; the site's
# header draws the same shape inline (base.html).
MARK_NAME = "Agora"
MARK_PATH = "M8 23h16M10 23V13m4 10V13m4 10V13m4 10V13M7 12l9-5 9 5z"


def mark_svg() -> str:
    """The name mark's picture as an SVG document, in the palette's colours."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">'
        f'<circle cx="16" cy="16" r="15" fill="{PALETTE["accent"]}"/>'
        f'<path d="{MARK_PATH}" stroke="{WHITE}" stroke-width="2" fill="none" '
        'stroke-linejoin="round"/>'
        f'<circle cx="16" cy="27" r="1.6" fill="{MARK_GOLD}"/></svg>'
    )


def report_colours() -> dict[str, object]:
    """The colours as the report templates read them (palette.json beside each template)."""
    return {**PALETTE, "white": WHITE, "stances": STANCES, "heat": HEAT_TINTS}


def word_colour(name: str) -> str:
    """A palette colour as Word writes it: "0B5394"."""
    return PALETTE[name].lstrip("#").upper()


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2.1 contrast ratio of two "#rrggbb" colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
