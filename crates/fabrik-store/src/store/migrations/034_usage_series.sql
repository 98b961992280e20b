-- Each customer's daily series of a figure the fleet view draws in its rows (the database's
-- size), kept beside the days as each is saved (`store::usage_series`): the view reads one row
-- a customer instead of one a customer and day (500 × 90 rows took longer than a frame). The
-- days and figures stay the truth; this is rebuilt from them here, for registers that have
-- days already.
CREATE TABLE usage_series (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    figure       TEXT NOT NULL REFERENCES figures (name),
    -- YYYY-MM-DD: the day of the first value.
    first_day    TEXT NOT NULL,
    -- A JSON array, one value a day from `first_day`; null where nothing was reported.
    series       TEXT NOT NULL,
    PRIMARY KEY (customer_id, environment, figure)
) STRICT, WITHOUT ROWID;

-- Each value in its day's order: an ordered subquery read by the aggregate (an aggregate's own
-- ORDER BY, with json_group_array, gave the sort key's values instead).
INSERT INTO usage_series (customer_id, environment, figure, first_day, series)
WITH RECURSIVE span (customer_id, environment, figure, first_day, last_day) AS (
    SELECT customer_id, environment, figure, min(day), max(day)
      FROM usage_figures WHERE figure = 'database_bytes'
     GROUP BY customer_id, environment, figure
), days (customer_id, environment, figure, day, last_day) AS (
    SELECT customer_id, environment, figure, first_day, last_day FROM span
    UNION ALL
    SELECT customer_id, environment, figure, date(day, '+1 day'), last_day
      FROM days WHERE day < last_day
)
SELECT s.customer_id, s.environment, s.figure, s.first_day,
       (SELECT json_group_array(v) FROM (
            SELECT f.value AS v
              FROM days d
              LEFT JOIN usage_figures f
                ON f.customer_id = d.customer_id AND f.environment = d.environment
               AND f.figure = d.figure AND f.day = d.day
             WHERE d.customer_id = s.customer_id AND d.environment = s.environment
               AND d.figure = s.figure
             ORDER BY d.day))
  FROM span s;
