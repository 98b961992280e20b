#!/usr/bin/env python3
"""Make a subset of an OpenAPI 3.x or Swagger 2.0 description, or check one.

Trim: keep the chosen operations and every component they reference, directly or
through other components; everything else under `paths` and the component sections
is dropped. Top-level keys (info, servers, security, tags, ...) are kept as they are,
and `info.x-trimmed` records the source file and the operations kept. The run fails
when an operation is not in the source or when a `$ref` (or a discriminator mapping)
points at something the source does not define.

    trim_openapi.py trim SOURCE OUT --op "GET /v1/projects" --op "POST /v1/projects" ...
    trim_openapi.py trim SOURCE OUT --ops-file ops.txt        # one "METHOD /path" a line

Check: every local `$ref` and discriminator mapping in the given files resolves, and
list the operations each file describes.

    trim_openapi.py check FILE [FILE ...]

Only JSON files are read (the Python standard library has no YAML parser). Only local
references (`#/...`) are followed; a reference to another file is reported as an error.
"""

import argparse
import json
import sys

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class TrimError(Exception):
    pass


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump(doc, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


def unescape(token):
    return token.replace("~1", "/").replace("~0", "~")


def resolve(doc, ref):
    """The object a local JSON pointer names, or raise TrimError."""
    if not ref.startswith("#/"):
        raise TrimError(f"not a local reference: {ref}")
    node = doc
    for raw in ref[2:].split("/"):
        key = unescape(raw)
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise TrimError(f"dangling reference: {ref}")
    return node


def refs_in(node):
    """Every reference string in a subtree: `$ref` values and discriminator mappings."""
    out = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, dict):
            for k, v in n.items():
                if k == "$ref" and isinstance(v, str):
                    out.append(v)
                elif k == "discriminator" and isinstance(v, dict):
                    for target in (v.get("mapping") or {}).values():
                        if isinstance(target, str) and target.startswith("#/"):
                            out.append(target)
                    stack.append(v)
                else:
                    stack.append(v)
        elif isinstance(n, list):
            stack.extend(n)
    return out


def component_key(ref):
    """('components', 'schemas', 'Name') for '#/components/schemas/Name'; ('definitions', 'Name')
    for Swagger 2.0. The first tokens that name one reusable object."""
    parts = [unescape(p) for p in ref[2:].split("/")]
    if parts[0] == "components" and len(parts) >= 3:
        return tuple(parts[:3])
    if parts[0] in ("definitions", "parameters", "responses", "securityDefinitions") and len(parts) >= 2:
        return tuple(parts[:2])
    if parts[0] == "paths":
        raise TrimError(f"reference into paths is not supported: {ref}")
    raise TrimError(f"unsupported reference: {ref}")


def get_in(doc, key):
    node = doc
    for k in key:
        if not isinstance(node, dict) or k not in node:
            raise TrimError("dangling reference: #/" + "/".join(key))
        node = node[k]
    return node


def set_in(doc, key, value):
    node = doc
    for k in key[:-1]:
        node = node.setdefault(k, {})
    node[key[-1]] = value


def parse_op(text):
    parts = text.split(None, 1)
    if len(parts) != 2 or parts[0].lower() not in METHODS:
        raise TrimError(f'an operation is "METHOD /path", got: {text!r}')
    return parts[0].lower(), parts[1].strip()


def security_names(node):
    names = set()
    for req in node or []:
        if isinstance(req, dict):
            names.update(req.keys())
    return names


