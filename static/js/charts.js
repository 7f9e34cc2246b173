// Charts without inline scripts (CSP): a <canvas data-chart="ID"> reads its config from
// {{ config|json_script:"ID" }}: {"type": "line"|"bar", "labels": [...], "datasets": [{"label", "data"}],
// "yLabel": "...", "percent": true}. The same numbers must also be in a table beside the chart.
const PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#b58840", "#6f72af", "#912b88", "#505a5f"];

function render(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source || !window.Chart) return;
  const cfg = JSON.parse(source.textContent);
  const datasets = cfg.datasets.map((d, i) => ({
    borderColor: PALETTE[i % PALETTE.length],
    backgroundColor: PALETTE[i % PALETTE.length],
    borderWidth: 2,
    spanGaps: true,
    ...d,
  }));
  const chart = new window.Chart(canvas, {
    type: cfg.type || "line",
    data: { labels: cfg.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: cfg.horizontal ? "y" : "x",
      plugins: { legend: { display: datasets.length > 1 || !!cfg.legend } },
      scales: {
        [cfg.horizontal ? "x" : "y"]: {
          beginAtZero: true,
          title: { display: !!cfg.yLabel, text: cfg.yLabel || "" },
          ticks: cfg.percent ? { callback: (v) => `${v}%` } : {},
        },
      },
    },
  });
  canvas.dataset.rendered = "true";
  canvas.chart = chart;
}

document.querySelectorAll("canvas[data-chart]").forEach(render);
