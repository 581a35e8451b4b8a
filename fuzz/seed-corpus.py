#!/usr/bin/env python3
"""Builds the fuzz corpora's seeds in fuzz/corpus/<target>/ from what the
repository already holds, so the fuzzers start from real inputs:

- the checked-in small seeds of fuzz/seeds/<target>/ (vendor JSON shaped as
  each vendor documents it, webhook bodies, JSON paths, durations);
- policy_yaml: every YAML file under policies/, examples/ and
  policy-tests/, and every policy document written inline in the tests
  (raw strings holding `apiVersion:`);
- hr_csv: examples/hr/employees.csv as it is, with CRLF line ends, in
  Shift_JIS and without its BOM, plus the CSV written inline in the
  tests, for every PeopleSource of the harness;
- account_csv: examples/saas/*.csv for every Application of the harness
  (the tab-separated one gets a tab-separated copy).

Files are named by their content's hash, as libFuzzer names what it adds,
so running this again adds nothing twice. Usage: fuzz/seed-corpus.py [TARGET...]
"""

import hashlib
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
CORPUS = FUZZ / "corpus"
# The harness's choice bytes (fuzz/src/lib.rs): HR sources in declaration
# order, Applications sorted by name.
HR_SOURCES = 4
APPS = {"freee": 0, "github": 1, "salesforce": 2, "slack": 3}
RAW_STRING = re.compile(r'r#+"(.*?)"#+', re.S)
STRING = re.compile(r'(?<![r#\w])"((?:[^"\\]|\\.)*)"', re.S)
ESCAPE = re.compile(r'\\(?:u\{([0-9a-fA-F]+)\}|\n\s*|(.))', re.S)


def unescape(body):
    """A Rust string literal's text: escapes decoded, `\\` line
    continuations dropped."""

    def one(m):
        if m.group(1):
            return chr(int(m.group(1), 16))
        c = m.group(2)
        if c is None:
            return ""
        return {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(c, c)

    return ESCAPE.sub(one, body)


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    path = d / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        return 1
    return 0


def test_strings():
    """Raw string literals of every test source."""
    for path in sorted(ROOT.glob("crates/*/tests/**/*.rs")) + sorted(ROOT.glob("crates/*/src/**/*.rs")):
        text = path.read_text(encoding="utf-8")
        yield from RAW_STRING.findall(text)
        yield from (unescape(b) for b in STRING.findall(RAW_STRING.sub("", text)) if "\\n" in b)


def looks_like_csv(text):
    lines = [l for l in text.strip("\n").split("\n") if l]
    return len(lines) >= 2 and all("," in l for l in lines[:2]) and "apiVersion" not in text


def variants(data):
    """The bytes as written, with CRLF, in Shift_JIS and without a BOM."""
    yield data
    text = data.decode("utf-8-sig")
    yield text.replace("\n", "\r\n").encode("utf-8")
    yield text.encode("utf-8")
    try:
        yield text.encode("cp932")
    except UnicodeEncodeError:
        pass


def seeds(target):
    n = 0
    for f in sorted((FUZZ / "seeds" / target).glob("*")):
        n += put(target, f.read_bytes())
    if target == "policy_yaml":
        for base in ("policies", "examples", "policy-tests"):
            for f in sorted((ROOT / base).rglob("*.yaml")):
                n += put(target, f.read_bytes())
        for s in test_strings():
            if "apiVersion:" in s:
                n += put(target, s.encode("utf-8"))
    elif target == "hr_csv":
        files = [(ROOT / "examples/hr/employees.csv").read_bytes()]
        files += [s.encode("utf-8") for s in test_strings() if looks_like_csv(s)]
        for data in files:
            for v in variants(data):
                for pick in range(HR_SOURCES):
                    n += put(target, bytes([pick]) + v)
        # The tab-separated source gets a tab-separated export.
        tsv = files[0].decode("utf-8-sig").replace(",", "\t").encode("utf-8")
        n += put(target, bytes([1]) + tsv)
    elif target == "account_csv":
        for f in sorted((ROOT / "examples/saas").glob("*.csv")):
            data = f.read_bytes()
            for pick in APPS.values():
                n += put(target, bytes([pick]) + data)
            if f.name.startswith("salesforce"):
                text = data.decode("utf-8-sig")
                n += put(target, bytes([APPS["salesforce"]]) + text.replace(",", "\t").encode("utf-8"))
        for s in test_strings():
            if looks_like_csv(s):
                for pick in APPS.values():
                    n += put(target, bytes([pick]) + s.encode("utf-8"))
    return n


def main():
    targets = sys.argv[1:] or sorted(p.stem for p in (FUZZ / "fuzz_targets").glob("*.rs"))
    for t in targets:
        print(f"{t}: {seeds(t)} new seed(s) in {CORPUS / t}")


if __name__ == "__main__":
    main()
