// The gradwise playground. Plain JavaScript and Plotly.js; every number comes from /api/.
// The view's state (function, start, η, method) lives in the URL, so a link reproduces it.
"use strict";

const state = { expr: "x^2 + y^2", start: null, eta: 0.1, method: "gd", tab: "descent" };
const view = { variables: [], surface: null, box: null, generation: 0 };
const $ = (id) => document.getElementById(id);

// ---- the URL -------------------------------------------------------------------------

function readUrl() {
  const query = new URLSearchParams(window.location.search);
  if (query.has("f")) state.expr = query.get("f");
  if (query.has("start")) state.start = parsePoint(query.get("start"));
  const eta = Number(query.get("eta"));
  if (query.has("eta") && eta > 0 && Number.isFinite(eta)) state.eta = eta;
  if (query.has("method")) state.method = query.get("method");
  if (query.has("tab")) state.tab = query.get("tab");
}

function writeUrl() {
  const query = new URLSearchParams();
  query.set("f", state.expr);
  if (state.start) query.set("start", pointText(state.start));
  query.set("eta", String(state.eta));
  query.set("method", state.method);
  if (state.tab !== "descent") query.set("tab", state.tab);
  window.history.replaceState(null, "", "?" + query.toString());
}

function parsePoint(text) {
  const point = {};
  for (const part of text.split(",")) {
    const [name, value] = part.split("=");
    if (!name || value === undefined || !Number.isFinite(Number(value))) return null;
    point[name.trim()] = Number(value);
  }
  return point;
}

function pointText(point) {
  return Object.entries(point).map(([name, value]) => `${name}=${value}`).join(",");
}

// ---- the API -------------------------------------------------------------------------

