-- Views over the registered tables (benchmarks, models, scores).
-- Loaded once per connection by tracker.store; never formatted with user input.

-- A compute estimate Epoch AI imputed from benchmark scores (its estimation method names
-- "benchmarks", alone or beside another): fitting scores on it would fit scores on scores, so
-- score fits and the frontier trend leave it out by default (docs/method.md, sections 1 and 4).
CREATE OR REPLACE MACRO compute_imputed(method) AS coalesce(method LIKE '%benchmarks%', false);

-- The earliest date a figure read in a later document can count as known, from the document's URL;
-- NULL for any other URL (the regular expressions run only on arxiv.org URLs: on every row they
-- doubled the join's CPU):
--   * an arXiv paper: the first day after the month its identifier names (arxiv.org/abs/2309.03450
--     -> 2023-10-01);
--   * OpenAI's simple-evals README, which dates no figure: the one version on record lists o3 and
--     o4-mini (released 2025-04-16) and not HealthBench (released on 2025-05-12, in the same
--     repository: https://openai.com/index/healthbench), so it was public by 2025-05-12; its
--     re-runs of older models count as known from then, not at their release.
CREATE OR REPLACE MACRO document_known(url) AS CASE
    WHEN contains(url, 'arxiv.org/') THEN CAST(make_date(
        2000 + TRY_CAST(regexp_extract(url, 'arxiv\.org/(abs|pdf)/(\d{2})(\d{2})\.', 2) AS INTEGER),
        TRY_CAST(regexp_extract(url, 'arxiv\.org/(abs|pdf)/(\d{2})(\d{2})\.', 3) AS INTEGER), 1)
        + INTERVAL 1 MONTH AS DATE)
    WHEN contains(url, 'github.com/openai/simple-evals') THEN DATE '2025-05-12'
    END;

-- How known_rule names the document rule that applied (NULL: none).
CREATE OR REPLACE MACRO document_rule(url) AS CASE
    WHEN contains(url, 'arxiv.org/') THEN 'after the arXiv month'
    WHEN contains(url, 'github.com/openai/simple-evals') THEN 'after the simple-evals README on record (2025-05-12)'
    END;

-- How long after a model's release each source's numbers become known, measured on the
-- rows that carry a date (docs/method.md, section 6). Only "contemporaneous" rows count: a
-- model released on or after the source's first dated row (the source existed when the
-- model came out), reported on or after the release; a source's backfill of older models
-- says nothing about how fast it reports a new one. A source with at least 10 such rows has
-- its own lag; the others fall back to their source kind's, then to 183 days.
CREATE OR REPLACE VIEW source_lags AS
WITH dated AS (
    SELECT s.source_name, s.source_kind, m.release_date, s.date_reported,
           min(s.date_reported) OVER (PARTITION BY s.source_name) AS source_first
    FROM scores AS s JOIN models AS m ON m.id = s.model_id
    WHERE s.date_reported IS NOT NULL
),
contemporaneous AS (
    SELECT source_name, source_kind, date_diff('day', release_date, date_reported) AS lag
    FROM dated
    WHERE release_date >= source_first AND date_reported >= release_date
)
SELECT 'source' AS level, source_name AS key, count(*) AS n,
       CAST(ceil(quantile_cont(lag, 0.75)) AS INTEGER) AS lag_days
FROM contemporaneous GROUP BY source_name
UNION ALL
SELECT 'kind' AS level, source_kind AS key, count(*) AS n,
       CAST(ceil(quantile_cont(lag, 0.75)) AS INTEGER) AS lag_days
FROM contemporaneous GROUP BY source_kind;

-- Each score row of the table named rows_table, with the date it became public (known_date) and the
-- rule that dated it (known_rule); docs/method.md, section 6:
--   * the source's own date when it gives one;
--   * a lab's undated number: the model's release (labs publish with the release),
--     or the benchmark's publication if that is later;
--   * an undated third-party evaluation: its source's measured lag (source_lags) after
--     the latest of the model's release, the benchmark's publication and the
--     benchmark's first dated score, but no later than the data's vintage (the newest
--     date anywhere in the data: the row was in the files by then);
--   * either, when read in a later document (document_known: an arXiv paper, the simple-evals
--     README): no earlier than that document (a later report's figure for an older model, e.g. the
--     DeepSeek-V3 report's DeepSeek-V2 numbers or the XGen-7B report's GPT-J figure, was otherwise
--     "known" at that model's release or a lag after it).
-- A macro over a table name so that the one definition serves both scores_joined (rows_table
-- 'scores') and tracker.data.store, which dates a narrow copy of the scores carrying each row's
-- position and takes the wide columns from the tables it already holds (a million joined rows
-- need not travel back from DuckDB).
CREATE OR REPLACE MACRO scores_dated(rows_table) AS TABLE
SELECT
    s.*,
    CASE
        WHEN s.date_reported IS NOT NULL THEN s.date_reported
        WHEN s.source_kind = 'lab' THEN greatest(m.release_date, coalesce(b.published, m.release_date),
            coalesce(document_known(s.source_url), m.release_date))
        ELSE greatest(least(
            CAST(greatest(m.release_date, coalesce(b.published, m.release_date), coalesce(bf.first_dated, m.release_date))
                 + to_days(CASE WHEN ls.n >= 10 THEN ls.lag_days WHEN lk.n >= 10 THEN lk.lag_days ELSE 183 END) AS DATE),
            v.vintage), coalesce(document_known(s.source_url), m.release_date))
    END AS known_date,
    CASE
        WHEN s.date_reported IS NOT NULL THEN 'reported'
        WHEN s.source_kind = 'lab' AND document_known(s.source_url) IS NOT NULL
            THEN 'lab: release, or ' || document_rule(s.source_url)
        WHEN s.source_kind = 'lab' THEN 'lab: release'
        ELSE CASE WHEN ls.n >= 10 THEN 'lag ' || ls.lag_days || ' days (source: ' || s.source_name || ')'
                  WHEN lk.n >= 10 THEN 'lag ' || lk.lag_days || ' days (kind: ' || s.source_kind || ')'
                  ELSE 'lag 183 days (default)' END
             || coalesce(', or ' || document_rule(s.source_url), '')
    END AS known_rule
FROM query_table(rows_table) AS s
JOIN models AS m ON m.id = s.model_id
LEFT JOIN source_lags AS ls ON ls.level = 'source' AND ls.key = s.source_name
LEFT JOIN source_lags AS lk ON lk.level = 'kind' AND lk.key = s.source_kind
JOIN benchmarks AS b ON b.id = s.benchmark_id
LEFT JOIN (SELECT benchmark_id, min(date_reported) AS first_dated FROM scores GROUP BY benchmark_id) AS bf
    ON bf.benchmark_id = s.benchmark_id
CROSS JOIN (SELECT greatest((SELECT max(release_date) FROM models), (SELECT max(date_reported) FROM scores)) AS vintage) AS v;

-- Every score with its model's and benchmark's columns and the date it became public.
-- tracker.data.store.widen builds the same columns in memory for the library: keep the two alike
-- (tests/test_store.py compares them column for column).
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
    compute_imputed(m.estimation_method)     AS compute_imputed,
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
    s.checked,
    s.known_date,
    s.known_rule,
    s.notes
FROM scores_dated('scores') AS s
JOIN models AS m ON m.id = s.model_id
JOIN benchmarks AS b ON b.id = s.benchmark_id;

-- The frontier compute trend's points: each model line once (its first release with an
-- estimate; versions carry no compute of their own), previews never (they are in no trend).
-- compute_imputed marks estimates Epoch AI derived from benchmark scores, which the trend leaves
-- out unless asked (tracker.data.store.Store.frontier).
CREATE OR REPLACE VIEW frontier_models AS
SELECT id AS model_id, name AS model_name, organization, release_date,
       compute_flop, log10(compute_flop) AS log10_compute, confidence, estimation_method, compute_source,
       compute_imputed(estimation_method) AS compute_imputed
FROM models
WHERE frontier AND compute_flop IS NOT NULL AND NOT preview
QUALIFY row_number() OVER (PARTITION BY family ORDER BY release_date, id) = 1;
