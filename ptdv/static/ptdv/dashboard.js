/* The three charts of the targets dashboard (targets/dashboard.html), drawn with Chart.js.
   Their data comes from the page as JSON in <script type="application/json" id="ptdv-charts">
   (Django's json_script): the browser never executes that element, so it passes the
   Content-Security-Policy, and the values are escaped for HTML by json_script. */
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("ptdv-charts");
    if (typeof Chart === "undefined" || !source) { return; }
    var data = JSON.parse(source.textContent);
    var red = "#a50e0e", grey = "#6c757d";
    Chart.defaults.locale = "vi-VN";
    new Chart(document.getElementById("chart-funnel"), {
      type: "bar",
      data: {labels: data.funnel.labels, datasets: [{label: "Số hồ sơ", data: data.funnel.values, backgroundColor: red}]},
      options: {indexAxis: "y", plugins: {legend: {display: false}}, scales: {x: {ticks: {precision: 0}}}}
    });
    new Chart(document.getElementById("chart-trend"), {
      type: "bar",
      data: {
        labels: data.trend.labels,
        datasets: [
          {label: "Đã kết nạp", data: data.trend.admitted, backgroundColor: red},
          {label: "Chỉ tiêu", data: data.trend.target, type: "line", borderColor: grey, backgroundColor: grey, spanGaps: true}
        ]
      },
      options: {scales: {y: {ticks: {precision: 0}}}}
    });
    new Chart(document.getElementById("chart-breakdown"), {
      type: "bar",
      data: {labels: data.breakdown.labels, datasets: [{label: "Số người", data: data.breakdown.values, backgroundColor: red}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {ticks: {precision: 0}}}}
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
