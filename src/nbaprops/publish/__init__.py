"""Publishing: the static JSON under ``{publish_dir}/v1/`` that the API and the dashboard serve.

One module per kind of file — ``tonight``, ``results``, ``best_bets``, ``players``, ``systems``,
``status``, ``index`` — each with ``publish(wh, settings, history, start, end)``; shared helpers:
``files`` (paths, the envelope, atomic writes), ``records`` (data frames to JSON), ``health`` (is a
date trustworthy), ``summaries`` and ``breakdowns`` (graded numbers), ``schema`` (the JSON Schemas).
docs/publishing.md describes every file.
"""
