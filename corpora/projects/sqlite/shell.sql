-- The shell's output modes and dot-commands on one small table (written for oracle).
CREATE TABLE m(id INTEGER PRIMARY KEY, name TEXT, score REAL, note BLOB, tag TEXT DEFAULT 'x');
INSERT INTO m VALUES (1, 'plain', 1.5, NULL, 'a'), (2, 'with "quotes"', -0.25, x'00ff10', 'b,c'),
  (3, 'multi
line', 1e10, 'text', NULL), (4, 'ünïcödé wide 漢字', 123456789.125, x'', '<&>'), (5, '', 0.0, 7, 'tab	x');
CREATE INDEX mi ON m(score DESC, name);
CREATE VIEW mv AS SELECT id, upper(name) AS n FROM m WHERE id > 2;
CREATE TRIGGER mt AFTER UPDATE ON m BEGIN INSERT INTO m(name) VALUES ('trig ' || new.id); END;
.headers on
.mode list
SELECT * FROM m;
.mode csv
SELECT * FROM m;
.mode json
SELECT * FROM m;
.mode line
SELECT * FROM m WHERE id < 3;
.mode column
SELECT * FROM m;
.mode box
SELECT * FROM m;
.mode table
SELECT id, name, score FROM m;
.mode markdown
SELECT id, name, score FROM m;
.mode quote
SELECT * FROM m;
.mode insert newtab
SELECT * FROM m;
.mode html
SELECT * FROM m WHERE id < 3;
.mode tabs
SELECT * FROM m;
.mode ascii
SELECT id, name FROM m WHERE id < 3;
.mode list
.separator |
.nullvalue NULL
SELECT * FROM m;
.headers off
.schema
.tables
.indexes m
.dump
.sha3sum
UPDATE m SET score = score * 2 WHERE id = 1;
SELECT count(*) FROM m;
.mode box --wrap 10
SELECT * FROM m;
.print done
