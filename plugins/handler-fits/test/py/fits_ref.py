"""Reference side of @aeroml/handler-fits's cross-checks, run with Debian's astropy.

  fits_ref.py make <dir>       write every case with astropy; print the manifest (JSON)
  fits_ref.py dump <file>...   read files with astropy (checksums verified, warnings are
                               errors); print every HDU's header cards and data (JSON)
  fits_ref.py big <file> <n>   write a float32 image of n elements (for the memory test)

Data are given as dtype, shape and the elements in memory order converted to little
endian (base64): comparing them compares exact values.
"""
import base64
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.io.fits.card import Undefined

rng = np.random.default_rng(20261122)


def enc_value(v):
    if v is None or isinstance(v, Undefined) or v is Undefined:
        return {'t': 'null'}
    if isinstance(v, (bool, np.bool_)):
        return {'t': 'bool', 'v': bool(v)}
    if isinstance(v, (int, np.integer)):
        return {'t': 'int', 'v': str(int(v))}
    if isinstance(v, (float, np.floating)):
        return {'t': 'float', 'v': float(v)}
    if isinstance(v, (complex, np.complexfloating)):
        return {'t': 'complex', 'v': [float(v.real), float(v.imag)]}
    return {'t': 'str', 'v': str(v)}


def enc_cards(header):
    return [{'key': c.keyword, 'value': enc_value(c.value), 'comment': c.comment or ''} for c in header.cards]


def enc_array(a):
    a = np.asarray(a)
    le = a.astype(a.dtype.newbyteorder('<')) if a.dtype.byteorder == '>' else a
    return {'dtype': a.dtype.name, 'shape': list(a.shape), 'bytes': base64.b64encode(np.ascontiguousarray(le).tobytes()).decode()}


def enc_hdu(hdu):
    out = {'kind': type(hdu).__name__, 'name': hdu.name, 'ver': hdu.ver, 'cards': enc_cards(hdu.header)}
    if isinstance(hdu, fits.BinTableHDU):
        cols = []
        for col in hdu.columns:
            data = hdu.data[col.name]
            if data.dtype.kind in 'SU':
                cols.append({'name': col.name, 'format': col.format, 'dtype': 'string', 'shape': list(data.shape),
                             'strings': [str(s) for s in data], 'unit': col.unit or ''})
            else:
                c = enc_array(data)
                c.update({'name': col.name, 'format': str(col.format), 'unit': col.unit or ''})
                cols.append(c)
        out['rows'] = int(hdu.header['NAXIS2'])
        out['columns'] = cols
    else:
        out['bitpix'] = int(hdu.header['BITPIX'])  # before touching data: astropy rewrites it when scaling
        out['data'] = None if hdu.data is None else enc_array(hdu.data)
    return out


def complex_sample(dtype, rows):
    c = np.empty(rows, dtype=dtype)
    part = 'float32' if np.dtype(dtype).itemsize == 8 else 'float64'
    c.real = sample(part, (rows,))
    c.imag = sample(part, (rows,))[::-1]
    return c


def sample(dtype, shape):
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dt.kind in 'iu':
        info = np.iinfo(dt)
        a = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
        if n >= 2:
            a[0], a[1] = info.min, info.max
    else:
        a = (rng.standard_normal(n) * 1e3).astype(dt)
        specials = [np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).tiny, np.finfo(dt).max]
        a[: min(n, 6)] = specials[: min(n, 6)]
    return a.reshape(shape)


def rich_header():
    h = fits.Header()
    h['OBJECT'] = ('M31', 'target name')
    h['EXPTIME'] = (3.0, '[s] an integral float')
    h['GAIN'] = (1.5e-10, 'small float')
    h['NEG'] = (-42, 'negative integer')
    h['BIGINT'] = (12345678901234567890, 'beyond 2**53')
    h['PI'] = (3.141592653589793, 'full double precision')
    h['FLAG'] = (True, 'logical true')
    h['OFF'] = (False, 'logical false')
    h['CPLX'] = (complex(1.5, -2.0), 'complex value')
    h['NOVALUE'] = (None, 'undefined value')
    h['QUOTE'] = ("O'Brien's", 'quotes are doubled')
    h['EMPTY'] = ('', 'empty string')
    h['NOCOMM'] = 7
    h['LONGSTR'] = ('This is a long string value that does not fit on one card, so astropy writes CONTINUE cards for it; ' * 2).strip()
    h['LONGCOM'] = ('another long value that needs more than sixty-eight characters to be written out fully', 'and it has a comment too, which goes on its own CONTINUE card')
    h['HIERARCH ESO DET CHIP ID'] = ('CCD-42', 'a HIERARCH keyword')
    h['HISTORY'] = 'first history line'
    h['HISTORY'] = 'second history line'
    h['COMMENT'] = 'a comment card'
    h[''] = 'a blank-keyword commentary card'
    return h


