// The landscape under the runs: which part of the plane to show, and f drawn over it.
//
// The view is chosen from the function (its critical points, with a margin) and the start, then
// widened to follow the runs' paths (at most CAP times, so a diverging path still shows its first
// steps). It lives in the URL; zooming or panning makes it the user's and recomputes the surface.
// Two stacked plots: the landscape (#plot: contour or curve, ∇f arrows, critical points; it takes
// the clicks and the zoom) and, above it, the paths (#path-plot, transparent, never clicked), so
// animating a path never redraws the landscape. A 3-D surface is one plot holding both.
"use strict";

const PHONE = window.matchMedia("(max-width: 600px)");
const SEARCH = 6;  // critical points are looked for in [−SEARCH, SEARCH] per variable
const CAP = 3;      // a path widens the view to at most CAP times the chosen one
const KINDS = { minimum: "circle", maximum: "triangle-up", saddle: "x", inconclusive: "diamond" };
const landscape = { box: null, base: null, manual: false, surface: null, critical: null,
                    drawing: false, traces: [], layout: null, listening: false };

function plotted() {
  return view.variables.length > 2 ? state.axes : view.variables.slice(0, 2);
}

// ---- choosing the view ------------------------------------------------------------------

async function prepareLandscape(generation) {
  const axes = plotted();
  landscape.manual = Boolean(state.view) && state.view.length === 2 * axes.length;
  const found = await findCritical(landscape.manual ? state.view : null);
  if (generation !== view.generation) return false;
  landscape.base = landscape.manual ? state.view : boxAround(found ? found.points : []);
  landscape.box = squarish(withStart(landscape.base));
  return drawLandscape(generation);
}

// Critical points in the view (or in a wide box): the view is chosen from them.
async function findCritical(box) {
  const axes = plotted();
  const within = view.variables.map((name) => {
    const i = axes.indexOf(name);
    const [low, high] = box && i >= 0 ? [box[2 * i], box[2 * i + 1]]
      : [Math.min(-SEARCH, sliceAt(name) - SEARCH), Math.max(SEARCH, sliceAt(name) + SEARCH)];
    return `${name}=${round6(low)}:${round6(high)}`;
  }).join(",");
  const answer = await api("critical", { expr: state.expr, within, budget: 2 });
  // a solve stopped at its budget is a 422 that still carries what was found
  landscape.critical = answer.ok ? answer.document : answer.document.partial || null;
  showCriticalNote(answer.ok ? null : answer.document.error);
  return landscape.critical;
}

function boxAround(points) {
  const axes = plotted();
  const box = [];
  for (const name of axes) {
    const values = points.length <= 12 ? points.map((p) => p.point[name]).filter(Number.isFinite) : [];
    if (!values.length) { box.push(-3, 3); continue; }
    const low = Math.min(...values), high = Math.max(...values);
    const half = Math.max(3, ((high - low) / 2) * 1.3 + 0.5);
    const middle = (low + high) / 2;
    box.push(Math.floor((middle - half) * 2) / 2, Math.ceil((middle + half) * 2) / 2);
  }
  return box;
}

// The box widened, where needed, to show the start with a margin.
function withStart(box) {
  if (!state.start) return box;
  return widened(box, plotted().map((name) => [state.start[name], state.start[name]]));
}

function widened(box, extents) {
  const out = [...box];
  extents.forEach(([low, high], i) => {
    if (!Number.isFinite(low) || !Number.isFinite(high)) return;
    const pad = 0.08 * (out[2 * i + 1] - out[2 * i]);
    if (low < out[2 * i]) out[2 * i] = low - pad;
    if (high > out[2 * i + 1]) out[2 * i + 1] = high + pad;
  });
  return out;
}

// x and y are drawn to one scale: a side less than half the other is widened to half of it.
function squarish(box) {
  if (box.length < 4) return box;
  const out = [...box];
  const spans = [box[1] - box[0], box[3] - box[2]];
  for (const i of [0, 1]) {
    const short = spans[1 - i] / 2 - spans[i];
    if (short > 0) { out[2 * i] -= short / 2; out[2 * i + 1] += short / 2; }
  }
  return out;
}

async function includeStart() {
  const box = squarish(withStart(landscape.box));
  if (box.every((v, i) => v === landscape.box[i])) return false;
  landscape.box = box;
  await drawLandscape(view.generation);
  return false;
}

// Widen the view to show the paths (at most CAP times the chosen view), or narrow it back.
async function followPaths(runs) {
  const axes = plotted();
  const base = withStart(landscape.base);
  const extents = axes.map((name, i) => {
    const middle = (base[2 * i] + base[2 * i + 1]) / 2, half = (CAP / 2) * (base[2 * i + 1] - base[2 * i]);
    const values = runs.filter((r) => r.doc).flatMap((r) => r.doc.path.point[name])
      .filter((v) => v !== null && Math.abs(v - middle) <= half);
    return values.length ? [Math.min(...values), Math.max(...values)] : [NaN, NaN];
  });
  const box = squarish(widened(base, extents));
  const moved = box.some((v, i) => Math.abs(v - landscape.box[i]) > 1e-9 * (1 + Math.abs(v)));
  if (!moved) return;
  landscape.box = box;
  await drawLandscape(view.generation);
}

