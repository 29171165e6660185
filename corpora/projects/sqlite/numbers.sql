-- Number formatting and arithmetic: printf with floats, rounding, text <-> real conversions,
-- integer overflow edges, math functions (written for oracle).
.mode list
SELECT printf('%f|%e|%g|%.3f|%10.4e|%-12.6g|%+.0f|%#g|%.20g', 3.14159265358979, 6.02214076e23, 1e-7,
              2.0005, -0.000123456, 1234567.0, 2.5, 1.0, 0.1);
SELECT printf('%.15g|%.16g|%.17g|%!.20g', 0.1, 0.1, 0.1, 0.1);
SELECT printf('%d|%5d|%-5d|%05d|%x|%X|%o|%,d|%lld|%c', 42, -42, 42, 42, 255, 3735928559, 8, 1234567890, 9223372036854775807, 'xyz');
SELECT printf('%s|%q|%Q|%w|%z|%.3s|%10s|%-10s|', 'a''b', 'it''s', NULL, 'x"y', 'zz', 'abcdef', 'r', 'l');
WITH RECURSIVE n(i) AS (SELECT -20 UNION ALL SELECT i+1 FROM n WHERE i<20)
SELECT i, printf('%.6e', pow(7.0, i)), printf('%.10f', 1.0/(i+100)), round(pow(2.5, i), 3), CAST(pow(10, i) AS TEXT)
  FROM n;
SELECT round(2.5), round(-2.5), round(0.5), round(1.005, 2), round(2.675, 2), round(1234.5678, -2), round(1e300, 5);
SELECT 1/3.0, 2/3.0, 1e308*10, -1e308*10, 4.9e-324, 2.2250738585072014e-308, 0.1+0.2, 1e16+1.0, 123456789.123456789;
SELECT CAST('3.14abc' AS REAL), CAST('  12  ' AS INTEGER), CAST('0x1F' AS INTEGER), CAST('1e3' AS INTEGER),
       CAST(1e19 AS INTEGER), CAST(-1e19 AS INTEGER), CAST('9223372036854775808' AS INTEGER), CAST(12.99 AS INTEGER);
SELECT 9223372036854775807 + 1, -9223372036854775808 - 1, 9223372036854775807 * 2, typeof(9223372036854775807 + 1);
SELECT 9223372036854775807, -9223372036854775808, 9223372036854775808, -9223372036854775809, 0x7fffffffffffffff,
       0xffffffffffffffff, typeof(9223372036854775808);
SELECT -9223372036854775808 / -1, -9223372036854775808 % -1, 7 / 0, 7 % 0, 7.0 / 0, -7 / 2, -7 % 2, 7 % -2, 5.5 % 2;
SELECT 1 << 62, 1 << 63, 1 << 64, -1 >> 1, -1 >> 63, -1 >> 64, 1 << -1, 256 >> -2, ~0, ~9223372036854775807, 6 & 3,
       6 | 3, 12345 & -256;
SELECT abs(-9223372036854775807), abs(-0.0), sign(-3), sign(0.0), sign(2.5), abs('x');
SELECT sum(x), total(x), avg(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT -1 UNION ALL SELECT 1);
SELECT sqrt(2), exp(1), ln(10), log10(2), log(2, 1024), log2(3), sin(1), cos(1), tan(1), atan2(1, -1), pi(),
       ceil(-1.5), floor(-1.5), trunc(-1.5), mod(7.5, 2), power(2, 0.5), degrees(pi()/3), radians(180),
       asinh(1), acosh(2), atanh(0.5);
SELECT hex(1.5), hex(-1), quote(1e-5), quote(x'00ff'), zeroblob(3), length(zeroblob(5)), unicode('é'), char(233, 0x1F600);
SELECT 10 = 10.0, '10' = 10, 10 < '9', x'41' = 'A', NULL = NULL, NULL IS NULL, 1 IS TRUE, 0.0 IS FALSE,
       'abc' < 'abd', 'a' < 'B' COLLATE NOCASE, 2 BETWEEN 1 AND 3, 5 IN (1, 2, 5.0);
SELECT typeof(1), typeof(1.0), typeof('1'), typeof(x'01'), typeof(NULL), typeof(1 + '1'), typeof('1' || 1),
       typeof(CAST('1.0' AS NUMERIC)), typeof(CAST('1.5' AS NUMERIC));
CREATE TABLE aff(i INTEGER, r REAL, n NUMERIC, t TEXT, b BLOB);
INSERT INTO aff VALUES ('12', '12', '12.0', 12, '12'), ('1e2', '1e2', '1e2', 1e2, 1e2), ('x', 3, '0x10', 1.5, NULL),
                       (4.0, 4, 4.5, 4.0, x'34'), ('9223372036854775808', ' 7 ', '-0', -0.0, 5);
SELECT i, typeof(i), r, typeof(r), n, typeof(n), t, typeof(t), b, typeof(b) FROM aff;
SELECT sum(i), total(r), max(n), min(t), group_concat(b, '/') FROM aff;
SELECT decimal_add('0.1', '0.2'), decimal_mul('1.000000001', '999999999'), decimal_sum(v) FROM
  (SELECT '1.1' AS v UNION ALL SELECT '2.22' UNION ALL SELECT '-0.003');
SELECT ieee754(0.1), ieee754(-3.75), ieee754(1e300), ieee754(4503599627370497, -52);
SELECT abs(-9223372036854775808);
SELECT 'after the error';
SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1);
SELECT 'end';
