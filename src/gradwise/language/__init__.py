"""Text ⇄ SymPy: the one door from user text (parser, builder, functions, notation, numbers)."""
