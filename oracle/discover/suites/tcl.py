"""Just enough Tcl to read DejaGnu directives and GCC's small `.x` scripts.

Words are plain strings or Braced groups (their raw text, parsed on demand).
Nothing is ever executed: callers interpret the few commands they understand
and treat anything else as "not understood".
"""

from __future__ import annotations

from dataclasses import dataclass


class TclError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Braced:
    text: str

    def words(self) -> list["Word"]:
        return words(self.text)


@dataclass(frozen=True, slots=True)
class Bracket:
    """A command substitution `[cmd args]`, kept unevaluated."""

    text: str

    def words(self) -> list["Word"]:
        return words(self.text)


Word = str | Braced | Bracket


def _match(text: str, i: int, open_: str, close: str) -> int:
    """Index just past the bracket that closes the one at text[i]."""
    depth = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise TclError(f"unbalanced {open_}{close}")


def _quoted(text: str, i: int) -> tuple[str, int]:
    out = []
    i += 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            nxt = text[i + 1]
            out.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        if c == '"':
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise TclError("unterminated string")


def words(text: str) -> list[Word]:
    """Split one command's text into words."""
    out: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "{":
            end = _match(text, i, "{", "}")
            out.append(Braced(text[i + 1 : end - 1]))
            i = end
        elif c == '"':
            s, i = _quoted(text, i)
            out.append(s)
        elif c == "[":
            end = _match(text, i, "[", "]")
            out.append(Bracket(text[i + 1 : end - 1]))
            i = end
        else:
            j = i
            while j < n and not text[j].isspace():
                if text[j] == "\\":
                    j += 1
                j += 1
            out.append(text[i:j].replace("\\", ""))
            i = j
    return out


def commands(script: str) -> list[list[Word]]:
    """Split a script into commands (newline or `;` at depth 0), dropping comments."""
    cmds: list[list[Word]] = []
    i, n, start = 0, len(script), 0
    while i < n:
        c = script[i]
        if c == "#" and not script[start:i].strip():  # a comment runs to the end of its line
            end = script.find("\n", i)
            i = start = n if end < 0 else end + 1
            continue
        if c == "{":
            i = _match(script, i, "{", "}")
        elif c == "[":
            i = _match(script, i, "[", "]")
        elif c == '"':
            _, i = _quoted(script, i)
        elif c == "\\":
            i += 2
        else:
            if c in "\n;":
                chunk = script[start:i].strip()
                if chunk:
                    cmds.append(words(chunk))
                start = i + 1
            i += 1
    chunk = script[start:].strip()
    if chunk:
        cmds.append(words(chunk))
    return cmds


def as_list(word: Word) -> list[str]:
    """A Tcl list value as strings (a braced group of words, or one word)."""
    if isinstance(word, Braced):
        return [w if isinstance(w, str) else w.text for w in word.words()]
    if isinstance(word, Bracket):
        raise TclError(f"command substitution [{word.text}] not supported")
    return [word]


def as_text(word: Word) -> str:
    if isinstance(word, Braced):
        return word.text
    if isinstance(word, Bracket):
        raise TclError(f"command substitution [{word.text}] not supported")
    return word
