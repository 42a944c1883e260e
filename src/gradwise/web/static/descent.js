// The gradient-descent tab: the function, its settings, and the runs. Every number comes from
// /api/. The settings live in the URL; a bad value there is shown beside its control, and no
// run starts until it is fixed. The view is landscape.js, the animation player.js, the table
// table.js, the controls controls.js.
"use strict";

const METHODS = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"];
const SPEEDS = ["0.25", "0.5", "1", "2", "4"];
const PATH_POINTS = 600;  // what a plot can show of a long run (the server thins the path)
const MAX_STEPS = 10000;

const state = {
  expr: "x^2 + y^2", start: null, eta: 0.1, method: "gd", steps: 100, beta: 0.9, beta1: 0.9,
  beta2: 0.999, view: null, compare: [], plot: "contour", axes: null, speed: 1,
};
const invalid = {};  // URL key -> the text given for it, while it is an error
const view = { variables: [], generation: 0, runs: [], ready: false };

// ---- reading and checking settings (from the link and from the controls) -------------

// Each setting: its URL key, its control, and a check of text that gives {value} or {error}.
const SETTINGS = {
  eta: { control: "eta", check: (t) => positive(t, "a learning rate η > 0, such as 0.1") },
  method: { control: "method", check: (t) => oneOf(t, METHODS, "method") },
  steps: { control: "steps", check: (t) => whole(t, 1, MAX_STEPS, "steps") },
  beta: { control: "beta", check: (t) => fraction(t, "β") },
  beta1: { control: "beta1", check: (t) => fraction(t, "β₁") },
  beta2: { control: "beta2", check: (t) => fraction(t, "β₂") },
  start: { control: "start", check: (t) => point(t) },
  compare: { control: "compare", check: (t) => methodList(t) },
  plot: { control: "plot-mode", check: (t) => oneOf(t, ["contour", "surface"], "plot") },
  view: { control: "view", check: (t) => viewBox(t) },
  axes: { control: "axes", check: (t) => names(t) },
  speed: { control: "speed", check: (t) => oneOf(t, SPEEDS, "speed", Number) },
};

function positive(text, expected) {
  const value = Number(text);
  return text.trim() !== "" && Number.isFinite(value) && value > 0 ? { value }
    : { error: `expected ${expected}; received '${text}'` };
}

function whole(text, low, high, name) {
  const value = Number(text);
  return /^\s*\d+\s*$/.test(text) && value >= low && value <= high ? { value }
    : { error: `${name} must be a whole number from ${low} to ${high.toLocaleString("en")}; received '${text}'` };
}

function fraction(text, name) {
  const value = Number(text);
  return text.trim() !== "" && value >= 0 && value < 1 ? { value }
    : { error: `${name} must be a number from 0 up to (not including) 1, such as 0.9; received '${text}'` };
}

function oneOf(text, choices, name, as = String) {
  return choices.includes(text) ? { value: as(text) }
    : { error: `${name} must be one of ${choices.join(", ")}; received '${text}'` };
}

function point(text) {
  const value = {};
  for (const part of text.split(",")) {
    const [name, number] = part.split("=");
    if (!name || !name.trim() || number === undefined || number.trim() === "" || !Number.isFinite(Number(number))) {
      return { error: `start must be NAME=NUMBER pairs, such as x=1,y=-0.5; received '${text}'` };
    }
    value[name.trim()] = Number(number);
  }
  return { value };
}

function methodList(text) {
  const chosen = text.split(",").filter((m) => m !== "");
  const unknown = chosen.filter((m) => !METHODS.includes(m));
  return unknown.length ? { error: `race against: '${unknown[0]}' is not one of ${METHODS.join(", ")}` }
    : { value: [...new Set(chosen)] };
}

function viewBox(text) {
  const numbers = text.split(",").map(Number);
  const ordered = numbers.every(Number.isFinite) && numbers[0] < numbers[1] &&
    (numbers.length === 2 || numbers[2] < numbers[3]);
  return (numbers.length === 2 || numbers.length === 4) && ordered ? { value: numbers }
    : { error: `view must be x_min,x_max or x_min,x_max,y_min,y_max with each minimum below its maximum; received '${text}'` };
}

function names(text) {
  const pair = text.split(",");
  return pair.length === 2 && pair[0] && pair[1] && pair[0] !== pair[1] ? { value: pair }
    : { error: `axes must name two different variables, such as x,y; received '${text}'` };
}

// Sets a setting from text (a control's or the link's); returns whether it was valid.
function setSetting(key, text) {
  const setting = SETTINGS[key];
  const result = setting.check(text);
  if ("error" in result) {
    invalid[key] = text;
    fieldError(setting.control, result.error + (setting.fromLink ? " (from the link)" : ""));
    return false;
  }
  delete invalid[key];
  state[key] = result.value;
  fieldError(setting.control, null);
  return true;
}

