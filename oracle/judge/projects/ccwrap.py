"""The compiler wrapper a project is built with (its CC): records every translation unit and routes
each to the candidate or the reference.

Stand-alone on purpose (standard library only, run as `python3 -S ccwrap.py`): configure runs the
compiler hundreds of times. Its settings come from the JSON file named by $ORACLE_CCWRAP:

  compilers   {"cand": argv, "ref": argv}
  compile     which compiles a TU by default ("cand" or "ref")
  route       null, or the TU keys the candidate compiles (every other TU: the reference)
  link        which links ("ref" in mixed builds: the reference driver links)
  link_extra  arguments added to every link (mixed builds: -no-pie, so that the objects of a
              candidate that does not make PIC code link with GCC's)
  store       a folder keeping each TU's object per compiler (built once, copied after), or null;
              an object is found again only for the same bytes: the TU's key holds its source's
              bytes, and the object's name the bytes of every header it read then (listed by the
              reference's -M), so a file compiled twice with other contents is compiled again
  log         a file; one JSON line per TU compiled and per link
  root        the tree's absolute path (TU keys name paths relative to it, so copies agree)
  timeout     seconds per compile
  keep_going  a TU the candidate rejects is compiled by the reference (logged as a fallback), so
              the build goes on and names every TU the candidate rejects
  phase       "configure" (pass everything through, record nothing) or "build"

A TU is one source file of one compile command: `cc -c a.c b.c` is two, `cc a.c -o prog`
(compile and link in one) is compiled as a TU and then linked by the link compiler.
"""

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

SOURCE_EXT = (".c", ".i", ".s", ".S", ".sx")
# Options whose value is the next argument.
WITH_ARG = {"-o", "-I", "-D", "-U", "-include", "-imacros", "-isystem", "-iquote", "-idirafter", "-MF",
            "-MT", "-MQ", "-x", "-L", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-u", "-T", "-z",
            "-aux-info", "--param", "-isysroot", "-imultilib", "-iprefix", "-iwithprefix"}
WP_DEP = ("-Wp,-MD,", "-Wp,-MMD,")  # the preprocessor's dependency file, as Kbuild asks for it
PASS = {"-E", "-S", "-M", "-MM", "-v", "--version", "-dumpversion", "-dumpmachine", "-x", "-"}


LINK_ONLY_WITH_ARG = {"-L", "-Xlinker", "-T", "-z", "-u"}
LINK_ONLY_PREFIX = ("-l", "-L", "-Wl,")
LINK_ONLY = {"-static", "-pie", "-no-pie", "-shared", "-rdynamic", "-s"}


def parse(args):
    """(sources with their indexes, the -o value or None, -c present)"""
    sources, out, compile_only, i = [], None, False, 0
    while i < len(args):
        a = args[i]
        if a in WITH_ARG:
            if a == "-o" and i + 1 < len(args):
                out = args[i + 1]
            i += 2
            continue
        if a == "-c":
            compile_only = True
        elif not a.startswith("-") and a.endswith(SOURCE_EXT):
            sources.append((i, a))
        i += 1
    return sources, out, compile_only


def compile_part(common):
    """The arguments of a compile-and-link command that its compile steps take: without the other
    inputs (objects, archives) and the linker's options (some compilers refuse them with -c)."""
    out, i = [], 0
    while i < len(common):
        a = common[i]
        if a in LINK_ONLY_WITH_ARG:
            i += 2
            continue
        if a in WITH_ARG:
            out += common[i:i + 2]
            i += 2
            continue
        if not a.startswith("-") or a.startswith(LINK_ONLY_PREFIX) or a in LINK_ONLY:
            i += 1  # an input (object, archive, library) or a linker option
            continue
        out.append(a)
        i += 1
    return out


def passthrough(args):
    return any(a in PASS or a.startswith("-print-") for a in args)


