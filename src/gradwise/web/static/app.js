// The gradwise playground. Plain JavaScript and Plotly.js; every number comes from /api/.
// The view's state (function, start, η, method) lives in the URL, so a link reproduces it.
"use strict";

const state = { expr: "x^2 + y^2", start: null, eta: 0.1, method: "gd", tab: "descent" };
const view = { variables: [], surface: null, box: null, generation: 0, run: null };
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
  document.dispatchEvent(new CustomEvent("gradwise:gradient",  // steps.js shows the work
    { detail: { expr: state.expr, ok: answer.ok } }));
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
    xaxis: { title: { text: view.variables[0] }, range: [view.box[0], view.box[1]],
             constrain: "domain", zeroline: false },
    yaxis: n === 2 ? { title: { text: view.variables[1] }, range: [view.box[2], view.box[3]],
                       scaleanchor: "x", constrain: "domain", zeroline: false }
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
  runDescentSoon();
}

async function onSurfaceReady(generation) {
  $("start-text").textContent = state.start
    ? "start: " + Object.entries(state.start).map(([k, v]) => `${k} = ${v}`).join(", ") : "";
  await Promise.all([drawCriticalPoints(generation), runDescent()]);
}

// ---- critical points -------------------------------------------------------------------

async function drawCriticalPoints(generation) {
  if (!view.surface) return;  // no plot (three or more variables): nothing to mark, no box
  const n = view.variables.length;
  const within = view.variables.map((name, i) =>
    `${name}=${view.box[2 * i]}:${view.box[2 * i + 1]}`).join(",");
  const answer = await api("critical", { expr: state.expr, within, budget: 2 });
  if (generation !== view.generation || !view.surface) return;
  // a solve stopped at its budget is a 422 that still carries what was found: draw that
  const result = answer.ok ? answer.document : answer.document.partial;
  if (!result) { $("critical-note").textContent = answer.document.error; return; }
  const points = result.points;
  const coordinate = (p, i) => p.point[view.variables[i]];
  const trace = {
    type: "scatter", mode: "markers", name: "critical points",
    x: points.map((p) => coordinate(p, 0)),
    y: points.map((p) => (n === 2 ? coordinate(p, 1) : p.value)),
    text: points.map((p) => p.kind), hoverinfo: "text+x+y",
    marker: { size: 11, color: "#ff4081", line: { color: "#fff", width: 1.5 },
              symbol: points.map((p) => ({ minimum: "circle", maximum: "triangle-up",
                                           saddle: "x" }[p.kind] || "diamond")) },
  };
  await setTrace(2, trace);
  $("critical-note").textContent = `critical points: ${points.length}` +
    (points.length ? " (" + points.map((p) => p.kind).join(", ") + ")" : "") +
    (result.complete ? "" : "; " + result.note);
}

// Traces by index: 0 the function, 1 the descent path, 2 the critical points.
async function setTrace(index, trace) {
  const plot = $("plot");
  while (plot.data.length < index) {
    await Plotly.addTraces(plot, { type: "scatter", x: [], y: [], showlegend: false });
  }
  if (plot.data.length === index) await Plotly.addTraces(plot, trace);
  else { await Plotly.deleteTraces(plot, index); await Plotly.addTraces(plot, trace, index); }
}

// ---- descent ---------------------------------------------------------------------------

function runKey() {
  return JSON.stringify([state.expr, state.start, state.eta, state.method, stepsWanted()]);
}

function stepsWanted() {
  const steps = Math.round(Number($("steps").value));
  return Number.isFinite(steps) && steps >= 1 ? Math.min(steps, 10000) : 100;
}

const runDescentSoon = debounce(() => runDescent(), 150);

async function runDescent() {
  if (!state.start || !view.surface) { clearDescent(); return; }
  const key = runKey();
  const body = { expr: state.expr, start: pointText(state.start), learning_rate: String(state.eta),
                 method: state.method, steps: stepsWanted() };
  const [run, advice] = await Promise.all([
    api("descend", body), api("lr", { expr: state.expr, start: pointText(state.start) })]);
  if (key !== runKey()) return;  // the controls moved on meanwhile
  showAdvice(advice);
  if (!run.ok) {
    clearDescent();
    $("status").textContent = run.document.error;
    $("status").className = "status bad";
    $("steps-table").dataset.run = key;
    return;
  }
  view.run = run.document;
  view.runBody = body;
  showStatus(run.document);
  fillTable(run.document);
  await animatePath(run.document, key);
  if (key === runKey()) $("steps-table").dataset.run = key;
}

function clearDescent() {
  view.run = null;
  for (const id of ["status", "advice", "steps-note"]) $(id).textContent = "";
  $("diagnosis").replaceChildren();
  $("steps-table").tHead.replaceChildren();
  $("steps-table").tBodies[0].replaceChildren();
  $("explanation").hidden = true;
}

function showStatus(run) {
  const last = run.steps.length - 1;
  $("status").textContent = `${run.message}; ${last} steps; f = ${fmt(run.final_value)}`;
  $("status").className = "status " + ({ converged: "converged", max_steps: "warn" }[run.status] || "bad");
  $("diagnosis").replaceChildren(...run.findings.map((code, i) => {
    const item = document.createElement("li");
    item.textContent = run.messages[i];
    item.dataset.code = code;
    return item;
  }));
}

