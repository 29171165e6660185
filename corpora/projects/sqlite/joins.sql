-- Joins, grouping, subqueries, views and upserts on a small schema (written for oracle).
.headers on
.mode list
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL, parent INTEGER REFERENCES dept(id));
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary REAL, boss INTEGER,
                 hired TEXT);
CREATE TABLE proj(id INTEGER PRIMARY KEY, title TEXT UNIQUE, budget INTEGER);
CREATE TABLE work(emp INTEGER, proj INTEGER, hours INTEGER, PRIMARY KEY(emp, proj)) WITHOUT ROWID;
INSERT INTO dept VALUES (1,'root',NULL),(2,'eng',1),(3,'ops',1),(4,'compilers',2),(5,'kernels',2),(6,'empty',3);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<60)
INSERT INTO emp SELECT i, 'e' || printf('%02d', i), 1 + (i*7) % 5, 1000 + (i*37) % 900 + (i%3)*0.25,
                       CASE WHEN i<=5 THEN NULL ELSE 1 + (i*13) % 5 END,
                       date('2020-01-01', '+' || (i*17) || ' days') FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<12)
INSERT INTO proj SELECT i, 'p' || i, i*i*1000 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<300)
INSERT OR IGNORE INTO work SELECT 1 + (i*31) % 60, 1 + (i*7) % 12, (i*11) % 40 + 1 FROM n;

SELECT d.name, count(e.id) AS n, round(avg(e.salary), 3) AS avg, min(e.salary), max(e.salary)
  FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.id ORDER BY d.id;
SELECT e.name, b.name AS boss, d.name AS dept FROM emp e JOIN emp b ON e.boss = b.id
  JOIN dept d ON d.id = e.dept WHERE e.id % 7 = 0 ORDER BY e.id;
SELECT p.title, count(w.emp), sum(w.hours), group_concat(w.emp, ',')
  FROM proj p LEFT JOIN (SELECT * FROM work ORDER BY emp) w ON w.proj = p.id GROUP BY p.id ORDER BY p.id;
SELECT d.name, p.title FROM dept d CROSS JOIN proj p WHERE p.id <= 2 AND d.id >= 5 ORDER BY 1, 2;
SELECT a.id, b.id FROM dept a RIGHT JOIN dept b ON a.id = b.parent ORDER BY b.id, a.id;
SELECT a.name, b.name FROM (SELECT * FROM dept WHERE id < 4) a FULL JOIN (SELECT * FROM dept WHERE id > 2) b
  USING (id) ORDER BY coalesce(a.id, b.id);
SELECT name FROM emp WHERE id IN (SELECT emp FROM work GROUP BY emp HAVING sum(hours) > 100) ORDER BY name;
SELECT name FROM emp e WHERE NOT EXISTS (SELECT 1 FROM work w WHERE w.emp = e.id) ORDER BY name;
SELECT dept, count(*) FILTER (WHERE salary > 1500), total(salary) FROM emp GROUP BY dept HAVING count(*) > 3
  ORDER BY 2 DESC, 1;
SELECT e.name, (SELECT max(hours) FROM work w WHERE w.emp = e.id) AS mh FROM emp e ORDER BY mh DESC NULLS LAST, e.id
  LIMIT 8 OFFSET 2;
CREATE VIEW load AS SELECT e.dept AS dept, w.proj AS proj, sum(w.hours) AS h FROM emp e JOIN work w ON w.emp = e.id
  GROUP BY 1, 2;
SELECT * FROM load WHERE h > 60 ORDER BY h DESC, dept, proj;
SELECT dept, proj, h FROM load l1 WHERE h = (SELECT max(h) FROM load l2 WHERE l2.dept = l1.dept) ORDER BY dept;
SELECT strftime('%Y-%m', hired) AS m, count(*) FROM emp GROUP BY m ORDER BY m LIMIT 10;
SELECT julianday(max(hired)) - julianday(min(hired)), date(min(hired), 'start of month', '+1 month', '-1 day')
  FROM emp;
SELECT name FROM emp UNION SELECT title FROM proj EXCEPT SELECT name FROM emp WHERE id > 3 ORDER BY 1;
SELECT id FROM emp INTERSECT SELECT emp FROM work ORDER BY 1 DESC LIMIT 5;
SELECT DISTINCT dept, boss FROM emp WHERE boss IS NOT NULL ORDER BY dept, boss;
INSERT INTO proj(id, title, budget) VALUES (3, 'p3', 5) ON CONFLICT(id) DO UPDATE SET budget = budget + excluded.budget;
INSERT INTO proj(id, title, budget) VALUES (99, 'p4', 1) ON CONFLICT(title) DO NOTHING;
UPDATE emp SET salary = salary * 1.1 WHERE dept = (SELECT id FROM dept WHERE name = 'kernels') RETURNING id, salary;
DELETE FROM work WHERE hours < 5 RETURNING emp, proj;
SELECT count(*), sum(hours) FROM work;
SELECT * FROM proj ORDER BY budget DESC LIMIT 3;
PRAGMA foreign_key_check;
PRAGMA integrity_check;
