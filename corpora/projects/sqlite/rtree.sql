-- R*Tree: boxes built from a linear congruential sequence, window and containment queries,
-- deletes and an integrity check (written for oracle).
.mode list
CREATE VIRTUAL TABLE r USING rtree(id, x0, x1, y0, y1);
CREATE VIRTUAL TABLE ri USING rtree_i32(id, a0, a1);
WITH RECURSIVE g(i, s) AS (SELECT 0, 12345 UNION ALL SELECT i+1, (s * 1103515245 + 12345) % 2147483648 FROM g
  WHERE i < 3000)
INSERT INTO r SELECT i, (s % 10000) / 10.0, (s % 10000) / 10.0 + (s / 10000 % 50) / 4.0,
                        (s / 7 % 10000) / 10.0, (s / 7 % 10000) / 10.0 + (s / 70000 % 50) / 4.0 FROM g;
INSERT INTO ri SELECT id, CAST(x0 * 1000 AS INTEGER), CAST(x1 * 1000 AS INTEGER) FROM r;
SELECT count(*) FROM r;
SELECT count(*), sum(id) FROM r WHERE x0 <= 500 AND x1 >= 400 AND y0 <= 500 AND y1 >= 400;
SELECT id, x0, x1, y0, y1 FROM r WHERE x0 >= 100 AND x1 <= 120 AND y0 >= 0 AND y1 <= 300 ORDER BY id;
SELECT count(*) FROM r a, r b WHERE a.id < b.id AND a.id < 60 AND b.x0 <= a.x1 AND b.x1 >= a.x0 AND b.y0 <= a.y1
  AND b.y1 >= a.y0;
SELECT count(*), min(id), max(id) FROM ri WHERE a0 < 250000 AND a1 > 240000;
DELETE FROM r WHERE id % 3 = 0;
UPDATE r SET x1 = x1 + 5 WHERE id % 10 = 1;
SELECT count(*), sum(id) FROM r WHERE x0 <= 500 AND x1 >= 400 AND y0 <= 500 AND y1 >= 400;
SELECT rtreecheck('r'), rtreecheck('ri');
SELECT printf('%.3f', sum(x1 - x0)), printf('%.3f', sum(y1 - y0)) FROM r;
