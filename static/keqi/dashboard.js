/* keqi dashboard: draws each chart from the JSON the page embeds (json_script).
 * The same numbers are in the table under every chart, so the page reads fine
 * without this script or without ECharts; clicking a bar, slice or gauge opens
 * the list behind it, exactly like the links in the tables. */
(function () {
  "use strict";
  if (!window.echarts) {
    return; // ECharts not built (make install): the tables carry every figure.
  }
  var BRAND = ["#1d4f91", "#2f855a", "#b7791f", "#c53030", "#6b46c1", "#319795", "#d69e2e", "#718096"];
  var LIGHTS = { green: "#2f855a", yellow: "#b7791f", red: "#c53030", grey: "#9aa5b1" };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function num(value) {
    return value === null || value === undefined ? null : Number(value);
  }

  function follow(chart, urlOf) {
    chart.on("click", function (params) {
      var url = urlOf(params);
      if (url) {
        window.location.href = url;
      }
    });
  }

  function make(node, option, urlOf) {
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    if (urlOf) {
      follow(chart, urlOf);
    }
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  // As many gauges a row as fit, then evened out over the rows, so that the
  // last row is never a lone gauge (16 targets: 4 × 4, not 5 + 5 + 5 + 1).
  function balance(node, count) {
    var width = node.clientWidth;
    var fit = Math.max(1, Math.floor(width / (width < 600 ? 150 : 210)));
    var rows = Math.ceil(count / fit);
    node.style.gridTemplateColumns = "repeat(" + Math.ceil(count / rows) + ", minmax(0, 1fr))";
  }

  function gauges(node, items) {
    balance(node, items.length);
    window.addEventListener("resize", function () { balance(node, items.length); });
    items.forEach(function (item) {
      var box = document.createElement("div");
      box.className = "gauge";
      box.setAttribute("aria-hidden", "true");
      node.appendChild(box);
      var done = num(item.done);
      var expected = num(item.expected) || 0;
      make(box, {
        title: { text: item.name, left: "center", top: 0, textStyle: { fontSize: 12, fontWeight: "normal", width: Math.max(80, box.clientWidth - 12), overflow: "truncate" } },
        series: [{
          type: "gauge", min: 0, max: 100, radius: "78%", center: ["50%", "60%"],
          progress: { show: true, width: 10, itemStyle: { color: LIGHTS[item.light] || LIGHTS.grey } },
          axisLine: { lineStyle: { width: 10, color: [[expected / 100, "#d9dee5"], [1, "#eef2f7"]] } },
          axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
          pointer: { show: false },
          anchor: { show: false },
          detail: { valueAnimation: false, fontSize: 16, offsetCenter: [0, "10%"],
            formatter: function () { return done === null ? "无数据" : done + "%"; } },
          title: { offsetCenter: [0, "45%"], fontSize: 11, color: "#616e7c" },
          data: [{ value: done === null ? 0 : Math.min(done, 100), name: "序时进度 " + expected + "%" }]
        }]
      }, function () { return item.url; });
    });
  }

  function funnel(node, spec) {
    var tiers = spec.tiers;
    var items = tiers.names.map(function (name, i) {
      return { name: name, value: tiers.data[i], url: tiers.urls[i] };
    });
    // Names beside the funnel, never inside it: a narrow tier's name is wider
    // than its band. The national mark is not a tier: a line above, a link.
    var option = {
      tooltip: { trigger: "item", formatter: "{b}：{c} 家" },
      title: spec.mark ? {
        text: "其中持有" + spec.mark.name + "：" + spec.mark.data[0] + " 家 ›", link: spec.mark.urls[0], target: "self",
        left: 0, top: 0, textStyle: { fontSize: 13, fontWeight: "normal", color: "#1d4f91" }
      } : undefined,
      series: [{
        type: "funnel", sort: "none", left: 0, width: "48%", top: spec.mark ? 34 : 10, bottom: 10,
        minSize: "12%", gap: 2,
        label: { show: true, position: "right", formatter: "{b}：{c} 家", color: "#1f2933", fontSize: 12 },
        labelLine: { show: true, length: 12, lineStyle: { color: "#9aa5b1" } },
        color: BRAND, data: items
      }]
    };
    make(node, option, function (p) { return p.data && p.data.url; });
  }

  function bars(node, categories, series, options) {
    var horizontal = options && options.horizontal;
    var category = { type: "category", data: categories, axisLabel: { interval: 0, rotate: horizontal || categories.length <= 6 ? 0 : 40, fontSize: 11 } };
    var value = { type: "value", axisLabel: { formatter: (options && options.unit) ? "{value}" + options.unit : "{value}" } };
    make(node, {
      color: BRAND,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: series.length > 1 ? { top: 0, selected: options && options.selected } : undefined,
      grid: { left: horizontal ? 150 : 40, right: 16, top: series.length > 1 ? 56 : 16, bottom: horizontal || categories.length <= 6 ? 24 : 80, containLabel: false },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: options && options.stack, itemStyle: s.itemStyle, data: s.data.map(num), urls: s.urls };
      })
    }, function (p) { return series[p.seriesIndex].urls[p.dataIndex]; });
  }

  function libraries(node, spec) {
    var selected = {};
    spec.series.forEach(function (s, i) { selected[s.name] = i < 2 || s.name === "高企"; });
    bars(node, spec.areas, spec.series, { selected: selected });
  }

  function rd(node, spec) {
    bars(node, spec.areas, spec.series, { unit: "%" });
  }

  function timeliness(node, spec) {
    var colours = [LIGHTS.green, LIGHTS.yellow, LIGHTS.red];
    var series = spec.series.map(function (s, i) { return Object.assign({ itemStyle: { color: colours[i] } }, s); });
    node.style.height = (spec.units.length * 24 + 80) + "px";
    bars(node, spec.units, series, { horizontal: true, stack: "reports" });
  }

  function funds(node, spec) {
    bars(node, spec.funds, spec.series, {});
  }

  var DRAW = { gauges: gauges, funnel: funnel, libraries: libraries, rd: rd, timeliness: timeliness, funds: funds };

  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var draw = DRAW[node.getAttribute("data-chart")];
    var spec = data(node.getAttribute("data-source"));
    if (draw && spec) {
      draw(node, spec);
    }
  });
})();
