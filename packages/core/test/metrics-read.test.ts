import { describe, expect, it } from 'vitest';
import { parseMetricLines } from '../src/metrics-read.js';

describe('parseMetricLines (metrics.jsonl as the file tracker writes it)', () => {
  it('sorts by step keeping same-step order, decodes non-finite strings and skips a torn line', () => {
    const text = [
      '{"name":"loss","value":0.5,"step":2,"timestamp":3}',
      '{"name":"loss","value":"NaN","step":1,"timestamp":2}',
      '{"name":"acc","value":"Infinity","step":1,"timestamp":2}',
      '{"name":"loss","value":0.9,"step":0,"timestamp":1}',
      '{"name":"loss","val',
    ].join('\n');
    expect(parseMetricLines(text)).toEqual([
      { name: 'loss', value: 0.9, step: 0, timestamp: 1 },
      { name: 'loss', value: Number.NaN, step: 1, timestamp: 2 },
      { name: 'acc', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 2 },
      { name: 'loss', value: 0.5, step: 2, timestamp: 3 },
    ]);
  });
});