function showAdvice(advice) {
  if (!advice.ok) { $("advice").textContent = "learning-rate advice: " + advice.document.error; return; }
  const a = advice.document;
  if (a.max_stable === null || a.max_stable === undefined) {
    $("advice").textContent = "learning-rate advice: no stable range here (the curvature is not positive)";
    return;
  }
  const inside = state.eta < a.max_stable ? "inside" : "outside";
  $("advice").textContent = `learning-rate advice: stable for 0 < η < ${fmt(a.max_stable)}` +
    `, fastest η ≈ ${fmt(a.optimal)} (curvature λ = ${fmt(a.curvature)}); η = ${state.eta} is ${inside} the stable range`;
}

function fillTable(run) {
  const names = run.variables;
  const head = document.createElement("tr");
  for (const label of ["step", ...names, "f", ...names.map((n) => `∂f/∂${n}`)]) {
    const cell = document.createElement("th");
    cell.textContent = label;
    head.append(cell);
  }
  $("steps-table").tHead.replaceChildren(head);
  const shown = run.steps.slice(0, 500);
  $("steps-table").tBodies[0].replaceChildren(...shown.map((step) => {
    const row = document.createElement("tr");
    row.dataset.step = step.step;
    const cells = [step.step, ...names.map((n) => fmt(step.point[n])), fmt(step.value),
                   ...names.map((n) => fmt(step.gradient[n]))];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    row.addEventListener("click", () => explainStep(step.step));
    return row;
  }));
  $("steps-note").textContent = run.steps.length > shown.length
    ? `showing the first ${shown.length} of ${run.steps.length} points` : "Click a row for its explanation.";
  $("explanation").hidden = true;
}

// The notes-style explanation of the update from point k to point k + 1, fetched on demand.
async function explainStep(k) {
  const run = view.run;
  if (!run) return;
  for (const row of $("steps-table").tBodies[0].rows) {
    row.classList.toggle("selected", Number(row.dataset.step) === k);
  }
  const box = $("explanation");
  delete box.dataset.step;
  if (k >= run.steps.length - 1) {
    box.textContent = `point ${k} is where the run stopped: ${run.message}`;
  } else {
    const key = runKey();
    const answer = await api("descend", { ...view.runBody, explain_step: k });
    if (key !== runKey()) return;
    box.textContent = answer.ok ? `step ${k + 1}: ` + answer.document.explanation.text
                                : answer.document.error;
  }
  box.dataset.step = k;
  box.hidden = false;
}

function fmt(value) {
  if (value === null || value === undefined) return "—";
  if (Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(6)).toString();
}

async function animatePath(run, key) {
  const n = run.variables.length;
  const xs = run.steps.map((s) => s.point[run.variables[0]]);
  const ys = run.steps.map((s) => (n === 2 ? s.point[run.variables[1]] : s.value));
  const trace = { type: "scatter", mode: "lines+markers", name: "descent path", x: [xs[0]], y: [ys[0]],
                  line: { color: "#ff9800", width: 2 }, marker: { size: 5, color: "#ff9800" } };
  await setTrace(1, trace);
  const frames = Math.min(60, xs.length);  // at most ~1 s of animation, however long the run
  for (let f = 1; f <= frames; f++) {
    if (key !== runKey()) return;
    const upto = Math.ceil((f / frames) * xs.length);
    // animate without redraw: only the path moves, the contour is not recomputed per frame
    await Plotly.animate($("plot"), { data: [{ x: xs.slice(0, upto), y: ys.slice(0, upto) }], traces: [1] },
                         { transition: { duration: 0 }, frame: { duration: 16, redraw: false },
                           mode: "immediate" });
  }
  // animating without a redraw leaves the contour, its arrows and parts of a 1-D curve
  // undrawn: one full redraw at the end puts the whole picture back
  if (key === runKey()) await Plotly.restyle($("plot"), { x: [xs], y: [ys] }, [1]);
}

// ---- tabs ----------------------------------------------------------------------------

function showTab(name) {
  state.tab = $(`tab-${name}`) ? name : "descent";
  for (const button of document.querySelectorAll(".tab")) {
    const shown = button.dataset.tab === state.tab;
    button.setAttribute("aria-selected", String(shown));
    $(`tab-${button.dataset.tab}`).hidden = !shown;
  }
}

// ---- start-up ------------------------------------------------------------------------

function showEta() {
  $("eta-value").textContent = `η = ${state.eta}`;
}

function init() {
  readUrl();
  const input = $("expr");
  input.value = state.expr;
  const refreshSoon = debounce(refresh, 250);
  input.addEventListener("input", () => { state.expr = input.value; refreshSoon(); });
  const slider = $("eta");
  slider.value = String(Math.log10(state.eta));
  showEta();
  slider.addEventListener("input", () => {
    state.eta = Number((10 ** Number(slider.value)).toPrecision(3));  // log scale
    showEta();
    writeUrl();
    runDescentSoon();
  });
  const method = $("method");
  if ([...method.options].some((o) => o.value === state.method)) method.value = state.method;
  method.addEventListener("change", () => { state.method = method.value; writeUrl(); runDescentSoon(); });
  $("steps").addEventListener("change", runDescentSoon);
  for (const button of document.querySelectorAll(".tab")) {
    button.addEventListener("click", () => { showTab(button.dataset.tab); writeUrl(); });
  }
  showTab(state.tab);
  refresh();
}

document.addEventListener("DOMContentLoaded", init);
