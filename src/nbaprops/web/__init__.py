"""The read-only web app: the JSON API and the dashboard over the published files and the run history.

It never opens the DuckDB warehouse: DuckDB locks its file against every other process, so a
server holding it would block the pipeline. Everything it shows was published as JSON under
``{publish_dir}/v1/`` or recorded in the run history (SQLite WAL / Postgres, safe to read while a
run writes).
"""
