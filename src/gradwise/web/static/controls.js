// The descent tab's controls: η as a log slider and as typed text, the advised η, the method and
// its β, steps, the start (one input per variable: the keyboard's way to set it), the methods to
// race, contour or surface, and the slice's axes for three or more variables.
"use strict";

function initDescent() {
  const input = $("expr");
  input.value = state.expr;
  const refreshSoon = debounce(refresh, 250);
  input.addEventListener("input", () => { state.expr = input.value; refreshSoon(); });
  initEta();
  initMethod();
  initNumber("steps", "steps");
  initNumber("beta", "beta");
  initNumber("beta1", "beta1");
  initNumber("beta2", "beta2");
  initCompare();
  initPlotMode();
  initPlayer();
  initTable();
  refresh();
}

// Text inputs show what was given (a bad value from the link stays visible, marked).
function showSettings() {
  for (const key of ["steps", "beta", "beta1", "beta2"]) {
    $(key).value = key in invalid ? invalid[key] : String(state[key]);
  }
  showEta();
  $("method").value = "method" in invalid ? "" : state.method;
  $("beta-control").hidden = !["momentum", "nesterov"].includes(state.method);
  $("adam-control").hidden = state.method !== "adam";
}

function changed() {
  writeUrl();
  runSoon();
}

// ---- η --------------------------------------------------------------------------------

function initEta() {
  const slider = $("eta-slider"), typed = $("eta");
  slider.addEventListener("input", () => {
    setSetting("eta", String(Number((10 ** Number(slider.value)).toPrecision(3))));
    typed.value = String(state.eta);
    changed();
  });
  typed.addEventListener("input", () => {
    if (setSetting("eta", typed.value)) slider.value = String(Math.log10(state.eta));
    changed();
  });
  $("advised-eta").addEventListener("click", () => {
    const advised = Number($("advised-eta").dataset.eta);
    if (!(advised > 0)) return;
    setSetting("eta", String(Number(advised.toPrecision(6))));
    showEta();
    changed();
  });
  showSettings();
}

function showEta() {
  $("eta").value = "eta" in invalid ? invalid.eta : String(state.eta);
  $("eta-slider").value = String(Math.log10(state.eta));
}

// ---- method, β, steps -----------------------------------------------------------------

function initMethod() {
  const method = $("method");
  if ("method" in invalid) {  // the link's value is not a method: show that no method is chosen
    method.prepend(new Option("—", ""));
  }
  method.addEventListener("change", () => {
    setSetting("method", method.value);
    if (method.options[0].value === "") method.options[0].remove();
    showSettings();
    changed();
  });
  showSettings();
}

function initNumber(id, key) {
  $(id).addEventListener("input", () => { setSetting(key, $(id).value); changed(); });
}

// ---- the start: one input per variable ----------------------------------------------

function showStartInputs() {
  const fields = $("start-fields");
  const shown = [...fields.querySelectorAll("input")].map((box) => box.dataset.name);
  if (shown.join(",") !== view.variables.join(",")) {
    fields.replaceChildren(...view.variables.map((name) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "text";
      box.inputMode = "decimal";
      box.size = 7;
      box.dataset.name = name;
      box.id = `start-${name}`;
      box.setAttribute("aria-label", `start: ${name}`);
      box.addEventListener("change", onStartTyped);
      label.append(`${name} = `, box);
      return label;
    }));
  }
  for (const box of fields.querySelectorAll("input")) {
    if ("start" in invalid || document.activeElement === box) continue;
    box.value = state.start && box.dataset.name in state.start ? String(state.start[box.dataset.name]) : "";
  }
  $("start").hidden = view.variables.length === 0;
}

function onStartTyped() {
  const boxes = [...$("start-fields").querySelectorAll("input")];
  if (boxes.some((box) => box.value.trim() === "")) return;  // not all given yet
  setSetting("start", boxes.map((box) => `${box.dataset.name}=${box.value.trim()}`).join(","));
  startChanged();
}

// A new start (typed, clicked or tapped): the view must show it, then the runs start from it.
async function startChanged() {
  writeUrl();
  showStartInputs();
  if (view.ready && await includeStart()) return;
  runSoon();
}

// ---- the race -------------------------------------------------------------------------

function initCompare() {
  $("compare-boxes").replaceChildren(...METHODS.map((name) => {
    const label = document.createElement("label");
    const tick = document.createElement("input");
    tick.type = "checkbox";
    tick.value = name;
    tick.checked = state.compare.includes(name);
    tick.addEventListener("change", () => {
      const ticked = [...$("compare-boxes").querySelectorAll("input:checked")].map((t) => t.value);
      setSetting("compare", ticked.join(","));
      changed();
    });
    const swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = PALETTE[name];
    label.append(tick, swatch, name);
    return label;
  }));
}

// ---- contour or surface, and the slice's axes ------------------------------------------

function initPlotMode() {
  for (const radio of document.querySelectorAll('input[name="plot-mode"]')) {
    radio.checked = radio.value === state.plot;
    radio.addEventListener("change", () => {
      if (!radio.checked) return;
      setSetting("plot", radio.value);
      writeUrl();
      redrawLandscape();
    });
  }
  for (const id of ["axis-x", "axis-y"]) {
    $(id).addEventListener("change", () => {
      if (setSetting("axes", `${$("axis-x").value},${$("axis-y").value}`)) state.view = null;
      writeUrl();
      refresh();
    });
  }
}

// The two variables a slice plots (three or more variables): the link's, or the first two.
function chooseAxes() {
  const names = view.variables;
  $("axes-control").hidden = names.length < 3;
  $("plot-mode").hidden = names.length < 2;
  if (names.length < 3) return;
  if (!state.axes || !state.axes.every((name) => names.includes(name))) {
    if (state.axes && !("axes" in invalid)) {
      fieldError("axes", `axes ${state.axes.join(",")} are not two variables of f (${names.join(", ")})`);
    }
    state.axes = names.slice(0, 2);
  }
  for (const [id, chosen] of [["axis-x", state.axes[0]], ["axis-y", state.axes[1]]]) {
    $(id).replaceChildren(...names.map((name) => new Option(name, name, false, name === chosen)));
  }
}
