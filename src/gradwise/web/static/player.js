// The runs' paths, animated step by step: play, pause, a step back or forward, and the speed.
// Several methods race on the same clock, each in its own colour. Only the path layer is
// redrawn per frame (landscape.js), so the landscape stays drawn while the paths grow; arrow
// markers show each step's direction, so a zig-zag reads as one.
"use strict";

const PALETTE = { gd: "#ff7f0e", momentum: "#e4003b", nesterov: "#ffffff", adagrad: "#17becf",
                  rmsprop: "#f15bb5", adam: "#111111" };
const player = { runs: [], total: 0, at: 0, playing: false, clock: null, drawing: false, pending: false };
const FAR = 1e6;  // points this many view widths away are not drawn (a path at 1e113 breaks SVG)

function initPlayer() {
  $("play").addEventListener("click", () => (player.playing ? pause() : play()));
  $("play-step").addEventListener("click", () => { pause(); seek(nextStep(1)); });
  $("play-back").addEventListener("click", () => { pause(); seek(nextStep(-1)); });
  $("play-first").addEventListener("click", () => { pause(); seek(0); });
  const speed = $("speed");
  speed.value = String(state.speed);
  speed.addEventListener("change", () => { setSetting("speed", speed.value); writeUrl(); });
}

// New runs: the first frame at once (the start), then the animation.
function loadRuns(runs) {
  pause();
  player.runs = runs.filter((run) => run.doc);
  player.total = Math.max(0, ...player.runs.map((run) => run.doc.n_steps));
  player.at = 0;
  showLegend();
  drawFrame();
  if (player.runs.length && player.total > 0) play();
}

function play() {
  if (player.at >= player.total) player.at = 0;
  player.playing = true;
  $("play").textContent = "❚❚";
  $("play").setAttribute("aria-label", "pause");
  // the whole run in 0.7 to 2.5 s at 1×; from the middle, the rest of it in its share of that
  const whole = Math.min(2500, Math.max(700, player.total * 25)) / state.speed;
  const from = player.at, began = performance.now();
  const duration = Math.max(1, whole * (player.total - from) / Math.max(player.total, 1));
  const tick = (now) => {
    if (!player.playing) return;
    const share = Math.min(1, (now - began) / duration);
    seek(Math.round(from + share * (player.total - from)));
    if (share < 1) player.clock = requestAnimationFrame(tick);
    else pause();
  };
  player.clock = requestAnimationFrame(tick);
}

function pause() {
  player.playing = false;
  cancelAnimationFrame(player.clock);
  $("play").textContent = "▶";
  $("play").setAttribute("aria-label", "play");
}

function seek(k) {
  const target = Math.max(0, Math.min(player.total, k));
  if (target === player.at && !player.pending) return;
  player.at = target;
  drawFrame();
}

// The next (or previous) step at which some path has a point.
function nextStep(direction) {
  const steps = player.runs.flatMap((run) => run.doc.path.step);
  const candidates = steps.filter((k) => (direction > 0 ? k > player.at : k < player.at));
  if (!candidates.length) return direction > 0 ? player.total : 0;
  return direction > 0 ? Math.min(...candidates) : Math.max(...candidates);
}

// Draws the paths up to step player.at; a frame asked for while one is drawn is drawn next.
async function drawFrame() {
  if (player.drawing) { player.pending = true; return; }
  player.drawing = true;
  try {
    do {
      player.pending = false;
      await drawPaths();
    } while (player.pending);
  } finally {
    player.drawing = false;
  }
  const shown = player.runs.length ? `step ${player.at} of ${player.total}` : "";
  $("play-position").textContent = shown;
  $("path-plot").dataset.frame = String(player.at);
}

async function drawPaths() {
  if (!landscape.layout) return;
  if (state.plot === "surface" && plotted().length === 2) {
    await Plotly.react($("plot"), [...landscape.traces, ...pathTraces()], landscape.layout, PLOTLY_CONFIG);
  } else {
    await Plotly.react($("path-plot"), pathTraces(), planeLayout(true), PLOTLY_CONFIG);
  }
  if (view.variables.length > 2) await drawProgress();
  else $("progress-plot").hidden = true;
}

