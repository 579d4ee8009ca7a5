import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/handler-fits';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const fitsErrors = defineErrors(
  {
    FITS_NOT_FITS: { title: 'the file does not start with a SIMPLE card', exit: 1, message: () => 'x.fits is not a FITS file: it does not start with a SIMPLE card.', hint: 'Use the handler matching the file.' },
    FITS_HEADER_INVALID: { title: 'a header card is invalid when reading, or a header to write sets what the handler derives or cannot store', exit: 1, message: () => 'reading: `x.fits HDU 0: BITPIX is "12"; it must be 8, 16, 32, 64, -32 or -64.`; writing: `Cannot write x.fits HDU 0: the header sets NAXIS1, CHECKSUM, which the fits handler derives from the data.`, `card GAIN: NaN cannot be stored in a FITS header (only finite numbers can).`, `card NCOMBINE needs 93 characters but a card holds 80; shorten its comment.`', hint: 'Repair the file; remove derived keywords; use printable ASCII and finite numbers.' },
    FITS_TRUNCATED: { title: 'the file ends before an HDU\'s data unit does', exit: 1, message: () => 'x.fits HDU 0 is truncated: its data unit needs 400 bytes but the file ends after 100.', hint: 'Produce the file again.' },
    FITS_HDU_NOT_FOUND: { title: 'the requested HDU (by index or EXTNAME) is not in the file', exit: 1, message: () => 'x.fits has no HDU with EXTNAME \'SCI\' and EXTVER 2; it has 2 HDUs: 0 image (no data); 1 \'SCI\' image 2x3.', hint: 'Pick an index or EXTNAME from the list.' },
    FITS_HDU_UNSUPPORTED: { title: 'an HDU of a kind the handler does not read (random groups, compressed images, …)', exit: 1, message: () => '`x.fits HDU 1 (\'ASCII\') is an ASCII table (XTENSION = TABLE); @aeroml/handler-fits reads image HDUs and binary tables.` (also random groups)', hint: 'Select another HDU, or convert with astropy.' },
    FITS_COLUMN_UNSUPPORTED: { title: 'a table column of a type the handler does not read or write', exit: 1, message: () => 'x.fits HDU 1 (\'VLA\'): column \'v\' (TFORM PJ(3)) holds variable-length arrays, which @aeroml/handler-fits does not read.', hint: 'Read the other columns with `columns: [...]`.' },
    FITS_COLUMN_NOT_FOUND: { title: 'a requested table column is not in the HDU', exit: 1, message: () => 'x.fits HDU 1 (\'VLA\') has no column \'y\'; its columns are \'x\', \'v\'.', hint: 'Use TTYPE names from the list.' },
    FITS_CHECKSUM_MISMATCH: { title: 'the CHECKSUM card does not match the HDU', exit: 1, message: () => 'x.fits HDU 0 is corrupt: its CHECKSUM \'…\' does not match the header and data (the HDU sums to 0x…, not -0).', hint: 'As above.' },
    FITS_DATASUM_MISMATCH: { title: 'the DATASUM card does not match the data unit', exit: 1, message: () => 'x.fits HDU 0 is corrupt: its data sum is 123 but DATASUM records 456.', hint: 'The data were damaged; produce the file again (`verifyChecksums: false` to inspect).' },
    FITS_VALUE_INVALID: { title: '`write` got a value the handler cannot store as FITS', exit: 1, message: () => 'Cannot write x.fits HDU 0:` + one line per problem (`` `data`: shape [2, 2] needs 4 elements, got 3 ``, `` `bitpix`: 16 does not match Float32Array data … ``), `value 1000000000 at index 1 does not fit BITPIX 16 with BSCALE 1 and BZERO 0.`, `NaN at index 0 cannot be stored as an integer without a BLANK value.', hint: 'Fix the value as listed.' },
    FITS_TOO_LARGE: { title: 'the data is larger than the handler reads into memory', exit: 1, message: () => 'x.fits HDU 0: cannot allocate … bytes for the data (…).', hint: 'Use a machine with more memory.' },
    FITS_READ_FAILED: { title: 'the file could not be read (missing, a directory, permissions)', exit: 1, message: () => 'Could not read x.fits: the file does not exist.', hint: 'Check the path.' },
    FITS_WRITE_FAILED: { title: 'the file could not be written (permissions, disk full)', exit: 1, message: () => 'Could not write x.fits: ENOTDIR: …', hint: 'Check the directory and free space.' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/handler-fits (documented in the README). */
export const FitsErrorCodes = fitsErrors.codesWithout('FITS_');
/** An AeroError of this package with the message written where it is raised. */
export const fitsError = fitsErrors.create;
