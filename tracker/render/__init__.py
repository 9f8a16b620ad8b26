"""The render layer: what a person reads or looks at.

``text`` (the terminal reports), ``charts`` and ``backtest_chart`` (Altair
figures, built never saved), ``export`` (files by extension; the one module
importing vl_convert), ``theme`` (the blog theme). Imports the forecast layer
and below; nothing here computes a number.
"""
