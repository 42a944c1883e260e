// What every tab of the playground shares: the API, numbers as people read them, the tab bar,
// the URL (every control of every tab lives in it, so a link reproduces the view) and the
// errors shown beside the control they concern.
//
// A tab plugs in with registerTab(name, label, hooks) and a <section id="tab-NAME"> in
// index.html (or one it makes itself); its controls join the URL with registerUrl(part).
"use strict";

const $ = (id) => document.getElementById(id);

// Plotly's options for every plot: nothing leaves the page (no "Share chart" upload, no
// link to an editor), and the plots follow the window's size.
const PLOTLY_CONFIG = {
  displaylogo: false, responsive: true, showSendToCloud: false, showEditInChartStudio: false,
  showLink: false, modeBarButtonsToRemove: ["sendDataToCloud", "editInChartStudio", "select2d",
                                            "lasso2d"],
};

async function api(name, body) {
  let response;
  try {
    response = await fetch(`/api/${name}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  } catch (error) {
    return { ok: false, status: 0, document: { error: `the server did not answer (${error.message})` } };
  }
  let document;
  try { document = await response.json(); } catch { document = { error: response.statusText }; }
  return { ok: response.ok, status: response.status, document };
}

function debounce(action, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => action(...args), ms); };
}

// Runs `action` at once when idle; while it runs, later calls collapse into one more run with
// the latest state, so a dragged slider costs one request at a time and the last position wins.
function coalesce(action) {
  let running = null, again = false;
  const go = async () => {
    if (running) { again = true; return running; }
    running = (async () => {
      do { again = false; await action(); } while (again);
    })();
    try { await running; } finally { running = null; }
  };
  return go;
}

// A number for people: six significant digits, an exponent past a million or below 1e-4 (no
// 19-digit integers), "—" where there is none.
function fmt(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : (value > 0 ? "∞" : "−∞");
  if (value === 0) return "0";
  const size = Math.abs(value);
  if (size >= 1e6 || size < 1e-4) {
    const [mantissa, exponent] = value.toExponential(5).split("e");
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(6)));
}

// ---- errors beside their control ------------------------------------------------------

// Shows `message` in #ID-error and marks control #ID invalid; no message clears both.
function fieldError(id, message) {
  const control = $(id), box = $(`${id}-error`);
  if (control) {
    if (message) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
  if (box) { box.textContent = message || ""; box.hidden = !message; }
}

// ---- tabs ------------------------------------------------------------------------------

const tabs = new Map();  // name -> { label, hooks }
let currentTab = "descent";

// A tab: its button joins the tab bar; hooks.init() runs once at start-up, hooks.show() each
// time the tab is shown.
function registerTab(name, label, hooks = {}) {
  tabs.set(name, { label, hooks });
  let button = document.querySelector(`.tab[data-tab="${name}"]`);
  if (!button) {
    button = document.createElement("button");
    button.type = "button";
    button.className = "tab";
    button.dataset.tab = name;
    button.id = `tab-button-${name}`;
    button.textContent = label;
    $("tabs").append(button);
  }
  button.setAttribute("role", "tab");
  button.setAttribute("aria-controls", `tab-${name}`);
  button.addEventListener("click", () => { showTab(name); writeUrl(); });
}

function showTab(name) {
  currentTab = tabs.has(name) ? name : "descent";
  for (const [other] of tabs) {
    const shown = other === currentTab;
    $(`tab-button-${other}`).setAttribute("aria-selected", String(shown));
    $(`tab-${other}`).hidden = !shown;
  }
  const hooks = tabs.get(currentTab).hooks;
  if (hooks.show) hooks.show();
}

// ---- the URL -------------------------------------------------------------------------

const urlParts = [];  // { read(query), write(query) } for each group of controls

function registerUrl(part) { urlParts.push(part); }

function writeUrl() {
  const query = new URLSearchParams();
  for (const part of urlParts) part.write(query);
  if (currentTab !== "descent") query.set("tab", currentTab);
  window.history.replaceState(null, "", "?" + query.toString());
}

function startPage() {
  // a tab whose script looks after itself (graph.js) needs only its button and its section
  for (const button of document.querySelectorAll(".tab")) {
    if (!tabs.has(button.dataset.tab)) registerTab(button.dataset.tab, button.textContent);
  }
  const query = new URLSearchParams(window.location.search);
  for (const part of urlParts) part.read(query);
  for (const [, tab] of tabs) if (tab.hooks.init) tab.hooks.init();
  showTab(query.get("tab") || "descent");
}

document.addEventListener("DOMContentLoaded", () => startPage());
