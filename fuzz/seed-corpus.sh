#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the recorded real replies (tests/fixtures, with recorded/<db>/), framed as each
# target reads its input: decode_reply takes two selector bytes then the body, decode_batch one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3 - "$here" <<'PY'
import json, pathlib, sys
here = pathlib.Path(sys.argv[1])
root = here.parent / "tests" / "fixtures"
# samples/, plugin-samples/ and the like, and recorded/<db>/ (sqlite, postgres, mariadb).
fixtures = sorted(root.glob("*/*.json")) + sorted(root.glob("recorded/*/*.json"))
reply = here / "corpus" / "decode_reply"
batch = here / "corpus" / "decode_batch"
reply.mkdir(parents=True, exist_ok=True)
batch.mkdir(parents=True, exist_ok=True)
bodies = []
for i, f in enumerate(fixtures):
    rec = json.loads(f.read_text())
    r = rec.get("response")
    body = r.encode() if isinstance(r, str) else json.dumps(r).encode()
    bodies.append(r)
    (reply / f"{f.parent.name}-{f.stem}").write_bytes(bytes([i % 256, 0]) + body)
for i in range(0, len(bodies) - 1, 2):
    pair = [dict(bodies[i], id=1), dict(bodies[i + 1], id=2)] if all(isinstance(b, dict) for b in bodies[i:i + 2]) else None
    if pair:
        (batch / f"pair-{i}").write_bytes(bytes([1]) + json.dumps(pair).encode())
print(f"seeded {len(fixtures)} replies and {len(list(batch.iterdir()))} batches", file=sys.stderr)
PY
