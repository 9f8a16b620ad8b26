-- Which of a benchmark's settings a fit may take (tracker.data.store.Store.benchmark_rows).
-- Parameters (bound by tracker.data.store, never formatted in):
-- settings (the benchmark's distinct settings), patterns (ordered list of setting globs),
-- exclude (list of setting globs never taken: the benchmark's non-standard vocabulary, unless asked for).
-- One row per setting with
--   pref:     the position (from 1) of the first pattern the setting matches, NULL for none;
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
    SELECT unnest(getvariable('settings')) AS setting
)
SELECT s.setting,
       (SELECT min(p.pref) FROM prefs AS p WHERE s.setting GLOB p.pattern) AS pref,
       EXISTS (SELECT 1 FROM excludes AS x WHERE s.setting GLOB x.pat) AS excluded
FROM settings AS s;
