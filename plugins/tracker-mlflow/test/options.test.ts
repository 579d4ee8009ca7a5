import { describe, expect, it } from 'vitest';
import { thrown } from '@aeroml/test-utils';
import { mlflowTracker, parseMlflowTrackerOptions } from '../src/index.js';

describe('options', () => {
  it('defaults: MLFLOW_* environment, else 127.0.0.1:5000 and the project as experiment', () => {
    expect(parseMlflowTrackerOptions({}, {})).toMatchObject({ trackingUri: 'http://127.0.0.1:5000', name: 'mlflow', resume: false, experimentName: undefined, uploadThresholdBytes: 100 * 1024 * 1024 });
    const env = { MLFLOW_TRACKING_URI: 'http://mlflow.internal:8080/', MLFLOW_EXPERIMENT_NAME: 'exp', MLFLOW_TRACKING_TOKEN: 'tok' };
    expect(parseMlflowTrackerOptions({}, env)).toMatchObject({ trackingUri: 'http://mlflow.internal:8080', experimentName: 'exp', token: 'tok' });
    expect(parseMlflowTrackerOptions({ trackingUri: 'https://x.example/mlflow/' }, env).trackingUri).toBe('https://x.example/mlflow');
  });

  it('the factory returns a tracker plugin without touching the network', () => {
    const t = mlflowTracker({ trackingUri: 'http://127.0.0.1:1' });
    expect(t).toMatchObject({ kind: 'tracker', name: 'mlflow', packageName: '@aeroml/tracker-mlflow' });
    expect(t.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('PLUGIN_OPTIONS_INVALID lists every problem with its dot path', () => {
    const error = thrown(() => mlflowTracker({ trackingUri: 'ftp://nope', uploadThresholdBytes: -1, tags: { a: 1 as unknown as string }, resolveFile: 'x' as never, bogus: true } as never));
    expect(error).toMatchObject({ name: 'AeroError', code: 'PLUGIN_OPTIONS_INVALID', plugin: '@aeroml/tracker-mlflow' });
    const message = (error as Error).message;
    expect(message.split('\n')[0]).toBe('Invalid options for mlflowTracker():');
    expect(message).toContain('\n  - `trackingUri`: expected an http(s) URL such as http://127.0.0.1:5000');
    expect(message).toContain('\n  - `uploadThresholdBytes`: ');
    expect(message).toContain('\n  - `tags.a`: ');
    expect(message).toContain('\n  - `resolveFile`: expected a function (ref, file) => path | undefined');
    expect(message).toContain('\n  - `bogus`: unknown option.');
    expect(() => mlflowTracker({ experimentname: 'x' } as never)).toThrow('\n  - `experimentname`: unknown option. Did you mean `experimentName`?');
  });

  it('rejects a non-http MLFLOW_TRACKING_URI and inconsistent retry delays', () => {
    expect(() => parseMlflowTrackerOptions({}, { MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' })).toThrow(
      'Invalid options for mlflowTracker():\n  - `trackingUri`: MLFLOW_TRACKING_URI=file:///tmp/mlruns is not an http(s) URL (file stores and databricks URIs are not supported; run `mlflow server`)',
    );
    expect(() => parseMlflowTrackerOptions({ retryDelayMs: 500, retryMaxDelayMs: 100 }, {})).toThrow('Invalid options for mlflowTracker():\n  - `retryMaxDelayMs`: must be >= retryDelayMs (500)');
  });
});
