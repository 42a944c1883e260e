"""The graph's picture: what is drawn is what the passes computed, read back from the artists."""

import json
import re

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import gradwise  # noqa: E402
from gradwise.calculus.graph_layout import LIMIT, lay_out  # noqa: E402
from gradwise.calculus.graph_text import dot_text  # noqa: E402
from gradwise.plotting.graph import graph_html, graph_svg, plot_graph  # noqa: E402
from gradwise.plotting.style import COLOURS, number  # noqa: E402

NEURON = "C(w, b) = (y - sigmoid(w x + b))^2"
POINT = "x=1, y=1, b=0, w=3"


def by_gid(ax):
    found = {}
    for artist in [*ax.patches, *ax.texts]:
        if artist.get_gid():
            found[artist.get_gid()] = artist
    return found


def test_every_node_shows_its_value_and_adjoint_and_every_edge_its_local_derivative():
    g = gradwise.graph(NEURON, at=POINT)
    drawn = by_gid(plot_graph(g))
    for node in g.nodes:
        assert f"node:{node.id}" in drawn
        if node.op == "constant":
            assert drawn[f"label:{node.id}"].get_text() == node.name
            continue
        assert drawn[f"value:{node.id}"].get_text() == f"value {number(node.float_value)}"
        adjoint = drawn[f"adjoint:{node.id}"].get_text()
        if node.adjoint is None:
            assert adjoint == "held constant"
        else:
            assert adjoint == f"∂C/∂{node.name} = {number(node.float_adjoint)}"
        for k, (j, local) in enumerate(zip(node.inputs, node.local_derivatives)):
            assert f"edge:{j}->{node.id}:{k}" in drawn
            label = drawn.get(f"local:{j}->{node.id}:{k}")
            assert (label is None) == (local is None)
            if local is not None:
                assert label.get_text() == number(float(local))


def test_the_notes_numbers_are_in_the_picture():
    g = gradwise.graph(NEURON, at=POINT, names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    texts = {t.get_text() for t in plot_graph(g).texts}
    assert {"∂C/∂w = −0.004285", "∂C/∂ŷ = −0.09485", "value 0.9526", "0.04518"} <= texts
    identity = gradwise.graph("C(w, b) = (y - (w x + b))^2", at=POINT)
    texts = {t.get_text() for t in plot_graph(identity).texts}
    assert {"value 4", "∂C/∂w = 4", "∂C/∂b = 4"} <= texts


def test_highlight_colours_the_path_of_one_gradient():
    g = gradwise.graph(NEURON, at=POINT)
    drawn = by_gid(plot_graph(g, highlight="b"))
    path = g.path("b")
    orange = matplotlib.colors.to_rgba(COLOURS["path"])
    for gid, artist in drawn.items():
        if gid.startswith("edge:"):
            j, i = map(int, re.match(r"edge:(\d+)->(\d+)", gid).groups())
            assert (artist.get_edgecolor() == orange) == (j in path and i in path), gid
        if gid.startswith("node:"):
            assert (artist.get_edgecolor() == orange) == (int(gid[5:]) in path), gid
    assert "the path of ∂C/∂b in orange" in plot_graph(g, highlight="b").get_title()


def test_inputs_are_left_of_their_node_and_boxes_never_overlap():
    g = gradwise.graph("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", at="x=1, y=2")
    layout = lay_out(g)
    for node in g.nodes:
        assert all(layout.layer[j] < layout.layer[node.id] for j in node.inputs)
    for level in range(layout.layers):
        rows = sorted(r for i, r in layout.row.items() if layout.layer[i] == level)
        assert all(b - a >= 1 - 1e-9 for a, b in zip(rows, rows[1:]))
    assert layout.layer[g.output.id] == layout.layers - 1


def test_a_large_graph_is_simplified_and_says_so():
    text = " + ".join(f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, 12))
    g = gradwise.graph(text, at={f"x{i}": 1 for i in range(1, 13)})
    assert len(g.nodes) > LIMIT
    ax = plot_graph(g, highlight="x5")
    boxes = [gid for gid in by_gid(ax) if gid.startswith("node:")]
    assert len(boxes) <= LIMIT
    assert "simplified" in ax.get_title()
    shown = {int(gid[5:]) for gid in boxes}
    assert g.path("x5") <= shown  # the highlighted path is kept whole


def test_constants_are_folded_first():
    text = " + ".join(f"(x{i} - {i})^2" for i in range(1, 9))  # 8·5 + 1 nodes, 16 constants
    g = gradwise.graph(text, at={f"x{i}": 0 for i in range(1, 9)})
    layout = lay_out(g, limit=30)
    assert all(g.nodes[i].op != "constant" for i in layout.layer)
    assert len(layout.layer) == len(g.nodes) - 16
    assert layout.note.startswith("simplified: the 16 constants")


def test_svg_html_and_notebook_carry_the_node_ids_and_chain_rules():
    g = gradwise.graph(NEURON, at=POINT, names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    svg = graph_svg(g, "w")
    assert svg.startswith("<svg") and all(f'id="node:{n.id}"' in svg for n in g.nodes)
    assert g._repr_svg_().startswith("<svg")
    page = graph_html(g, "w")
    assert "<script src" not in page and "cdn" not in page.lower()
    data = re.search(r'<script type="application/json" id="lines">(.*?)</script>', page, re.S)
    lines = json.loads(data.group(1))
    assert lines[str(g.node("z").id)]["chain_rule"] == g.chain_rule("z")
    assert isinstance(g.plot(highlight="w"), Axes)


def test_dot_text_has_every_node_and_edge():
    g = gradwise.graph(NEURON, at=POINT)
    dot = dot_text(g, "w")
    assert dot.startswith("digraph gradwise {\n  rankdir=LR;") and dot.endswith("}\n")
    nodes = re.findall(r"^  n(\d+) \[label=", dot, re.M)
    edges = re.findall(r"^  n(\d+) -> n(\d+) \[", dot, re.M)
    assert sorted(map(int, nodes)) == [n.id for n in g.nodes]
    assert sorted((int(a), int(b)) for a, b in edges) == sorted(
        (j, n.id) for n in g.nodes for j in n.inputs)
    assert 'label="v₁ = w·x\\nvalue 3\\n∂C/∂v₁ = −0.004285"' in dot
    assert dot.count('color="#ff7f0e", penwidth=2.5') == 2 * len(g.path("w")) - 1


def test_a_dot_label_escapes_quotes():
    from gradwise.calculus.graph_text import _dot

    assert _dot('a "b" \\ c') == 'a \\"b\\" \\\\ c'


def test_highlight_must_be_a_variable():
    g = gradwise.graph(NEURON, at=POINT)
    with pytest.raises(gradwise.InputError, match="not a variable"):
        plot_graph(g, highlight="x")


def test_without_matplotlib_a_notebook_shows_the_text(monkeypatch):
    import sys

    g = gradwise.graph("(1 - w)^2", at="w=3")
    monkeypatch.setitem(sys.modules, "gradwise.plotting.graph", None)  # as if not installed
    assert g._repr_svg_() is None
    assert repr(g) == "<Graph of '(1 - w)^2' at w=3: 5 nodes>"
    assert str(g).splitlines()[0].split() == ["#", "node", "op", "value", "local",
                                              "derivatives", "∂f/∂node"]

