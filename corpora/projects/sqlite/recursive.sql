-- Recursive common table expressions: sequences, a tree walk, the Mandelbrot set and a sudoku
-- (the last two after SQLite's own documentation of WITH), written for oracle.
.mode list
WITH RECURSIVE fib(n, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT n+1, b, a+b FROM fib WHERE n < 90)
SELECT n, a FROM fib WHERE n % 10 = 0 OR n > 85;
WITH RECURSIVE c(x) AS (SELECT 27 UNION ALL SELECT CASE WHEN x % 2 THEN 3*x+1 ELSE x/2 END FROM c WHERE x > 1)
SELECT count(*), max(x), sum(x) FROM c;
WITH RECURSIVE p(n) AS (SELECT 2 UNION ALL SELECT n+1 FROM p WHERE n < 2000)
SELECT count(*), sum(n), max(n) FROM p WHERE NOT EXISTS (SELECT 1 FROM p q WHERE q.n * q.n <= p.n AND p.n % q.n = 0);
CREATE TABLE org(name TEXT PRIMARY KEY, boss TEXT REFERENCES org);
INSERT INTO org VALUES ('Alice', NULL), ('Bob', 'Alice'), ('Cindy', 'Alice'), ('Dave', 'Bob'), ('Emma', 'Bob'),
  ('Fred', 'Cindy'), ('Gail', 'Cindy'), ('Hank', 'Emma'), ('Ivy', 'Hank'), ('Jack', 'Gail');
WITH RECURSIVE under_alice(name, level) AS (SELECT 'Alice', 0 UNION ALL
  SELECT org.name, under_alice.level+1 FROM org JOIN under_alice ON org.boss = under_alice.name ORDER BY 2 DESC)
SELECT substr('..........', 1, level*3) || name FROM under_alice;
WITH RECURSIVE under_alice(name, level) AS (SELECT 'Alice', 0 UNION ALL
  SELECT org.name, under_alice.level+1 FROM org JOIN under_alice ON org.boss = under_alice.name ORDER BY 2)
SELECT substr('..........', 1, level*3) || name FROM under_alice;
WITH RECURSIVE
  xaxis(x) AS (VALUES(-2.0) UNION ALL SELECT x+0.05 FROM xaxis WHERE x<1.2),
  yaxis(y) AS (VALUES(-1.0) UNION ALL SELECT y+0.1 FROM yaxis WHERE y<1.0),
  m(iter, cx, cy, x, y) AS (
    SELECT 0, x, y, 0.0, 0.0 FROM xaxis, yaxis
    UNION ALL
    SELECT iter+1, cx, cy, x*x-y*y + cx, 2.0*x*y + cy FROM m WHERE (x*x + y*y) < 4.0 AND iter<28),
  m2(iter, cx, cy) AS (SELECT max(iter), cx, cy FROM m GROUP BY cx, cy),
  a(t) AS (SELECT group_concat(substr(' .+*#', 1+min(iter/7,4), 1), '') FROM m2 GROUP BY cy)
SELECT group_concat(rtrim(t),x'0a') FROM a;
WITH RECURSIVE
  input(sud) AS (VALUES('53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79')),
  digits(z, lp) AS (VALUES('1', 1) UNION ALL SELECT CAST(lp+1 AS TEXT), lp+1 FROM digits WHERE lp<9),
  x(s, ind) AS (
    SELECT sud, instr(sud, '.') FROM input
    UNION ALL
    SELECT substr(s, 1, ind-1) || z || substr(s, ind+1), instr(substr(s, 1, ind-1) || z || substr(s, ind+1), '.')
     FROM x, digits AS z
    WHERE ind>0
      AND NOT EXISTS (
            SELECT 1 FROM digits AS lp
             WHERE z.z = substr(s, ((ind-1)/9)*9 + lp, 1)
                OR z.z = substr(s, ((ind-1)%9) + (lp-1)*9 + 1, 1)
                OR z.z = substr(s, (((ind-1)/3) % 3) * 3 + ((ind-1)/27) * 27 + lp + ((lp-1) / 3) * 6, 1)))
SELECT s FROM x WHERE ind=0;
WITH RECURSIVE h(i, acc) AS (SELECT 0, 5381 UNION ALL
  SELECT i+1, (acc * 33 + unicode(substr('the quick brown fox jumps over the lazy dog', i+1, 1))) % 4294967296
  FROM h WHERE i < 43)
SELECT acc, printf('%08x', acc) FROM h WHERE i = 43;
