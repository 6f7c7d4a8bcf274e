#!/usr/bin/env python3
# openapi-auth.py FILE: give every operation that needs credentials its
# 401 and 403 responses (idempotent).  Operations with `security: []` are
# public and left alone.
import re
import sys

path = sys.argv[1]
lines = open(path).read().split('\n')
out = []
in_paths = False
op_public = False
op_has = set()
i = 0
while i < len(lines):
    line = lines[i]
    if line == 'paths:':
        in_paths = True
    elif re.match(r'^[a-z]', line):
        in_paths = False
    if in_paths and re.match(r'^    (get|post|put|patch|delete):$', line):
        # look ahead through the operation for security: [] and codes
        j = i + 1
        op_public = False
        op_has = set()
        while j < len(lines) and (lines[j].startswith('      ') or lines[j] == ''):
            if lines[j] == '      security: []':
                op_public = True
            m = re.match(r"^        '(\d{3})':", lines[j])
            if m:
                op_has.add(m.group(1))
            j += 1
    out.append(line)
    if in_paths and line == '      responses:' and not op_public:
        if '401' not in op_has:
            out += ["        '401':",
                    "          $ref: '#/components/responses/Unauthenticated'"]
        if '403' not in op_has:
            out += ["        '403':",
                    "          $ref: '#/components/responses/Forbidden'"]
    i += 1
open(path, 'w').write('\n'.join(out))