class Wrapper:
    def __init__(self, cfg):
        self.cfg = cfg
        self.root = os.path.realpath(cfg["root"])
        self.cwd = os.getcwd()

    def norm(self, text):
        for root in (self.root, *self.cfg.get("aliases", ())):
            text = text.replace(root, "@R")
        return text

    def rel(self, path):
        full = os.path.realpath(os.path.join(self.cwd, path))
        for root in (self.root, *self.cfg.get("aliases", ())):
            if full == root or full.startswith(root + os.sep):
                return os.path.relpath(full, root)
        return full

    def key(self, src, common):
        """The TU: where, which file, which arguments, and the file's bytes (a source a build
        writes twice, or a test recompiles changed, is another TU)."""
        ident = json.dumps([self.rel("."), self.rel(src), [self.norm(a) for a in common]])
        h = hashlib.sha256(ident.encode())
        data = self.read(src)
        h.update(b"\0unreadable" if data is None else b"\0" + data)  # unreadable: the compiler says why
        return h.hexdigest()[:20]

    def read(self, path):
        """A file's bytes with the tree's path in them made @R (configure writes it into files a
        copied tree rewrites: the same TU in every copy); None if it cannot be read."""
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return None
        for root in (self.root, *self.cfg.get("aliases", ())):
            data = data.replace(root.encode(errors="surrogateescape"), b"@R")
        return data

    def headers(self, src, common):
        """The files src reads besides itself (the reference's -M; paths under the tree relative
        to it, so copies agree); None when they cannot be listed (then nothing is stored)."""
        args, i = [], 0
        while i < len(common):  # the dependency options would write the list somewhere else
            a = common[i]
            if a in ("-MF", "-MT", "-MQ"):
                i += 2
                continue
            if a not in ("-MD", "-MMD", "-MP", "-MG", "-M", "-MM") and not a.startswith(WP_DEP):
                args.append(a)
            i += 1
        try:
            p = subprocess.run([*self.cfg["compilers"]["ref"], *args, "-M", "-MT", "x", src], capture_output=True,
                               timeout=self.cfg.get("timeout", 60), start_new_session=True)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return self.rule_files(p.stdout, src) if p.returncode == 0 else None

    def rule_files(self, rule, src):
        """The prerequisites of a make rule (`x: a.c a.h …`) but src, sorted, tree paths relative."""
        text = rule.decode(errors="surrogateescape").replace("\\\n", " ").split("\n", 1)[0]  # -MP adds more rules
        words = [w.replace("\0", " ") for w in text.partition(":")[2].replace("\\ ", "\0").split()]
        own = os.path.realpath(src)
        return sorted({self.rel(w) for w in words if os.path.realpath(w) != own})

    def digest(self, files):
        """The bytes of files (relative ones under the tree); None when one is gone."""
        h = hashlib.sha256()
        for name in files:
            data = self.read(name if os.path.isabs(name) else os.path.join(self.root, name))
            if data is None:
                return None
            h.update(name.encode(errors="surrogateescape") + b"\0" + data + b"\0")
        return h.hexdigest()[:20]

    def stored(self, store, key, who):
        """The stored object of this TU whose headers hold the bytes they hold now, or None."""
        try:
            with open(os.path.join(store, f"{key}.{who}.headers")) as f:
                files = json.load(f)
        except (OSError, ValueError):
            return None
        d = self.digest(files) if isinstance(files, list) else None
        target = os.path.join(store, f"{key}.{who}.{d}.o") if d else None
        return target if target and os.path.exists(target) else None

    def keep(self, store, key, who, tmp, src, common, dep):
        """Put a fresh object in the store, named by its headers' bytes; its path, None if not kept.
        The headers are those the reference's own -MD -MF rule lists when it compiled the TU (no
        second process), else the reference's -M (a candidate's dependency file is never trusted, nor
        -MMD's, which leaves system headers out)."""
        files = None
        full = ("-MF" in common and "-MD" in common and "-MMD" not in common) or any(a.startswith("-Wp,-MD,") for a in common)
        if who == "ref" and full:  # written just now
            with contextlib.suppress(OSError):
                with open(dep, "rb") as f:
                    files = self.rule_files(f.read(), src)
        if files is None:
            files = self.headers(src, common)
        d = self.digest(files) if files is not None else None
        if d is None:
            return None
        target = os.path.join(store, f"{key}.{who}.{d}.o")
        if dep and os.path.exists(dep):
            shutil.copyfile(dep, f"{target}.d")
        os.replace(tmp, target)
        index = os.path.join(store, f"{key}.{who}.headers")
        mine = f"{index}.{_unique()}.tmp"
        with open(mine, "w") as f:
            json.dump(files, f)
        os.replace(mine, index)
        return target

    def who(self, key):
        route = self.cfg.get("route")
        if route is None:
            return self.cfg["compile"]
        return "cand" if key in route else "ref"

    def log(self, entry):
        line = (json.dumps(entry) + "\n").encode()
        fd = os.open(self.cfg["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)  # one write with O_APPEND: lines of parallel compiles never mix
        finally:
            os.close(fd)

    def run(self, argv):
        """(status: exit code, or -signal, or "timeout"; stderr bytes)"""
        try:
            p = subprocess.Popen(argv, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            return 127, f"{argv[0]}: cannot start: {exc.strerror}\n".encode()
        try:
            _, err = p.communicate(timeout=self.cfg.get("timeout", 60))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            _, err = p.communicate()
            return "timeout", err
        return p.returncode, err

    def tu(self, src, common, out):
        """Compile one TU into out; returns the exit status to give (0 when it worked)."""
        key = self.key(src, common)
        who = self.who(key)
        status = self.compile(src, common, out, key, who)
        if status != 0 and who == "cand" and self.cfg.get("keep_going"):
            # The candidate rejects this TU: the reference compiles it and the build goes on, so
            # every TU the candidate rejects is known (the log keeps the candidate's failure).
            if self.compile(src, common, out, key, "ref", fallback=True) == 0:
                return 0
        return 0 if status == 0 else (124 if status == "timeout" else (128 - status if status < 0 else status))

    def compile(self, src, common, out, key, who, fallback=False):
        """One compile of src by who into out (through the store); logged; its raw status."""
        dep = _dep_file(common, out)
        store = self.cfg.get("store")
        target = self.stored(store, key, who) if store else None
        status, err, seconds = 0, b"", None
        if target is None:
            tmp = os.path.join(store, f"{key}.{who}.{_unique()}.tmp.o") if store else out
            argv = [*self.cfg["compilers"][who], *common, "-c", src, "-o", tmp]
            started = time.monotonic()
            status, err = self.run(argv)
            seconds = time.monotonic() - started
            sys.stderr.buffer.write(err)
            if status == 0 and store:
                target = self.keep(store, key, who, tmp, src, common, dep)
                if target is None:
                    shutil.move(tmp, out)  # its headers could not be listed: this build's, never stored
                else:
                    with contextlib.suppress(OSError):
                        with open(f"{target}.secs", "w") as f:
                            f.write(f"{seconds:.4f}")
            elif store:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        else:
            # How long the stored object took to compile when it was made (the compiler's speed
            # against the reference's scales a project's test timeouts).
            with contextlib.suppress(OSError, ValueError):
                with open(f"{target}.secs") as f:
                    seconds = float(f.read())
        if status == 0 and store and target:
            shutil.copyfile(target, out)
            if dep and os.path.exists(f"{target}.d"):
                shutil.copyfile(f"{target}.d", dep)
        entry = {"tu": self.rel(src), "key": key, "who": who, "cwd": self.rel("."), "out": self.rel(out),
                 "argv": [self.norm(a) for a in common], "status": status,
                 "stderr": err.decode(errors="replace")[-4000:] if status else ""}
        if seconds is not None:
            entry["seconds"] = round(seconds, 4)
        if fallback:
            entry["fallback"] = True
        self.log(entry)
        return status

    def link(self, args):
        extra = [] if "-shared" in args or "-r" in args else self.cfg.get("link_extra", [])
        status, err = self.run([*self.cfg["compilers"][self.cfg["link"]], *args, *extra])
        sys.stderr.buffer.write(err)
        if status != 0:
            self.log({"link": True, "cwd": self.rel("."), "status": status, "stderr": err.decode(errors="replace")[-4000:]})
        return 0 if status == 0 else (124 if status == "timeout" else (128 - status if status < 0 else status))

    def main(self, args):
        if self.cfg.get("phase") == "configure" or passthrough(args):
            who = self.cfg["compile"] if parse(args)[0] or "-E" in args else self.cfg["link"]
            argv = [*self.cfg["compilers"][who], *args]
            os.execvp(argv[0], argv)
        sources, out, compile_only = parse(args)
        if not sources:
            return self.link(args)
        drop = {i for i, _ in sources}
        common, i = [], 0
        while i < len(args):
            if i in drop or args[i] == "-c":
                i += 1
            elif args[i] == "-o":
                i += 2
            else:
                common.append(args[i])
                i += 1
        if compile_only:
            for _, src in sources:
                obj = out if out and len(sources) == 1 else os.path.splitext(os.path.basename(src))[0] + ".o"
                status = self.tu(src, common, obj)
                if status:
                    return status
            return 0
        # Compile and link in one command: each source is a TU, then the link compiler links.
        tmpdir = self.cfg.get("store") or os.environ.get("TMPDIR") or "/tmp"
        objs, link_args = {}, list(args)
        try:
            for i, src in sources:
                obj = os.path.join(tmpdir, f"cl-{_unique()}-{i}.o")
                status = self.tu(src, compile_part(common), obj)
                if status:
                    return status
                objs[i] = obj
                link_args[i] = obj
            return self.link(link_args)
        finally:
            for obj in objs.values():
                try:
                    os.unlink(obj)
                except OSError:
                    pass


def _unique():
    """A name no other compile uses at the same time. Not the pid: compiles run in sandboxes with
    their own pid namespaces, where two wrappers sharing one store often have the same pid (one
    then deleted the other's object: "store/cl-4-1.o: No such file or directory", a culprit lost)."""
    return f"{os.getpid()}-{os.urandom(6).hex()}"


def _dep_file(common, out):
    """The dependency file a compile writes (-MD/-MMD with or without -MF, or Kbuild's
    -Wp,-MD,FILE), or None: a store hit writes it too (make and Kbuild's fixdep read it)."""
    for a in common:
        if a.startswith(WP_DEP):
            return a.split(",", 2)[2] or None
    if "-MF" in common:
        i = common.index("-MF")
        return common[i + 1] if i + 1 < len(common) else None
    if "-MD" in common or "-MMD" in common:
        return os.path.splitext(out)[0] + ".d"
    return None


if __name__ == "__main__":
    with open(os.environ["ORACLE_CCWRAP"]) as f:
        settings = json.load(f)
    sys.exit(Wrapper(settings).main(sys.argv[1:]))
