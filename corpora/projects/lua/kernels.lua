-- Numeric kernels: sieve, n-body, spectral norm, mandelbrot (as text), fannkuch.
local function sieve(n)
  local comp, count = {}, 0
  for i = 2, n do
    if not comp[i] then count = count + 1; for j = i * i, n, i do comp[j] = true end end
  end
  return count
end
print("primes", sieve(200000))

local PI, SOLAR = math.pi, 4 * math.pi * math.pi
local DAYS = 365.24
local bodies = {
  {0, 0, 0, 0, 0, 0, SOLAR},
  {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 1.66007664274403694e-03 * DAYS,
   7.69901118419740425e-03 * DAYS, -6.90460016972063023e-05 * DAYS, 9.54791938424326609e-04 * SOLAR},
  {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -2.76742510726862411e-03 * DAYS,
   4.99852801234917238e-03 * DAYS, 2.30417297573763929e-05 * DAYS, 2.85885980666130812e-04 * SOLAR},
  {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 2.96460137564761618e-03 * DAYS,
   2.37847173959480950e-03 * DAYS, -2.96589568540237556e-05 * DAYS, 4.36624404335156298e-05 * SOLAR},
  {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 2.68067772490389322e-03 * DAYS,
   1.62824170038242295e-03 * DAYS, -9.51592254519715870e-05 * DAYS, 5.15138902046611451e-05 * SOLAR},
}
local function energy()
  local e = 0
  for i = 1, #bodies do
    local b = bodies[i]
    e = e + 0.5 * b[7] * (b[4] ^ 2 + b[5] ^ 2 + b[6] ^ 2)
    for j = i + 1, #bodies do
      local c = bodies[j]
      e = e - b[7] * c[7] / math.sqrt((b[1] - c[1]) ^ 2 + (b[2] - c[2]) ^ 2 + (b[3] - c[3]) ^ 2)
    end
  end
  return e
end
local function advance(dt)
  for i = 1, #bodies do
    local b = bodies[i]
    for j = i + 1, #bodies do
      local c = bodies[j]
      local dx, dy, dz = b[1] - c[1], b[2] - c[2], b[3] - c[3]
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = dt / (d2 * math.sqrt(d2))
      b[4], b[5], b[6] = b[4] - dx * c[7] * mag, b[5] - dy * c[7] * mag, b[6] - dz * c[7] * mag
      c[4], c[5], c[6] = c[4] + dx * b[7] * mag, c[5] + dy * b[7] * mag, c[6] + dz * b[7] * mag
    end
  end
  for i = 1, #bodies do
    local b = bodies[i]
    b[1], b[2], b[3] = b[1] + dt * b[4], b[2] + dt * b[5], b[3] + dt * b[6]
  end
end
print(string.format("energy %.9f", energy()))
for _ = 1, 20000 do advance(0.01) end
print(string.format("energy %.9f", energy()))

local function A(i, j) local ij = i + j - 1; return 1.0 / (ij * (ij - 1) * 0.5 + i) end
local function Av(x, y, n) for i = 1, n do local a = 0 for j = 1, n do a = a + x[j] * A(i, j) end y[i] = a end end
local function Atv(x, y, n) for i = 1, n do local a = 0 for j = 1, n do a = a + x[j] * A(j, i) end y[i] = a end end
local n, u, v, t = 100, {}, {}, {}
for i = 1, n do u[i] = 1 end
for _ = 1, 10 do Av(u, t, n) Atv(t, v, n) Av(v, t, n) Atv(t, u, n) end
local vBv, vv = 0, 0
for i = 1, n do vBv = vBv + u[i] * v[i]; vv = vv + v[i] * v[i] end
print(string.format("spectral %.9f", math.sqrt(vBv / vv)))

for y = -12, 12 do
  local row = {}
  for x = -39, 20 do
    local cr, ci, zr, zi, k = x / 20, y / 10, 0, 0, 0
    while k < 50 and zr * zr + zi * zi < 4 do zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci; k = k + 1 end
    row[#row + 1] = k == 50 and "#" or (k > 8 and "+" or ".")
  end
  print(table.concat(row))
end

local function fannkuch(n)
  local p, q, s, sign, maxflips, sum = {}, {}, {}, 1, 0, 0
  for i = 1, n do p[i] = i; q[i] = i; s[i] = i end
  while true do
    local q1 = p[1]
    if q1 ~= 1 then
      for i = 2, n do q[i] = p[i] end
      local flips = 1
      while true do
        local qq = q[q1]
        if qq == 1 then sum = sum + sign * flips; if flips > maxflips then maxflips = flips end break end
        q[q1] = q1
        if q1 >= 4 then local i, j = 2, q1 - 1 repeat q[i], q[j] = q[j], q[i]; i = i + 1; j = j - 1 until i >= j end
        q1 = qq; flips = flips + 1
      end
    end
    if sign == 1 then p[2], p[1] = p[1], p[2]; sign = -1
    else
      p[2], p[3] = p[3], p[2]; sign = 1
      for i = 3, n do
        local sx = s[i]
        if sx ~= 1 then s[i] = sx - 1; break end
        if i == n then return sum, maxflips end
        s[i] = i
        local t1 = p[1]; for j = 1, i do p[j] = p[j + 1] end; p[i + 1] = t1
      end
    end
  end
end
print("fannkuch", fannkuch(8))
