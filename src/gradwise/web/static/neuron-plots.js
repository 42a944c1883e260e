// The neuron's pictures for one feature (the command line draws the same): the data with the
// fitted curve ŷ = φ(w·x + b), and the cost C(w, b) over the data with the training path, all
// in the data's own units. The server sends them as "picture" in /api/train's answer.
"use strict";

async function drawPictures(picture, run) {
  for (const id of ["fit-plot", "surface-plot"]) $(id).hidden = !picture;
  if (!picture) return;
  await Plotly.react($("fit-plot"), fitTraces(picture, run), fitLayout(picture), PLOTLY_CONFIG);
  await Plotly.react($("surface-plot"), surfaceTracesOfCost(picture), costLayout(), PLOTLY_CONFIG);
}

function fitTraces(picture, run) {
  const w = run.weights[picture.feature];
  return [
    { type: "scatter", mode: "markers", name: "data", x: picture.data.x, y: picture.data.y,
      marker: { size: 6, color: "#1f77b4", opacity: 0.7 } },
    { type: "scatter", mode: "lines", name: `ŷ = φ(w·x + b), w = ${fmt(w)}, b = ${fmt(run.bias)}`,
      x: picture.curve.x, y: picture.curve.y, line: { color: "#ff7f0e", width: 3 } },
  ];
}

// A chart's top margin and title: at the left, clear of Plotly's buttons at the right; on a
// phone there is no room beside them, so the title goes below them.
function chartTop(text) {
  const title = { text, font: { size: 14 }, x: 0.02, xanchor: "left" };
  if (!PHONE.matches) return { margin: { l: 55, r: 15, t: 30, b: 45 }, title };
  return { margin: { l: 55, r: 15, t: 62, b: 45 },
           title: { ...title, yref: "container", y: 1, yanchor: "top", pad: { t: 36 } } };
}

function fitLayout(picture) {
  return { ...chartTop("the data and the fit"),
           xaxis: { title: { text: picture.feature } }, yaxis: { title: { text: $("target").value } },
           legend: { orientation: "h", y: -0.25 } };
}

function surfaceTracesOfCost(picture) {
  const path = picture.path;
  return [
    { type: "contour", name: "C(w, b)", x: picture.surface.w, y: picture.surface.b,
      z: picture.surface.C, colorscale: "Viridis", ncontours: 20,
      colorbar: { title: { text: "C", side: "right" }, thickness: 12 }, hoverinfo: "x+y+z" },
    { type: "scatter", mode: "lines+markers", name: `training path (${path.w.length - 1} epochs)`,
      x: path.w, y: path.b, line: { color: "#ff7f0e", width: 2 },
      marker: { size: 4, color: "#ff7f0e" } },
    { type: "scatter", mode: "markers", name: "start", x: [path.w[0]], y: [path.b[0]],
      marker: { size: 10, color: "#fff", line: { color: "#000", width: 1.5 } } },
  ];
}

function costLayout() {
  return { ...chartTop("C(w, b) and the training path"),
           xaxis: { title: { text: "w" } }, yaxis: { title: { text: "b" } }, showlegend: false };
}
