"""Renderers: PNG/SVG/PDF figures, terminal charts and tables, each from Traces."""
