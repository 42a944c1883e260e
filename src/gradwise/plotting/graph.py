"""The computation graph drawn: inputs left, output right, each node with its value and adjoint.

micrograd's ``draw_dot`` picture, in gradwise's colours: a box per node with its
definition (``v₃ = σ(v₂)``), its value from the forward pass (blue, as f's curve) and its
adjoint ∂f/∂node from the backward pass (magenta, as a gradient's point); an operation's
symbol in a circle where its inputs arrive; each edge labelled with its local derivative
∂node/∂input (purple, the colour of a slope). With ``highlight="w"`` the path of ∂f/∂w,
from the leaf w to the output, is orange, as a descent's path.

The layout is :mod:`gradwise.calculus.graph_layout`'s (no Graphviz needed); past 60 nodes
the picture is simplified and its subtitle says how. Artists carry gids: ``node:ID`` (the
box), ``label:ID``, ``value:ID``, ``adjoint:ID``, ``op:ID``, ``edge:IN->ID:K`` and
``local:IN->ID:K``, so tests and the HTML page find them again.

Example:
    >>> import gradwise
    >>> ax = plot_graph(gradwise.graph("(1 - w)^2", at="w=3"), highlight="w")
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "adjoint:0"]
    ['∂f/∂w = 4']
"""

from __future__ import annotations

import io
import json
import sys
from html import escape
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from gradwise.calculus.graph_layout import LIMIT, Layout, lay_out
from gradwise.plotting.style import COLOURS, new_figure, number, title

__all__ = ["plot_graph", "graph_svg", "graph_html", "node_lines", "LIMIT"]

DX, DY = 3.3, 1.35
"""Data units between layers and between rows."""
WIDTH, HEIGHT, SMALL = 2.3, 1.0, 0.5
"""A node's box; a constant's box is SMALL high."""
RADIUS = 0.24
INCH = 0.72
"""Inches per data unit: 8-point text fits a box."""
LONGEST = 24
"""A definition longer than this is cut with an ellipsis (the table has it whole)."""
TITLE = 110

FILL = {"variable": "#e3f4e1", "parameter": "#eeeeee", "constant": "#ffffff"}
OPERATION_FILL = "#eaf1fb"


def plot_graph(graph: Any, highlight: str | None = None, *, limit: int = LIMIT,
               ax: Axes | None = None) -> Axes:
    """The graph's picture after its forward and backward passes.

    Args:
        graph: a :class:`~gradwise.calculus.graph.Graph` (``gradwise.graph(f, at=...)``).
        highlight: a variable whose gradient's path is drawn in orange.
        limit: the most nodes drawn before the picture is simplified.
        ax: draw into these Axes instead of a new figure.

    Returns:
        The Axes drawn into (its aspect is equal; the axes are hidden).

    Raises:
        InputError: ``highlight`` is not a variable of the graph.
    """
    path = graph.path(highlight) if highlight else frozenset()
    layout = lay_out(graph, highlight, limit)
    ax = ax if ax is not None else _axes(layout)
    for (j, i, k), route in layout.routes.items():
        _edge(ax, graph, layout, (j, i, k), route, on_path=j in path and i in path)
    for i in layout.layer:
        _node(ax, graph, graph.nodes[i], layout, i in path)
    _frame(ax, graph, layout, highlight)
    return ax


def node_lines(graph: Any, node: Any) -> tuple[str, str, str]:
    """The three lines of a node's box: definition, value, adjoint (the last may be '')."""
    top = graph.output.name
    label = graph.definition(node)
    if node.op in ("variable", "parameter"):
        label = f"{node.name} ({node.op})"
    if len(label) > LONGEST:
        label = label[:LONGEST - 1] + "…"
    if node.op == "constant":
        return label, "", ""
    value = f"value {number(node.float_value)}"
    adjoint = "held constant" if node.adjoint is None else \
        f"∂{top}/∂{node.name} = {number(node.float_adjoint)}"
    return label, value, adjoint


def _axes(layout: Layout) -> Axes:
    rows = max(layout.row.values(), default=0.0) + 1
    width = max(layout.layers * DX, 2 * DX) * INCH
    height = (rows * DY + 1.2) * INCH
    return new_figure(min(width, 40), min(height, 40)).add_subplot()


def _centre(layout: Layout, i: int) -> tuple[float, float]:
    return layout.layer[i] * DX, -layout.row[i] * DY


def _node(ax: Axes, graph: Any, node: Any, layout: Layout, on_path: bool) -> None:
    x, y = _centre(layout, node.id)
    height = SMALL if node.op == "constant" else HEIGHT
    box = FancyBboxPatch((x - WIDTH / 2, y - height / 2), WIDTH, height,
                         boxstyle="round,pad=0.02,rounding_size=0.12", gid=f"node:{node.id}",
                         facecolor=FILL.get(node.op, OPERATION_FILL),
                         edgecolor=COLOURS["path"] if on_path else "#606060",
                         linewidth=2.4 if on_path else 0.9, zorder=3)
    ax.add_patch(box)
    label, value, adjoint = node_lines(graph, node)
    lines = [(label, "label", "#1a1a1a", "bold"), (value, "value", COLOURS["curve"], "normal"),
             (adjoint, "adjoint", COLOURS["at"] if node.adjoint is not None else "#808080",
              "normal")]
    shown = [line for line in lines if line[0]]
    for row, (text, kind, colour, weight) in enumerate(shown):
        offset = (len(shown) - 1) / 2 - row
        ax.text(x + 0.08, y + offset * 0.28, text, ha="center", va="center", fontsize=7.5,
                color=colour, fontweight=weight, gid=f"{kind}:{node.id}", zorder=4)
    if not node.is_leaf:
        _badge(ax, node, (x - WIDTH / 2, y), on_path)
    hidden = [j for j in node.inputs if j not in layout.layer]
    if any(graph.nodes[j].op != "constant" for j in hidden):  # a simplified picture
        ax.text(x - WIDTH / 2 - 0.55, y, "…", ha="center", va="center", color="#808080",
                gid=f"hidden:{node.id}", zorder=4)


