// The work shown (POST /api/steps) and "check my answer" (POST /api/check), under the gradient.
// app.js announces each function it has differentiated with a "gradwise:gradient" event;
// nothing else of the page is touched. The maths is text in the notes' notation (no CDN).
"use strict";

const work = { expr: null, loaded: null, generation: 0 };
const byId = (id) => document.getElementById(id);

async function post(name, body) {
  const response = await fetch(`/api/${name}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  let document;
  try { document = await response.json(); } catch { document = { error: response.statusText }; }
  return { ok: response.ok, document };
}

function errorText(error) {
  let text = error.error;
  if (error.column && error.text !== undefined && !error.text.includes("\n")) {
    text += "\n" + error.text + "\n" + " ".repeat(error.column - 1) + "^";
  }
  return text;
}

// ---- the steps -----------------------------------------------------------------------

function stepNode(step) {
  const line = document.createElement("span");
  line.className = "work-line";
  line.textContent = step.display;
  const why = document.createElement("span");
  why.className = "work-why";
  why.textContent = step.why;
  if (!step.substeps.length) {
    const leaf = document.createElement("div");
    leaf.className = "work-step";
    leaf.dataset.rule = step.rule;
    leaf.append(line, why);
    return leaf;
  }
  const node = document.createElement("details");
  node.className = "work-step";
  node.dataset.rule = step.rule;
  node.open = true;
  const summary = document.createElement("summary");
  summary.append(line, why);
  const children = document.createElement("div");
  children.className = "work-children";
  children.append(...step.substeps.map(stepNode));
  node.append(summary, children);
  return node;
}

function showSteps(steps) {
  const tree = byId("work-tree");
  tree.replaceChildren();
  for (const [name, root] of Object.entries(steps.steps)) {
    const block = document.createElement("details");
    block.className = "work-variable";
    block.dataset.variable = name;
    block.open = true;
    const summary = document.createElement("summary");
    summary.textContent = `∂f/∂${name}`;
    block.append(summary, stepNode(root));
    tree.append(block);
  }
  tree.dataset.expr = work.expr;
}

async function loadSteps() {
  if (!work.expr || work.loaded === work.expr || !byId("work-details").open) return;
  const generation = ++work.generation;
  const expr = work.expr;
  const answer = await post("steps", { expr });
  if (generation !== work.generation) return;
  work.loaded = expr;
  if (!answer.ok) {
    byId("work-tree").textContent = errorText(answer.document);
    byId("work-tree").dataset.expr = expr;
    return;
  }
  showSteps(answer.document);
}

// ---- check my answer -------------------------------------------------------------------

function showVerdict(verdict) {
  const list = byId("check-result");
  list.replaceChildren();
  for (const text of verdict.display.split("\n").slice(1)) {
    const item = document.createElement("li");
    item.textContent = text.trim();
    item.className = text.startsWith("✓") || text === "all right" ? "right"
      : text.startsWith("✗") || text.endsWith(" wrong") ? "wrong"
      : text.trim().startsWith("hint:") ? "hint" : "detail";
    list.append(item);
  }
  list.dataset.correct = String(verdict.correct);
}

async function checkAnswer(event) {
  event.preventDefault();
  const errorBox = byId("check-error");
  const list = byId("check-result");
  const answer = byId("answer").value;
  delete list.dataset.correct;  // pending: tests and screen readers wait for the verdict
  const reply = await post("check", { expr: work.expr || byId("expr").value, answer });
  if (!reply.ok) {
    errorBox.textContent = errorText(reply.document);
    errorBox.hidden = false;
    list.replaceChildren();
    list.dataset.correct = "error";
    return;
  }
  errorBox.hidden = true;
  showVerdict(reply.document);
}

// ---- start-up --------------------------------------------------------------------------

function onGradient(event) {
  byId("work-panel").hidden = !event.detail.ok;
  if (!event.detail.ok) return;
  work.expr = event.detail.expr;
  byId("check-result").replaceChildren();
  byId("check-error").hidden = true;
  delete byId("check-result").dataset.correct;
  loadSteps();
}

function initWork() {
  document.addEventListener("gradwise:gradient", onGradient);
  byId("work-details").addEventListener("toggle", loadSteps);
  byId("check-form").addEventListener("submit", checkAnswer);
}

document.addEventListener("DOMContentLoaded", initWork);