// Each run's path up to the current step; before any run, the start alone.
function pathTraces() {
  if (!player.runs.length) return state.start && landscape.box ? [startTrace()] : [];
  return player.runs.map((run) => pathTrace(run, prefix(run.doc.path, player.at)));
}

function prefix(path, k) {
  let n = 0;
  while (n < path.step.length && path.step[n] <= k) n++;
  return n;
}

function startTrace() {
  const axes = plotted();
  const lifted = state.plot === "surface" && axes.length === 2;
  const trace = { type: lifted ? "scatter3d" : "scatter", mode: "markers", name: "start",
                  x: [state.start[axes[0]]], y: [axes.length === 2 ? state.start[axes[1]] : null],
                  marker: { size: lifted ? 5 : 10, color: PALETTE[state.method], line: { color: "#000", width: 1 } } };
  if (axes.length === 1) trace.y = [valueAt(landscape.surface, state.start[axes[0]])];
  if (lifted) trace.z = [null];
  return trace;
}

function pathTrace(run, n) {
  const axes = plotted(), path = run.doc.path, box = landscape.box;
  const lifted = state.plot === "surface" && axes.length === 2;
  const span = box[1] - box[0];
  const near = (v, i) => v !== null && Math.abs(v - (box[2 * i] + box[2 * i + 1]) / 2) < FAR * span;
  const [zLow, zHigh] = lifted ? surfaceRange() : [-Infinity, Infinity];
  const inBox = (x, y, z) => x >= box[0] && x <= box[1] && y >= box[2] && y <= box[3] && z >= zLow && z <= zHigh;
  const xs = [], ys = [], zs = [];
  for (let j = 0; j < n; j++) {
    const x = path.point[axes[0]][j];
    const y = axes.length === 2 ? path.point[axes[1]][j] : path.value[j];
    const keep = lifted ? inBox(x, y, path.value[j])
      : near(x, 0) && (axes.length === 1 ? y !== null && Math.abs(y) < 1e300 : near(y, 1));
    xs.push(keep ? x : null);
    ys.push(keep ? y : null);
    zs.push(keep ? path.value[j] : null);
  }
  const colour = PALETTE[run.method];
  const symbols = xs.map((_, j) => (j === 0 ? "circle" : "arrow"));
  const trace = { type: lifted ? "scatter3d" : "scatter", mode: "lines+markers", name: run.method,
                  x: xs, y: ys, hoverinfo: "skip",
                  line: { color: colour, width: lifted ? 5 : 2.5 },
                  marker: lifted ? { size: 3, color: colour }
                    : { symbol: symbols, angleref: "previous", size: path.step.length > 60 ? 6 : 9,
                        color: colour, line: { color: "#000", width: 0.6 } } };
  if (lifted) trace.z = zs;
  return trace;
}

// Three or more variables: f and |∇f| at each step (the plane shows only a slice).
async function drawProgress() {
  const box = $("progress-plot");
  box.hidden = !player.runs.length;
  if (!player.runs.length) return;
  const traces = player.runs.flatMap((run) => {
    const path = run.doc.path, n = prefix(path, player.at);
    return [{ type: "scatter", mode: "lines", name: `f (${run.method})`, x: path.step.slice(0, n),
              y: path.value.slice(0, n), line: { color: PALETTE[run.method] === "#ffffff" ? "#777" : PALETTE[run.method] } },
            { type: "scatter", mode: "lines", name: `|∇f| (${run.method})`, x: path.step.slice(0, n),
              y: path.gradient_norm.slice(0, n), yaxis: "y2",
              line: { color: PALETTE[run.method] === "#ffffff" ? "#777" : PALETTE[run.method], dash: "dot" } }];
  });
  const layout = { margin: { l: 60, r: 80, t: 10, b: 45 }, showlegend: true,
                   legend: { orientation: "h", y: -0.25 },
                   xaxis: { title: { text: "step" }, range: [0, Math.max(1, player.total)] },
                   yaxis: { title: { text: "f" } },
                   yaxis2: { title: { text: "|∇f|" }, overlaying: "y", side: "right", type: "log",
                             exponentformat: "power" } };
  await Plotly.react(box, traces, layout, PLOTLY_CONFIG);
}
