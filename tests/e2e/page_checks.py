"""What every page of a journey must pass: axe-core, unique ids, unique control names, 320 px."""

from dataclasses import dataclass, field

from tests.e2e.conftest import WCAG_21_AA

# Roles of the controls a person operates: each must be told apart by its name alone.
CONTROL_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "listbox",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "textbox",
}

DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.entries(seen).filter(([, n]) => n > 1).map(([id]) => id);
}"""

SIDEWAYS = """() => {
  const root = document.documentElement;
  // One pixel is the rounding of a fractional width, not content out of reach.
  if (root.scrollWidth <= root.clientWidth + 1) return [];
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth && box.width > 0) {
      const name = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`
        + ` ${getComputedStyle(el).position} ${el.parentElement.className}`;
      wide.push(`${name} (${Math.round(box.right)} px)`);
    }
  }
  return [`page ${root.scrollWidth} px wide`, ...wide.slice(0, 8)];
}"""


@dataclass
class PageChecks:
    """Runs the checks on each page visited and keeps what failed, page by page."""

    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def __call__(self, page) -> None:
        from axe_playwright_python.sync_playwright import Axe

        where = page.url.split("//", 1)[-1].split("/", 1)[-1]
        self.visited.append(where)
        results = Axe().run(page, options=WCAG_21_AA)
        if results.violations_count:
            self.problems.append(f"/{where}: axe\n{results.generate_report()}")
        duplicates = page.evaluate(DUPLICATE_IDS)
        if duplicates:
            self.problems.append(f"/{where}: ids used twice: {duplicates}")
        for name, count in shared_control_names(page).items():
            self.problems.append(f"/{where}: {count} controls named {name!r}")
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": 640})
        sideways = page.evaluate(SIDEWAYS)
        if sideways:
            self.problems.append(f"/{where}: scrolls sideways at 320 px: {sideways}")
        page.set_viewport_size(size)

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def shared_control_names(page) -> dict[str, int]:
    """Accessible names (as Chromium computes them) that more than one form control bears."""
    session = page.context.new_cdp_session(page)
    try:
        # The page's own elements: not the parts of the browser's date and time inputs.
        document = session.send("DOM.getDocument", {"depth": -1, "pierce": False})["root"]
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    own = set(_backend_ids(document))
    counts: dict[str, int] = {}
    for node in nodes:
        if node.get("ignored") or node.get("backendDOMNodeId") not in own:
            continue
        role = node.get("role", {}).get("value")
        if role not in CONTROL_ROLES:
            continue
        name = (node.get("name") or {}).get("value", "")
        key = f"{role}: {name}"
        counts[key] = counts.get(key, 0) + 1
    return {name: n for name, n in counts.items() if n > 1}


def _backend_ids(node: dict):
    yield node.get("backendNodeId")
    for child in node.get("children", []):
        yield from _backend_ids(child)
