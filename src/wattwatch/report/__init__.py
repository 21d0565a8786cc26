"""The offline HTML report: one self-contained file, charts as inline SVG."""
