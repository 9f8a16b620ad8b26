-- One score per model for a fit.
-- Parameters (bound as DuckDB variables by tracker.store, never formatted in):
-- benchmark (id), patterns (ordered list of setting globs),
-- source ('lab' | 'independent' | 'any'), as_of (date), include_previews (boolean).
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
    GROUP BY ALL
)
SELECT *
FROM candidates
QUALIFY row_number() OVER (
    PARTITION BY model_id
    ORDER BY pref, score DESC, known_date, source_kind, source_name
) = 1
ORDER BY release_date, model_id;
