"""The kinds of difference between a candidate's preprocessing of a TU and GCC's (what
oracle/judge/projects/preproc.py finds, a record's `evidence.preprocessor` holds, and clustering
and tasks read): those that are the preprocessor's own bug, and each kind in plain words."""

BUGS = ("relex", "stringify", "unexpanded", "expansion")  # kinds that are the preprocessor's own bug
WORDS = {
    "relex": "a macro name right after a number and '.' is left unexpanded (after expanding MAJOR.MINOR "
             "the candidate re-reads the text 10.MINOR as one pp-number)",
    "stringify": "a macro name inside a stringified argument (#x through a helper macro) is left unexpanded",
    "unexpanded": "a macro name is left unexpanded",
    "expansion": "a macro expands to other tokens than GCC's",
    "definitions": "a macro is defined otherwise (a predefined or command-line macro, or another #if branch)",
}
