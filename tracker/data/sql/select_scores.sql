-- A benchmark's rows for the fits (tracker.data.store.Store.benchmark_rows), fetched once per command.
-- Parameters (bound by tracker.data.store, never formatted in):
-- benchmark (id), patterns (ordered list of setting globs),
-- exclude (list of setting globs never taken: the benchmark's non-standard vocabulary, unless asked for).
-- Every row of the benchmark (scores_known: the scores_joined view materialised once per store), with
--   pref:     the position (from 1) of the first pattern the row's setting matches, NULL for none;
--   excluded: whether the setting matches a glob of exclude.
-- Which row of each model a fit takes, as of a date, is decided in memory from these two columns
-- (tracker.data.select.pick_scores): the best score under the first pattern the model has any score
-- for, among sources of the chosen kind, known and released by the as-of date, previews left out
-- unless asked for.
WITH prefs AS (
    SELECT unnest(getvariable('patterns')) AS pattern, generate_subscripts(getvariable('patterns'), 1) AS pref
),
excludes AS (
    SELECT unnest(getvariable('exclude')) AS pat
),
settings AS (
    SELECT DISTINCT setting FROM scores_known WHERE benchmark_id = getvariable('benchmark')
),
matched AS (
    SELECT s.setting,
           (SELECT min(p.pref) FROM prefs AS p WHERE s.setting GLOB p.pattern) AS pref,
           EXISTS (SELECT 1 FROM excludes AS x WHERE s.setting GLOB x.pat) AS excluded
    FROM settings AS s
)
SELECT j.*, m.pref, m.excluded
FROM scores_known AS j
JOIN matched AS m ON m.setting = j.setting
WHERE j.benchmark_id = getvariable('benchmark')
ORDER BY j.known_date, j.model_id, j.setting, j.effort, j.model_version NULLS FIRST, j.source_name;