def make(root):
    files = {}
    def path(name):
        files[name] = os.path.join(root, name)
        return files[name]

    shapes = {8: (5, 7), 16: (3, 4, 5), 32: (11,), 64: (2, 3), -32: (4, 6), -64: (3, 3, 2)}
    types = {8: 'uint8', 16: 'int16', 32: 'int32', 64: 'int64', -32: 'float32', -64: 'float64'}
    for bitpix, dt in types.items():
        fits.PrimaryHDU(sample(dt, shapes[bitpix])).writeto(path('bitpix%d.fits' % bitpix))
    for dt, shape in (('uint16', (4, 5)), ('uint32', (7,)), ('uint64', (2, 4)), ('int8', (3, 3))):
        fits.PrimaryHDU(sample(dt, shape)).writeto(path('unsigned-%s.fits' % dt))

    phys16 = (rng.integers(-4000, 4000, (6, 8)) * 0.25 + 1000).astype(np.float32)
    hdu = fits.PrimaryHDU(phys16.copy())
    hdu.scale('int16', bscale=0.25, bzero=1000.0)
    hdu.writeto(path('scaled-int16.fits'))
    phys32 = rng.integers(-10**6, 10**6, (9,)) * 1e-3 - 5.0
    hdu = fits.PrimaryHDU(phys32.copy())
    hdu.scale('int32', bscale=1e-3, bzero=-5.0)
    hdu.writeto(path('scaled-int32.fits'))
    stored = rng.integers(-100, 100, (4, 4)).astype(np.int16)
    stored[1, 2] = -32768
    hdu = fits.PrimaryHDU(stored)
    hdu.header['BSCALE'] = 0.5
    hdu.header['BZERO'] = 3.0
    hdu.header['BLANK'] = -32768
    hdu.writeto(path('scaled-blank.fits'))
    # A float image with BSCALE/BZERO (rare but legal)
    hdu = fits.PrimaryHDU(sample('float32', (5,)))
    hdu.header['BSCALE'] = 2.0
    hdu.header['BZERO'] = 0.5
    hdu.writeto(path('scaled-float.fits'))

    fits.PrimaryHDU(sample('float32', (2, 3)), header=rich_header()).writeto(path('header.fits'))

    primary = fits.PrimaryHDU(header=fits.Header([('OBSERVER', 'aero', 'who')]))
    sci1 = fits.ImageHDU(sample('float32', (4, 5)), name='SCI', ver=1)
    err = fits.ImageHDU(sample('int16', (4, 5)), name='ERR')
    sci2 = fits.ImageHDU(sample('float64', (2, 2)), name='SCI', ver=2)
    cat = fits.BinTableHDU.from_columns([fits.Column('id', 'J', array=np.arange(3, dtype='i4'))], name='CAT')
    fits.HDUList([primary, sci1, err, sci2, cat]).writeto(path('multi.fits'))

    rows = 5
    cols = [
        fits.Column('flag', 'L', array=rng.integers(0, 2, rows).astype(bool)),
        fits.Column('bits', '11X', array=rng.integers(0, 2, (rows, 11)).astype(bool)),
        fits.Column('u8', 'B', array=sample('uint8', (rows,))),
        fits.Column('i16', 'I', array=sample('int16', (rows,))),
        fits.Column('i32', 'J', array=sample('int32', (rows,)), unit='count'),
        fits.Column('i64', 'K', array=sample('int64', (rows,))),
        fits.Column('f32', 'E', array=sample('float32', (rows,)), unit='km/s'),
        fits.Column('f64', 'D', array=sample('float64', (rows,))),
        fits.Column('c64', 'C', array=complex_sample('complex64', rows)),
        fits.Column('c128', 'M', array=complex_sample('complex128', rows)),
        fits.Column('vec', '3E', array=sample('float32', (rows, 3))),
        fits.Column('mat', '6D', dim='(3,2)', array=sample('float64', (rows, 2, 3))),
        fits.Column('u16', 'I', bzero=32768, array=sample('uint16', (rows,))),
        fits.Column('u32', 'J', bzero=2147483648, array=sample('uint32', (rows,))),
        # stored ints; TSCAL/TZERO are patched in below (astropy 5.2 cannot write scaled columns from floats)
        fits.Column('scaled', 'I', array=np.array([0, 1, -30, 1980, -20], dtype='i2')),
        fits.Column('name', '8A', array=np.array(['alpha', 'beta', '', 'delta x', 'epsilon!'])),
    ]
    table = fits.BinTableHDU.from_columns(cols, name='EVENTS')
    table.header['XSCAL15'] = 0.5
    table.header['XZERO15'] = 10.0
    table.writeto(path('table.fits'))
    with open(files['table.fits'], 'r+b') as f:
        raw = f.read().replace(b'XSCAL15 ', b'TSCAL15 ').replace(b'XZERO15 ', b'TZERO15 ')
        f.seek(0)
        f.write(raw)

    hdul = fits.HDUList([fits.PrimaryHDU(sample('int16', (10, 10)), header=rich_header()),
                         fits.ImageHDU(sample('float32', (7, 3)), name='SCI'),
                         fits.BinTableHDU.from_columns([fits.Column('x', 'D', array=np.arange(4.0))], name='TAB')])
    hdul.writeto(path('checksum.fits'), checksum=True)

    warnings.simplefilter('error')  # astropy reports bad checksums / non-standard files as warnings
    out = {'astropy': __import__('astropy').__version__, 'files': {}}
    for name, p in files.items():
        with fits.open(p, checksum=True) as hdul:
            out['files'][name] = {'file': p, 'hdus': [enc_hdu(h) for h in hdul]}
    print(json.dumps(out))


