"""oracle: a differential-testing oracle for C compilers (GCC is the reference)."""

__version__ = "0.1.0"