async function api(name, body) {
  const response = await fetch(`/api/${name}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  let document;
  try { document = await response.json(); } catch { document = { error: response.statusText }; }
  return { ok: response.ok, status: response.status, document };
}

function debounce(action, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), ms); };
}

// ---- the function and its gradient -------------------------------------------------

function showError(error) {
  const box = $("expr-error");
  if (!error) { box.hidden = true; box.textContent = ""; return; }
  let text = error.error;
  if (error.column && error.text !== undefined && !error.text.includes("\n")) {
    text += "\n" + error.text + "\n" + " ".repeat(error.column - 1) + "^";
  }
  box.textContent = text;
  box.dataset.column = error.column || "";
  box.hidden = false;
}

async function refresh() {
  const generation = ++view.generation;
  writeUrl();
  const answer = await api("gradient", { expr: state.expr });
  if (generation !== view.generation) return;  // a newer keystroke has taken over
  if (!answer.ok) {
    showError(answer.document);
    $("gradient").textContent = "";
    settle(generation);
    return;
  }
  showError(null);
  $("gradient").textContent = answer.document.display;
  view.variables = answer.document.variables;
  if (state.start && !sameNames(Object.keys(state.start), view.variables)) state.start = null;
  await drawSurface(generation);
  await onSurfaceReady(generation);
  settle(generation);
}

// Marks the page as showing everything for this function (tests and screen readers wait on it).
function settle(generation) {
  if (generation === view.generation) $("expr").dataset.settled = state.expr;
}

function sameNames(a, b) {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

// ---- the plot ------------------------------------------------------------------------

function plotBox() {
  const n = view.variables.length;
  const box = [];
  for (let i = 0; i < n; i++) {
    let low = -3, high = 3;
    const at = state.start ? state.start[view.variables[i]] : undefined;
    if (at !== undefined) { low = Math.min(low, at - 1); high = Math.max(high, at + 1); }
    box.push(low, high);
  }
  return box;
}

async function drawSurface(generation) {
  const n = view.variables.length;
  const plot = $("plot");
  if (n !== 1 && n !== 2) {
    Plotly.purge(plot);
    $("plot-hint").textContent = `The plot shows functions of one or two variables; this one has ${n}.`;
    view.surface = null;
    return;
  }
  view.box = plotBox();
  const answer = await api("surface", { expr: state.expr, box: view.box, resolution: 61, arrows: 9 });
  if (generation !== view.generation) return;
  if (!answer.ok) { showError(answer.document); view.surface = null; return; }
  view.surface = answer.document;
  $("plot-hint").textContent = "Arrows are ∇f (uphill). Click the plot to set the start.";
  const traces = n === 2 ? contourTraces(view.surface) : curveTraces(view.surface);
  const layout = {
    margin: { l: 50, r: 20, t: 20, b: 45 }, showlegend: true, hovermode: "closest",
    legend: { orientation: "h", y: -0.15 },
    xaxis: { title: { text: view.variables[0] }, range: [view.box[0], view.box[1]] },
    yaxis: n === 2 ? { title: { text: view.variables[1] }, range: [view.box[2], view.box[3]],
                       scaleanchor: "x" }
                   : { title: { text: "f" } },
    annotations: arrowAnnotations(view.surface, n),
  };
  await Plotly.react(plot, traces, layout, { displaylogo: false, responsive: true });
  if (!plot.dataset.listening) {
    plot.addEventListener("click", onPlotClick);
    plot.dataset.listening = "yes";
  }
}

function contourTraces(surface) {
  return [{ type: "contour", name: "f", x: surface.x, y: surface.y, z: surface.z,
            colorscale: "Viridis", ncontours: 25, contours: { coloring: "heatmap" },
            showscale: true, connectgaps: false, hoverinfo: "x+y+z" }];
}

function curveTraces(surface) {
  return [{ type: "scatter", mode: "lines", name: "f", x: surface.x, y: surface.z,
            line: { color: "#22303c" } }];
}

function arrowAnnotations(surface, n) {
  const arrows = surface.arrows;
  if (!arrows.length) return [];
  const longest = Math.max(...arrows.map((a) => Math.hypot(...a.gradient))) || 1;
  const cell = (view.box[1] - view.box[0]) / 11;  // arrows never reach their neighbours
  return arrows.map((a) => {
    const scale = (cell * Math.hypot(...a.gradient)) / longest / (Math.hypot(...a.gradient) || 1);
    const [x, y] = n === 2 ? a.at : [a.at[0], valueAt(surface, a.at[0])];
    const [dx, dy] = n === 2 ? [a.gradient[0] * scale, a.gradient[1] * scale]
                             : [a.gradient[0] * scale, 0];
    return { x: x + dx, y: y + dy, ax: x, ay: y, xref: "x", yref: "y", axref: "x", ayref: "y",
             showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1.5,
             arrowcolor: "rgba(255,255,255,0.9)", text: "" };
  });
}

function valueAt(surface, x) {
  let best = 0;
  surface.x.forEach((value, i) => { if (Math.abs(value - x) < Math.abs(surface.x[best] - x)) best = i; });
  return surface.z[best];
}

// The data coordinates under a click anywhere in the plotting area (not only on a trace).
function clickedPoint(event) {
  const plot = $("plot");
  const area = plot.querySelector(".nsewdrag");
  if (!area || !plot._fullLayout) return null;
  const rect = area.getBoundingClientRect();
  const fx = (event.clientX - rect.left) / rect.width;
  const fy = (event.clientY - rect.top) / rect.height;
  if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
  const [x0, x1] = plot._fullLayout.xaxis.range;
  const [y0, y1] = plot._fullLayout.yaxis.range;
  return [x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)];
}

function onPlotClick(event) {
  const point = clickedPoint(event);
  if (!point) return;
  const start = {};
  start[view.variables[0]] = round(point[0]);
  if (view.variables.length === 2) start[view.variables[1]] = round(point[1]);
  state.start = start;
  writeUrl();
  onStartChanged();
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function onStartChanged() {
  $("start-text").textContent = state.start
    ? "start: " + Object.entries(state.start).map(([k, v]) => `${k} = ${v}`).join(", ") : "";
}

async function onSurfaceReady(generation) {
  onStartChanged();
}

// ---- start-up ------------------------------------------------------------------------

function init() {
  readUrl();
  const input = $("expr");
  input.value = state.expr;
  const refreshSoon = debounce(refresh, 250);
  input.addEventListener("input", () => { state.expr = input.value; refreshSoon(); });
  refresh();
}

document.addEventListener("DOMContentLoaded", init);
