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
