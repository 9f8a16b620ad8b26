-- One score per model for a fit.
-- Parameters (bound as DuckDB variables by tracker.store, never formatted in):
-- benchmark (id), patterns (ordered list of setting globs),
-- source ('lab' | 'independent' | 'any'), as_of (date), include_previews (boolean),
-- exclude (list of setting globs never taken: the benchmark's non-standard vocabulary, unless asked for).
-- A model's row is the best score under the first pattern it has any score for,
-- among sources of the chosen kind, known on or before getvariable('as_of'), released by then.
-- Previews (announced, not publicly available: models.preview) are left out unless include_previews.
WITH prefs AS (
    SELECT unnest(getvariable('patterns')) AS pattern, generate_subscripts(getvariable('patterns'), 1) AS pref
),
candidates AS (
    SELECT j.*, min(p.pref) AS pref
    FROM scores_joined AS j
    JOIN prefs AS p ON j.setting GLOB p.pattern
    WHERE j.benchmark_id = getvariable('benchmark')
      AND (getvariable('source') = 'any' OR j.source_kind = getvariable('source'))
      AND j.known_date <= getvariable('as_of')
      AND j.release_date <= getvariable('as_of')
      AND (getvariable('include_previews') OR NOT j.preview)
      AND NOT EXISTS (SELECT 1 FROM (SELECT unnest(getvariable('exclude')) AS pat) AS x WHERE j.setting GLOB x.pat)
    GROUP BY ALL
)
SELECT *
FROM candidates
QUALIFY row_number() OVER (
    PARTITION BY model_id
    -- A total order (the rest of the primary key breaks every tie), so the row
    -- chosen never depends on the order of the input files.
    ORDER BY pref, score DESC, known_date, source_kind, source_name, setting, effort, model_version NULLS FIRST
) = 1
ORDER BY release_date, model_id;
