// The Graph tab: the computation graph of the page's function at a point, from POST /api/graph,
// drawn here in SVG from the document's layout (the layout the CLI's pictures use). Each node
// shows its value (forward pass) and adjoint ∂f/∂node (backward pass), each edge its local
// derivative; a click (or Enter) on a node shows its chain-rule line.
// Self-contained: it reads the function from the page's #expr input and the start from the URL
// (?start=...), and redraws when its tab is shown, so the rest of the page needs no hooks.
// Every text from the server is set as textContent: nothing is parsed as HTML.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const DX = 250, DY = 80, W = 156, H = 60, SMALL = 30, R = 13, MARGIN = 24, LONGEST = 24;
  const COLOUR = {
    path: "#ff7f0e", value: "#1f4e8c", adjoint: "#e6007e", local: "#7b3fa0", line: "#606060",
    edge: "#707070", faint: "#b0b0b0", operation: "#eaf1fb",
    variable: "#e3f4e1", parameter: "#eeeeee", constant: "#ffffff",
  };
  const view = { generation: 0, expr: null, document: null, selected: null };
  const byId = (id) => document.getElementById(id);

  // 4 significant digits and the minus sign, as the CLI's pictures write numbers
  function number(x) {
    if (x === null || x === undefined) return "—";
    if (x === 0) return "0";
    const big = Math.abs(x) >= 1e5 || Math.abs(x) < 1e-4;
    const text = big ? x.toExponential(3).replace(/\.?0+e/, "e") : String(Number(x.toPrecision(4)));
    return text.replaceAll("-", "−");
  }

  function element(name, attributes, text) {
    const made = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
    if (text !== undefined) made.textContent = text;
    return made;
  }

  async function post(body) {
    const response = await fetch("/api/graph", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    let answer;
    try { answer = await response.json(); } catch { answer = { error: response.statusText }; }
    return { ok: response.ok, document: answer };
  }

  // The start the descent tab chose (in the URL), else 1 for every name of the function.
  async function defaultPoint(expr) {
    const start = new URLSearchParams(window.location.search).get("start");
    if (start) return start;
    const response = await fetch("/api/gradient", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ expr }),
    });
    if (!response.ok) return "";
    const answer = await response.json();
    return answer.variables.map((name) => `${name}=1`).join(",");
  }

  async function onShown() {
    const expr = byId("expr").value;
    if (expr !== view.expr || !byId("graph-at").value) {
      view.expr = expr;
      byId("graph-function").textContent = `f = ${expr}`;
      byId("graph-at").value = await defaultPoint(expr);
    }
    await draw();
  }

  async function draw() {
    const generation = ++view.generation;
    const body = { expr: view.expr, at: byId("graph-at").value };
    const highlight = byId("graph-highlight").value;
    if (highlight) body.highlight = highlight;
    const answer = await post(body);
    if (generation !== view.generation) return;  // a newer request has taken over
    const error = byId("graph-error");
    error.hidden = answer.ok;
    error.textContent = answer.ok ? "" : answer.document.error;
    if (answer.ok) render(answer.document);
    byId("graph-svg").dataset.settled = answer.ok ? `${body.expr} @ ${body.at}` : "error";
  }

  function render(doc) {
    view.document = doc;
    const shown = doc.nodes.filter((node) => node.layer !== null);
    const rows = Math.max(0, ...shown.map((node) => node.row)) + 1;
    const svg = byId("graph-svg");
    const width = doc.layout.layers * DX + 2 * MARGIN, height = rows * DY + 2 * MARGIN;
    // shrunk to fit its box down to 70%, past that scrolled: text stays readable
    const room = svg.parentElement.clientWidth - 2;
    const scale = room > 0 ? Math.max(0.7, Math.min(1, room / width)) : 1;
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("width", Math.round(width * scale));
    svg.setAttribute("height", Math.round(height * scale));
    const path = new Set(doc.highlight ? doc.highlight.path : []);
    const edges = element("g", { class: "graph-edges" });
    const nodes = element("g", { class: "graph-nodes" });
    for (const node of shown) {
      node.inputs.forEach((input, k) => {
        const from = doc.nodes[input.node];
        if (from.layer !== null) edges.append(edge(from, node, k, path));
      });
      nodes.append(box(doc, node, path.has(node.id)));
    }
    svg.replaceChildren(defs(), edges, nodes);
    byId("graph-note").textContent = doc.layout.note;
    fillHighlight(doc.variables);
    const first = doc.nodes.find((node) => node.op === "variable");
    select(view.selected !== null && doc.nodes[view.selected] ? view.selected : first.id);
  }

  function defs() {
    const made = element("defs", {});
    for (const [id, colour] of [["graph-arrow", COLOUR.edge], ["graph-arrow-path", COLOUR.path]]) {
      const marker = element("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5,
                                         markerUnits: "userSpaceOnUse", markerWidth: 9,
                                         markerHeight: 9, orient: "auto" });
      marker.append(element("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: colour }));
      made.append(marker);
    }
    return made;
  }

  const centre = (node) => [MARGIN + node.layer * DX + W / 2 + R, MARGIN + node.row * DY + H / 2];

  function edge(from, to, k, path) {
    const input = to.inputs[k];
    const [x0, y0] = centre(from), [x1, y1] = centre(to);
    const points = [[x0 + W / 2, y0]];
    (input.route || []).forEach((row, n) => {
      points.push([MARGIN + (from.layer + n + 1) * DX + W / 2 + R, MARGIN + row * DY + H / 2]);
    });
    points.push([x1 - W / 2 - R, y1]);
    let d = `M ${points[0][0]} ${points[0][1]}`;
    for (let i = 1; i < points.length; i++) {  // each piece leaves and arrives horizontally
      const [a, b] = points[i - 1], [c, e] = points[i], middle = (a + c) / 2;
      d += ` C ${middle} ${b} ${middle} ${e} ${c} ${e}`;
    }
    const onPath = path.has(from.id) && path.has(to.id);
    const colour = onPath ? COLOUR.path : input.local === null ? COLOUR.faint : COLOUR.edge;
    const group = element("g", { class: "graph-edge", "data-edge": `${from.id}-${to.id}-${k}` });
    group.append(element("path", {
      d, fill: "none", stroke: colour, "stroke-width": onPath ? 2.6 : 1.2,
      "stroke-dasharray": input.local === null ? "4 3" : "none",
      "marker-end": onPath ? "url(#graph-arrow-path)" : "url(#graph-arrow)",
    }));
    if (input.local !== null) {
      const [a, b] = points[points.length - 2], [c, e] = points[points.length - 1];
      group.append(element("text", {
        x: (a + c) / 2, y: (b + e) / 2 + 4, "text-anchor": "middle", "font-size": 11,
        fill: COLOUR.local, stroke: "#fff", "stroke-width": 4, "paint-order": "stroke",
        class: "graph-local",
      }, number(input.local)));
    }
    return group;
  }

  function lines(doc, node) {
    const top = doc.nodes[doc.output].label;
    let label = node.op === "variable" || node.op === "parameter"
      ? `${node.label} (${node.op})` : node.definition;
    if (label.length > LONGEST) label = label.slice(0, LONGEST - 1) + "…";
    if (node.op === "constant") return [label];
    const adjoint = node.adjoint === null ? "held constant" : `∂${top}/∂${node.label} = ${number(node.adjoint)}`;
    return [label, `value ${number(node.value)}`, adjoint];
  }

  function box(doc, node, onPath) {
    const [x, y] = centre(node);
    const text = lines(doc, node);
    const height = node.op === "constant" ? SMALL : H;
    const group = element("g", {
      class: "graph-node", id: `graph-node-${node.id}`, "data-id": node.id, tabindex: 0,
      role: "button", "aria-label": text.join(", "),
    });
    group.append(element("rect", {
      x: x - W / 2, y: y - height / 2, width: W, height, rx: 8,
      fill: COLOUR[node.op] || COLOUR.operation, stroke: onPath ? COLOUR.path : COLOUR.line,
      "stroke-width": onPath ? 2.6 : 1,
    }));
    const colours = ["#1a1a1a", COLOUR.value, node.adjoint === null ? "#808080" : COLOUR.adjoint];
    text.forEach((line, i) => {
      group.append(element("text", {
        x: x + 4, y: y + (i - (text.length - 1) / 2) * 17 + 4, "text-anchor": "middle",
        "font-size": 12, "font-weight": i === 0 ? 600 : 400, fill: colours[i],
        class: ["graph-label", "graph-value", "graph-adjoint"][i],
      }, line));
    });
    if (!["variable", "parameter", "constant"].includes(node.op)) {
      group.append(element("circle", { cx: x - W / 2, cy: y, r: R, fill: "#fff",
                                       stroke: onPath ? COLOUR.path : COLOUR.line }));
      group.append(element("text", { x: x - W / 2, y: y + 4, "text-anchor": "middle",
                                     "font-size": node.op.length < 3 ? 12 : 9 }, node.op));
    }
    return group;
  }

  function select(id) {
    view.selected = id;
    const node = view.document.nodes[id];
    byId("graph-chain").textContent = `${node.definition}:  ${node.chain_rule}`;
    for (const group of byId("graph-svg").querySelectorAll(".graph-node")) {
      group.classList.toggle("selected", Number(group.dataset.id) === id);
    }
  }

  function fillHighlight(variables) {
    const menu = byId("graph-highlight");
    const chosen = menu.value;
    const names = ["", ...variables];
    if (names.join(",") === [...menu.options].map((o) => o.value).join(",")) return;
    menu.replaceChildren(...names.map((name) => new Option(name || "none", name)));
    menu.value = variables.includes(chosen) ? chosen : "";
  }

  function onPick(event) {
    const group = event.target.closest(".graph-node");
    if (group && (event.type === "click" || event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(Number(group.dataset.id));
    }
  }

  function init() {
    const panel = byId("tab-graph");
    if (!panel) return;
    let timer = null;
    byId("graph-at").addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(draw, 300);
    });
    byId("graph-highlight").addEventListener("change", draw);
    byId("graph-svg").addEventListener("click", onPick);
    byId("graph-svg").addEventListener("keydown", onPick);
    new MutationObserver(() => { if (!panel.hidden) onShown(); })
      .observe(panel, { attributes: true, attributeFilter: ["hidden"] });
    if (!panel.hidden) onShown();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
