-- Window functions and aggregates (written for oracle).
.mode list
CREATE TABLE s(id INTEGER PRIMARY KEY, grp TEXT, x INTEGER, y REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<40)
INSERT INTO s SELECT i, char(65 + (i*7) % 4), (i*29) % 17, (i*i % 23) / 4.0 FROM n;
SELECT id, grp, x, row_number() OVER w, rank() OVER w, dense_rank() OVER w, percent_rank() OVER w,
       cume_dist() OVER w, ntile(3) OVER w
  FROM s WINDOW w AS (PARTITION BY grp ORDER BY x) ORDER BY grp, x, id;
SELECT id, x, lag(x) OVER o, lead(x, 2, -1) OVER o, first_value(x) OVER o, last_value(x) OVER o,
       nth_value(x, 3) OVER o FROM s WINDOW o AS (ORDER BY id) ORDER BY id;
SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING),
       avg(y) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
       count(*) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING),
       group_concat(x, '.') OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES),
       max(y) OVER (PARTITION BY grp ORDER BY id ROWS 3 PRECEDING EXCLUDE CURRENT ROW),
       min(x) OVER (ORDER BY y, id RANGE UNBOUNDED PRECEDING EXCLUDE GROUP)
  FROM s ORDER BY id;
SELECT grp, sum(x), total(y), avg(y), count(DISTINCT x), group_concat(DISTINCT x), max(y) - min(y)
  FROM s GROUP BY grp ORDER BY grp;
SELECT id, y, sum(y) OVER (ORDER BY y RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) FROM s ORDER BY y, id;
SELECT grp, x, sum(x) OVER (PARTITION BY grp ORDER BY x ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)
  FROM s WHERE id % 3 = 0 ORDER BY grp, x;
SELECT id, x FROM (SELECT id, x, rank() OVER (PARTITION BY grp ORDER BY x DESC, id) AS r FROM s) WHERE r <= 2
  ORDER BY id;
SELECT x, count(*) OVER (), count(*) OVER (ORDER BY x) FROM s GROUP BY x ORDER BY x;
SELECT printf('%.6f', avg(x) OVER (ORDER BY id ROWS BETWEEN 4 PRECEDING AND 4 FOLLOWING)) FROM s ORDER BY id;
