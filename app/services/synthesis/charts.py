"""Charts drawn on the server as SVG: horizontal bars and stacked stance bars.

Each chart is an image with a name (`<title>`) and a description (`<desc>`) that reads out
its figures; the pages put a data table with the same figures beside it. Colours keep a
3:1 contrast against white, and each stance also has its own pattern, so colour is never
the only way to tell them apart. No inline style: presentation attributes and CSS classes.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from app import palette
from app.vocabulary import STANCE_LABELS as STANCES
from app.vocabulary import STANCES as STANCE_ORDER

# Contrast against white: 5.4, 5.2, 6.6 and 5.8 to 1 (WCAG 1.4.11 asks for 3 to 1).
STANCE_FILLS = palette.STANCES
BAR_FILL = palette.PALETTE["accent"]  # 7.8 to 1
INK = palette.PALETTE["ink"]

WIDTH = 480
ROW = 40  # label line, then the bar
BAR_HEIGHT = 14
VALUE_ROOM = 56  # room right of the longest bar for its figure


@dataclass(frozen=True)
class Bar:
    """One bar: what it counts and how many."""

    label: str
    value: int


def safe_id(text: str) -> str:
    """`text` reduced to characters allowed in an id and in url(#…) references."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return cleaned if cleaned[:1].isalpha() else f"chart-{cleaned}"


def _svg_open(chart_id: str, height: int, width: int, css_class: str) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{cls}" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc" '
        'focusable="false">'
    ).format(cls=css_class, w=width, h=height, id=chart_id)


def _title_and_desc(chart_id: str, title: str, description: str) -> Markup:
    return Markup('<title id="{id}-title">{t}</title><desc id="{id}-desc">{d}</desc>').format(
        id=chart_id, t=title, d=description
    )


def describe(bars: Iterable[Bar]) -> str:
    """The figures as one line of text: "Europe: 3; Africa: 2"."""
    return "; ".join(f"{bar.label}: {bar.value}" for bar in bars)


def bar_chart(
    chart_id: str,
    title: str,
    bars: Iterable[Bar | tuple],
    description: str | None = None,
) -> Markup:
    """A horizontal bar chart: each label on its own line, its bar below with the figure.

    `bars` are Bar or tuples that start with (label, value); anything after is ignored.
    """
    chart_id = safe_id(chart_id)
    bars = [b if isinstance(b, Bar) else Bar(str(b[0]), int(b[1])) for b in bars]
    height = max(len(bars), 1) * ROW + 4
    largest = max((b.value for b in bars), default=0) or 1
    room = WIDTH - VALUE_ROOM
    parts = [
        _svg_open(chart_id, height, WIDTH, "council-chart"),
        _title_and_desc(chart_id, title, description or describe(bars)),
    ]
    for row, bar in enumerate(bars):
        top = row * ROW
        length = round(max(bar.value, 0) / largest * room, 1)
        parts.append(
            Markup(
                '<text x="0" y="{ly}" class="chart-label" fill="{ink}">{label}</text>'
                '<rect x="0" y="{by}" width="{w}" height="{h}" fill="{fill}" class="chart-bar"/>'
                '<text x="{vx}" y="{vy}" class="chart-value" fill="{ink}">{value}</text>'
            ).format(
                ly=top + 13,
                ink=INK,
                label=bar.label,
                by=top + 19,
                w=length,
                h=BAR_HEIGHT,
                fill=BAR_FILL,
                vx=round(length + 6, 1),
                vy=top + 31,
                value=bar.value,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _patterns(prefix: str) -> Markup:
    """One pattern per stance: solid, diagonal lines, cross-hatching, dots."""
    marks = {
        "support": "",
        "amend": '<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" stroke="#ffffff" '
        'stroke-width="1.5"/>',
        "oppose": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-width="1.2"/>',
        "none": '<circle cx="4" cy="4" r="1.5" fill="#ffffff"/>',
    }
    return Markup("<defs>{}</defs>").format(
        Markup("").join(
            Markup(
                '<pattern id="{p}-{s}" patternUnits="userSpaceOnUse" width="8" height="8">'
                '<rect width="8" height="8" fill="{fill}"/>{mark}</pattern>'
            ).format(p=prefix, s=stance, fill=STANCE_FILLS[stance], mark=Markup(marks[stance]))
            for stance in STANCE_ORDER
        )
    )


def stance_labels(labels: Mapping[str, object] | None = None) -> dict[str, str]:
    """The stances' names, translated now (the model keeps them lazy)."""
    return {s: str((labels or STANCES).get(s, s)) for s in STANCE_ORDER}


def describe_stances(counts: Mapping[str, int], labels: Mapping[str, object] | None = None) -> str:
    """ "Support: 3 (50 %); Oppose: 3 (50 %)" — the figures a stance bar shows."""
    names = stance_labels(labels)
    total = sum(max(int(counts.get(s, 0)), 0) for s in STANCE_ORDER)
    return "; ".join(
        f"{names[s]}: {int(counts.get(s, 0))} ({round(100 * int(counts.get(s, 0)) / total)} %)"
        if total
        else f"{names[s]}: 0"
        for s in STANCE_ORDER
    )


def stance_bar(
    chart_id: str,
    title: str,
    counts: Mapping[str, int],
    labels: Mapping[str, object] | None = None,
    width: int = WIDTH,
    height: int = 24,
    decorative: bool = False,
) -> Markup:
    """A bar split by stance in proportion to `counts`.

    `decorative` leaves out the name and description and hides the bar from assistive
    technology: for a row of a table whose cells already give the same figures.
    """
    chart_id = safe_id(chart_id)
    total = sum(max(int(counts.get(s, 0)), 0) for s in STANCE_ORDER)
    if decorative:
        opening = Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="stance-bar" viewBox="0 0 {w} {h}" '
            'width="{w}" height="{h}" aria-hidden="true" focusable="false">'
        ).format(w=width, h=height)
        parts = [opening]
    else:
        parts = [
            _svg_open(chart_id, height, width, "stance-bar"),
            _title_and_desc(chart_id, title, describe_stances(counts, labels)),
        ]
    parts.append(_patterns(chart_id))
    # The outline shows the length of the whole, also when there is nothing to split.
    parts.append(
        Markup(
            '<rect x="0.5" y="0.5" width="{w}" height="{h}" fill="#ffffff" stroke="#5f6670"/>'
        ).format(w=width - 1, h=height - 1)
    )
    x = 0.0
    for stance in STANCE_ORDER:
        value = max(int(counts.get(stance, 0)), 0)
        if not value:
            continue
        length = value / total * width
        parts.append(
            Markup(
                '<rect x="{x}" y="0" width="{w}" height="{h}" fill="url(#{p}-{s})" '
                'stroke="#ffffff" stroke-width="1" class="stance-segment stance-segment-{s}"/>'
            ).format(x=round(x, 2), w=round(length, 2), h=height, p=chart_id, s=stance)
        )
        x += length
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def stance_swatch(chart_id: str, stance: str, size: int = 16) -> Markup:
    """A small square in the stance's colour and pattern, for legends (hidden from readers)."""
    chart_id = safe_id(chart_id)
    if stance not in STANCE_FILLS:
        return Markup("")
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="stance-swatch" viewBox="0 0 {n} {n}" '
        'width="{n}" height="{n}" aria-hidden="true" focusable="false">{defs}'
        '<rect width="{n}" height="{n}" fill="url(#{p}-{s})" stroke="{ink}"/></svg>'
    ).format(n=size, defs=_patterns(chart_id), p=chart_id, s=stance, ink=INK)
