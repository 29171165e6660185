-- Closures, varargs, coroutines, metatables, goto, to-be-closed variables, errors.
local function counter()
  local n = 0
  return function(k) n = n + (k or 1); return n end
end
local c1, c2 = counter(), counter()
c1(); c1(5); c2(2)
print("counters", c1(), c2())
local function va(...)
  local n = select("#", ...)
  return n, ..., (select(n > 0 and n or 1, ...))
end
print(va()); print(va(1, nil, 3)); print(va(nil, nil))
local function gen(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i * i) end return "done" end)
end
local g = gen(5)
print(g(), g(), g(), g(), g(), g())
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  error({code = d + e})
end)
print(coroutine.resume(co, 1, 2)); print(coroutine.resume(co, 10))
local ok, err = coroutine.resume(co, 3, 4)
print(ok, type(err), err.code, coroutine.status(co))
local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__le = function(a, b) return a.x <= b.x end
V.__tostring = function(a) return "(" .. a.x .. "," .. a.y .. ")" end
V.__call = function(self, k) return self.x * k end
V.__len = function() return 2 end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), a == vec(1, 2), a < b, b <= a, a(10), #a, a .. b)
local proxy = setmetatable({}, {__index = function(_, k) return k .. "!" end, __newindex = function(t, k, v) rawset(t, k, v * 2) end})
proxy.z = 21
print(proxy.hello, proxy.z)
local i = 1
::top::
if i < 5 then i = i * 2 goto top end
print("goto", i)
do
  local order = {}
  do
    local x <close> = setmetatable({}, {__close = function() order[#order + 1] = "x" end})
    local y <close> = setmetatable({}, {__close = function() order[#order + 1] = "y" end})
  end
  print("close order", table.concat(order, ","))
end
print(pcall(error, "plain"))
print(select("#", pcall(error, {1, 2})), type(select(2, pcall(error, {1, 2}))))
print(select(2, pcall(function() local t = nil; return t.x end)))
print(select(2, pcall(function() return 1 + {} end)))
print(select(2, xpcall(function() error("deep", 2) end, function(m) return "handled: " .. m end)))
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end
print("fib", fib(24))
local function tail(n, acc) if n == 0 then return acc end return tail(n - 1, acc + n) end
print("tail", tail(200000, 0))
print(string.format("%s", select("#", table.unpack({}, 1, 200))))
