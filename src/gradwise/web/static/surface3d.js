// The 3-D view: f as a surface that turns with the mouse or a finger, the critical points and
// the runs' paths lifted onto it (z = f at each point); and the legend under every plot.
"use strict";

function surfaceTraces() {
  const surface = landscape.surface;
  return [{ type: "surface", name: "f", x: surface.x, y: surface.y, z: surface.z,
            colorscale: "Viridis", showscale: !PHONE.matches, hoverinfo: "x+y+z",
            colorbar: { title: { text: "f", side: "right" }, thickness: 14 },
            contours: { z: { show: true, usecolormap: true, project: { z: true }, width: 1 } } },
          ...criticalTraces(true)];
}

function surfaceLayout() {
  const axes = plotted(), box = landscape.box;
  return {
    margin: { l: 0, r: 0, t: 10, b: 0 }, showlegend: false, paper_bgcolor: "#fff",
    scene: {
      xaxis: { title: { text: axes[0] }, range: [box[0], box[1]] },
      yaxis: { title: { text: axes[1] }, range: [box[2], box[3]] },
      zaxis: { title: { text: "f" }, range: surfaceRange() }, aspectmode: "cube",
      camera: { eye: { x: 1.5, y: -1.6, z: 1.1 } },
    },
  };
}

// f's range over the view, padded: a path that runs away leaves it rather than flattening it.
function surfaceRange() {
  const values = landscape.surface.z.flat().filter((v) => v !== null);
  if (!values.length) return [-1, 1];
  const low = Math.min(...values), high = Math.max(...values);
  const pad = (high - low) * 0.08 || 1;
  return [low - pad, high + pad];
}

// What the marks mean: critical points by shape, the arrows, and each run by colour with how
// it ended (the race's result).
function showLegend() {
  const items = [];
  const shown = new Set((landscape.critical ? landscape.critical.points : []).filter(onPlot)
    .map(kindOf));
  for (const [kind, style] of Object.entries(KINDS)) {
    if (shown.has(kind)) items.push(legendItem(style.mark, style.colour, `${kind} (critical point)`));
  }
  if (state.plot !== "surface" || plotted().length < 2) {
    items.push(legendItem("→", plotted().length === 2 ? "#555" : "#22303c", "∇f, uphill (arrow length ∝ |∇f|)"));
  }
  for (const run of view.runs) items.push(legendItem("━", PALETTE[run.method], runSummary(run), run.method));
  $("legend").replaceChildren(...items);
}

function legendItem(mark, colour, text, method) {
  const item = document.createElement("li");
  const sign = document.createElement("span");
  sign.className = "mark";
  sign.textContent = mark;
  sign.style.color = colour;
  sign.setAttribute("aria-hidden", "true");
  item.append(sign, " " + text);
  if (method) item.dataset.method = method;
  return item;
}

function runSummary(run) {
  if (!run.doc) return `${run.method}: ${run.error}`;
  const n = run.doc.n_steps;
  const how = { converged: `converged in ${n} steps`, max_steps: `not converged after ${n} steps`,
                diverged: `diverged, stopped after ${n} steps`,
                non_finite: `stopped after ${n} steps (f or ∇f not finite)` }[run.doc.status];
  return `${run.method}: ${how}`;
}
