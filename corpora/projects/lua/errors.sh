# Errors and their exit statuses: a runtime error, a syntax error, os.exit codes, a script on stdin.
$EMU src/lua -e "error('boom')" 2>&1; echo "status $?"
$EMU src/lua -e "x = = 1" 2>&1; echo "status $?"
$EMU src/lua -e "os.exit(7)"; echo "status $?"
$EMU src/lua -e "os.exit(false)"; echo "status $?"
echo 'print(("stdin script"):upper(), 6 * 7)' | $EMU src/lua -; echo "status $?"
echo "print(#arg, arg[0], arg[1], arg[2])" | $EMU src/lua - a b 2>&1 | sed "s/^/args: /"
