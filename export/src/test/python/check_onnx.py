#!/usr/bin/python3
"""Scope: validates exported graphs with the ONNX reference checker (Debian python3-onnx).

Usage: /usr/bin/python3 check_onnx.py MODEL.onnx [MODEL.onnx ...]
For each file: onnx.checker.check_model on the path (so external-data files beside it are
resolved and checked) with full_check (type and shape inference), then reports opset, IR version,
node count and how many initializers live in external data. Exit 1 on the first failure.
"""
import sys

import onnx
from onnx import checker


def check(path):
    checker.check_model(path, full_check=True)
    model = onnx.load(path, load_external_data=False)
    external = sum(1 for t in model.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL)
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    print(f"ok {path}: ir {model.ir_version}, opset {opset}, {len(model.graph.node)} nodes, "
          f"{len(model.graph.initializer)} initializers ({external} external)")


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    for p in paths:
        try:
            check(p)
        except Exception as e:  # the checker raises ValidationError and others; name the file
            print(f"FAILED {p}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
