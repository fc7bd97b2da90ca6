"""Drafts typeset by the report engine (Typst) for tests and benchmarks: real PDFs, justified
and hyphenated, with a running header and a page number on every page.
"""

from __future__ import annotations

PAGE = """#set page(paper: "PAPER", margin: (x: 1cm, top: 1.6cm, bottom: 1.4cm),
  header: align(center, text(size: 7pt, HEADER)),
  footer: context align(center, text(size: 7pt)[FOOTER #counter(page).display()]))
#set text(lang: "LANG", size: SIZE, hyphenate: true)
#set par(justify: true)
#show heading: set text(size: 11pt)
"""


def quoted(text: str) -> str:
    """A Typst string literal: the text printed as it is, never read as markup."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def typeset(
    language: str,
    title: str,
    sections: list[tuple[str, list[tuple[str, str]]]],
    header: str,
    footer: str = "Page",
    paper: str = "a6",
    size: str = "16pt",
) -> bytes:
    """A PDF of the draft; the last section's heading starts a new page."""
    import typst

    setup = PAGE.replace("PAPER", paper).replace("LANG", language).replace("SIZE", size)
    setup = setup.replace("HEADER", quoted(header)).replace("FOOTER", footer)
    parts = [setup, f"#heading(level: 1, {quoted(title)})"]
    for n, (heading, paragraphs) in enumerate(sections):
        if n and n == len(sections) - 1:
            parts.append("#pagebreak()")
        parts.append(f"#heading(level: 2, {quoted(heading)})")
        parts += [f"#{quoted(f'{number}. {text}')}" for number, text in paragraphs]
    return typst.compile("\n\n".join(parts).encode())
