#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
# json-schema.py SCHEMA FILE...: validate each JSON file against one of bpo's
# schemas (doc/schema/, draft 7; the others there resolve its $refs). Exit 1
# naming the file, the place and the reason of the first error of each.
import glob
import json
import os
import sys

import warnings

import jsonschema

warnings.simplefilter("ignore", DeprecationWarning)

schema_path = sys.argv[1]
here = os.path.dirname(os.path.abspath(schema_path))
store = {}
for p in glob.glob(os.path.join(here, "*.schema.json")):
    s = json.load(open(p))
    store[s["$id"]] = s
schema = json.load(open(schema_path))
jsonschema.Draft7Validator.check_schema(schema)
resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
v = jsonschema.Draft7Validator(schema, resolver=resolver)
bad = 0
for f in sys.argv[2:]:
    doc = json.load(open(f))
    for e in sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))[:1]:
        print("%s: %s: %s (against %s)" % (f, "/".join(str(x) for x in e.absolute_path) or "top",
                                           e.message, os.path.basename(schema_path)),
              file=sys.stderr)
        bad = 1
sys.exit(bad)
