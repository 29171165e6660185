-- Integer and float arithmetic, conversions, bitwise operators, math library.
local function lcg(s) return (s * 6364136223846793005 + 1442695040888963407) end
local s = 42
local ints = {}
for i = 1, 200 do s = lcg(s); ints[i] = s end
local acc = 0
for i = 1, #ints do
  local a, b = ints[i], ints[(i % #ints) + 1]
  acc = acc ~ (a + b) ~ (a - b) ~ (a * b)
  if b ~= 0 then acc = acc ~ (a // b) ~ (a % b) end
  acc = acc ~ (a >> (i % 64)) ~ (a << (i % 63)) ~ (a & b) ~ (a | b) ~ (~a)
end
print("int mix", acc)
print("minint", math.mininteger, math.maxinteger, math.mininteger // -1, math.maxinteger + 1 == math.mininteger)
for _, p in ipairs({{7, 3}, {-7, 3}, {7, -3}, {-7, -3}, {7.5, 2}, {-7.5, 2}, {1, 0.0}, {-1, 0.0}}) do
  local a, b = p[1], p[2]
  print(string.format("%s // %s = %s   %s %% %s = %s", a, b, a // b, a, b, a % b))
end
local f = 0.0
for i = 1, 1000 do f = f + 1 / i end
print(string.format("harmonic %.17g", f))
for _, x in ipairs({0.1, 1/3, 2^53, 2^63, -0.0, 1e308 * 10, 123456789.125, 3.14159265358979}) do
  print(string.format("%.17g %a %g %e", x, x, x, x), math.tointeger(x), math.type(x), tostring(x))
end
for _, x in ipairs({0.5, 1.5, 2, 10, 100.25}) do
  print(string.format("%.15g %.15g %.15g %.15g %.15g %.15g", math.sqrt(x), math.exp(x), math.log(x),
        math.sin(x), math.atan(x, 2), math.fmod(x * 7, 3)))
end
print(math.floor(-3.5), math.ceil(-3.5), math.floor(2^40 + 0.5), math.abs(math.mininteger), math.ult(1, -1))
print(tonumber("0x1p4"), tonumber("  10  "), tonumber("1e2"), tonumber("z", 36), tonumber("777", 8), tonumber("0x"), 10 == 10.0)
print(string.format("%5.2f|%-8d|%+d|%x|%X|%o|%c|%q", 3.14159, 42, 7, 255, 255, 8, 65, 1/3))
print(8 // 0.0, -8 // 0.0, 0/0 ~= 0/0, 2^-1074, 2^1023 * 2)
print(pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end))
