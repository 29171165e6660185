-- The string library: patterns, gsub, formatting, pack/unpack, utf8.
local text = [[
The quick brown fox jumps over the lazy dog. 12 apples, 7 pears and 1001 nights.
Lua 5.4: "strings", 'quotes', tabs	and (parentheses) [brackets] {braces}.
]]
local words = {}
for w in text:gmatch("%a+") do words[#words + 1] = w:lower() end
print(#words, table.concat(words, ","))
print(text:gsub("%d+", function(d) return "<" .. (tonumber(d) * 2) .. ">" end))
print(text:gsub("(%w+) (%w+)", "%2 %1", 5))
print(text:find("(%a+)%.", 1), text:match("(%d+) (%a+)"), text:match("%b()"), text:match("%f[%a]%a+$"))
print(("x"):rep(5, "-"), ("abc"):reverse(), ("MiXeD"):upper(), ("MiXeD"):lower(), #("\0a\0"))
print(string.byte("hello", 1, -1))
print(string.char(72, 105, 0, 255):byte(1, -1))
print(string.format("%q", "line1\nline2\t\0end\"quote\"\\"))
print(string.format("[%10s][%-10s][%.3s]", "right", "left", "truncate"))
local packed = string.pack("<i4 >i8 d s1 z B", -2, 2^40, 1.5, "str", "zero", 255)
print(#packed, (packed:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
print(string.unpack("<i4 >i8 d s1 z B", packed))
print(string.packsize("i4 i8 d"), string.pack(">I2", 258):byte(1, -1))
local u = "héllo wörld ✓ 日本"
print(utf8.len(u), #u, utf8.char(72, 233, 10003, 26085))
for p, c in utf8.codes("aé✓") do io.write(p, ":", c, " ") end
print()
print(utf8.codepoint(u, 1, -1))
print(utf8.offset(u, 3), utf8.offset(u, -1), utf8.charpattern)
local parts = {}
for k, v in string.gmatch("a=1, b=22, ccc=333", "(%w+)=(%w+)") do parts[#parts + 1] = k .. "->" .. v end
print(table.concat(parts, " "))
print(("  trim me  "):match("^%s*(.-)%s*$") .. "|", ("a,b,,c"):gsub(",", ";"))
local big = {}
for i = 1, 2000 do big[i] = string.format("%04d", (i * 7919) % 10007) end
local s = table.concat(big)
local count = select(2, s:gsub("99", "99"))
print(#s, count, s:sub(1000, 1040), s:find("12345", 1, true))
print(tostring(12):len(), ("%d items"):format(3), string.format("%s %s", 1.0, -0.0))
