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
