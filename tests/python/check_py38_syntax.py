"""The tracer package must load on every Python >= 3.8 (issue 10): Debian 12
has only 3.11, so this parses every file of python/ with the grammar of 3.8
(ast.parse(feature_version=...)), which rejects later syntax such as `match`,
parenthesised context managers or `except*`, and refuses the runtime-only
3.9+ forms an import would hit at once: builtin generics in annotations
evaluated at definition time and str.removeprefix/removesuffix.

usage: python3 check_py38_syntax.py DIR   (exit 1 naming the file and line)
"""
import ast
import pathlib
import sys

NEWER_METHODS = {"removeprefix": "3.9", "removesuffix": "3.9"}
root = pathlib.Path(sys.argv[1])
failures = []
files = sorted(root.rglob("*.py"))
for path in files:
    src = path.read_text(encoding="utf-8")
    try:
        tree = ast.parse(src, filename=str(path), feature_version=(3, 8))
    except SyntaxError as e:
        failures.append("%s:%s: not Python 3.8 syntax: %s" % (path, e.lineno, e.msg))
        continue
    future_annotations = any(
        isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names)
        for n in tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in NEWER_METHODS:
            failures.append("%s:%d: .%s() needs Python %s" % (path, node.lineno, node.attr, NEWER_METHODS[node.attr]))
        if not future_annotations and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            annotations = [a.annotation for a in args if a.annotation] + ([node.returns] if node.returns else [])
            for ann in annotations:
                for sub in ast.walk(ann):
                    if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Name) and \
                            sub.value.id in ("list", "dict", "tuple", "set", "frozenset", "type"):
                        failures.append("%s:%d: %s[...] in an annotation needs Python 3.9" % (path, sub.lineno, sub.value.id))
if not files:
    failures.append("%s: no Python files found" % root)
for f in failures:
    print(f)
print("%d files checked, %d problems" % (len(files), len(failures)))
sys.exit(1 if failures else 0)
