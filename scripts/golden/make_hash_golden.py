#!/usr/bin/python3
"""Writes fixtures/golden/hash_xxh64.json and hash_tf.json from implementations independent of ours.

- xxh64 mode: Debian's python3-xxhash (the reference C libxxhash underneath).
  Buckets: XXH64(utf-8 bytes, seed 42) mod n; ints hash as their decimal string.
  Crosses: h = hash_key or 42; per value h = XXH64(bytes, seed=h), strings as utf-8,
  ints as int64 little-endian (Spark SQL's xxhash64 over string and bigint columns).
- tf mode: farmhash_golden.cc, built here against Debian's libfarmhash (util::Fingerprint64)
  with FingerprintCat64 from TensorFlow's formula. Skipped, with a message, when g++ or the
  library is missing.

Run from the repository root:  /usr/bin/python3 scripts/golden/make_hash_golden.py
Needs: apt-get install -y python3-xxhash libfarmhash-dev g++
"""
import csv
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import xxhash

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CENSUS = os.environ.get('CENSUS_CSV', '/work/shared/data/census/adult.data.csv')
OUT_DIR = os.path.join(ROOT, 'fixtures', 'golden')
CC_SOURCE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'farmhash_golden.cc')

XXH64_SEED = 42
TF_DEFAULT_HASH_KEY = 0xDECAFCAFFE
U64 = (1 << 64) - 1
MAX_SAFE = (1 << 53) - 1

# Bucket counts chosen to cover every reduction path of src/kernels/hash/bucket.ts
# (n <= 2^20, n <= 2^36, BigInt fallback) and their edges.
SIZES = [1, 2, 4, 10, 100, 1000, 65536, 1000003, 1048576, 1048577, 2147483647,
         4294967311, 68719476736, 68719476737, 1099511627791, MAX_SAFE]

CATEGORICAL = ['workclass', 'education', 'marital_status', 'occupation', 'relationship',
               'race', 'gender', 'native_country']
# Strings beyond the census: empty, multi-byte UTF-8, and lengths past FarmHash's 16/32/64-byte
# branches and XXH64's 32-byte stripe.
EXTRA_STRINGS = ['', ' ', 'a', 'omar', 'stringer', 'marlo', 'skywalker', 'heisenberg',
                 'Ñandú', '日本語', 'naïve café', '🙂', 'x' * 17, 'y' * 31, 'z' * 32, 'w' * 33,
                 'Married-civ-spouse_X_Exec-managerial', 'United-States ' * 5,
                 'Adm-clerical ' * 13]
EDGE_INTS = [0, 1, -1, -5, 9, 10, 99, 100, 101, 201, 301, 999999999, 1000000000, 1000000001,
             -999999999, -1000000000, 2147483647, -2147483648, 4294967295, 4294967296,
             123456789012345, -123456789012345, MAX_SAFE, -MAX_SAFE]
CROSS_INTS = [0, 1, 10, -1, 2147483647, 1 << 40, MAX_SAFE, -MAX_SAFE]
HASH_KEYS = [None, 0, 1, TF_DEFAULT_HASH_KEY + 1, U64]


def census_columns():
    with open(CENSUS, newline='') as f:
        rows = list(csv.reader(f, skipinitialspace=True))
    header, body = rows[0], [r for r in rows[1:] if len(r) == len(rows[0])]
    cols = {}
    for name in CATEGORICAL + ['age']:
        i = header.index(name)
        seen = []
        for r in body:
            if r[i] not in seen:
                seen.append(r[i])
        cols[name] = seen
    return cols


def bucket_values(cols):
    strings = []
    for name in CATEGORICAL:
        strings += [s for s in cols[name] if s not in strings]
    strings += [s for s in EXTRA_STRINGS if s not in strings]
    ages = sorted(int(a) for a in cols['age'])
    ints = EDGE_INTS + [a for a in ages if a not in EDGE_INTS]
    return [{'s': s} for s in strings] + [{'i': v} for v in ints]


def cross_cases(cols):
    """2- and 3-way combinations in leaf order; items are ('s', str) or ('i', int)."""
    edu, occ = cols['education'], cols['occupation']
    cases = []
    # The census cross education x occupation, every pair (first key varies slowest).
    for e in edu:
        for o in occ:
            cases.append((None, [('s', e), ('s', o)]))
    # age_buckets x education x occupation: bucket ids 0..10 with a deterministic sample of pairs.
    k = 0
    for b in range(11):
        for e in edu:
            o = occ[k % len(occ)]
            k += 7
            if (b + len(e)) % 3 == 0:
                cases.append((None, [('i', b), ('s', e), ('s', o)]))
    # Ints incl. -1 (vocabulary OOV id) and large ids, on either side, and int-only crosses.
    for v in CROSS_INTS:
        cases.append((None, [('i', v), ('s', 'd')]))
        cases.append((None, [('s', 'Sales'), ('i', v)]))
        cases.append((None, [('i', v), ('i', 3), ('s', 'Bachelors')]))
        cases.append((None, [('i', 5), ('i', v)]))
    # The SEMANTICS.md / TF test inputs, so both goldens carry them.
    cases += [(None, [('s', 'a'), ('s', 'd')]), (None, [('s', 'b'), ('s', 'd')]),
              (None, [('s', 'batch1-FC1-F1'), ('s', 'batch1-FC2-F1'), ('s', 'batch1-FC3-F1')])]
    # Explicit hash keys, including 0 and 2^64 - 1.
    for key in HASH_KEYS[1:]:
        cases.append((key, [('s', 'Doctorate'), ('s', 'Prof-specialty')]))
        cases.append((key, [('i', -1), ('s', ''), ('i', 7)]))
    return cases


