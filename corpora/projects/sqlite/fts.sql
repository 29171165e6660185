-- Full-text search: FTS5 (match, prefix, phrase, NEAR, column filters, bm25, highlight,
-- snippet) and FTS4 (matchinfo, offsets, snippet) over generated documents (written for oracle).
.mode list
CREATE TABLE words(i INTEGER PRIMARY KEY, w TEXT);
INSERT INTO words(w) VALUES ('alpha'), ('beta'), ('gamma'), ('delta'), ('epsilon'), ('zeta'), ('eta'), ('theta'),
  ('iota'), ('kappa'), ('lambda'), ('mu'), ('nu'), ('xi'), ('omicron'), ('pi'), ('rho'), ('sigma'), ('tau'),
  ('upsilon'), ('phi'), ('chi'), ('psi'), ('omega'), ('compiler'), ('register'), ('pointer'), ('vector'),
  ('branch'), ('cache'), ('inline'), ('loop');
CREATE VIRTUAL TABLE f5 USING fts5(title, body, tokenize = 'porter unicode61');
CREATE VIRTUAL TABLE f4 USING fts4(title, body);
WITH RECURSIVE d(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM d WHERE n<400),
  t(n, k, s) AS (SELECT n, 0, '' FROM d UNION ALL
    SELECT n, k+1, s || ' ' || (SELECT CASE WHEN h % 3 = 0 THEN 'w' || (h / 3 % 700) ELSE (SELECT w FROM words
      WHERE i = 1 + h % 32) END FROM (SELECT (x % 1000003 * (x % 1000003) + k) % 999983 AS h
      FROM (SELECT (n*7919 + k*104729) * 2654435761 % 4294967291 AS x))) FROM t
    WHERE k < 5 + n % 23)
INSERT INTO f5(rowid, title, body) SELECT n, (SELECT w FROM words WHERE i = 1 + n % 32) || ' ' || n, trim(s)
  FROM t WHERE k = 5 + n % 23;
INSERT INTO f4(docid, title, body) SELECT rowid, title, body FROM f5;
SELECT count(*) FROM f5 WHERE f5 MATCH 'compiler';
SELECT rowid, printf('%.6f', bm25(f5)) FROM f5 WHERE f5 MATCH 'compiler AND loop' ORDER BY rank, rowid LIMIT 10;
SELECT rowid, highlight(f5, 1, '[', ']') FROM f5 WHERE f5 MATCH '"register pointer"' ORDER BY rowid LIMIT 5;
SELECT rowid, snippet(f5, 1, '<', '>', '...', 6) FROM f5 WHERE f5 MATCH 'NEAR(cache inline, 2)' ORDER BY rowid LIMIT 5;
SELECT count(*) FROM f5 WHERE f5 MATCH 'om*';
SELECT count(*) FROM f5 WHERE f5 MATCH 'title:omega OR title:alpha';
SELECT count(*) FROM f5 WHERE f5 MATCH 'branch NOT vector';
SELECT rowid FROM f5 WHERE f5 MATCH '^compiler' ORDER BY rowid LIMIT 8;
SELECT rowid, printf('%.4f', bm25(f5, 10.0, 1.0)) FROM f5 WHERE f5 MATCH 'sigma tau' ORDER BY rank, rowid LIMIT 8;
CREATE VIRTUAL TABLE v5 USING fts5vocab(f5, 'row');
SELECT term, doc, cnt FROM v5 ORDER BY cnt DESC, term LIMIT 12;
DELETE FROM f5 WHERE rowid % 5 = 0;
UPDATE f5 SET body = body || ' loop loop' WHERE rowid % 7 = 1;
INSERT INTO f5(f5) VALUES ('optimize');
INSERT INTO f5(f5) VALUES ('integrity-check');
SELECT count(*) FROM f5 WHERE f5 MATCH 'loop';
SELECT rowid, printf('%.6f', bm25(f5)) FROM f5 WHERE f5 MATCH 'loop' ORDER BY rank, rowid LIMIT 6;
SELECT count(*) FROM f4 WHERE f4 MATCH 'compiler';
SELECT docid, hex(matchinfo(f4)), offsets(f4) FROM f4 WHERE f4 MATCH 'register pointer' ORDER BY docid LIMIT 4;
SELECT docid, snippet(f4, '[', ']', '...', -1, 5) FROM f4 WHERE f4 MATCH 'title:kappa' ORDER BY docid LIMIT 4;
SELECT docid FROM f4 WHERE f4 MATCH '"loop branch" OR (omega -loop)' ORDER BY docid LIMIT 10;
SELECT count(*) FROM f4 WHERE f4 MATCH 'vect* NEAR/3 inline';
INSERT INTO f4(f4) VALUES ('optimize');
INSERT INTO f4(f4) VALUES ('integrity-check');
SELECT count(*) FROM f4 WHERE f4 MATCH 'vect* NEAR/3 inline';
