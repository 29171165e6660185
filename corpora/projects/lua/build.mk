# Lua 5.4 without Debian's libtool and C++ variants (run in src/ by corpora/projects/lua.toml).
CORE = lapi lcode lctype ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser lstate \
       lstring ltable ltm lundump lvm lzio
LIB = lauxlib lbaselib lcorolib ldblib liolib lmathlib loadlib loslib lstrlib ltablib lutf8lib linit
OBJ = $(addsuffix .o,$(CORE) $(LIB))
DEFS = -DLUA_COMPAT_5_3 -DLUA_USE_POSIX
AR ?= ar

all: lua luac
liblua.a: $(OBJ)
	$(AR) rcs $@ $(OBJ)
lua: lua.o liblua.a
	$(CC) $(CFLAGS) -o $@ lua.o liblua.a -lm
luac: luac.o liblua.a
	$(CC) $(CFLAGS) -o $@ luac.o liblua.a -lm
%.o: %.c
	$(CC) $(CFLAGS) $(DEFS) -c $< -o $@
