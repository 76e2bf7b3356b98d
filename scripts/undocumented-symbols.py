#!/usr/bin/env python3
"""Lists the public symbols of the library modules that have no doc comment.

Reads the symbol graphs that `swift package dump-symbol-graph` wrote (the
directory is the first argument) and prints one line per public symbol that is
declared in this package's Sources/ but carries no documentation, as
`path:line: module kind name`. Symbols the compiler made (synthesized
conformances, default implementations inherited from the standard library)
have no source location of ours and are not listed. Generated protobuf code is
left out: it carries what the .proto files say. Exits 1 if anything is listed.
"""
import json
import os
import sys

LIBRARY_MODULES = [
    "NanoverCore", "NanoverGRPC", "NanoverHub", "NanoverWebSocket",
    "NanoverMessagePack", "NanoverDiscovery", "NanoverTesting",
]


def undocumented(graph_dir, root):
    found = []
    for name in sorted(os.listdir(graph_dir)):
        if not name.endswith(".symbols.json"):
            continue
        module = name.split(".symbols.json")[0].split("@")[0]
        if module not in LIBRARY_MODULES:
            continue
        with open(os.path.join(graph_dir, name)) as f:
            graph = json.load(f)
        for symbol in graph.get("symbols", []):
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            location = symbol.get("location", {}).get("uri", "")
            if not location.startswith("file://"):
                continue
            path = os.path.relpath(location[len("file://"):], root)
            if not path.startswith("Sources/") or "/Generated/" in path:
                continue
            comment = symbol.get("docComment", {}).get("lines", [])
            if any(line.get("text", "").strip() for line in comment):
                continue
            line = symbol["location"].get("position", {}).get("line", 0) + 1
            kind = symbol.get("kind", {}).get("displayName", "?")
            title = ".".join(symbol.get("pathComponents", [])) or symbol["names"]["title"]
            found.append((path, line, module, kind, title))
    return sorted(set(found))


def main():
    graph_dir = sys.argv[1]
    root = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else ".")
    found = undocumented(graph_dir, root)
    for path, line, module, kind, title in found:
        print(f"{path}:{line}: {module} {kind} {title}")
    if found:
        print(f"{len(found)} public symbols without documentation", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
