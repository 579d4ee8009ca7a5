import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../src/index.js';
import { RunJournal, formatSegment, isSegmentKey, parseSegment, segmentKey } from '../src/run/journal.js';
import { memoryStore } from './fixtures.js';

const entry = (key: string): CacheEntry => ({
  schema: 1, key, action: 'a', instanceId: `a[${key}]`, outputs: { o: { name: 'a.o', digest: `d-${key}` } },
  components: { action: 'a', code: 'c', codeFiles: {}, params: null, inputs: {}, partition: null, outputs: {} }, runId: 'r1', createdAt: new Date().toISOString(),
});
const segments = (store: ReturnType<typeof memoryStore>) => [...store.data.keys()].filter(isSegmentKey).sort();

describe('run/journal: RunJournal', () => {
  it('writes records in batches, one segment per batch, in order, each checksummed', async () => {
    const store = memoryStore();
    const journal = new RunJournal(store, 'r1', { maxRecords: 3, maxDelayMs: 60_000 });
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) journal.append({ type: 'entry', entry: entry(k) });
    await journal.flush();
    expect(segments(store)).toEqual([segmentKey('r1', 1), segmentKey('r1', 2)]);
    expect(segmentKey('r1', 2)).toBe('runs/r1/journal/000002.jsonl');
    expect(parseSegment(store.data.get(segmentKey('r1', 1))!)!.map((r) => r.entry.key)).toEqual(['k1', 'k2', 'k3']);
    expect(parseSegment(store.data.get(segmentKey('r1', 2))!)!.map((r) => r.entry.key)).toEqual(['k4', 'k5']);
    expect(journal.segmentOf('k4')).toBe(segmentKey('r1', 2));
    // Nothing per record: no cache/<key>.json.
    expect([...store.data.keys()].filter((k) => !isSegmentKey(k))).toEqual([]);
  });

  it('writes a lone record on the next tick when idle, and gathers a burst after a write', async () => {
    const store = memoryStore();
    const journal = new RunJournal(store, 'r1', { maxDelayMs: 60_000 });
    journal.append({ type: 'entry', entry: entry('lone') });
    journal.append({ type: 'entry', entry: entry('same-tick') });
    await new Promise((r) => setTimeout(r, 10));
    expect(segments(store)).toHaveLength(1);
    // Right after a write, records wait for the delay (here: until flush at the end).
    journal.append({ type: 'entry', entry: entry('burst1') });
    journal.append({ type: 'entry', entry: entry('burst2') });
    await new Promise((r) => setTimeout(r, 10));
    expect(segments(store)).toHaveLength(1);
    await journal.flush();
    expect(segments(store)).toHaveLength(2);
    expect(parseSegment(store.data.get(segments(store)[1]!)!)!.map((r) => r.entry.key)).toEqual(['burst1', 'burst2']);
  });

  it('compact() folds the segments of a run into one, written before the old ones go', async () => {
    const store = memoryStore();
    const order: string[] = [];
    const { put, delete: del } = store;
    store.put = async (key, body, options) => (order.push(`put ${key}`), put(key, body, options));
    store.delete = async (key) => (order.push(`delete ${key}`), del(key));
    const journal = new RunJournal(store, 'r1', { maxRecords: 2, maxDelayMs: 60_000 });
    for (const k of ['k1', 'k2', 'k3', 'k4', 'k5']) journal.append({ type: 'entry', entry: entry(k) });
    await journal.compact();
    expect(segments(store)).toEqual([segmentKey('r1', 4)]);
    expect(parseSegment(store.data.get(segmentKey('r1', 4))!)!.map((r) => r.entry.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(journal.segmentOf('k1')).toBe(segmentKey('r1', 4));
    expect(order.indexOf(`put ${segmentKey('r1', 4)}`)).toBeLessThan(order.findIndex((o) => o.startsWith('delete ')));
    // One segment: nothing to fold.
    const single = new RunJournal(store, 'r2', { maxDelayMs: 60_000 });
    single.append({ type: 'entry', entry: entry('k9') });
    await single.compact();
    expect(segments(store).filter((k) => k.startsWith('runs/r2/'))).toEqual([segmentKey('r2', 1)]);
  });

  it('compact() keeps every segment when the folded one cannot be written', async () => {
    const store = memoryStore();
    const journal = new RunJournal(store, 'r1', { maxRecords: 2, maxDelayMs: 60_000 });
    for (const k of ['k1', 'k2', 'k3']) journal.append({ type: 'entry', entry: entry(k) });
    await journal.flush();
    const put = store.put;
    store.put = async (key, body, options) => (key === segmentKey('r1', 3) ? Promise.reject(new Error('disk full')) : put(key, body, options));
    await journal.compact();
    expect(segments(store)).toEqual([segmentKey('r1', 1), segmentKey('r1', 2)]);
    expect(journal.segmentOf('k3')).toBe(segmentKey('r1', 2));
  });

  it('reports a batch it could not write, and keeps writing later ones', async () => {
    const store = memoryStore();
    const put = store.put;
    let fail = true;
    store.put = async (key, body, options) => {
      if (fail) {
        fail = false;
        throw new Error('disk full');
      }
      return put(key, body, options);
    };
    const errors: string[] = [];
    const journal = new RunJournal(store, 'r1', { onError: (e, n) => errors.push(`${n}: ${(e as Error).message}`) });
    journal.append({ type: 'entry', entry: entry('k1') });
    await journal.flush();
    journal.append({ type: 'entry', entry: entry('k2') });
    await journal.flush();
    expect(errors).toEqual(['1: disk full']);
    expect(journal.segmentOf('k1')).toBeUndefined();
    expect(journal.segmentOf('k2')).toBe(segmentKey('r1', 2));
  });
});

describe('run/journal: segments', () => {
  it('round-trip, and a damaged or torn segment reads as nothing', () => {
    const text = formatSegment([{ type: 'entry', entry: entry('k1') }, { type: 'entry', entry: entry('k2') }]);
    expect(parseSegment(Buffer.from(text))!.map((r) => r.entry.key)).toEqual(['k1', 'k2']);
    expect(parseSegment(Buffer.from(text.slice(0, -5)))).toBeUndefined();
    expect(parseSegment(Buffer.from(text.replace('k2', 'k3')))).toBeUndefined();
    expect(parseSegment(Buffer.from('not a segment'))).toBeUndefined();
    expect(parseSegment(null)).toBeUndefined();
  });

  it('are recognised by key', () => {
    expect(isSegmentKey('runs/r1/journal/000001.jsonl')).toBe(true);
    expect(isSegmentKey('runs/r1/run.json')).toBe(false);
    expect(isSegmentKey('runs/r1/journal/000001.jsonl.tmp')).toBe(false);
  });
});
