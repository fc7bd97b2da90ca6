"""The SVG charts are well-formed images with a name, a text alternative and escaped labels."""

import xml.etree.ElementTree as ET

from markupsafe import Markup

from app.services.synthesis import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_bar_chart_is_a_named_image_that_reads_out_its_figures():
    svg = parse(
        charts.bar_chart("by-kind", "Organisations by kind", [("UN agency", 3), ("NGO", 1)])
    )
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "by-kind-title by-kind-desc"
    assert svg.find(f"{SVG}title").text == "Organisations by kind"
    assert svg.find(f"{SVG}title").get("id") == "by-kind-title"
    assert svg.find(f"{SVG}desc").text == "UN agency: 3; NGO: 1"
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert labels == ["UN agency", "3", "NGO", "1"]
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert abs(widths[0] - 3 * widths[1]) < 0.5  # proportional to the figures


def test_labels_and_titles_are_escaped():
    markup = charts.bar_chart(
        'x"><script>', "A <b>title</b> & more", [("<script>alert(1)</script>", 2)]
    )
    assert "<script>" not in markup and "<b>" not in markup
    svg = parse(markup)
    assert svg.find(f"{SVG}title").text == "A <b>title</b> & more"
    assert svg.find(f"{SVG}text").text == "<script>alert(1)</script>"
    assert '"' not in svg.get("aria-labelledby") and "<" not in svg.get("aria-labelledby")


def test_no_inline_style_and_fills_contrast_with_white():
    markup = charts.bar_chart("c", "T", [("a", 1)]) + charts.stance_bar(
        "s", "T", {"support": 1, "amend": 1, "oppose": 1, "none": 1}
    )
    assert "style=" not in markup

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for colour in [charts.BAR_FILL, *charts.STANCE_FILLS.values()]:
        assert 1.05 / (luminance(colour) + 0.05) >= 3


def test_stance_bar_has_a_pattern_per_stance_and_a_description():
    svg = parse(
        charts.stance_bar(
            "p12", "Stances on paragraph 12", {"support": 2, "amend": 1, "oppose": 1, "none": 0}
        )
    )
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Stances on paragraph 12"
    description = svg.find(f"{SVG}desc").text
    assert "Support: 2 (50 %)" in description and "Oppose: 1 (25 %)" in description
    patterns = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
    assert patterns == {"p12-support", "p12-amend", "p12-oppose", "p12-none"}
    segments = [r for r in svg.iter(f"{SVG}rect") if "stance-segment" in (r.get("class") or "")]
    assert [s.get("fill") for s in segments] == [
        "url(#p12-support)",
        "url(#p12-amend)",
        "url(#p12-oppose)",
    ]
    assert [float(s.get("width")) for s in segments] == [240.0, 120.0, 120.0]


def test_decorative_stance_bar_is_hidden_and_an_empty_bar_still_draws():
    svg = parse(charts.stance_bar("row-1", "", {}, decorative=True))
    assert svg.get("aria-hidden") == "true" and svg.get("role") is None
    assert svg.find(f"{SVG}title") is None
    assert not [r for r in svg.iter(f"{SVG}rect") if "stance-segment" in (r.get("class") or "")]


def test_chart_ids_are_made_safe():
    assert charts.safe_id("mix-3.1") == "mix-3-1"
    assert charts.safe_id("12") == "chart-12"
