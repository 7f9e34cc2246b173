// Charts without inline scripts (CSP): a <canvas data-chart="ID"> reads its config from
// {{ config|json_script:"ID" }}: {"type": "line"|"bar", "labels": [...], "datasets": [{"label", "data"}],
// "yLabel": "...", "percent": true, "yMax": 100}. The same numbers must also be in a table beside the chart.
// A dataset may carry "fractions": [[numerator, denominator], ...] (one per point): the tooltip then
// shows the counts behind each rate, e.g. "Charge rate: 7.4% (12 of 162)". Any other dataset key
// (borderDash, pointStyle, stepped ...) is passed to Chart.js as it is.
const PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197", "#b58840", "#6f72af", "#912b88", "#505a5f"];

function tooltipLabel(cfg) {
  return (ctx) => {
    const value = ctx.parsed[cfg.horizontal ? "x" : "y"];
    if (value === null || value === undefined) return `${ctx.dataset.label}: no data`;
    let text = `${ctx.dataset.label}: ${ctx.formattedValue}${cfg.percent ? "%" : ""}`;
    const counts = ctx.dataset.fractions && ctx.dataset.fractions[ctx.dataIndex];
    if (counts) text += ` (${counts[0].toLocaleString()} of ${counts[1].toLocaleString()})`;
    return text;
  };
}

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
      plugins: {
        legend: { display: datasets.length > 1 || !!cfg.legend },
        tooltip: { callbacks: { label: tooltipLabel(cfg) } },
      },
      scales: {
        // Every category named: Chart.js would otherwise skip labels that do not fit.
        [cfg.horizontal ? "y" : "x"]: { ticks: { autoSkip: !cfg.horizontal } },
        [cfg.horizontal ? "x" : "y"]: {
          beginAtZero: true,
          ...(cfg.yMax !== undefined ? { suggestedMax: cfg.yMax } : {}),
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