def dump(paths):
    warnings.simplefilter('error')  # astropy reports bad checksums / non-standard files as warnings
    out = []
    for p in paths:
        try:
            with fits.open(p, checksum=True) as hdul:
                hdul.verify('exception')
                out.append({'file': p, 'ok': True, 'hdus': [enc_hdu(h) for h in hdul]})
        except Exception as e:  # report, the test asserts ok
            out.append({'file': p, 'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
    print(json.dumps(out))


def errors(root):
    files = {}
    def path(name):
        files[name] = os.path.join(root, name)
        return files[name]
    ascii_table = fits.TableHDU.from_columns([fits.Column('a', 'I5', array=np.arange(3))], name='ASCII')
    fits.HDUList([fits.PrimaryHDU(), ascii_table]).writeto(path('ascii-table.fits'))
    groups = fits.GroupData(np.arange(12, dtype='>f4').reshape(3, 1, 2, 2), parnames=['p1'], pardata=[np.arange(3.0)], bitpix=-32)
    fits.GroupsHDU(groups).writeto(path('groups.fits'))
    vla = fits.Column('v', 'PJ()', array=np.array([np.arange(2), np.arange(3)], dtype=object))
    fits.BinTableHDU.from_columns([fits.Column('x', 'E', array=np.arange(2.0)), vla], name='VLA').writeto(path('vla.fits'))
    fits.PrimaryHDU(np.arange(100, dtype='>f4'), header=fits.Header([('OBJECT', 'M42', 'a comment we will damage')])).writeto(path('checksum.fits'), checksum=True)
    print(json.dumps(files))


def big(path, n):
    n = int(n)
    fits.PrimaryHDU(np.arange(n, dtype='>f4')).writeto(path)
    print(json.dumps({'file': path, 'elements': n, 'size': os.path.getsize(path)}))


# `<script> <command> <args...>`: each command prints one JSON document.
COMMANDS = {'make': make, 'dump': lambda *files: dump(list(files)), 'errors': errors, 'big': big}

if __name__ == '__main__':
    if sys.argv[1] not in COMMANDS:
        sys.exit('unknown command ' + sys.argv[1])
    COMMANDS[sys.argv[1]](*sys.argv[2:])
