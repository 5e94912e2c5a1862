"""What the every-page check looks at on one page, in the browser (issue 16).

- overflow: the page itself must not scroll sideways. A wide table may scroll
  inside its own `.table-wrap`; anything else that sticks out past the window is
  named (tag, class, text) so the fix is easy to find.
- leftovers: the visible text (innerText, so hidden elements and scripts do not
  count) and input placeholders, against the server-side check's patterns
  (keqi/core/tests/test_no_leftovers.py): True/False/None/inf, snake_case keys,
  setting names, Django's empty option, date format hints.
- axe-core (node_modules/axe-core, installed by `npm ci` in `make install`, never
  served by the site): violations of impact serious or critical.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from keqi.core.tests.test_no_leftovers import ADDRESSES, LEFTOVERS

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")
# WCAG 2.1 A and AA plus axe's best practices (landmarks, one h1, …).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Elements wider than the window, outside any box that scrolls or clips sideways.
STICKING_OUT = r"""() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const x = getComputedStyle(p).overflowX;
      if (x === "auto" || x === "scroll" || x === "hidden" || x === "clip") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1 || clipped(el)) continue;
    // report the outermost offender only
    if (out.some((o) => o.el.contains(el))) continue;
    out.push({el, right: Math.round(box.right)});
  }
  return out.slice(0, 3).map(({el, right}) =>
    `<${el.tagName.toLowerCase()} class="${el.className && el.className.baseVal === undefined ? el.className : ""}">`
    + ` 右边缘 ${right}px「${(el.innerText || "").replace(/\s+/g, " ").trim().slice(0, 30)}」`);
}"""

AXE_RUN = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")), count: v.nodes.length,
  }));
}"""


def overflow(page: Page) -> list[str]:
    """Why the page scrolls sideways at the current width, or []."""
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll <= client:
        return []
    culprits: list[str] = page.evaluate(STICKING_OUT)
    return [f"页面宽 {scroll}px，窗口 {client}px：{'；'.join(culprits)}"]


def leftovers(page: Page) -> list[str]:
    """Developer leftovers in what the reader sees."""
    text = page.evaluate(
        "document.body.innerText + ' ' + Array.from(document.querySelectorAll("
        "'[placeholder]'), (e) => e.getAttribute('placeholder')).join(' ')"
    )
    text = " ".join(ADDRESSES.sub(" ", text).split())
    return [
        f"{kind}：{m.group(0)!r}（…{text[max(0, m.start() - 20) : m.end() + 20].strip()}…）"
        for kind, pattern in LEFTOVERS.items()
        for m in pattern.finditer(text)
    ]


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(AXE_RUN, AXE_TAGS)
    return [
        f"axe {v['id']}（{v['impact']}，{v['count']} 处）：{v['help']} — {', '.join(v['targets'])}"
        for v in found
        if v["impact"] in SERIOUS
    ]
