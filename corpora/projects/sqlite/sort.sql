-- Sorting, indexing and grouping 200,000 generated rows, with a tiny page cache so the sorter
-- spills to temporary files (in $TMPDIR); results are checked by aggregates and sha3 hashes of
-- the ordered rows (written for oracle).
.mode list
PRAGMA cache_size = 20;
PRAGMA temp_store = FILE;
CREATE TABLE t(a INTEGER, b TEXT, c REAL, d BLOB);
WITH RECURSIVE g(i, s) AS (SELECT 0, 42 UNION ALL SELECT i+1, (s * 6364136223846793005 + 1442695040888963407) & 9223372036854775807
  FROM g WHERE i < 200000)
INSERT INTO t SELECT s % 100000 - 50000, printf('k%06d-%s', (s / 100000) % 50000, char(65 + s % 26, 97 + s / 26 % 26)),
  (s % 1000003) / 7.0, CAST(printf('%x', s % 65536) AS BLOB) FROM g;
SELECT count(*), sum(a), total(c), min(b), max(b), count(DISTINCT a) FROM t;
SELECT sha3_query('SELECT a, b FROM t ORDER BY a, b, c');
SELECT sha3_query('SELECT b, c FROM t ORDER BY b DESC, c');
SELECT sha3_query('SELECT c, a FROM t ORDER BY c, a DESC, rowid');
SELECT sha3_query('SELECT d, count(*) FROM t GROUP BY d ORDER BY 2 DESC, 1');
SELECT a, b, c FROM t ORDER BY a, b LIMIT 5;
SELECT a, b, c FROM t ORDER BY b DESC, a LIMIT 5 OFFSET 100000;
CREATE INDEX ta ON t(a, c);
CREATE INDEX tb ON t(b COLLATE NOCASE);
SELECT sha3_query('SELECT a, c FROM t WHERE a BETWEEN -1000 AND 1000 ORDER BY a, c');
SELECT count(*), sum(a) FROM t WHERE b LIKE 'k0001%';
SELECT a % 100 AS m, count(*), sum(c) FROM t GROUP BY m ORDER BY count(*) DESC, m LIMIT 8;
PRAGMA integrity_check;
SELECT sha3_query('SELECT * FROM t ORDER BY rowid', 256);
