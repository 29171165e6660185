-- JSON functions: building, extracting, walking and editing documents (written for oracle).
.mode list
SELECT json('{"a" : [1, 2.50, -3e2, true, null], "b": {"c": "d\u00e9"} }');
SELECT json_array(1, 2.5, 'x', NULL, json('[3]')), json_object('k', 1, 'l', json_array()), json_quote('a"b\');
SELECT json_extract('{"a":{"b":[10,20,{"c":30}]}}', '$.a.b[2].c', '$.a.b[#-1]', '$.a.b[1]');
SELECT '{"a":{"b":[10,20]}}' -> '$.a', '{"a":{"b":[10,20]}}' ->> '$.a.b[0]', '[1,2,3]' -> 2, '{"x":1.5e3}' ->> 'x';
SELECT json_type('{"a":[1,2.0,"s",null,true,{}]}', '$.a[' || value || ']') FROM generate_series(0, 5);
SELECT key, value, type, atom, path FROM json_each('{"z":1,"y":[2,3],"x":{"w":null}}');
SELECT fullkey, type, atom FROM json_tree('{"a":[1,{"b":[2,{"c":3}]}],"d":"e"}') ORDER BY id;
SELECT json_set('{"a":1}', '$.b', 2, '$.a', json('[1,2]')), json_insert('[1,2]', '$[#]', 3),
       json_replace('{"a":1,"b":2}', '$.b', 'two', '$.c', 3), json_remove('[0,1,2,3]', '$[1]', '$[1]');
SELECT json_patch('{"a":1,"b":{"c":2,"d":3}}', '{"b":{"c":null,"e":4},"f":[5]}');
SELECT json_valid('{"a":1'), json_valid('[1,2]'), json_array_length('[1,[2,3],4]'), json_array_length('{}');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<25)
SELECT json_group_array(i*i), json_group_object('k' || i, i/3.0) FROM n WHERE i % 4 = 1;
CREATE TABLE doc(id INTEGER PRIMARY KEY, body TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<50)
INSERT INTO doc SELECT i, json_object('id', i, 'tags', json_array('t' || (i%3), 't' || (i%5)),
  'price', i * 1.25, 'nested', json_object('q', i % 7, 'ok', json(CASE WHEN i % 2 THEN 'true' ELSE 'false' END)))
  FROM n;
SELECT j.value, count(*), sum(doc.body ->> '$.price') FROM doc, json_each(doc.body, '$.tags') j GROUP BY j.value
  ORDER BY j.value;
SELECT id FROM doc WHERE body ->> '$.nested.ok' AND body ->> '$.nested.q' = 3 ORDER BY id;
SELECT json_extract(body, '$.price') * 3, json_type(body, '$.nested.ok') FROM doc WHERE id IN (1, 2, 49);
SELECT json('[1e400, -1e400, 0.1, 1.0, 123456789012345678901234567890]');
SELECT json_object('big', 9223372036854775807, 'small', -9223372036854775808, 'f', 1e-300, 'e', '');