function readDescentUrl(query) {
  if (query.has("f")) state.expr = query.get("f");
  for (const key of Object.keys(SETTINGS)) {
    if (!query.has(key)) continue;
    SETTINGS[key].fromLink = true;
    setSetting(key, query.get(key));
    SETTINGS[key].fromLink = false;
  }
}

function writeDescentUrl(query) {
  query.set("f", state.expr);
  const shown = {
    start: state.start && pointText(state.start), eta: String(state.eta), method: state.method,
    steps: String(state.steps), compare: state.compare.join(",") || null,
    plot: state.plot === "contour" ? null : state.plot, view: state.view && state.view.map(round6).join(","),
    axes: view.variables.length > 2 && state.axes ? state.axes.join(",") : null,
    speed: state.speed === 1 ? null : String(state.speed),
  };
  if (["momentum", "nesterov"].includes(state.method)) shown.beta = String(state.beta);
  if (state.method === "adam") { shown.beta1 = String(state.beta1); shown.beta2 = String(state.beta2); }
  for (const key of Object.keys(SETTINGS)) {
    const text = key in invalid ? invalid[key] : shown[key];
    if (text !== null && text !== undefined) query.set(key, text);
  }
}

function pointText(start) {
  return Object.entries(start).map(([name, value]) => `${name}=${value}`).join(",");
}

function round6(value) {
  return Number(value.toPrecision(6));
}

registerUrl({ read: readDescentUrl, write: writeDescentUrl });

// ---- the function ----------------------------------------------------------------------

function showExprError(error) {
  const box = $("expr-error");
  if (!error) { box.hidden = true; return; }
  $("expr-error-text").textContent = error.error;
  const caret = error.column && error.text !== undefined && !error.text.includes("\n");
  $("expr-error-caret").textContent = caret ? error.text + "\n" + " ".repeat(error.column - 1) + "^" : "";
  $("expr-error-caret").hidden = !caret;
  box.dataset.column = error.column || "";
  box.hidden = false;
}

// 'xy' is one name in the language: where a name is made of letters that are names too, say so.
function showNameHint(variables) {
  const glued = variables.filter((name) => /^[a-z]{2,}$/i.test(name) &&
    [...name].every((letter) => variables.includes(letter)));
  const hint = $("expr-hint");
  hint.hidden = glued.length === 0;
  hint.textContent = glued.map((name) => `'${name}' is one name, a variable of its own; for the ` +
    `product write '${[...name].join(" ")}' (or ${[...name].join("*")}).`).join(" ");
}

async function refresh() {
  const generation = ++view.generation;
  writeUrl();
  const answer = await api("gradient", { expr: state.expr });
  if (generation !== view.generation) return;  // a newer keystroke has taken over
  document.dispatchEvent(new CustomEvent("gradwise:gradient",  // steps.js shows the work
    { detail: { expr: state.expr, ok: answer.ok } }));
  view.ready = false;
  if (!answer.ok) {
    showExprError(answer.document);
    $("gradient").textContent = "";
    $("expr-hint").hidden = true;
    markStale(answer.document.column ? "not drawn: the function above has an error"
                                     : "not drawn: " + answer.document.error);
    settle(generation);
    return;
  }
  showExprError(null);
  $("gradient").textContent = answer.document.display;
  view.variables = answer.document.variables;
  showNameHint(view.variables);
  if (state.start && !view.variables.every((name) => name in state.start)) state.start = null;
  showStartInputs();
  if (!view.variables.length) {
    markStale("f is a constant: there is no slope to descend and nothing to plot");
    settle(generation);
    return;
  }
  chooseAxes();
  if (!await prepareLandscape(generation)) return;
  view.ready = true;
  await runSoon();
  settle(generation);
}

// Marks the page as showing everything for this function (tests and screen readers wait on it).
function settle(generation) {
  if (generation === view.generation) $("expr").dataset.settled = state.expr;
}

// The plot and the notes no longer describe the function typed: say so over the plot, and
// clear what belonged to the old one.
function markStale(message) {
  $("plot-stale").textContent = message;
  $("plot-stale").hidden = false;
  $("plot-stack").dataset.stale = "yes";
  $("critical-note").textContent = "";
  $("legend").replaceChildren();
  clearRun();
  markRun(runKey());
}

// ---- runs ----------------------------------------------------------------------------

function runKey() {
  return JSON.stringify([state.expr, state.start, state.eta, state.method, state.steps, state.beta,
                         state.beta1, state.beta2, state.compare, Object.keys(invalid)]);
}

