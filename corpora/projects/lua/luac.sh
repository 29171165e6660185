# The same scripts through luac's bytecode (dump and undump), stripped and not.
set -e
for s in arith strings closures kernels; do
  $EMU src/luac -o "$WORK/$s.luac" "$DATA/$s.lua"
  $EMU src/lua "$WORK/$s.luac" | cksum
  $EMU src/luac -s -o "$WORK/$s.s.luac" "$DATA/$s.lua"
  $EMU src/lua "$WORK/$s.s.luac" | cksum
done
$EMU src/luac -p "$DATA/tables.lua" && echo "parse ok"