def _badge(ax: Axes, node: Any, at: tuple[float, float], on_path: bool) -> None:
    ax.add_patch(Circle(at, RADIUS, facecolor="white", gid=f"op:{node.id}", zorder=5,
                        edgecolor=COLOURS["path"] if on_path else "#606060",
                        linewidth=1.8 if on_path else 0.9))
    ax.text(*at, node.op, ha="center", va="center", fontsize=7 if len(node.op) < 3 else 5.5,
            zorder=6, gid=f"optext:{node.id}")


def _edge(ax: Axes, graph: Any, layout: Layout, key: tuple[int, int, int], route: list[float],
          on_path: bool) -> None:
    j, i, k = key
    (x0, y0), (x1, y1) = _centre(layout, j), _centre(layout, i)
    start = (x0 + WIDTH / 2, y0)
    end = (x1 - WIDTH / 2 - RADIUS, y1)
    points = [start] + [((layout.layer[j] + n + 1) * DX, -r * DY) for n, r in enumerate(route)]
    points.append(end)
    local = graph.nodes[i].local_derivatives[k]
    colour = COLOURS["path"] if on_path else "#707070" if local is not None else "#b0b0b0"
    ax.add_patch(FancyArrowPatch(path=_curve(points), arrowstyle="-|>", mutation_scale=9,
                                 color=colour, linewidth=2.2 if on_path else 0.9,
                                 linestyle="-" if local is not None else (0, (3, 2)),
                                 gid=f"edge:{j}->{i}:{k}", zorder=2))
    if local is not None:
        (ax0, ay0), (ax1, ay1) = points[-2], points[-1]
        ax.text((ax0 + ax1) / 2, (ay0 + ay1) / 2, number(float(local.evalf(17))), fontsize=6.5,
                ha="center", va="center", color=COLOURS["tangent"], gid=f"local:{j}->{i}:{k}",
                zorder=4, bbox={"boxstyle": "round,pad=0.12", "facecolor": "white",
                                "edgecolor": "none", "alpha": 0.9})


def _curve(points: list[tuple[float, float]]) -> Path:
    """A smooth S-curve through the points: each piece leaves and arrives horizontally."""
    vertices, codes = [points[0]], [Path.MOVETO]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        middle = (x0 + x1) / 2
        vertices += [(middle, y0), (middle, y1), (x1, y1)]
        codes += [Path.CURVE4] * 3
    return Path(vertices, codes)


def _frame(ax: Axes, graph: Any, layout: Layout, highlight: str | None) -> None:
    where = ", ".join(f"{s.name} = {number(v)}" for s, v in graph.point.items())
    detail = f"at {where}: value (blue), ∂{graph.output.name}/∂node (magenta), " \
             "∂node/∂input on the edges (purple)"
    if highlight:
        detail += f"; the path of ∂{graph.output.name}/∂{highlight} in orange"
    if layout.note:
        detail += f"\n{layout.note}"
    heading = title(graph.function)
    if len(heading) > TITLE:
        heading = heading[:TITLE - 1] + "…"
    ax.set_title(f"{heading}\n{detail}", fontsize=9)
    xs = [_centre(layout, i)[0] for i in layout.layer]
    ys = [_centre(layout, i)[1] for i in layout.layer]
    ax.set_xlim(min(xs) - WIDTH / 2 - 0.9, max(xs) + WIDTH / 2 + 0.3)
    ax.set_ylim(min(ys) - HEIGHT, max(ys) + HEIGHT)
    ax.set_aspect("equal")
    ax.set_axis_off()



def graph_svg(graph: Any, highlight: str | None = None) -> str:
    """The picture as SVG text (for a notebook or a page): nodes are ``<g id="node:ID">``."""
    figure: Any = plot_graph(graph, highlight).figure
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # drawn for a notebook's display: not shown a second time
        pyplot.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def graph_html(graph: Any, highlight: str | None = None) -> str:
    """A self-contained page: the picture, and a node's chain-rule line when it is clicked.

    Nothing is loaded from anywhere: the SVG is inline and the script is a dozen lines.
    """
    lines = {str(n.id): {"definition": graph.definition(n), "chain_rule": graph.chain_rule(n)}
             for n in graph.nodes}
    data = json.dumps(lines, ensure_ascii=False).replace("<", "\\u003c")
    heading = escape(title(graph.function))
    return _PAGE.format(title=heading, svg=graph_svg(graph, highlight), data=data,
                        first=escape(graph.chain_rule(graph.variables[0].name)))


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1rem; }}
#chain {{ font-size: 1.1rem; padding: .6rem; border: 1px solid #ccc; background: #fafafa; }}
svg {{ max-width: 100%; height: auto; }}
svg g[id^="node:"] {{ cursor: pointer; }}
</style></head>
<body>
<h1>{title}</h1>
<p>Click a node: its chain-rule line appears here.</p>
<p id="chain" role="status" aria-live="polite">{first}</p>
{svg}
<script type="application/json" id="lines">{data}</script>
<script>
const lines = JSON.parse(document.getElementById("lines").textContent);
document.querySelector("svg").addEventListener("click", (event) => {{
  const group = event.target.closest("g[id]");
  const match = group && /^[a-z]+:(\\d+)$/.exec(group.id);
  if (!match || !lines[match[1]]) return;
  const line = lines[match[1]];
  document.getElementById("chain").textContent = line.definition + ":  " + line.chain_rule;
}});
</script>
</body></html>
"""
