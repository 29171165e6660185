#!/bin/sh
# A small redis-benchmark run (fixed keys: no -r, so what it leaves is the same every run): the
# tests it ran (the first column of --csv, not the times) and what it left: the dataset's size,
# a few counts and DEBUG DIGEST.
. "$DATA/port.sh"
start_server || exit 1
src/redis-benchmark -p "$PORT" -n 2000 -c 4 -P 4 --csv \
    -t ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange_100,mset \
    | cut -d, -f1
status=$?
for c in "DBSIZE" "GET counter:__rand_int__" "LLEN mylist" "SCARD myset" "ZCARD myzset" "DEBUG DIGEST"; do
    src/redis-cli -p "$PORT" $c
done
stop_server
echo "redis-benchmark: exit $status"
