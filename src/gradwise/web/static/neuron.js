// The neuron tab: a small CSV from this computer, trained by POST /api/train.
// Shares app.js's helpers ($, api, fmt). Column names are data: they only ever reach the page
// as textContent and option values, never as HTML.
"use strict";

const MAX_CSV = 1024 * 1024;  // bytes; the server's schema.MAX_CSV (a test keeps them equal)
const upload = { text: null, name: null, generation: 0 };

// The first line of a CSV as column names: commas separate, double quotes protect commas and
// line breaks, "" is a quote inside quotes (as the server's reader has it).
function csvHeader(text) {
  const names = [];
  let name = "", quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { name += '"'; i++; } else if (c === '"') quoted = false;
      else name += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { names.push(name); name = ""; }
    else if (c === "\n" || c === "\r") break;
    else name += c;
  }
  names.push(name);
  return names;
}

function showCsvError(message) {
  const box = $("csv-error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function onFileChosen() {
  const file = $("csv-file").files[0];
  upload.text = null;
  upload.generation++;  // a training still running belongs to the old file: not shown
  $("train").disabled = true;
  $("target").disabled = true;
  $("csv-summary").textContent = "";
  $("train-status").textContent = "";
  showCsvError(null);
  clearTraining();  // the old file's results do not describe this one
  if (!file) return;
  if (file.size > MAX_CSV) {  // refused here, before reading it or sending it anywhere
    showCsvError(`${file.name} has ${file.size.toLocaleString("en")} bytes; at most ` +
      `${MAX_CSV.toLocaleString("en")} (1 MiB) can be uploaded: pick a smaller file or fewer rows`);
    return;
  }
  const text = await file.text();
  const columns = csvHeader(text);
  const separator = [";", "\t", "|"].find((mark) => columns.length === 1 && columns[0].includes(mark));
  if (separator) {  // the server would refuse it with the same words; say so at once
    const name = { ";": "semicolon", "\t": "tab", "|": "bar" }[separator];
    showCsvError(`${file.name} is a ${name}-separated file: its header '${columns[0]}' reads as ` +
      "one column, and gradwise reads comma-separated CSV. Fix: save it as comma-separated " +
      `CSV (replace each '${separator}' between values by ',')`);
    return;
  }
  upload.text = text;
  upload.name = file.name;
  const target = $("target");
  target.replaceChildren(...columns.map((name) => new Option(name, name)));
  target.value = columns[columns.length - 1];  // the usual place of y
  target.disabled = false;
  fillFeatures(columns);
  const lines = text.split("\n").filter((line) => line.trim() !== "").length;
  $("csv-summary").textContent =
    `${file.name}: ${columns.length} columns, ${Math.max(0, lines - 1)} rows`;
  $("train").disabled = false;
}

// A checkbox per column other than the target, all ticked: the features, in file order.
function fillFeatures(columns) {
  const box = $("features");
  const legend = box.querySelector("legend");
  const boxes = columns.filter((name) => name !== $("target").value).map((name) => {
    const label = document.createElement("label");
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.checked = true;
    tick.value = name;
    label.append(tick, name);
    return label;
  });
  box.replaceChildren(legend, ...boxes);
  box.dataset.columns = JSON.stringify(columns);
  box.hidden = boxes.length === 0;
}

function chosenFeatures() {
  return [...$("features").querySelectorAll("input:checked")].map((tick) => tick.value);
}

function trainBody() {
  const body = { csv: upload.text, filename: upload.name, target: $("target").value,
                 features: chosenFeatures(), activation: $("activation").value,
                 learning_rate: $("train-eta").value.trim(), epochs: Number($("epochs").value),
                 method: $("train-method").value };
  const batch = $("batch-size").value.trim();
  if (batch !== "") body.batch_size = Number(batch);
  return body;
}

async function train() {
  if (upload.text === null) return;
  const generation = ++upload.generation;
  const status = $("train-status");
  delete status.dataset.done;
  status.textContent = "training…";
  status.className = "status";
  showCsvError(null);
  const answer = await api("train", trainBody());
  if (generation !== upload.generation) return;  // a newer click has taken over
  if (answer.ok) await showTraining(answer.document, generation);
  else {
    showCsvError(answer.document.error);
    status.textContent = "";
    clearTraining();
  }
  if (generation === upload.generation) status.dataset.done = String(generation);
}

function clearTraining() {
  Plotly.purge($("cost-plot"));
  for (const id of ["fit-plot", "surface-plot"]) { Plotly.purge($(id)); $(id).hidden = true; }
  $("train-findings").replaceChildren();
  $("weights-table").tBodies[0].replaceChildren();
  $("train-metrics").textContent = "";
}

async function showTraining(run, generation) {
  const history = run.history;
  const status = $("train-status");
  status.textContent = `${outcome(run)}: C ${fmt(history[0])} → ${fmt(history[history.length - 1])}`;
  status.className = "status " + ({ converged: "converged", max_steps: "warn" }[run.status] || "bad");
  $("train-findings").replaceChildren(...run.findings.map((code, i) => {
    const item = document.createElement("li");
    item.textContent = run.messages[i];
    item.dataset.code = code;
    return item;
  }));
  const rows = [...Object.entries(run.weights).map(([name, w]) => [`w[${name}]`, w]), ["b", run.bias]];
  $("weights-table").tBodies[0].replaceChildren(...rows.map(([label, value]) => {
    const row = document.createElement("tr");
    for (const text of [label, fmt(value)]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
  $("train-metrics").textContent = "on the training data: " + Object.entries(run.metrics)
    .map(([name, value]) => `${name} ${fmt(value)}`).join(", ");
  await drawCost(history, generation);
  if (generation === upload.generation) await drawPictures(run.picture, run);
}

// How the run ended, in the CLI's words: "stopped after the 300 epochs allowed".
function outcome(run) {
  const steps = run.steps === run.epochs ? "" : ` (${run.steps} steps)`;
  return {
    converged: `converged after ${run.epochs} epochs${steps}`,
    max_steps: `stopped after the ${run.epochs} epochs allowed${steps}`,
    diverged: `diverged: stopped after ${run.epochs} epochs`,
    non_finite: `stopped after ${run.epochs} epochs: C or ∇C was not a finite number`,
  }[run.status] || `${run.status} after ${run.epochs} epochs`;
}

// The cost per epoch, drawn in up to 60 frames so the descent can be watched.
async function drawCost(history, generation) {
  const epochs = history.map((_, i) => i);
  const layout = { margin: { l: 60, r: 20, t: 20, b: 45 }, showlegend: false,
                   xaxis: { title: { text: "epoch" }, range: [0, Math.max(1, epochs.length - 1)] },
                   yaxis: { title: { text: "cost C" }, ...costAxis(history) } };
  const trace = { type: "scatter", mode: "lines", name: "C", x: [0], y: [history[0]],
                  line: { color: "#22303c", width: 2 } };
  const plot = $("cost-plot");
  await Plotly.react(plot, [trace], layout, PLOTLY_CONFIG);
  const frames = Math.min(60, history.length);
  for (let f = 1; f <= frames; f++) {
    if (generation !== upload.generation) return;
    const upto = Math.ceil((f / frames) * history.length);
    await Plotly.animate(plot, { data: [{ x: epochs.slice(0, upto), y: history.slice(0, upto) }],
                                 traces: [0] },
                         { transition: { duration: 0 }, frame: { duration: 16, redraw: false },
                           mode: "immediate" });
  }
}

// A fixed y axis for the whole curve (frames do not rescale it): log when every C is positive.
function costAxis(history) {
  const finite = history.filter((c) => c !== null && Number.isFinite(c));
  if (!finite.length) return { type: "linear" };
  const positive = finite.length === history.length && finite.every((c) => c > 0);
  const values = positive ? finite.map(Math.log10) : finite;
  const low = Math.min(...values), high = Math.max(...values);
  const pad = (high - low) * 0.05 || (positive ? 0.5 : Math.abs(high) * 0.1 || 1);
  return { type: positive ? "log" : "linear", range: [low - pad, high + pad] };
}

function initNeuron() {
  $("csv-file").addEventListener("change", onFileChosen);
  $("target").addEventListener("change", () => fillFeatures(JSON.parse($("features").dataset.columns)));
  $("train").addEventListener("click", train);
}

registerTab("neuron", "Neuron", { init: () => initNeuron() });
