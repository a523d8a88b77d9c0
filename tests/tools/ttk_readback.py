#!/usr/bin/env python3
"""Loads an XLIFF file with translate-toolkit and prints what it sees, as JSON.

Usage: ttk_readback.py FILE
Output: {"units": N, "sources": [...], "targets": [...], "states": [...]}
Only translatable units count (translate-toolkit's own view, as Pootle and
Weblate use it). Exit 2 when translate-toolkit is missing, with the fix.
"""
import json
import sys

try:
    from translate.storage import factory
except ImportError:
    sys.stderr.write("translate-toolkit is not installed (pip install translate-toolkit)\n")
    sys.exit(2)


def main(path):
    store = factory.getobject(path)
    units = [u for u in store.units if not u.isheader()]
    out = {
        "units": len(units),
        "sources": [str(u.source) for u in units],
        "targets": [str(u.target or "") for u in units],
        "ids": [u.getid() for u in units],
        "translated": [bool(u.istranslated()) for u in units],
    }
    json.dump(out, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    main(sys.argv[1])
