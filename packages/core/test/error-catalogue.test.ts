import { describe, expect, it } from 'vitest';
import { AeroError, ErrorCodes, defineErrors, listErrors, lookupError } from '../src/index.js';

describe('error catalogue', () => {
  it("declares codes with their exit status and builds errors from the entry's message and hint", () => {
    const errors = defineErrors(
      {
        DEMO_BUCKET_MISSING: { title: 'the bucket does not exist', exit: 1, message: (p: { bucket: string }) => `Bucket \`${p.bucket}\` does not exist.`, hint: 'Create it: `aws s3 mb s3://<bucket>`.' },
        DEMO_OPTION_BAD: { title: 'an option is wrong', exit: 2, message: (p: { key: string }) => `Option \`${p.key}\` is wrong.`, docs: 'demo-option' },
      },
      { plugin: '@demo/store' },
    );
    expect(errors.codes.DEMO_BUCKET_MISSING).toBe('DEMO_BUCKET_MISSING');
    const error = errors.error('DEMO_BUCKET_MISSING', { bucket: 'b1' });
    expect(error).toBeInstanceOf(AeroError);
    expect(error.format()).toBe('[aero] [@demo/store] Bucket `b1` does not exist.\n  hint: Create it: `aws s3 mb s3://<bucket>`.');
    expect(error.exit).toBe(1);
    expect(errors.error('DEMO_OPTION_BAD', { key: 'x' }, { hint: 'Use `y`.' }).hint).toBe('Use `y`.');
    expect(lookupError('DEMO_OPTION_BAD')).toMatchObject({ exit: 2, docs: 'demo-option', plugin: '@demo/store', section: '@demo/store' });
    expect(lookupError('DEMO_BUCKET_MISSING')?.docs).toBe('demo_bucket_missing');
  });

  it('derives the codes without their prefix and builds errors whose message is written where they are raised', () => {
    const errors = defineErrors(
      {
        DEMO_KEY_BAD: { title: 'a key is bad', exit: 1, message: () => 'Key `k` is bad.', hint: 'Only in docs/errors.md.' },
        DEMO_DISK_FULL: { title: 'the disk is full', exit: 1, message: () => 'Cannot write: ENOSPC.' },
        OTHER_CODE: { title: 'a code without the prefix', exit: 2, message: () => 'Other.' },
      },
      { plugin: '@demo/short' },
    );
    const short = errors.codesWithout('DEMO_');
    expect(short).toEqual({ KEY_BAD: 'DEMO_KEY_BAD', DISK_FULL: 'DEMO_DISK_FULL', OTHER_CODE: 'OTHER_CODE' });
    expect(Object.keys(short)).toEqual(['KEY_BAD', 'DISK_FULL', 'OTHER_CODE']);
    // The derived keys are typed: a code that is not declared does not compile.
    const typed: 'DEMO_KEY_BAD' = short.KEY_BAD;
    // @ts-expect-error NOT_DECLARED is no code of this catalogue
    expect(short.NOT_DECLARED).toBeUndefined();
    expect(typed).toBe('DEMO_KEY_BAD');

    // `create` is detached from the catalogue, as plugins export it under their own name.
    const { create } = errors;
    const cause = new Error('ENOSPC');
    const error = create('DEMO_DISK_FULL', 'Cannot write /p/x: ENOSPC.', { cause, details: { path: '/p/x' } });
    expect(error).toBeInstanceOf(AeroError);
    expect(error.format()).toBe('[aero] [@demo/short] Cannot write /p/x: ENOSPC.');
    expect(error).toMatchObject({ code: 'DEMO_DISK_FULL', plugin: '@demo/short', exit: 1, cause, details: { path: '/p/x' } });
    // The catalogue's hint is the docs' summary; an occurrence gets only the hint it is given.
    expect(create('DEMO_KEY_BAD', 'Key `a/../b` is bad.').hint).toBeUndefined();
    expect(create('DEMO_KEY_BAD', 'Key `a/../b` is bad.', { hint: 'Drop the `..`.' }).format()).toBe('[aero] [@demo/short] Key `a/../b` is bad.\n  hint: Drop the `..`.');
    expect(create('OTHER_CODE', 'Other.').exit).toBe(2);
    // @ts-expect-error a code the catalogue does not declare
    expect(create('DEMO_NOT_DECLARED', 'x').code).toBe('DEMO_NOT_DECLARED');
    const unscoped = defineErrors({ DEMO_CORE_LIKE: { title: 't', exit: 2, message: () => 'm' } }, { plugin: '@demo/unscoped', scoped: false });
    expect(unscoped.create('DEMO_CORE_LIKE', 'Unscoped.').format()).toBe('[aero] Unscoped.');
  });

  it('takes rows kept as data: a string message is the sample docs/errors.md shows, and codes stay literal types', () => {
    // What `import rows from './errors.json'` gives: a string message and an exit typed as a number.
    const rows: { DEMO_ROW_GONE: { title: string; exit: number; message: string; hint: string }; DEMO_ROW_BAD: { title: string; exit: number; message: string } } = {
      DEMO_ROW_GONE: { title: 'the thing is gone', exit: 1, message: 'Thing `x` is gone.', hint: 'Make it again.' },
      DEMO_ROW_BAD: { title: 'the input is bad', exit: 2, message: 'Input `y` is bad.' },
    };
    const errors = defineErrors(rows, { plugin: '@demo/rows' });
    expect(lookupError('DEMO_ROW_GONE')).toMatchObject({ title: 'the thing is gone', exit: 1, hint: 'Make it again.', docs: 'demo_row_gone', plugin: '@demo/rows' });
    expect(lookupError('DEMO_ROW_GONE')?.message({})).toBe('Thing `x` is gone.');
    expect(errors.error('DEMO_ROW_BAD', {}).format()).toBe('[aero] [@demo/rows] Input `y` is bad.');
    expect(errors.create('DEMO_ROW_BAD', 'Input `z` is bad: it is empty.').exit).toBe(2);
    const short = errors.codesWithout('DEMO_ROW_');
    const typed: 'DEMO_ROW_GONE' = short.GONE;
    expect(typed).toBe('DEMO_ROW_GONE');
    // @ts-expect-error NOT_DECLARED is no code of this catalogue
    expect(short.NOT_DECLARED).toBeUndefined();
    // @ts-expect-error a code the rows do not declare
    expect(errors.create('DEMO_ROW_NOT_DECLARED', 'x').code).toBe('DEMO_ROW_NOT_DECLARED');
  });

  it('refuses a row whose exit status is not 1, 2 or 130, before registering any of its codes', () => {
    const rows: Record<string, { title: string; exit: number; message: string }> = {
      DEMO_EXIT_FINE: { title: 't', exit: 1, message: 'm' },
      DEMO_EXIT_THREE: { title: 't', exit: 3, message: 'm' },
    };
    expect(() => defineErrors(rows, { plugin: '@demo/exit' })).toThrow(
      'Error code DEMO_EXIT_THREE of @demo/exit has exit 3; the exit status must be 1 (something failed), 2 (input the user can fix) or 130 (interrupted).',
    );
    expect(lookupError('DEMO_EXIT_FINE')).toBeUndefined();
    expect(() => defineErrors({ DEMO_EXIT_ZERO: { title: 't', exit: 0, message: 'm' } }, { plugin: '@demo/exit' })).toThrow('has exit 0;');
    expect(() => defineErrors({ DEMO_EXIT_130: { title: 't', exit: 130, message: 'm' } }, { plugin: '@demo/exit' })).not.toThrow();
    expect(() => defineErrors({ DEMO_NO_MESSAGE: { title: 't', exit: 1 } as never }, { plugin: '@demo/exit' })).toThrow('Error code DEMO_NO_MESSAGE of @demo/exit has no message;');
  });

  it('refuses a code another package already declared, and accepts the same package declaring it again', () => {
    const spec = { CONFIG_NOT_FOUND: { title: 't', exit: 1 as const, message: () => 'm' } };
    expect(() => defineErrors(spec, { plugin: '@demo/other' })).toThrow('Error code CONFIG_NOT_FOUND is declared by both @aeroml/core and @demo/other');
    const twice = { DEMO_TWICE: { title: 't', exit: 1 as const, message: () => 'm' } };
    defineErrors(twice, { plugin: '@demo/twice' });
    expect(() => defineErrors(twice, { plugin: '@demo/twice' })).not.toThrow();
  });

  it("core's codes are all in the catalogue, with a title, a hint and an exit status", () => {
    const core = new Map(listErrors().filter((e) => e.plugin === '@aeroml/core').map((e) => [e.code, e]));
    for (const code of Object.values(ErrorCodes)) {
      const entry = core.get(code);
      expect(entry, code).toBeDefined();
      expect(entry!.title.length, code).toBeGreaterThan(5);
      expect(entry!.hint, code).toBeTruthy();
    }
    expect(core.get('PLAN_UNKNOWN_PARAM')).toMatchObject({ exit: 2, docs: 'plan_unknown_param' });
    expect(core.get('CONFIG_MISSING_VALUE')?.exit).toBe(2);
  });
});
