-- Views over the registered tables (benchmarks, models, scores).
-- Loaded once per connection by tracker.store; never formatted with user input.

CREATE OR REPLACE VIEW scores_joined AS
SELECT
    s.benchmark_id,
    b.name                                   AS benchmark_name,
    b.floor,
    b.ceiling,
    b.published                              AS benchmark_published,
    s.model_id,
    m.name                                   AS model_name,
    m.family,
    m.preview,
    m.organization,
    m.release_date,
    m.compute_flop,
    log10(m.compute_flop)                    AS log10_compute,
    m.compute_low,
    m.compute_high,
    m.confidence,
    m.estimation_method,
    m.compute_source,
    coalesce(m.estimation_method LIKE '%benchmarks%', false) AS compute_imputed,
    coalesce(m.frontier, false)              AS frontier,
    m.open_weights,
    s.score,
    s.stderr,
    s.setting,
    coalesce(s.effort, '')                   AS effort,
    s.model_version,
    s.source_kind,
    s.source_name,
    s.source_url,
    s.date_reported,
    -- The date a score became public (docs/method.md, "When a score counts as known"):
    --   * the source's own date when it gives one;
    --   * a lab's undated number: the model's release (labs publish with the release);
    --   * an undated third-party evaluation: 183 days (about the upper quartile of the
    --     lag of dated third-party evaluations in these data) after the later of the
    --     model's release and the benchmark's first dated score, but no later than the
    --     data's vintage (the newest date anywhere in the data: the row was in the
    --     files by then). This keeps backfilled evaluations (HELM, Kaggle, GPAI's
    --     re-runs of old models) out of as-of fits made before they could have existed.
    CASE
        WHEN s.date_reported IS NOT NULL THEN s.date_reported
        WHEN s.source_kind = 'lab' THEN m.release_date
        ELSE least(
            CAST(greatest(m.release_date, coalesce(bf.first_dated, m.release_date)) + INTERVAL 183 DAY AS DATE),
            v.vintage)
    END AS known_date,
    s.notes
FROM scores AS s
JOIN models AS m ON m.id = s.model_id
JOIN benchmarks AS b ON b.id = s.benchmark_id
LEFT JOIN (SELECT benchmark_id, min(date_reported) AS first_dated FROM scores GROUP BY benchmark_id) AS bf
    ON bf.benchmark_id = s.benchmark_id
CROSS JOIN (SELECT greatest((SELECT max(release_date) FROM models), (SELECT max(date_reported) FROM scores)) AS vintage) AS v;

-- The frontier compute trend's points: each model line once (its first release with an
-- estimate; versions carry no compute of their own), previews never (they are in no trend).
CREATE OR REPLACE VIEW frontier_models AS
SELECT id AS model_id, name AS model_name, organization, release_date,
       compute_flop, log10(compute_flop) AS log10_compute, confidence, estimation_method, compute_source
FROM models
WHERE frontier AND compute_flop IS NOT NULL AND NOT preview
QUALIFY row_number() OVER (PARTITION BY family ORDER BY release_date, id) = 1;