// ---- drawing ---------------------------------------------------------------------------

function sliceAt(name) {
  return state.start && Number.isFinite(state.start[name]) ? state.start[name] : 0;
}

async function drawLandscape(generation) {
  const axes = plotted();
  const body = { expr: state.expr, box: landscape.box, resolution: PHONE.matches ? 41 : 61,
                 arrows: axes.length === 2 ? 9 : 11 };
  if (view.variables.length > 2) {
    body.wrt = axes.join(",");
    body.const = view.variables.filter((n) => !axes.includes(n)).map((n) => `${n}=${sliceAt(n)}`).join(",");
  }
  const answer = await api("surface", body);
  if (generation !== view.generation) return false;
  if (!answer.ok) { markStale("not drawn: " + answer.document.error); return false; }
  landscape.surface = answer.document;
  state.view = landscape.box;
  showPlotHint();
  await plotLandscape();
  writeUrl();
  return true;
}

async function redrawLandscape() {
  if (landscape.surface) await plotLandscape();
}

async function plotLandscape() {
  const surface3d = state.plot === "surface" && plotted().length === 2;
  landscape.drawing = true;
  landscape.traces = surface3d ? surfaceTraces() : planeTraces();
  landscape.layout = surface3d ? surfaceLayout() : planeLayout(false);
  $("path-plot").hidden = surface3d;
  try {
    await Plotly.react($("plot"), [...landscape.traces, ...(surface3d ? pathTraces() : [])],
                       landscape.layout, PLOTLY_CONFIG);
    if (!surface3d) await Plotly.react($("path-plot"), pathTraces(), planeLayout(true), PLOTLY_CONFIG);
  } finally {
    landscape.drawing = false;
  }
  clearStale();
  showLegend();
  listen();
}

function showPlotHint() {
  const others = view.variables.filter((name) => !plotted().includes(name));
  const slice = others.length ? ` The plane is a slice through ${others.map((n) => `${n} = ${fmt(sliceAt(n))}`)
    .join(", ")} (${state.start ? "the start" : "no start yet"}); choose its two axes above.` : "";
  const zoom = PHONE.matches ? "Drag to move the view; the + and − above the plot zoom."
    : "Drag to zoom; double-click to zoom back out.";
  $("plot-hint").textContent = "Arrows are ∇f (uphill). Click or tap the plot, or type a start " +
    `above, to start a run there. ${zoom}${slice}`;
}

function clearStale() {
  $("plot-stale").hidden = true;
  delete $("plot-stack").dataset.stale;
}

function planeLayout(overlay) {
  const axes = plotted(), box = landscape.box, phone = PHONE.matches;
  const hidden = { showticklabels: false, showgrid: false, showline: false, zeroline: false, ticks: "" };
  const axis = (title, range) => overlay ? { range, ...hidden } : { title: { text: title }, range, zeroline: false };
  const layout = {
    margin: { l: 54, r: phone ? 14 : 92, t: 12, b: phone ? 100 : 50, autoexpand: false },
    showlegend: false, hovermode: overlay ? false : "closest", dragmode: phone ? "pan" : "zoom",
    paper_bgcolor: overlay ? "rgba(0,0,0,0)" : "#fff", plot_bgcolor: overlay ? "rgba(0,0,0,0)" : "#fff",
    xaxis: { ...axis(axes[0], [box[0], box[1]]), constrain: "domain" },
    yaxis: axes.length === 2 ? { ...axis(axes[1], [box[2], box[3]]), scaleanchor: "x", scaleratio: 1, constrain: "domain" }
                             : axis("f", curveRange()),
  };
  return layout;
}

function curveRange() {
  const values = landscape.surface.z.filter((v) => v !== null);
  if (!values.length) return [-1, 1];
  const low = Math.min(...values), high = Math.max(...values);
  const pad = (high - low) * 0.08 || 1;
  return [low - pad, high + pad];
}

function planeTraces() {
  const surface = landscape.surface;
  const two = plotted().length === 2;
  const field = two ? contourTrace(surface) : { type: "scatter", mode: "lines", name: "f", x: surface.x,
                                                 y: surface.z, line: { color: "#22303c", width: 2 }, hoverinfo: "x+y" };
  return [field, arrowTrace(surface, two), ...criticalTraces(false)];
}

// f's colours; a log scale where f spans decades (Rosenbrock's valley), labelled in f's values.
function contourTrace(surface) {
  const scale = colourScale(surface.z);
  const bar = PHONE.matches
    ? { orientation: "h", x: 0.5, xanchor: "center", y: -0.19, yanchor: "top", thickness: 10, len: 0.9 }
    : { x: 1.02, xanchor: "left", thickness: 14, len: 1 };
  return { type: "contour", name: "f", x: surface.x, y: surface.y, z: scale.z, text: scale.text,
           hoverinfo: "x+y+text", colorscale: "Viridis", ncontours: 22, connectgaps: false,
           contours: { coloring: "heatmap", showlines: true }, line: { width: 0.5, color: "rgba(255,255,255,0.35)" },
           colorbar: { ...bar, title: { text: scale.title, side: "right" },
                       tickvals: scale.tickvals, ticktext: scale.ticktext } };
}

