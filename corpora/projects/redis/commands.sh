#!/bin/sh
# The session's commands (deterministic: no random values, and nothing whose order comes from a
# hash table, whose seed is random per server: large hashes and sets are read back sorted).
cat <<'EOF'
SET greeting "hello, world"
APPEND greeting "!!"
GET greeting
SETRANGE greeting 7 "Redis"
GETRANGE greeting 0 -3
STRLEN greeting
SET n 10
INCRBY n 9223372036854775000
INCRBY n 807
DECRBY n -1
INCRBYFLOAT f 3.0e3
INCRBYFLOAT f 10.5
INCRBYFLOAT f -5.0e-1
INCRBYFLOAT f 0.1
INCRBYFLOAT f 1.7976931348623157e308
GET f
MSET k1 v1 k2 v2 k3 v3
MGET k1 k2 k3 nosuch
SETBIT bits 7 1
SETBIT bits 100 1
SETBIT bits 1003 1
BITCOUNT bits
BITCOUNT bits 1 -1
BITPOS bits 1 2
BITPOS bits 0
SET a "\x0f\xf0\xaa\x55\x01"
SET b "\xff\x0f\x33\xcc"
BITOP AND r1 a b
BITOP OR r2 a b
BITOP XOR r3 a b
BITOP NOT r4 a
GET r1
GET r2
GET r3
GET r4
BITFIELD bf SET u8 0 255 INCRBY u8 0 10 GET u8 0
BITFIELD bf OVERFLOW SAT INCRBY i5 100 100 OVERFLOW FAIL INCRBY i5 100 100 OVERFLOW WRAP INCRBY u3 3 13
BITFIELD bf GET i16 0 GET u12 4 GET i64 0
EOF
awk 'BEGIN {
    line = "RPUSH biglist"; for (i = 1; i <= 300; i++) line = line " " (i * 7919 % 1000 - 500); print line
    print "LRANGE biglist 0 9"; print "LRANGE biglist -5 -1"; print "LLEN biglist"
    print "OBJECT ENCODING biglist"
    print "LINSERT biglist BEFORE 21 inserted"; print "LREM biglist 0 -181"; print "LPOS biglist inserted"
    print "LTRIM biglist 5 250"; print "LINDEX biglist 100"; print "LMOVE biglist other RIGHT LEFT"
    print "RPUSH smalllist 3 1 2 10 -4 2.5 1e3"
    print "SORT smalllist"; print "SORT smalllist DESC LIMIT 1 4"; print "SORT biglist LIMIT 0 12"
    print "RPUSH names delta alpha charlie bravo echo"; print "SORT names ALPHA"
    print "MSET w_delta 4 w_alpha 1 w_charlie 3 w_bravo 2 w_echo 5"; print "SORT names BY w_* GET # GET w_*"
    line = "HSET bighash"; for (i = 0; i < 400; i++) line = line " field" i " " (i * i * 31 % 9973); print line
    print "HLEN bighash"; print "HGET bighash field377"; print "HSTRLEN bighash field12"
    print "OBJECT ENCODING bighash"; print "HINCRBY bighash field1 -1000"; print "HINCRBYFLOAT bighash field2 0.25"
    print "HSET smallhash a 1 b 2 c 3.5"; print "HGETALL smallhash"; print "OBJECT ENCODING smallhash"
    line = "SADD ints"; for (i = 0; i < 200; i++) line = line " " (i * 37 % 211); print line
    print "SMEMBERS ints"; print "OBJECT ENCODING ints"; print "SISMEMBER ints 74"
    line = "SADD words"; for (i = 0; i < 150; i++) line = line " w" (i * 13 % 97); print line
    line = "SADD words2"; for (i = 0; i < 150; i++) line = line " w" (i * 7 % 89); print line
    print "SCARD words"; print "SINTERSTORE both words words2"; print "SORT both ALPHA"
    print "SUNIONSTORE either words words2"; print "SCARD either"; print "SDIFFSTORE only words words2"; print "SORT only ALPHA"
    line = "ZADD bigz"; for (i = 0; i < 300; i++) line = line " " (i * 1.37 - 100) " m" i; print line
    print "ZRANGE bigz 0 9 WITHSCORES"; print "ZRANGEBYSCORE bigz 12.5 20 WITHSCORES"; print "ZCOUNT bigz -50 (50"
    print "ZRANK bigz m150"; print "ZREVRANK bigz m150"; print "ZINCRBY bigz 0.001 m7"; print "ZSCORE bigz m7"
    print "OBJECT ENCODING bigz"
    print "ZADD smallz 1.5 a 2.25 b 1e-3 c -0 d 3.141592653589793 e"
    print "ZRANGE smallz 0 -1 WITHSCORES"; print "ZUNIONSTORE uz 2 smallz bigz WEIGHTS 2 0.5 AGGREGATE MAX"
    print "ZRANGE uz 0 7 WITHSCORES"; print "ZADD lex 0 apple 0 banana 0 cherry 0 date 0 elder"
    print "ZRANGEBYLEX lex [b (d"; print "ZPOPMIN bigz 3"; print "ZPOPMAX bigz 2"
    for (i = 1; i <= 10; i++) {
        line = "PFADD hll" (i % 3); for (j = 0; j < 100; j++) line = line " e" (i * 100 + j); print line
    }
    print "PFCOUNT hll0"; print "PFCOUNT hll1"; print "PFCOUNT hll0 hll1 hll2"
    print "PFMERGE hllall hll0 hll1 hll2"; print "PFCOUNT hllall"
    for (i = 1; i <= 50; i++) print "XADD stream " i "-" (i % 3) " sensor " (i % 5) " value " (i * 2.5)
    print "XLEN stream"; print "XRANGE stream 10 15"; print "XREVRANGE stream + - COUNT 3"
    print "XTRIM stream MAXLEN 40"; print "XLEN stream"; print "XINFO STREAM stream"
}'
cat <<'EOF'
GEOADD cities 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 2.3522 48.8566 Paris
GEOADD cities -0.1276 51.5072 London 139.6917 35.6895 Tokyo -74.0060 40.7128 NewYork
GEODIST cities Palermo Catania km
GEODIST cities Paris London m
GEODIST cities Tokyo NewYork mi
GEOHASH cities Palermo Paris Tokyo
GEOPOS cities London NewYork
GEOSEARCH cities FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST WITHCOORD
GEOSEARCH cities FROMMEMBER Paris BYBOX 1000 1000 km ASC WITHDIST
EVAL "local s = 0 for i = 1, tonumber(ARGV[1]) do s = s + i * i end return s" 0 1000
EVAL "return string.format('%.14g %d %s', math.sqrt(2), math.floor(-3.5), tostring(1/3))" 0
EVAL "return cjson.encode({1, 2.5, 'x', {a = 1}, true})" 0
EVAL "local t = cjson.decode(ARGV[1]) return {t.a, t.b[2], #t.b, tostring(t.c)}" 0 "{\"a\":\"one\",\"b\":[10,20,30],\"c\":1e-3}"
EVAL "return cmsgpack.pack({1, 2, 'three', 4.5, -1000000})" 0
EVAL "local t = cmsgpack.unpack(cmsgpack.pack({1, 2, 'three', 4.5, -1000000})) return {t[1], t[3], tostring(t[4]), t[5]}" 0
EVAL "return struct.pack('>iHb', 123456789, 65000, -3)" 0
EVAL "return {struct.unpack('<Id', struct.pack('<Id', 4000000000, 2.75))}" 0
EVAL "return {bit.band(0x12345678, 0xff00ff00), bit.bxor(0x12345678, -1), bit.lshift(1, 31), bit.rshift(-1, 28), bit.tohex(48879)}" 0
EVAL "return redis.sha1hex(ARGV[1])" 0 "The quick brown fox jumps over the lazy dog"
EVAL "local r = {} for i = 1, 20 do r[i] = redis.call('INCRBY', KEYS[1], i * i) end return r" 1 counter
EVAL "redis.call('RESTORE', KEYS[2], 0, redis.call('DUMP', KEYS[1])) return redis.call('LLEN', KEYS[2])" 2 biglist biglist2
EVAL "redis.call('RESTORE', KEYS[2], 0, redis.call('DUMP', KEYS[1])) return redis.call('ZCARD', KEYS[2])" 2 bigz bigz2
SCRIPT LOAD "return {KEYS[1], ARGV[1], 42}"
FUNCTION LOAD "#!lua name=mylib\nredis.register_function('sumsq', function(keys, args) local s = 0 for _, v in ipairs(args) do s = s + v * v end return s end)"
FCALL sumsq 0 1 2 3 4 5 6 7 8 9
DEBUG DIGEST-VALUE biglist biglist2 bigz bigz2
DUMP greeting
DUMP n
DUMP biglist
DUMP smalllist
DUMP bighash
DUMP smallhash
DUMP ints
DUMP bigz
DUMP smallz
DUMP hllall
DUMP stream
DUMP cities
DEBUG DIGEST-VALUE greeting biglist bighash ints words bigz smallz hllall stream cities bits bf
OBJECT ENCODING n
OBJECT ENCODING greeting
OBJECT ENCODING words
OBJECT ENCODING stream
DBSIZE
DEBUG DIGEST
EOF
