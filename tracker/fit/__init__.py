"""The fit layer: pure numerics on arrays, no files, no SQL, no dates of the data.

``resample`` (bootstrap counts, summaries of draws), ``glm`` (the one
quasi-binomial logit solver), ``sigmoid`` (score against log compute or date),
``trend`` (frontier compute over time, decimal years). Imports nothing of
tracker's but ``tracker.errors``.
"""
