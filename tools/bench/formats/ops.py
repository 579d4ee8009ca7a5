"""Baseline side of tools/bench/formats: numpy and astropy doing the same work as aero.

  ops.py <workdir> <n_float32> <order: write-first|read-first>

Creates the array once (not timed), then times np.save / np.load and fits.writeto /
fits.getdata(memmap=False) on it, each in this one process, and prints the seconds as JSON.
"""
import json
import os
import sys
import time

import numpy as np
from astropy.io import fits

work, n = sys.argv[1], int(sys.argv[2])
a = (np.arange(n, dtype=np.float32) * np.float32(0.5)) % np.float32(1000.0)
npy = os.path.join(work, 'numpy.npy')
fit = os.path.join(work, 'astropy.fits')
out = {}

t = time.perf_counter(); np.save(npy, a); out['npyWrite'] = time.perf_counter() - t
t = time.perf_counter(); b = np.load(npy); out['npyRead'] = time.perf_counter() - t
assert b.shape == a.shape and b.dtype == a.dtype
del b
t = time.perf_counter(); fits.writeto(fit, a, overwrite=True); out['fitsWrite'] = time.perf_counter() - t
t = time.perf_counter(); c = fits.getdata(fit, memmap=False); out['fitsRead'] = time.perf_counter() - t
assert c.shape == a.shape
out['fitsReadDtype'] = c.dtype.str
del c
os.remove(npy)
os.remove(fit)
print(json.dumps(out))
