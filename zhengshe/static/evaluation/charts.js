/* 双向评估 charts: data comes from the page's json_script block; ECharts is served locally. */
(function () {
  "use strict";
  var node = document.getElementById("evaluation-chart-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var toolbox = { feature: { saveAsImage: { title: "保存为图片", pixelRatio: 2 } } };
  var font = { fontFamily: "PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif" };

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = echarts.init(el);
    option.toolbox = toolbox;
    option.textStyle = font;
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  make("chart-grades", {
    tooltip: {},
    xAxis: { type: "category", data: data.grades.labels },
    yAxis: { type: "value", name: "单位数", minInterval: 1 },
    series: [{ type: "bar", data: data.grades.values, label: { show: true, position: "top" },
               itemStyle: { color: "#8b1a1a" } }]
  });

  make("chart-departments", {
    tooltip: {},
    grid: { left: 160 },
    xAxis: { type: "value", max: 100, name: "得分" },
    yAxis: { type: "category", data: data.departments.labels, inverse: true },
    series: [{ type: "bar", data: data.departments.values, label: { show: true, position: "right" },
               itemStyle: { color: "#1a5fb4" } }]
  });

  make("chart-heatmap", {
    tooltip: { formatter: function (p) {
      var v = p.value[2];
      return data.heatmap.y[p.value[1]] + "<br>" + data.heatmap.x[p.value[0]] + "：" + (v === null ? "缺项" : v + "%");
    } },
    grid: { left: 180, bottom: 120 },
    xAxis: { type: "category", data: data.heatmap.x, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: "category", data: data.heatmap.y, inverse: true },
    visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                 inRange: { color: ["#c0392b", "#f5d76e", "#27ae60"] }, text: ["100%", "0%"] },
    series: [{ type: "heatmap", data: data.heatmap.cells.filter(function (c) { return c[2] !== null; }),
               label: { show: data.heatmap.y.length <= 20 } }]
  });

  var before = data.yoy.previous_year ? data.yoy.previous_year + " 年" : "上一轮";
  make("chart-yoy", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "未评定" : v; } },
    legend: { data: [before, data.yoy.year + " 年"] },
    grid: { bottom: 110 },
    xAxis: { type: "category", data: data.yoy.labels, axisLabel: { rotate: 40, interval: 0 } },
    yAxis: { type: "value", max: 100, name: "总分" },
    series: [
      { name: before, type: "bar", data: data.yoy.previous.map(function (v) { return v === null ? "-" : v; }),
        itemStyle: { color: "#999" } },
      { name: data.yoy.year + " 年", type: "bar", data: data.yoy.current.map(function (v) { return v === null ? "-" : v; }),
        itemStyle: { color: "#8b1a1a" } }
    ]
  });
})();
