// Setting the start on the plot, by mouse or by touch, and zooming or panning the view.
//
// A tap on a touch screen reaches the page only as Plotly's own click (a synthetic 'click' at
// clientX = clientY = 0 follows it), so the start comes from plotly_click's points: the grid
// point, curve point or path point under the pointer, for mouse and touch alike.
"use strict";

function listen() {
  if (landscape.listening) return;
  const plot = $("plot");
  plot.on("plotly_click", onPlotClick);
  plot.on("plotly_relayouting", syncPathLayer);
  plot.on("plotly_relayout", onViewMoved);
  landscape.listening = true;
}

function onPlotClick(event) {
  const hit = event.points && event.points[0];
  if (!hit || !Number.isFinite(hit.x)) return;
  const axes = plotted();
  const start = {};
  for (const name of view.variables) start[name] = sliceAt(name);
  const box = landscape.box;
  start[axes[0]] = rounded(hit.x, box[1] - box[0]);
  if (axes.length === 2) {
    if (!Number.isFinite(hit.y)) return;
    start[axes[1]] = rounded(hit.y, box[3] - box[2]);
  }
  delete invalid.start;
  fieldError("start", null);
  state.start = start;
  startChanged();
}

// Three significant digits of the view's span: 0.01 on [−3, 3].
function rounded(value, span) {
  const step = 10 ** Math.floor(Math.log10(span / 300));
  return Number((Math.round(value / step) * step).toPrecision(12));
}

// The path layer follows every move of the landscape's axes, while the drag goes on.
function syncPathLayer() {
  const plot = $("plot");
  if (state.plot === "surface" || !plot.layout || !plot.layout.xaxis) return;
  const update = { "xaxis.range": [...plot.layout.xaxis.range], "yaxis.range": [...plot.layout.yaxis.range] };
  Plotly.relayout($("path-plot"), update);
}

// A zoom or pan: the view is the user's now; the surface and critical points are recomputed
// for it (the runs are not: they do not depend on the view).
function onViewMoved(event) {
  if (landscape.drawing || state.plot === "surface") return;
  if (!Object.keys(event).some((key) => key.startsWith("xaxis.") || key.startsWith("yaxis."))) return;
  const plot = $("plot");
  const x = plot.layout.xaxis.range;
  const box = plotted().length === 2 ? [x[0], x[1], ...plot.layout.yaxis.range] : [x[0], x[1]];
  syncPathLayer();
  landscape.manual = true;
  landscape.base = box;
  landscape.box = box;
  state.view = box;
  writeUrl();
  recomputeSoon();
}

const recomputeSoon = debounce(async () => {
  const generation = view.generation;
  await findCritical(landscape.box);
  if (generation === view.generation) await drawLandscape(generation);
}, 250);
