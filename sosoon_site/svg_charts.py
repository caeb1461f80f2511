"""The one relaxation of the page policy: a chart drawn by pygal is served as an image of
its own, whose styles are inline; that response allows them, and nothing else."""

from csp.decorators import csp_replace

SVG_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'none'"],
    "script-src": ["'none'"],
}

# Decorates a view that answers with one SVG chart.
svg_chart_policy = csp_replace(SVG_POLICY)
