#!/usr/bin/python3
"""Reads a Prometheus text exposition from stdin with the prometheus_client library's parser (an
independent implementation of the format) and prints its samples as JSON:
[{"family": ..., "type": ..., "name": ..., "labels": {...}, "value": ...}, ...].
Exits 1 with the parser's message when the text is not valid exposition format, or when a
family's samples do not fit its declared type."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

SUFFIXES = {"counter": ("",), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count")}


def main():
    text = sys.stdin.read()
    out = []
    try:
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                allowed = SUFFIXES.get(family.type)
                if allowed is None:
                    raise ValueError(f"{family.name}: undeclared type {family.type}")
                # prometheus_client strips a counter's _total from the family name.
                stem = family.name + ("_total" if family.type == "counter" and
                                      sample.name.endswith("_total") else "")
                if not any(sample.name == stem + suffix for suffix in allowed):
                    raise ValueError(f"{sample.name} does not belong to {family.type} {family.name}")
                out.append({"family": family.name, "type": family.type, "name": sample.name,
                            "labels": sample.labels, "value": sample.value})
    except Exception as error:  # the parser raises ValueError and friends
        print(f"not Prometheus exposition format: {error}", file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
