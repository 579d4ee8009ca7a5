import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-npy';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const npyErrors = defineErrors(
  {
    NPY_NOT_NPY: { title: 'the file does not start with the NPY magic bytes', exit: 1, message: () => 'x.npy is not an NPY file: it does not start with the magic bytes \\x93NUMPY.', hint: 'Use the handler that matches the file, or re-save it with `numpy.save`.' },
    NPY_VERSION_UNSUPPORTED: { title: 'an NPY format version other than 1.0, 2.0 or 3.0', exit: 1, message: () => 'x.npy uses NPY format version 4.0; @aeroml/handler-npy reads versions 1.0, 2.0 and 3.0.', hint: 'Re-save with a numpy that writes 1.0-3.0.' },
    NPY_HEADER_INVALID: { title: 'the NPY header is not the dict numpy writes', exit: 1, message: () => 'x.npy has an invalid NPY header: expected keys descr, fortran_order, shape but found descr, shape in "…".', hint: 'The file is damaged or not from numpy; re-create it.' },
    NPY_DTYPE_UNSUPPORTED: { title: 'a dtype the handler does not read or write', exit: 1, message: () => '`x.npy holds a structured array (dtype with fields \'x\', \'y\'); @aeroml/handler-npy reads plain numeric arrays only (…).` (also object, string, datetime arrays)', hint: 'Save each field as its own array; convert datetimes with `.astype(\'int64\')`; object arrays need pickle and are refused.' },
    NPY_TRUNCATED: { title: 'the file ends before the array data does', exit: 1, message: () => 'x.npy is truncated: the header announces 800 bytes of float64 data for shape [100] but only 400 follow.', hint: 'Produce the file again.' },
    NPY_TOO_LARGE: { title: 'the array is larger than the handler reads into memory', exit: 1, message: () => 'x.npy: cannot allocate 9007199254740992 bytes for the array (…).', hint: 'Use a machine with more memory.' },
    NPY_VALUE_INVALID: { title: '`write` got a value the handler cannot store as NPY', exit: 1, message: () => '`Cannot write x.npy: the value is not a valid NDArray:` + one line per problem (`` `data`: dtype \'float32\' needs a Float32Array, got Float64Array ``)', hint: 'Build values with `ndarray(dtype, shape, data)`.' },
    NPY_READ_FAILED: { title: 'the file could not be read (missing, a directory, permissions)', exit: 1, message: () => 'Could not read x.npy: the file does not exist.', hint: 'Check the path.' },
    NPY_WRITE_FAILED: { title: 'the file could not be written (permissions, disk full)', exit: 1, message: () => 'Could not write x.npy: ENOTDIR: …', hint: 'Check the directory and free space.' },
    NPY_ZIP_INVALID: { title: 'an `.npz` that is not a valid zip archive', exit: 1, message: () => 'x.npz is not a readable NPZ (zip) archive: the end-of-central-directory record is missing (the file is truncated).', hint: 'Produce the archive again.' },
    NPY_ZIP_UNSUPPORTED: { title: 'an `.npz` using a zip feature the handler does not read', exit: 1, message: () => 'x.npz (array \'a\') uses zip compression method 12; @aeroml/handler-npy reads stored (0) and deflated (8) members.', hint: 'Re-create with `np.savez` / `np.savez_compressed`.' },
    NPY_ZIP_CRC_MISMATCH: { title: 'an `.npz` member does not match its CRC-32', exit: 1, message: () => 'x.npz (array \'a\') is corrupt: its CRC-32 is 0x… but the archive records 0x….', hint: 'The file was damaged; produce it again.' },
    NPY_ARRAY_NOT_FOUND: { title: 'the requested array is not in the `.npz`', exit: 1, message: () => 'x.npz has no array named \'nope\'; it holds \'good\', \'bad\'.', hint: 'Pick a name from the list.' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/handler-npy (documented in the README). */
export const NpyErrorCodes = npyErrors.codesWithout('NPY_');
/** An AeroError of this package with the message written where it is raised. */
export const npyError = npyErrors.create;
