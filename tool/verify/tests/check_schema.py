"""check_schema.py SCHEMA DOCUMENT: validates DOCUMENT with the jsonschema package (draft 2020-12)."""
import json
import sys

import jsonschema

with open(sys.argv[1], encoding="utf-8") as schema_file, open(sys.argv[2], encoding="utf-8") as document_file:
    schema = json.load(schema_file)
    document = json.load(document_file)
jsonschema.Draft202012Validator.check_schema(schema)
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
for error in errors:
    print(f"{sys.argv[2]}: {'/'.join(map(str, error.absolute_path))}: {error.message}", file=sys.stderr)
sys.exit(1 if errors else 0)
