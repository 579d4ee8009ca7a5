"""Reference side of @aeroml/handler-npy's cross-checks, run with Debian's numpy.

  npy_ref.py make <dir>          write every case with numpy; print the manifest (JSON)
  npy_ref.py dump <file>...      read files with numpy; print what numpy sees (JSON)
  npy_ref.py errors <dir>        write files aero must refuse; print their paths (JSON)
  npy_ref.py big <file> <bytes>  write a big-endian float32 array of that size (np.arange)

"Bytes" are the array's elements in memory order converted to little endian, base64:
comparing them is comparing exact values (NaN payloads, -0.0 and float16 bits included).
"""
import base64
import io
import json
import os
import sys
import zipfile

import numpy as np

NAMES = {
    'b1': 'bool', 'i1': 'int8', 'i2': 'int16', 'i4': 'int32', 'i8': 'int64',
    'u1': 'uint8', 'u2': 'uint16', 'u4': 'uint32', 'u8': 'uint64',
    'f2': 'float16', 'f4': 'float32', 'f8': 'float64', 'c8': 'complex64', 'c16': 'complex128',
}
CODES = {v: k for k, v in NAMES.items()}
SHAPES = [(), (0,), (2, 0, 3), (7,), (3, 4), (2, 3, 4)]
rng = np.random.default_rng(20261122)


def sample(code, shape):
    dt = np.dtype(code)
    n = int(np.prod(shape))
    if dt.kind == 'b':
        a = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in 'iu':
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, n, dtype=dt.newbyteorder('='), endpoint=True).astype(dt)
        if n >= 2:
            a[0], a[1] = info.min, info.max
    elif dt.kind == 'f':
        a = (rng.standard_normal(n) * 1000).astype(dt)
        specials = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).tiny, np.finfo(dt).max]
        a[: min(n, len(specials))] = specials[: min(n, len(specials))]
    else:
        a = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
        specials = [complex(np.nan, 1.5), complex(-0.0, np.inf), complex(3, -0.0)]
        a[: min(n, len(specials))] = specials[: min(n, len(specials))]
    return a.reshape(shape)


def native_bytes(a):
    le = a.astype(a.dtype.newbyteorder('<')) if a.dtype.byteorder == '>' else a
    return base64.b64encode(le.tobytes(order='A')).decode()


def header_of(path):
    with open(path, 'rb') as f:
        major, minor = np.lib.format.read_magic(f)
        shape, fortran, dtype = np.lib.format._read_array_header(f, (major, minor))
        return {'version': '%d.%d' % (major, minor), 'shape': list(shape), 'fortranOrder': bool(fortran),
                'descr': dtype.str, 'dataOffset': f.tell()}


def describe(a):
    code = a.dtype.kind + str(a.dtype.itemsize)
    fortran = bool(a.flags.f_contiguous and not a.flags.c_contiguous)
    out = {'dtype': NAMES.get(code, a.dtype.str), 'shape': list(a.shape), 'fortranOrder': fortran,
           'byteOrder': 'big' if a.dtype.byteorder == '>' else 'little', 'bytes': native_bytes(a)}
    if a.size <= 32:
        out['values'] = values_json(a)
    return out


def values_json(a):
    flat = a.ravel(order='A')
    def enc(x):
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (np.integer, int)):
            return str(int(x))
        if isinstance(x, (np.complexfloating, complex)):
            return [enc(np.float64(x.real)), enc(np.float64(x.imag))]
        x = float(x)
        return 'nan' if x != x else repr(x)
    return [enc(x) for x in flat]


def save_with_version(path, a, version):
    with open(path, 'wb') as f:
        np.lib.format.write_array(f, a, version=version)


def make(root):
    cases = []
    versions = [(1, 0), (2, 0), (3, 0)]
    k = 0
    for name, code in CODES.items():
        for endian in ('<', '>'):
            if code in ('b1', 'i1', 'u1') and endian == '>':
                continue
            for shape in SHAPES:
                for order in ('C', 'F'):
                    if order == 'F' and len(shape) < 2:
                        continue
                    a = sample(endian + code if code not in ('b1', 'i1', 'u1') else '|' + code, shape)
                    a = a.copy(order=order)  # (ascontiguousarray would turn 0-d into 1-d)
                    version = versions[k % 3]
                    k += 1
                    fname = 'case-%03d-%s-%s-%s-%s.npy' % (k, name, 'be' if endian == '>' else 'le', 'x'.join(map(str, shape)) or 'scalar', order)
                    path = os.path.join(root, fname)
                    if version == (1, 0) and k % 2 == 0:
                        np.save(path, a)  # the everyday path
                    else:
                        save_with_version(path, a, version)
                    case = describe(a)
                    case.update({'file': path, 'version': '%d.%d' % version, 'header': header_of(path)})
                    cases.append(case)
    # npz archives: stored (np.savez), deflated (np.savez_compressed), and one written
    # through an unseekable stream (data descriptors, as zipfile does for pipes).
    members = {
        'weights': np.asfortranarray(sample('<f8', (3, 5))),
        'counts': sample('>i2', (4,)),
        'flag': sample('|b1', ()),
        'empty': sample('<f4', (0, 2)),
        'z': sample('<c16', (2, 2)),
        'half': sample('>f2', (6,)),
        'big': sample('<u8', (5,)),
    }
    archives = []
    for kind in ('stored', 'deflated', 'unseekable'):
        path = os.path.join(root, 'archive-%s.npz' % kind)
        if kind == 'stored':
            np.savez(path, **members)
        elif kind == 'deflated':
            np.savez_compressed(path, **members)
        else:
            write_unseekable_npz(path, members)
        archives.append({'file': path, 'kind': kind, 'arrays': {n: describe(a) for n, a in members.items()}})
    print(json.dumps({'numpy': np.__version__, 'cases': cases, 'archives': archives}))


