-- Tables: sorting with comparators, insert/remove/move/concat, the length operator, integer keys.
local seed = 7
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
local t = {}
for i = 1, 5000 do t[i] = rnd(100000) end
table.sort(t)
local ok = true
for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
print("sorted", ok, t[1], t[2500], t[5000])
local recs = {}
for i = 1, 1000 do recs[i] = {name = string.format("n%03d", rnd(300)), v = rnd(1000) - 500, id = i} end
table.sort(recs, function(a, b) if a.name ~= b.name then return a.name < b.name end return a.id < b.id end)
local out = {}
for i = 1, 1000, 97 do out[#out + 1] = recs[i].name .. ":" .. recs[i].v end
print(table.concat(out, " "))
table.sort(recs, function(a, b) return a.v > b.v or (a.v == b.v and a.id < b.id) end)
print(recs[1].v, recs[1].id, recs[1000].v, recs[1000].id)
local q = {}
for i = 1, 100 do table.insert(q, i) end
for i = 1, 30 do table.insert(q, 1, -i) end
for i = 1, 40 do table.remove(q, (i * 7) % #q + 1) end
print(#q, table.concat(q, ",", 1, 20))
print(table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","), table.unpack({1, 2, 3}, 2))
print(select("#", table.unpack({}, 1, 3)), select(-1, 1, 2, 3))
local sparse = {}
sparse[1], sparse[2], sparse[3], sparse[1000000] = 1, 2, 3, 4
print(#{1, 2, 3, nil}, sparse[1000000], rawlen({1, 2}), next({}))
local m = {}
for i = 1, 300 do m[i * 3 % 301] = i end
local keys = {}
for k in pairs(m) do keys[#keys + 1] = k end
table.sort(keys)
local sum = 0
for _, k in ipairs(keys) do sum = sum + k * m[k] end
print(#keys, sum)
local mat = {}
for i = 1, 40 do mat[i] = {} for j = 1, 40 do mat[i][j] = (i * j) % 17 - 8 end end
local det = 0
for i = 1, 40 do for j = 1, 40 do det = det + mat[i][j] * mat[j][i] end end
print("trace-ish", det)
local words = {"pear", "Apple", "fig", "banana", "apple", "Fig", "cherry"}
table.sort(words, function(a, b) return a:lower() < b:lower() or (a:lower() == b:lower() and a < b) end)
print(table.concat(words, " "))
