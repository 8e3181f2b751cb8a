/* Charts of the organization statistics page: data comes from the json_script block (CSP: no inline JS). */
(function () {
  "use strict";
  var node = document.getElementById("org-stats-data");
  if (!node || typeof echarts === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var c = echarts.init(el);
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-per10k", {
    tooltip: {}, grid: { left: 50, right: 20, bottom: 70 },
    xAxis: { type: "category", data: data.children.labels, axisLabel: { rotate: 35 } },
    yAxis: { type: "value", name: "每万人" },
    series: [{ type: "bar", data: data.children.per10k, label: { show: true, position: "top" } }]
  });
  chart("chart-types", { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: "65%", data: data.types }] });
  chart("chart-categories", { tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], data: data.categories }] });
  chart("chart-grades", {
    tooltip: {}, xAxis: { type: "category", data: data.grades.labels }, yAxis: { type: "value" },
    series: [{ type: "bar", data: data.grades.values, label: { show: true, position: "top" } }]
  });
  chart("chart-growth", {
    tooltip: { trigger: "axis" }, legend: { data: ["新增", "累计"] },
    xAxis: { type: "category", data: data.growth.labels },
    yAxis: [{ type: "value", name: "新增" }, { type: "value", name: "累计" }],
    series: [{ name: "新增", type: "bar", data: data.growth["new"] },
             { name: "累计", type: "line", yAxisIndex: 1, data: data.growth.cumulative }]
  });
})();
