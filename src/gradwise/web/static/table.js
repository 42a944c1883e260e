// The run's points as a table, a page at a time (rows on demand: a 10,000-step run is not sent
// whole). Row k is the point after k steps; choosing it (click, tap, or Tab then Enter) writes
// out step k, the update that led to it, in a row opened just below, so nothing above moves and
// the run is not computed again (the server keeps it).
"use strict";

const TABLE_PAGE = 50;
const table = { doc: null, body: null, first: 0, total: 0 };

function initTable() {
  $("rows-first").addEventListener("click", () => showRows(0));
  $("rows-earlier").addEventListener("click", () => showRows(table.first - TABLE_PAGE));
  $("rows-later").addEventListener("click", () => showRows(table.first + TABLE_PAGE));
  $("rows-last").addEventListener("click", () => showRows(table.total - TABLE_PAGE));
}

function fillTable(run, body) {
  table.doc = run;
  table.body = body;
  table.total = run.n_steps + 1;
  const names = run.variables;
  const head = document.createElement("tr");
  for (const label of ["step", ...names, "f", ...names.map((n) => `∂f/∂${n}`)]) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = label;
    head.append(cell);
  }
  $("steps-table").tHead.replaceChildren(head);
  putRows(run.steps);
}

function clearTable() {
  table.doc = null;
  $("steps-table").tHead.replaceChildren();
  $("steps-table").tBodies[0].replaceChildren();
  $("pager").hidden = true;
}

async function showRows(first) {
  if (!table.doc) return;
  const start = Math.max(0, Math.min(first, table.total - 1));
  const doc = table.doc;
  const answer = await api("descend", { ...table.body, rows: [start, TABLE_PAGE] });
  if (table.doc !== doc || !answer.ok) return;
  putRows(answer.document.steps);
}

function putRows(steps) {
  const names = table.doc.variables;
  table.first = steps.length ? steps[0].step : 0;
  $("steps-table").tBodies[0].replaceChildren(...steps.map((step) => {
    const row = document.createElement("tr");
    row.dataset.step = step.step;
    row.tabIndex = 0;
    row.setAttribute("aria-label", `step ${step.step}: choose to see how it was computed`);
    const cells = [step.step, ...names.map((n) => fmt(step.point[n])), fmt(step.value),
                   ...names.map((n) => fmt(step.gradient[n]))];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    row.addEventListener("click", () => explainRow(row));
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); explainRow(row); }
    });
    return row;
  }));
  const last = table.first + steps.length - 1;
  $("pager").hidden = table.total <= TABLE_PAGE;
  $("rows-shown").textContent = `points ${table.first}–${last} of ${table.total - 1}`;
  $("rows-earlier").disabled = $("rows-first").disabled = table.first === 0;
  $("rows-later").disabled = $("rows-last").disabled = last >= table.total - 1;
  $("steps-note").textContent = "Choose a row (click, tap, or Tab and Enter) to see its step written out.";
}

// Row k: step k written out (from point k − 1 to point k), in a row opened below it.
async function explainRow(row) {
  const k = Number(row.dataset.step);
  const body = $("steps-table").tBodies[0];
  for (const open of body.querySelectorAll("tr.explanation")) open.remove();
  for (const other of body.rows) other.classList.toggle("selected", other === row);
  const doc = table.doc;
  let text;
  if (k === 0) {
    text = `point 0 is the start; step 1 takes it to point 1`;
  } else {
    const answer = await api("descend", { ...table.body, rows: [0, 0], explain_step: k - 1 });
    if (table.doc !== doc) return;
    text = answer.ok ? `step ${k}: ` + answer.document.explanation.text : answer.document.error;
  }
  const detail = document.createElement("tr");
  detail.className = "explanation";
  const cell = document.createElement("td");
  cell.colSpan = row.cells.length;
  const pre = document.createElement("pre");
  pre.textContent = text;
  cell.append(pre);
  detail.append(cell);
  detail.dataset.explains = String(k);
  row.after(detail);
  $("steps-table").dataset.explained = String(k);
}