def int64_le(v):
    return struct.pack('<q', v)


def xxh64_golden(values, crosses):
    def h(data, seed):
        return xxhash.xxh64_intdigest(data, seed=seed)

    def value_bytes(v):
        return v['s'].encode('utf-8') if 's' in v else str(v['i']).encode('ascii')

    buckets = []
    for v in values:
        hv = h(value_bytes(v), XXH64_SEED)
        buckets.append({**v, 'hash': str(hv), 'buckets': [hv % n for n in SIZES]})
    out_crosses = []
    for key, items in crosses:
        acc = XXH64_SEED if key is None else key
        for kind, x in items:
            acc = h(x.encode('utf-8') if kind == 's' else int64_le(x), acc)
        out_crosses.append(cross_record(key, items, acc))
    return {
        'mode': 'xxh64',
        'oracle': f'python3-xxhash {xxhash.VERSION} (libxxhash {xxhash.XXHASH_VERSION})',
        'sizes': SIZES, 'buckets': buckets, 'crosses': out_crosses,
    }


def cross_record(key, items, acc):
    return {'hashKey': None if key is None else str(key),
            'values': [{kind: x} for kind, x in items],
            'hash': str(acc), 'buckets': [acc % n for n in SIZES]}


def build_oracle(tmp):
    exe = os.path.join(tmp, 'farmhash_golden')
    cmd = ['g++', '-O2', '-std=c++17', '-o', exe, CC_SOURCE, '-lfarmhash']
    try:
        subprocess.run(cmd, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as e:
        detail = getattr(e, 'stderr', '') or str(e)
        print(f'skipping hash_tf.json: cannot build {CC_SOURCE} ({detail.strip()[:200]})', file=sys.stderr)
        return None
    return exe


def tf_golden(values, crosses):
    tmp = tempfile.mkdtemp()
    try:
        exe = build_oracle(tmp)
        if exe is None:
            return None
        hexed = lambda b: b.hex() or '-'
        queries = []
        for v in values:
            data = v['s'].encode('utf-8') if 's' in v else str(v['i']).encode('ascii')
            queries.append(f'F {hexed(data)}')
        for key, items in crosses:
            parts = [f's:{hexed(x.encode("utf-8"))}' if kind == 's' else f'i:{x}' for kind, x in items]
            queries.append(f'C {TF_DEFAULT_HASH_KEY if key is None else key} ' + ' '.join(parts))
        res = subprocess.run([exe], input='\n'.join(queries) + '\n', check=True,
                             capture_output=True, text=True)
        answers = [int(line) for line in res.stdout.split()]
        assert len(answers) == len(queries), (len(answers), len(queries))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    buckets = [{**v, 'hash': str(hv), 'buckets': [hv % n for n in SIZES]}
               for v, hv in zip(values, answers)]
    out_crosses = [cross_record(key, items, acc)
                   for (key, items), acc in zip(crosses, answers[len(values):])]
    return {
        'mode': 'tf',
        'oracle': 'scripts/golden/farmhash_golden.cc against Debian libfarmhash (util::Fingerprint64)',
        'sizes': SIZES, 'buckets': buckets, 'crosses': out_crosses,
    }


def write(name, doc):
    doc = {'generator': 'scripts/golden/make_hash_golden.py', **doc}
    path = os.path.join(OUT_DIR, name)
    # One case per line, so a regenerated file diffs readably.
    dump = lambda x: json.dumps(x, ensure_ascii=False, separators=(',', ':'))
    head = ',\n'.join(f'{dump(k)}:{dump(v)}' for k, v in doc.items() if k not in ('buckets', 'crosses'))
    lists = ',\n'.join(f'{dump(k)}:[\n' + ',\n'.join(dump(c) for c in doc[k]) + '\n]'
                        for k in ('buckets', 'crosses'))
    with open(path, 'w') as f:
        f.write('{\n' + head + ',\n' + lists + '\n}\n')
    print(f'wrote {path}: {len(doc["buckets"])} bucket values x {len(SIZES)} sizes, '
          f'{len(doc["crosses"])} crosses')


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    cols = census_columns()
    values, crosses = bucket_values(cols), cross_cases(cols)
    write('hash_xxh64.json', xxh64_golden(values, crosses))
    tf = tf_golden(values, crosses)
    if tf is not None:
        write('hash_tf.json', tf)


if __name__ == '__main__':
    main()