function markRun(key) {
  $("steps-table").dataset.run = key;
}

function runBody(method) {
  const body = { expr: state.expr, start: pointText(state.start), learning_rate: String(state.eta),
                 method, steps: state.steps };
  if (["momentum", "nesterov"].includes(method)) body.beta = state.beta;
  if (method === "adam") { body.beta1 = state.beta1; body.beta2 = state.beta2; }
  return body;
}

function adviceBody() {
  const { expr, start, learning_rate, steps, ...method } = runBody(state.method);
  return { expr, start, ...method };
}

function racing() {
  return [state.method, ...state.compare.filter((m) => m !== state.method)];
}

const runSoon = coalesce(runNow);

async function runNow() {
  const key = runKey();
  const blocking = Object.keys(invalid).filter((k) => !["view", "axes", "plot", "speed"].includes(k));
  if (blocking.length || !state.start || !view.ready) {
    clearRun();
    $("status").textContent = blocking.length ? "fix the marked setting to run descent"
      : view.ready ? "click the plot, or type a start above, to run descent" : "";
    markRun(key);
    return;
  }
  const bodies = racing().map(runBody);
  const [advice, ...answers] = await Promise.all([
    api("lr", adviceBody()),
    ...bodies.map((body) => api("descend", { ...body, rows: [0, TABLE_PAGE], path_points: PATH_POINTS }))]);
  if (key !== runKey()) return;  // the settings moved on; the coalescer runs again
  showAdvice(advice.ok ? advice.document : null, advice.document.error);
  view.runs = answers.map((answer, i) => ({ method: bodies[i].method, body: bodies[i],
                                            doc: answer.ok ? answer.document : null,
                                            error: answer.ok ? null : answer.document.error }));
  const main = view.runs[0];
  if (!main.doc) {
    clearRun();
    $("status").textContent = main.error;
    $("status").className = "status bad";
    markRun(key);
    return;
  }
  await followPaths(view.runs);
  showStatus(main.doc);
  fillTable(main.doc, main.body);
  loadRuns(view.runs);
  markRun(key);
}

function clearRun() {
  view.runs = [];
  for (const id of ["status", "steps-note"]) $(id).textContent = "";
  $("advice").replaceChildren();
  $("advised-eta").disabled = true;
  $("findings").replaceChildren();
  clearTable();
  loadRuns([]);
}

function statusClass(status) {
  return "status " + ({ converged: "converged", max_steps: "warn" }[status] || "bad");
}

// How the run ended, in the page's words: its field is "steps", not the library's max_steps.
function ended(run) {
  return run.status === "max_steps"
    ? `stopped after the ${run.n_steps} steps allowed without converging` : run.message;
}

function showStatus(run) {
  $("status").textContent = `${run.method}: ${ended(run)}; ${run.n_steps} steps; f = ${fmt(run.final_value)}`;
  $("status").className = statusClass(run.status);
  $("findings").replaceChildren(...run.findings.map((code, i) => {
    const item = document.createElement("li");
    item.textContent = run.messages[i];
    item.dataset.code = code;
    return item;
  }));
}

// The library's advice, line by line (the CLI prints the same), and what it means for this η.
function showAdvice(advice, error) {
  const box = $("advice");
  const button = $("advised-eta");
  if (!advice) { box.textContent = "learning-rate advice: " + error; button.disabled = true; return; }
  const title = document.createElement("p");
  title.textContent = "learning-rate advice at the start:";
  const lines = document.createElement("ul");
  lines.replaceChildren(...advice.messages.map((text) => {
    const item = document.createElement("li");
    item.textContent = text;
    return item;
  }));
  const verdict = document.createElement("p");
  verdict.id = "advice-verdict";
  verdict.textContent = adviceVerdict(advice);
  box.replaceChildren(title, lines, verdict);
  button.disabled = advice.advised === null;
  button.dataset.eta = advice.advised === null ? "" : String(advice.advised);
  button.textContent = advice.advised === null ? "use the advised η" : `use the advised η = ${fmt(advice.advised)}`;
}

function adviceVerdict(advice) {
  if (advice.negative_curvature.length) {
    return `η = ${state.eta}: whatever η, ${advice.method} leaves the start along the direction(s) above`;
  }
  const limit = advice.method_max_stable;
  if (limit === null) return "";
  const inside = state.eta < limit ? "inside" : "outside";
  return `η = ${state.eta} is ${inside} ${advice.method}'s stable range 0 < η < ${fmt(limit)}`;
}

registerTab("descent", "Gradient descent", { init: () => initDescent() });
