"""Runs the Python example of a Markdown file that follows the line
`<!-- tested: NAME -->`: the first ```python block after it, in the current
directory. Used by the tests that keep README.md and docs/Python.md honest.

Usage: python run_doc_example.py FILE.md NAME
"""

import re
import sys

text = open(sys.argv[1]).read()
marker = "<!-- tested: %s -->" % sys.argv[2]
start = text.find(marker)
if start < 0:
    sys.exit("%s: no '%s'" % (sys.argv[1], marker))
block = re.compile(r"```python\n(.*?)```", re.S).search(text, start)
if not block:
    sys.exit("%s: no ```python block after '%s'" % (sys.argv[1], marker))
code = block.group(1)
lines = [line for line in code.splitlines() if line.strip()]
print("running %d lines of %s" % (len(lines), sys.argv[1]))
exec(compile(code, "%s:%s" % (sys.argv[1], sys.argv[2]), "exec"), {})
print("PASS")