def trim(src, ops, source_label):
    out = {}
    swagger2 = "swagger" in src
    section_keys = {"paths", "webhooks", "components", "definitions", "parameters", "responses", "securityDefinitions"}
    for k, v in src.items():
        if k not in section_keys:
            out[k] = v
    out["paths"] = {}
    wanted = []
    used_security = security_names(src.get("security"))
    for method, path in ops:
        item = (src.get("paths") or {}).get(path)
        if not isinstance(item, dict) or method not in item:
            raise TrimError(f"operation not in the source: {method.upper()} {path}")
        kept = out["paths"].setdefault(path, {k: v for k, v in item.items() if k not in METHODS})
        kept[method] = item[method]
        used_security |= security_names(item[method].get("security"))
        wanted.append(f"{method.upper()} {path}")

    # Close over references, starting from the kept paths (and top-level keys such as
    # webhooks that may refer to components).
    seen = set()
    queue = refs_in(out)
    while queue:
        ref = queue.pop()
        resolve(src, ref)  # fails on a dangling reference
        key = component_key(ref)
        if key in seen:
            continue
        seen.add(key)
        value = get_in(src, key)
        set_in(out, key, value)
        queue.extend(refs_in(value))

    # Security schemes are named, not referenced: keep the ones the kept operations use.
    schemes_key = ("securityDefinitions",) if swagger2 else ("components", "securitySchemes")
    try:
        schemes = get_in(src, schemes_key)
    except TrimError:
        schemes = {}
    for name in sorted(used_security):
        if name in schemes:
            set_in(out, schemes_key + (name,), schemes[name])

    # Component sections in the source's order, entries in the source's order.
    if swagger2:
        for sec in ("securityDefinitions", "parameters", "responses", "definitions"):
            if sec in out:
                out[sec] = {k: v for k, v in src[sec].items() if k in out[sec]}
    elif "components" in out:
        comps = {}
        for sec, entries in src["components"].items():
            if sec in out["components"]:
                comps[sec] = {k: v for k, v in entries.items() if k in out["components"][sec]}
        out["components"] = comps

    # Same key order as the source at the top level, paths in the order asked for.
    ordered = {}
    for k in src:
        if k in out:
            ordered[k] = out[k]
    for k in out:
        ordered.setdefault(k, out[k])
    info = dict(ordered.get("info") or {})
    info["x-trimmed"] = {
        "source_file": source_label,
        "operations": wanted,
        "note": "Subset generated by trim_openapi.py: only the listed operations and the components "
        "they reference (transitively).",
    }
    ordered["info"] = info
    problems = check(ordered)
    if problems:
        raise TrimError("the subset does not stand alone:\n  " + "\n  ".join(problems))
    return ordered


def check(doc):
    """Problems with a description: unresolved local references."""
    problems = []
    for ref in sorted(set(refs_in(doc))):
        try:
            resolve(doc, ref)
        except TrimError as e:
            problems.append(str(e))
    return problems


def operations(doc):
    ops = []
    for path, item in (doc.get("paths") or {}).items():
        for method in METHODS:
            if isinstance(item, dict) and method in item:
                ops.append((method.upper(), path, item[method].get("operationId", "")))
    return ops


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("trim", help="make a subset")
    t.add_argument("source")
    t.add_argument("out")
    t.add_argument("--op", action="append", default=[], help='"METHOD /path"; repeat')
    t.add_argument("--ops-file", help='a file with one "METHOD /path" a line (# comments allowed)')
    t.add_argument("--source-label", help="what info.x-trimmed.source_file says (default: the file name)")
    c = sub.add_parser("check", help="check that every local $ref resolves")
    c.add_argument("files", nargs="+")
    args = p.parse_args(argv)

    try:
        if args.cmd == "trim":
            texts = list(args.op)
            if args.ops_file:
                with open(args.ops_file, encoding="utf-8") as f:
                    texts += [ln.strip() for ln in f if ln.strip() and not ln.lstrip().startswith("#")]
            if not texts:
                raise TrimError("no operations given (--op or --ops-file)")
            ops = [parse_op(x) for x in texts]
            label = args.source_label or args.source.replace("\\", "/").rsplit("/", 1)[-1]
            doc = trim(load(args.source), ops, label)
            dump(doc, args.out)
            comps = doc.get("components") or {k: doc[k] for k in ("definitions", "parameters", "responses") if k in doc}
            sizes = ", ".join(f"{k} {len(v)}" for k, v in comps.items())
            print(f"{args.out}: {len(ops)} operations; {sizes}")
        else:
            failed = False
            for f in args.files:
                doc = load(f)
                problems = check(doc)
                for method, path, op_id in operations(doc):
                    print(f"{f}: {method} {path} {op_id}")
                for prob in problems:
                    print(f"{f}: {prob}", file=sys.stderr)
                failed |= bool(problems)
                print(f"{f}: {'FAILED' if problems else 'ok'} ({len(refs_in(doc))} references)")
            return 1 if failed else 0
    except TrimError as e:
        print(f"trim_openapi: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
