-- The data's freshness as known on getvariable('d') (tracker.data.store.Store.freshness); scores_known is
-- every score with its known date, computed once per store (Store.join).
WITH known AS (
    SELECT k.benchmark_id, k.model_id, m.release_date, max(k.score) AS score
    FROM scores_known AS k JOIN models AS m ON m.id = k.model_id
    WHERE k.known_date <= getvariable('d') AND m.release_date <= getvariable('d')
    GROUP BY ALL
),
records AS (
    SELECT *, max(score) OVER (
        PARTITION BY benchmark_id ORDER BY release_date
        RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL 1 DAY PRECEDING) AS before
    FROM known
),
recent AS (
    SELECT DISTINCT m.id, m.compute_flop
    FROM models AS m
    WHERE m.release_date > CAST(getvariable('d') - INTERVAL 365 DAY AS DATE)
      AND m.release_date <= getvariable('d')
      AND (coalesce(m.frontier, false)
           OR m.id IN (SELECT model_id FROM records WHERE before IS NULL OR score > before))
),
newest_compute AS (
    SELECT name, release_date FROM models
    WHERE compute_flop IS NOT NULL AND release_date <= getvariable('d')
    ORDER BY release_date DESC, id LIMIT 1
)
SELECT
    (SELECT max(known_date) FROM scores_known WHERE known_date <= getvariable('d')) AS newest_score,
    (SELECT name FROM newest_compute) AS newest_compute_model,
    (SELECT release_date FROM newest_compute) AS newest_compute_date,
    (SELECT count(*) FROM recent) AS recent_frontier,
    (SELECT count(*) FROM recent WHERE compute_flop IS NULL) AS recent_frontier_no_compute;
