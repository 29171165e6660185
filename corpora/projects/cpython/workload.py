# A differential workload for CPython: every line is the same for any correct build of it.
import hashlib, binascii, struct, json, re, math, random, pickle, marshal, unicodedata, sys
sys.set_int_max_str_digits(0)
from decimal import Decimal, getcontext
from fractions import Fraction

def h(b):
    return hashlib.sha256(b).hexdigest()[:32]

data = bytes((i * 7919 + (i >> 3)) & 0xFF for i in range(200000))
for name in sorted(hashlib.algorithms_available):
    try:
        d = hashlib.new(name, data)
        print(name, d.hexdigest(16) if name.startswith("shake") else d.hexdigest())
    except ValueError as e:
        print(name, "unavailable")
print("crc32", binascii.crc32(data), "b64", h(binascii.b2a_base64(data)), "hex", h(binascii.hexlify(data)))
import base64
print("b85", h(base64.b85encode(data)), "a85", h(base64.a85encode(data)), "b32", h(base64.b32encode(data[:9999])))
# big integers
f = math.factorial(2000)
print("2000!", len(str(f)), str(f)[:40], f % (10**9 + 7), f.bit_length())
n = 3 ** 10000 - 7 ** 3000
print("pow", h(str(n).encode()), h(n.to_bytes((n.bit_length() + 7) // 8, "little", signed=True)))
print("divmod", [str(x)[:30] for x in divmod(f, 3 ** 1000 + 1)], pow(3, 10 ** 18, 10 ** 9 + 9), pow(12345, -1, 1000003))
print("isqrt", math.isqrt(f) % 10**12, math.gcd(f, 2**5000 - 1), hex(2**200 - 1)[:20], int("7" * 5000) % 99991)
# decimal and fractions
getcontext().prec = 300
def pi_dec():
    getcontext().prec += 2
    three = Decimal(3); lasts, t, s, n, na, d, da = 0, three, 3, 1, 0, 0, 24
    while s != lasts:
        lasts = s; n, na = n + na, na + 8; d, da = d + da, da + 32; t = (t * n) / d; s += t
    getcontext().prec -= 2
    return +s
print("pi", str(pi_dec())[:302])
print("sqrt2", str(Decimal(2).sqrt())[:200], str(Decimal(10).ln())[:80], str(Decimal("1.5").exp())[:80])
e = sum(Fraction(1, math.factorial(k)) for k in range(60))
print("e", e.numerator % 10**20, e.denominator % 10**20, float(e))
# floats: repr, formatting, math
rnd = random.Random(20261207)
vals = [rnd.uniform(-1e6, 1e6) for _ in range(3000)] + [rnd.random() * 10 ** rnd.randint(-300, 300) for _ in range(3000)]
print("repr", h(" ".join(map(repr, vals)).encode()), h(" ".join(f"{v:.17g}|{v:e}|{v:.3f}|{v:g}" for v in vals).encode()))
print("parse", all(float(repr(v)) == v for v in vals), h(" ".join(float.hex(v) for v in vals).encode()))
grid = [x / 7 for x in range(-50, 51)]
print("math", h(" ".join(repr(g(x)) for x in grid for g in (math.sin, math.cos, math.atan, math.exp, math.erf, math.gamma if x > 0 else abs, math.lgamma if x > 0 else abs, math.sqrt if x >= 0 else abs, math.log1p if x > -1 else abs)).encode()))
print("fsum", math.fsum(vals), sum(vals), math.prod(grid[60:70]), math.hypot(*grid[:20]), math.comb(300, 150) % 10**20)
print("round", [round(v, 3) for v in vals[:8]], round(2.675, 2), round(0.5), round(1.5), f"{1e22:.0f}", 1 / 3, 2 ** 0.5, 0.1 + 0.2)
# struct, pickle, marshal
packed = b"".join(struct.pack("<bhiqfdHIQ?", i % 127, i * 7, i * 99991, i * 2**40, i / 3, i / 7, i, i * 3, i * 2**33, i & 1) for i in range(2000))
print("struct", h(packed), struct.unpack(">dqI", struct.pack(">dqI", math.pi, -2**63, 2**32 - 1)))
obj = {"ints": list(range(-500, 500)), "floats": vals[:300], "str": "héllo wörld ☃ 𝄞" * 20, "nested": [[i, {"k": str(i)}] for i in range(200)], "big": f, "t": (1, 2.5, None, True)}
print("pickle", [h(pickle.dumps(obj, protocol=p)) for p in range(6)])
print("marshal", h(marshal.dumps(obj)), pickle.loads(pickle.dumps(obj)) == obj)
# json
doc = json.dumps(obj | {"big": str(f)}, sort_keys=True)
print("json", h(doc.encode()), h(json.dumps(json.loads(doc), indent=2, ensure_ascii=False).encode()), len(doc))
# regular expressions and text
text = " ".join(f"word{i} {i * i} x{i:x}@example.org {'αβγ' * (i % 3)}" for i in range(5000))
print("re", len(re.findall(r"\b\w+\d\b", text)), h(re.sub(r"(\d+) (x[0-9a-f]+)", r"<\2:\1>", text).encode()), len(re.findall(r"[\w.]+@\w+\.org", text)))
print("re2", re.match(r"(?P<a>(a|b)*?)b{2,}(?=c)", "ababbbbcc").groupdict(), re.split(r"(\W+)", "a, b;; c")[:8], re.fullmatch(r"(?i)[α-ω]+", "ΑΒΓ") is not None)
# unicode
s = "".join(chr(c) for c in range(0x20, 0x3000) if unicodedata.category(chr(c))[0] in "LNP")
for form in ("NFC", "NFD", "NFKC", "NFKD"):
    print(form, h(unicodedata.normalize(form, s).encode("utf-8", "surrogatepass")))
print("case", h(s.upper().encode()), h(s.lower().encode()), h(s.casefold().encode()), h(s.title().encode()))
for enc in ("utf-16", "utf-32-be", "latin-1", "cp1252", "shift_jis", "gb18030", "euc-kr", "big5", "koi8-r", "utf-7", "idna"):
    try:
        print(enc, h("Hello, 世界 — Ünïcödé ☃ テスト 한국어 Привет".encode(enc, "replace")))
    except (UnicodeError, LookupError) as e:
        print(enc, type(e).__name__)
# sorting, hashing of ints and strings (string hashes vary with PYTHONHASHSEED: not printed)
big = [rnd.randint(-10**12, 10**12) for _ in range(200000)]
print("sort", h(repr(sorted(big)).encode()), h(repr(sorted(map(str, big[:50000]))).encode()), hash(2**100), hash(-1), hash(1.5), hash(10**30 / 7))
print("random", [rnd.random() for _ in range(3)], rnd.getrandbits(130), rnd.sample(range(1000), 5), rnd.gauss(0, 1))
print("info", sys.version_info[:3], sys.float_info, sys.int_info, sys.hash_info.width, sys.maxsize, sys.byteorder)
