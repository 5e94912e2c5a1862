/* keqi: what every page shares in the browser (docs/ui.md). Each page reads the
 * same without it; it only tidies the layout:
 * 1. the section navigation (nav.subnav) marks the page you are on;
 * 2. a table not yet in a .table-wrap gets one, so a wide table scrolls inside
 *    its own box, not the whole page; a box that does scroll can take the
 *    keyboard focus (arrow keys scroll it) and is named after its caption;
 * 3. dates (2019-09-24, 2019-09) never break at their hyphens;
 * 4. an input inside a table cell that has no label of its own (a date to mark
 *    a reminder done, a progress choice on a report line) is named after its
 *    row and column, so a screen reader says which row it belongs to. */
(function () {
  "use strict";

  function markCurrent(nav) {
    if (nav.querySelector("[aria-current]")) {
      return;
    }
    var here = window.location.pathname;
    var exact = null;
    var best = null;
    nav.querySelectorAll("a[href]").forEach(function (a) {
      if (a.pathname === here && a.search === window.location.search) {
        exact = exact || a;
      } else if (!a.search && here.indexOf(a.pathname) === 0 &&
                 (!best || a.pathname.length > best.pathname.length)) {
        best = a;
      }
    });
    var current = exact || best;
    if (current) {
      current.setAttribute("aria-current", "page");
    }
  }

  function wrapTable(table) {
    if (table.closest(".table-wrap")) {
      return;
    }
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  }

  function scrollable() {
    document.querySelectorAll("main pre").forEach(function (pre) {
      if (pre.scrollWidth > pre.clientWidth + 1) {
        pre.setAttribute("tabindex", "0");
      }
    });
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1 || wrap.scrollHeight > wrap.clientHeight + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() + "：" : "") + "表格，可左右滚动");
        wrap.setAttribute("data-keqi-scroll", "");
      } else if (!scrolls && wrap.hasAttribute("data-keqi-scroll")) {
        ["tabindex", "role", "aria-label", "data-keqi-scroll"].forEach(function (name) { wrap.removeAttribute(name); });
      }
    });
  }

  var DATE = /\d{4}-\d{2}(?:-\d{2})?(?: \d{2}:\d{2}(?::\d{2})?)?/g;

  function keepDatesWhole(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentNode;
        if (!parent || parent.closest("script, style, textarea, option, .nowrap, time")) {
          return NodeFilter.FILTER_REJECT;
        }
        DATE.lastIndex = 0;
        return DATE.test(node.nodeValue) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    var nodes = [];
    while (walker.nextNode()) {
      nodes.push(walker.currentNode);
    }
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var parts = document.createDocumentFragment();
      var last = 0;
      text.replace(DATE, function (match, offset) {
        parts.appendChild(document.createTextNode(text.slice(last, offset)));
        var span = document.createElement("span");
        span.className = "nowrap";
        span.textContent = match;
        parts.appendChild(span);
        last = offset + match.length;
        return match;
      });
      parts.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(parts, node);
    });
  }

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").trim().slice(0, 40) : "";
  }

  function nameFromTable(control) {
    var cell = control.closest("td, th");
    var row = cell && cell.parentElement;
    var table = row && row.closest("table");
    if (!table) {
      return "";
    }
    var index = Array.prototype.indexOf.call(row.cells, cell);
    var headRow = table.tHead && table.tHead.rows[0];
    var parts = [
      row.cells[0] !== cell ? text(row.cells[0]) : "",
      headRow && headRow.cells[index] ? text(headRow.cells[index]) : "",
      control.type === "date" ? "日期" : ""
    ];
    return parts.filter(function (part) { return part; }).join(" · ");
  }

  function labelTableControls(root) {
    root.querySelectorAll("td input, td select, td textarea").forEach(function (control) {
      if (control.type === "hidden" || control.type === "submit" || control.type === "button" ||
          (control.labels && control.labels.length) || control.hasAttribute("aria-label") ||
          control.hasAttribute("aria-labelledby") || control.title || control.placeholder) {
        return;
      }
      var name = nameFromTable(control);
      if (name) {
        control.setAttribute("aria-label", name);
      }
    });
  }

  function ready() {
    document.querySelectorAll("nav.subnav").forEach(markCurrent);
    var main = document.querySelector("main");
    if (main) {
      main.querySelectorAll("table.grid").forEach(wrapTable);
      keepDatesWhole(main);
      labelTableControls(main);
    }
    scrollable();
    window.addEventListener("resize", scrollable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