class Unseekable(io.RawIOBase):
    def __init__(self, f):
        self.f = f
    def writable(self):
        return True
    def write(self, b):
        return self.f.write(b)


def write_unseekable_npz(path, members):
    with open(path, 'wb') as raw:
        with zipfile.ZipFile(Unseekable(raw), 'w', compression=zipfile.ZIP_DEFLATED) as z:
            for name, a in members.items():
                with z.open(name + '.npy', 'w', force_zip64=True) as f:
                    np.lib.format.write_array(f, a)


def dump(paths):
    out = []
    for path in paths:
        if path.endswith('.npz'):
            with np.load(path) as z:
                arrays = {n: describe(z[n]) for n in z.files}
            with zipfile.ZipFile(path) as zf:
                bad = zf.testzip()
                methods = {i.filename: i.compress_type for i in zf.infolist()}
            out.append({'file': path, 'arrays': arrays, 'crcOk': bad is None, 'methods': methods})
        else:
            a = np.load(path)
            d = describe(a)
            d.update({'file': path, 'header': header_of(path)})
            out.append(d)
    print(json.dumps(out))


def errors(root):
    paths = {}
    def p(name):
        paths[name] = os.path.join(root, name)
        return paths[name]
    np.save(p('structured.npy'), np.zeros(3, dtype=[('x', '<f4'), ('y', '<i8')]))
    np.save(p('object.npy'), np.array([1, 'a', None], dtype=object), allow_pickle=True)
    np.save(p('unicode.npy'), np.array(['ab', 'cde']))
    np.save(p('datetime.npy'), np.array(['2026-11-22'], dtype='datetime64[D]'))
    np.save(p('truncated.npy'), np.arange(100, dtype='<f8'))
    with open(paths['truncated.npy'], 'r+b') as f:
        f.truncate(128 + 8 * 50)
    np.savez(p('with-structured.npz'), good=np.arange(4, dtype='<i4'), bad=np.zeros(2, dtype=[('x', '<f4')]))
    np.savez(p('corrupt.npz'), a=np.arange(64, dtype='<f8'))
    with open(paths['corrupt.npz'], 'r+b') as f:
        data = bytearray(f.read())
        pos = data.index(b'\x93NUMPY') + 200  # inside the payload of 'a'
        data[pos] ^= 0xFF
        f.seek(0)
        f.write(data)
    with zipfile.ZipFile(p('bzip2.npz'), 'w', compression=zipfile.ZIP_BZIP2) as z:
        with z.open('a.npy', 'w') as f:
            np.lib.format.write_array(f, np.arange(3, dtype='<i4'))
    print(json.dumps(paths))


def big(path, nbytes):
    n = int(nbytes) // 4
    a = np.arange(n, dtype='>f4')
    np.save(path, a)
    print(json.dumps({'file': path, 'elements': n, 'size': os.path.getsize(path)}))


def bignpz(path, nbytes):
    n = int(nbytes) // 4
    np.savez(path, a=np.arange(n, dtype='<f4'))
    print(json.dumps({'file': path, 'elements': n, 'size': os.path.getsize(path)}))


def f16():
    bits = np.arange(65536, dtype='<u2')
    values = bits.view('<f2').astype(np.float64)
    doubles = np.concatenate([rng.standard_normal(2000) * 10.0 ** rng.integers(-9, 6, 2000),
                              [65519.99, 65520.0, 2.0 ** -25, 2.0 ** -24 * 1.5, 2.0 ** -24 * 2.5, 0.1, -0.0, 1e-30]])
    print(json.dumps({'values': ['nan' if v != v else repr(float(v)) for v in values],
                      'doubles': [repr(float(d)) for d in doubles],
                      'bits': [int(b) for b in doubles.astype('<f2').view('<u2')]}))


def checkbig(path, n):
    n = int(n)
    with zipfile.ZipFile(path) as zf:
        bad = zf.testzip()  # CRC of every member
    with np.load(path) as z:
        a = z['a']
    expected = np.arange(n, dtype='<f4')
    if bad is not None:
        detail = 'bad CRC in ' + bad
    elif a.dtype != expected.dtype or a.shape != expected.shape:
        detail = 'dtype/shape %s %s' % (a.dtype, a.shape)
    elif not np.array_equal(a, expected):
        detail = 'values differ'
    else:
        detail = 'ok'
    print(json.dumps({'ok': detail == 'ok', 'detail': detail}))


# `<script> <command> <args...>`: each command prints one JSON document.
COMMANDS = {'make': make, 'dump': lambda *files: dump(list(files)), 'errors': errors, 'bignpz': bignpz, 'f16': f16, 'checkbig': checkbig, 'big': big}

if __name__ == '__main__':
    if sys.argv[1] not in COMMANDS:
        sys.exit('unknown command ' + sys.argv[1])
    COMMANDS[sys.argv[1]](*sys.argv[2:])
