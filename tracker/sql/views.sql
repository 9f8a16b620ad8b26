-- Views over the registered tables (benchmarks, models, scores).
-- Loaded once per connection by tracker.store; never formatted with user input.

CREATE OR REPLACE VIEW scores_joined AS
SELECT
    s.benchmark_id,
    b.name                                   AS benchmark_name,
    b.floor,
    b.ceiling,
    s.model_id,
    m.name                                   AS model_name,
    m.organization,
    m.release_date,
    m.compute_flop,
    log10(m.compute_flop)                    AS log10_compute,
    m.compute_low,
    m.compute_high,
    m.confidence,
    m.estimation_method,
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
    -- The date a score became public; the model's release when the source does not say.
    coalesce(s.date_reported, m.release_date) AS known_date,
    s.notes
FROM scores AS s
JOIN models AS m ON m.id = s.model_id
JOIN benchmarks AS b ON b.id = s.benchmark_id;

CREATE OR REPLACE VIEW frontier_models AS
SELECT id AS model_id, name AS model_name, organization, release_date,
       compute_flop, log10(compute_flop) AS log10_compute, confidence, estimation_method
FROM models
WHERE frontier AND compute_flop IS NOT NULL;
