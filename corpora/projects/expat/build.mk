# expat 2.5.0 without autotools (the Debian source is upstream's git layout: no configure, and
# buildconf.sh needs automake): run in expat/ by corpora/projects/expat.toml, after the recipe
# copies expat_config.h here. Static: lib/libexpat.a, xmlwf, the examples, and tests/runtests.
# tests/minicheck_sel.c is minicheck.c with one line added: runtests runs only the tests that
# select.c picks from the environment (ORACLE_TCASE, ORACLE_FROM, ORACLE_TO), so the recipe can
# split the 367 tests into several cases (runtests itself takes no test names).
CPPFLAGS = -I. -Ilib
XCFLAGS = -fno-strict-aliasing
AR ?= ar
LIB = lib/xmlparse.o lib/xmltok.o lib/xmlrole.o
XMLWF = xmlwf/xmlwf.o xmlwf/xmlfile.o xmlwf/codepage.o xmlwf/unixfilemap.o
TESTLIB = tests/chardata.o tests/structdata.o tests/memcheck.o tests/minicheck_sel.o tests/select.o

all: xmlwf/xmlwf examples/elements examples/outline tests/runtests

lib/libexpat.a: $(LIB)
	$(AR) rcs $@ $(LIB)
xmlwf/xmlwf: $(XMLWF) lib/libexpat.a
	$(CC) $(CFLAGS) -o $@ $(XMLWF) lib/libexpat.a -lm
examples/elements: examples/elements.o lib/libexpat.a
	$(CC) $(CFLAGS) -o $@ examples/elements.o lib/libexpat.a
examples/outline: examples/outline.o lib/libexpat.a
	$(CC) $(CFLAGS) -o $@ examples/outline.o lib/libexpat.a
tests/runtests: tests/runtests.o $(TESTLIB) lib/libexpat.a
	$(CC) $(CFLAGS) -o $@ tests/runtests.o $(TESTLIB) lib/libexpat.a -lm

tests/minicheck_sel.c: tests/minicheck.c
	sed -e '1i int oracle_selected(const char *tcase, int index);' \
	    -e 's/^    for (i = 0; i < tc->ntests; ++i) {$$/&\n      if (! oracle_selected(tc->name, i)) continue;/' $< > $@.tmp
	test "$$(grep -c oracle_selected $@.tmp)" = 2
	mv $@.tmp $@
tests/select.c: $(DATA)/select.c
	cp $< $@

%.o: %.c
	$(CC) $(CFLAGS) $(XCFLAGS) $(CPPFLAGS) -c $< -o $@
