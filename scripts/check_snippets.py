#!/usr/bin/env python3
"""Checks that every C++ block in docs/guides/*.md is code that is compiled.

A guide's block must come right after a marker line naming a region of a source file:

    <!-- snippet: examples/snippets/first_app.cc:app -->
    ```cpp
    ...
    ```

and the source marks the region with comment lines `// [snippet:app]` and `// [snippet-end:app]`.
The block must equal the region's lines, with their common indentation removed. Files under
examples/ are built (and the snippets run) by the normal build, so a guide cannot show code that
does not compile. Exit 1 listing every block that is unmarked, points nowhere or differs.
With --update, a block that differs is rewritten from its region instead (after editing a source).
Usage: check_snippets.py [--update] [repository root]"""
import pathlib
import re
import sys

MARKER = re.compile(r"^<!-- snippet: (?P<file>[^:]+):(?P<region>[\w-]+) -->$")


def region_lines(path, region):
    lines = path.read_text().splitlines()
    begin = f"// [snippet:{region}]"
    end = f"// [snippet-end:{region}]"
    starts = [i for i, line in enumerate(lines) if line.strip() == begin]
    ends = [i for i, line in enumerate(lines) if line.strip() == end]
    if len(starts) != 1 or len(ends) != 1 or ends[0] <= starts[0]:
        return None
    body = lines[starts[0] + 1:ends[0]]
    indents = [len(line) - len(line.lstrip()) for line in body if line.strip()]
    cut = min(indents) if indents else 0
    return [line[cut:] for line in body]


def check(root, update):
    problems = []
    guides = sorted((root / "docs" / "guides").glob("*.md"))
    blocks = 0
    for guide in guides:
        lines = guide.read_text().splitlines()
        updated = False
        i = 0
        while i < len(lines):
            if lines[i].strip() != "```cpp":
                i += 1
                continue
            blocks += 1
            where = f"{guide.relative_to(root)}:{i + 1}"
            close = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            if close is None:
                problems.append(f"{where}: the block is not closed")
                break
            block = lines[i + 1:close]
            match = MARKER.match(lines[i - 1].strip()) if i > 0 else None
            if match is None:
                problems.append(f"{where}: no '<!-- snippet: FILE:REGION -->' line before the block")
            else:
                source = root / match["file"]
                region = region_lines(source, match["region"]) if source.is_file() else None
                if region is None:
                    problems.append(f"{where}: {match['file']} has no single region "
                                    f"'{match['region']}'")
                elif region != block and update:
                    lines[i + 1:close] = region
                    close = i + 1 + len(region)
                    updated = True
                elif region != block:
                    problems.append(f"{where}: differs from {match['file']}:{match['region']}:\n"
                                    + "\n".join(f"    guide:  {a!r}\n    source: {b!r}"
                                                for a, b in zip(block + [''] * len(region),
                                                                region + [''] * len(block))
                                                if a != b))
            i = close + 1
        if updated:
            guide.write_text("\n".join(lines) + "\n")
            print(f"check_snippets: updated {guide.relative_to(root)}")
    for problem in problems:
        print(problem)
    print(f"check_snippets: {blocks} C++ blocks in {len(guides)} guides, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--update"]
    sys.exit(check(pathlib.Path(args[0] if args else ".").resolve(), "--update" in sys.argv[1:]))
