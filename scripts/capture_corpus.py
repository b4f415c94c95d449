#!/usr/bin/env python3
"""Writes each captured request frame of frames.txt (hex, size prefix included) as one fuzzer
seed file, without its 4-byte size prefix: the fuzzer decodes frames as the dispatcher gets them.
Usage: capture_corpus.py FRAMES_TXT OUT_DIR"""
import pathlib
import sys


def main() -> None:
    frames, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    lines = frames.read_text().splitlines()
    count = 0
    for heading, data in zip(lines, lines[1:]):
        if heading.startswith("--- request"):
            frame = bytes.fromhex(data.strip())[4:]
            (out / f"capture-{count:03d}").write_bytes(frame)
            count += 1
    print(f"capture_corpus: {count} seeds")


if __name__ == "__main__":
    main()
