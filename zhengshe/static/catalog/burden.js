/* Burden chart: kept ledgers, signboards and ratings per year end, and the score per community (ECharts, local). */
(function () {
  "use strict";
  var holder = document.getElementById("burden-chart");
  var source = document.getElementById("burden-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var d = JSON.parse(source.textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: [d.labels.ledger, d.labels.signboard, d.labels.rating, d.labels.score] },
    xAxis: { type: "category", data: d.years },
    yAxis: [{ type: "value", name: "" }, { type: "value", name: d.labels.score }],
    series: [
      { name: d.labels.ledger, type: "bar", stack: "kept", data: d.ledger },
      { name: d.labels.signboard, type: "bar", stack: "kept", data: d.signboard },
      { name: d.labels.rating, type: "bar", stack: "kept", data: d.rating },
      { name: d.labels.score, type: "line", yAxisIndex: 1, data: d.score }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
