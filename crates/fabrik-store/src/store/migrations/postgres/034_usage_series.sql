-- The same table as SQLite's 034 (see its comments), rebuilt from the days already kept.
CREATE TABLE usage_series (
    customer_id  BIGINT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    environment  TEXT NOT NULL REFERENCES environments (name),
    figure       TEXT NOT NULL REFERENCES figures (name),
    first_day    TEXT NOT NULL,
    series       TEXT NOT NULL,
    PRIMARY KEY (customer_id, environment, figure)
);

INSERT INTO usage_series (customer_id, environment, figure, first_day, series)
SELECT s.customer_id, s.environment, s.figure, s.first_day,
       (SELECT json_agg(f.value ORDER BY d.day)::text
          FROM generate_series(s.first_day::date, s.last_day::date, interval '1 day') AS d (day)
          LEFT JOIN usage_figures f
            ON f.customer_id = s.customer_id AND f.environment = s.environment
           AND f.figure = s.figure AND f.day = to_char(d.day, 'YYYY-MM-DD'))
  FROM (SELECT customer_id, environment, figure, min(day) AS first_day, max(day) AS last_day
          FROM usage_figures WHERE figure = 'database_bytes'
         GROUP BY customer_id, environment, figure) s;
