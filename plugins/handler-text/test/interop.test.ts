import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvHandler, jsonHandler, jsonlHandler } from '../src/index.js';
import { useTempDir } from '@aeroml/test-utils';

// Files written by Python's csv and json modules are read here, and files written here
// are read by Python: the formats are the real ones, not just self-consistent.
const PYTHON = '/usr/bin/python3';
const tmp = useTempDir('aero-handler-text-');

function python(script: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
}

const tricky = [
  ['id', 'text', 'empty', 'unicode'],
  ['1', 'plain', '', 'héllo ✓'],
  ['2', 'comma, inside', '', '日本'],
  ['3', 'quote " inside', 'x', 'a'],
  ['4', 'line\nbreak', '', 'b'],
  ['5', 'crlf\r\nbreak', ' ', 'c'],
  ['6', '"fully quoted"', '', ''],
];

beforeAll(() => {
  if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} is missing: the interop tests compare with Python's csv/json modules. Run \`bash tools/pyref/start.sh\` (or apt-get install python3).`);
  }
});

describe('interop with Python csv and json', () => {
  it('reads a CSV written by csv.writer (excel dialect, CRLF)', async () => {
    const path = tmp.path('py.csv');
    python('import csv, json, sys\nwith open(sys.argv[1], "w", newline="", encoding="utf-8") as f:\n  csv.writer(f).writerows(json.loads(sys.argv[2]))', path, JSON.stringify(tricky));
    expect(await csvHandler({ header: false }).read(path)).toEqual(tricky);
    const records = await csvHandler().read(path);
    expect(records[3]).toEqual({ id: '4', text: 'line\nbreak', empty: '', unicode: 'b' });
  });

  it('writes a CSV that csv.reader reads back unchanged', async () => {
    const path = tmp.path('ours.csv');
    await csvHandler({ header: false }).write(path, tricky);
    const back = JSON.parse(python('import csv, json, sys\nwith open(sys.argv[1], newline="", encoding="utf-8") as f:\n  print(json.dumps(list(csv.reader(f))))', path));
    expect(back).toEqual(tricky);
  });

  it('writes the same bytes as json.dumps(sort_keys=True, indent=2, ensure_ascii=False) + newline', async () => {
    const value = { zeta: [1, 2.5, -0.125, 1e21, true, null], alpha: { 'b key': 'ü "q" \\ \n', a: [] as unknown[], c: {} }, '10': 'x', '9': 'y' };
    const path = tmp.path('ours.json');
    await jsonHandler().write(path, value);
    const py = python('import json, sys\nsys.stdout.write(json.dumps(json.loads(sys.argv[1]), sort_keys=True, indent=2, ensure_ascii=False) + "\\n")', JSON.stringify(value));
    expect(await readFile(path, 'utf8')).toBe(py);
  });

  it('reads JSON Lines written by Python', async () => {
    const path = tmp.path('py.jsonl');
    python('import json, sys\nwith open(sys.argv[1], "w", encoding="utf-8") as f:\n  [f.write(json.dumps(r) + "\\n") for r in [{"step": i, "loss": 1 / (i + 1)} for i in range(5)]]', path);
    const rows = (await jsonlHandler().read(path)) as Array<{ step: number; loss: number }>;
    expect(rows.map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[2]!.loss).toBe(1 / 3);
  });
});