// The rule of the matplotlib pictures (plotting.functions.contour_levels): logarithmic where
// f ≥ 0 and its largest value is over 100 times the 5th percentile of its positive values.
function colourScale(z) {
  const values = z.flat().filter((v) => v !== null);
  const text = z.map((row) => row.map((v) => `f = ${fmt(v)}`));
  const positive = values.filter((v) => v > 0).sort((a, b) => a - b);
  const high = Math.max(...values);
  const percentile = (q) => positive[Math.min(positive.length - 1, Math.floor(q * positive.length))];
  if (!(Math.min(...values) >= 0) || !positive.length || !(high / percentile(0.05) > 100)) {
    return { z, text, title: "f" };
  }
  const floor = Math.max(percentile(0.01), high * 1e-9);  // zeros are drawn as the floor
  const logged = z.map((row) => row.map((v) => (v === null ? null : Math.log10(Math.max(v, floor)))));
  const tickvals = [], ticktext = [];
  for (let k = Math.ceil(Math.log10(floor)); k <= Math.log10(high); k++) {
    tickvals.push(k);
    ticktext.push(fmt(10 ** k));
  }
  return { z: logged, text, title: "f (log scale)", tickvals, ticktext };
}

// ∇f as arrows: segments with an arrowhead at the tip, scaled to the longest.
function arrowTrace(surface, two) {
  const arrows = surface.arrows;
  const longest = Math.max(...arrows.map((a) => Math.hypot(...a.gradient)), 0) || 1;
  const box = landscape.box;
  const cell = Math.min(box[1] - box[0], two ? box[3] - box[2] : Infinity) / 11;
  const xs = [], ys = [], sizes = [];
  for (const a of arrows) {
    const scale = cell / longest;
    const [x, y] = two ? a.at : [a.at[0], valueAt(surface, a.at[0])];
    const [dx, dy] = two ? [a.gradient[0] * scale, a.gradient[1] * scale] : [a.gradient[0] * scale, 0];
    xs.push(x, x + dx, null);
    ys.push(y, y + dy, null);
    sizes.push(0, 7, 0);
  }
  const colour = two ? "rgba(255,255,255,0.9)" : "#22303c";  // white on the colours, dark on white
  return { type: "scatter", mode: "lines+markers", name: "∇f", x: xs, y: ys, hoverinfo: "skip",
           line: { color: colour, width: 1.3 },
           marker: { symbol: "arrow", angleref: "previous", size: sizes, color: colour } };
}

function valueAt(surface, x) {
  let best = 0;
  surface.x.forEach((value, i) => { if (Math.abs(value - x) < Math.abs(surface.x[best] - x)) best = i; });
  return surface.z[best];
}

// The critical points on the plot, a trace per kind (its marker shape) for the legend.
function criticalTraces(lifted) {
  const axes = plotted();
  // the same answer as `gradwise critical --json`: critical points, and the kinks beside them
  const found = landscape.critical;
  const points = (found ? found.points.concat(found.nondifferentiable || []) : []).filter(onPlot);
  return Object.entries(KINDS).map(([kind, symbol]) => {
    const chosen = points.filter((p) => (KINDS[p.kind] ? p.kind : "inconclusive") === kind);
    const trace = { type: lifted ? "scatter3d" : "scatter", mode: "markers", name: kind,
                    x: chosen.map((p) => p.point[axes[0]]),
                    y: chosen.map((p) => (axes.length === 2 ? p.point[axes[1]] : p.value)),
                    text: chosen.map((p) => `${p.kind}, f = ${fmt(p.value)}`), hoverinfo: "text+x+y",
                    marker: { size: lifted ? 5 : 11, color: "#ff4081", symbol: lifted ? "circle" : symbol,
                              line: { color: "#fff", width: 1.5 } } };
    if (lifted) trace.z = chosen.map((p) => p.value);
    return trace;
  });
}

// On the plot: inside the view, and for a slice, on it (the other variables at the slice's values).
function onPlot(p) {
  const axes = plotted(), box = landscape.box;
  const inside = axes.every((name, i) => p.point[name] >= box[2 * i] && p.point[name] <= box[2 * i + 1]);
  const span = box[1] - box[0];
  return inside && view.variables.filter((n) => !axes.includes(n))
    .every((n) => Math.abs(p.point[n] - sliceAt(n)) <= 1e-3 * span);
}

function showCriticalNote(error) {
  const found = landscape.critical;
  if (!found) { $("critical-note").textContent = "critical points: " + (error || "none found"); return; }
  const kinds = found.points.map((p) => p.kind);
  $("critical-note").textContent = `critical points found: ${found.points.length}` +
    (kinds.length ? ` (${[...new Set(kinds)].map((k) => `${kinds.filter((x) => x === k).length} ${k}`).join(", ")})` : "") +
    (found.complete ? "" : "; " + found.note);
}
