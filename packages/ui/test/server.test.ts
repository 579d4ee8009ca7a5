import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aero, fixtureStore, XSS } from './fixture.js';
import { request, startUi, type RunningUi } from './serve.js';

const SECRET = 'aero-ui-test-secret-7f3a91';

let dir: string;
let ui: RunningUi;
let runs: Array<{ id: string; name: string; status: string; params: Record<string, unknown> }>;

beforeAll(async () => {
  dir = await fixtureStore('server');
  ui = await startUi(dir, [], { AERO_UI_TEST_TOKEN: SECRET, AWS_SECRET_ACCESS_KEY: SECRET });
  runs = JSON.parse((await request(`${ui.url}api/runs`)).text).runs;
});

afterAll(async () => {
  expect(await ui?.stop()).toBe(0);
});

/** Raw request with a chosen Host header (null: none) and path (fetch would normalise `..`). */
function raw(path: string, host: string | null = '127.0.0.1', method = 'GET'): Promise<{ status: number; body: string }> {
  const { port } = new URL(ui.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, setHost: false, headers: host === null ? {} : { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('aero ui server', () => {
  it('serves the page, its bundle and the runs list with the params that differ', async () => {
    const page = await request(ui.url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="/assets/app.js" defer></script>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await request(`${ui.url}assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.text.length).toBeGreaterThan(50_000); // uPlot and dagre are in it
    expect(runs.map((r) => r.status).sort()).toEqual(['failed', 'succeeded', 'succeeded', 'succeeded']);
    const page2 = JSON.parse((await request(`${ui.url}api/runs`)).text);
    expect(page2.paramKeys).toEqual(['flaky.fail', 'train.lr', 'train.note']);
    expect(runs.find((r) => r.name === 'baseline')!.params['train.note']).toBe(XSS);
    expect(page2.live).toBe(false);
  });

  it('answers a run with its DAG edges, timings, artifacts and metric series', async () => {
    const baseline = runs.find((r) => r.name === 'baseline')!;
    const detail = JSON.parse((await request(`${ui.url}api/runs/${baseline.id}`)).text);
    expect(detail.instances.map((i: { id: string; status: string }) => `${i.id}:${i.status}`)).toEqual(['prepare:ran', 'train:ran', 'evaluate:ran', 'flaky:ran', 'publish:ran']);
    expect(detail.edges).toEqual(expect.arrayContaining([['prepare', 'train'], ['train', 'evaluate'], ['prepare', 'flaky'], ['flaky', 'publish'], ['evaluate', 'publish']]));
    expect(detail.instances.every((i: { start: number | null }) => i.start !== null)).toBe(true);
    expect(detail.artifacts.map((a: { name: string }) => a.name).sort()).toEqual(['evaluate.score', 'flaky.out', 'prepare.notes', 'prepare.table', 'publish.done', 'train.model']);
    const metrics = JSON.parse((await request(`${ui.url}api/runs/${baseline.id}/metrics`)).text);
    const loss = metrics.series.find((s: { name: string; instance: string }) => s.name === 'loss' && s.instance === 'train');
    expect(loss.points).toBe(300);
    expect(loss.steps).toHaveLength(300);
    expect(loss.steps[299]).toBe(299);
    const log = JSON.parse((await request(`${ui.url}api/runs/${baseline.id}/logs/train`)).text);
    expect(log.text).toContain(`note: ${XSS}`);
  });

  it('previews CSV as rows and JSON pretty-printed, found through the manifest', async () => {
    const baseline = runs.find((r) => r.name === 'baseline')!;
    const detail = JSON.parse((await request(`${ui.url}api/runs/${baseline.id}`)).text);
    const table = detail.artifacts.find((a: { name: string }) => a.name === 'prepare.table');
    const csv = JSON.parse((await request(`${ui.url}api/artifacts/prepare.table/${table.digest}/preview/${encodeURIComponent(table.files[0].path)}`)).text);
    expect(csv.kind).toBe('csv');
    expect(csv.rows[0]).toEqual(['x', 'y', 'label']);
    expect(csv.rows[3]).toEqual(['2', '4', 'even']);
    const model = detail.artifacts.find((a: { name: string }) => a.name === 'train.model');
    const json = JSON.parse((await request(`${ui.url}api/artifacts/train.model/${model.digest}/preview/${encodeURIComponent(model.files[0].path)}`)).text);
    expect(json.kind).toBe('json');
    expect(JSON.parse(json.text).note).toBe(XSS);
    // A 404 says which is missing: the artifact version, or a file of one that exists.
    const noArtifact = await request(`${ui.url}api/artifacts/train.nope/${model.digest}/preview/model.json`);
    expect(noArtifact.status).toBe(404);
    expect(JSON.parse(noArtifact.text).error.message).toBe(`No artifact train.nope@${model.digest.slice(0, 12)} in the store (\`aero artifacts\` lists the versions there are).`);
    const noFile = await request(`${ui.url}api/artifacts/train.model/${model.digest}/preview/nope.json`);
    expect(JSON.parse(noFile.text).error.message).toBe(`Artifact train.model@${model.digest.slice(0, 12)} has no file \`nope.json\`.`);
  });

  it('is read-only: every method but GET and HEAD is 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await request(`${ui.url}api/runs`, { method });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      expect(JSON.parse(r.text).error.message).toBe('aero ui is read-only: only GET and HEAD are answered.');
    }
    const head = await request(`${ui.url}api/runs`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('no route leaves the store: ..%2F, absolute paths, symlinks and raw ../ all answer 404 without file contents', async () => {
    const config = await readFile(join(dir, 'aero.config.ts'), 'utf8');
    const detail = JSON.parse((await request(`${ui.url}api/runs/${runs[0]!.id}`)).text);
    const digest = detail.artifacts[0].digest as string;
    const name = detail.artifacts[0].name as string;
    // A symlink inside the store pointing out of it, holding a forged manifest for the config file.
    const forged = join(dir, 'outside');
    await mkdir(forged, { recursive: true });
    await writeFile(join(forged, `${digest}.json`), JSON.stringify({ schema: 1, name: 'evil', handler: 'text', handlerVersion: '1', files: [{ path: 'aero.config.ts', sha256: 'a'.repeat(64), size: 10 }] }));
    // (Manifests committed in the run's process are journaled, so the folder may not exist yet.)
    await mkdir(join(dir, '.aero/artifacts'), { recursive: true });
    await symlink(forged, join(dir, '.aero/artifacts/evil'));
    const attempts = [
      `/api/artifacts/${name}/${digest}/preview/..%2F..%2F..%2Faero.config.ts`,
      `/api/artifacts/${name}/${digest}/preview/${encodeURIComponent(join(dir, 'aero.config.ts'))}`,
      `/api/artifacts/${name}/${digest}/preview/%2Fetc%2Fpasswd`,
      `/api/artifacts/..%2F..%2F/${digest}/preview/aero.config.ts`,
      `/api/artifacts/${name}/..%2F..%2Fruns/preview/x`,
      `/api/artifacts/${name}/${digest}/preview/../../../../aero.config.ts`,
      `/api/runs/..%2F..%2Fetc/logs/passwd`,
      `/api/runs/${runs[0]!.id}/logs/..%2F..%2F..%2Faero.config.ts`,
      `/../../aero.config.ts`,
      `/assets/..%2F..%2Fpackage.json`,
    ];
    for (const path of attempts) {
      const r = await raw(path);
      expect([400, 404], path).toContain(r.status);
      expect(r.body).not.toContain('defineConfig');
      expect(r.body).not.toContain('root:');
    }
    const viaSymlink = await raw(`/api/artifacts/evil/${digest}/preview/aero.config.ts`);
    expect(viaSymlink.body).not.toContain(config.slice(0, 40));
    expect(viaSymlink.body).not.toContain('defineConfig');
  });

  it('answers only requests addressed to localhost when bound to 127.0.0.1 (DNS rebinding)', async () => {
    const r = await raw('/api/runs', 'attacker.example:80');
    expect(r.status).toBe(421);
    expect(JSON.parse(r.body).error.message).toBe('aero ui on 127.0.0.1 answers only requests addressed to localhost.');
    expect((await raw('/api/runs', `localhost:${new URL(ui.url).port}`)).status).toBe(200);
  });

  it('the Host check accepts only localhost, [::1] and 127.0.0.0/8 literals, each with an optional port', async () => {
    const port = new URL(ui.url).port;
    const accepted = ['localhost', `localhost:${port}`, 'localhost:4180', '127.0.0.1', `127.0.0.1:${port}`, '127.255.255.254:4180', '127.1.2.3', '[::1]', `[::1]:${port}`];
    for (const host of accepted) expect((await raw('/api/runs', host)).status, host).toBe(200);
    const refused = [
      '127.evil.example:4180',
      '127.evil.example',
      '127.0.0.1.nip.io',
      '127.0.0.1.nip.io:4180',
      '127.attacker.com',
      'localhost.evil.com',
      'localhost.evil.com:4180',
      'evil.example:4180',
      'attacker.example',
      '127.0.0.256:4180',
      '127.0.0',
      '127.0.0.1.',
      '128.0.0.1:4180',
      '127.0.0.01',
      '127.0.0.1:4180.evil.com',
      '127.0.0.1:',
      '[::1].evil.com',
      '[::2]:4180',
      '::1',
    ];
    for (const host of refused) {
      const r = await raw('/api/runs', host);
      expect(r.status, host).toBe(421);
      expect(JSON.parse(r.body).error, host).toEqual({ code: 'MISDIRECTED', message: 'aero ui on 127.0.0.1 answers only requests addressed to localhost.' });
    }
    // No Host at all never reaches the check: node:http answers an HTTP/1.1 request without one 400.
    expect((await raw('/api/runs', null)).status).toBe(400);
  });

  it('a preview needs the artifact name that goes with the digest: another name is the unknown-digest 404', async () => {
    const baseline = runs.find((r) => r.name === 'baseline')!;
    const detail = JSON.parse((await request(`${ui.url}api/runs/${baseline.id}`)).text);
    const table = detail.artifacts.find((a: { name: string }) => a.name === 'prepare.table');
    const file = encodeURIComponent(table.files[0].path);
    expect((await request(`${ui.url}api/artifacts/prepare.table/${table.digest}/preview/${file}`)).status).toBe(200);
    const unknown = await request(`${ui.url}api/artifacts/prepare.table/${'0'.repeat(64)}/preview/${file}`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ error: { code: 'NOT_FOUND', message: 'No artifact prepare.table@000000000000 in the store (`aero artifacts` lists the versions there are).' } });
    for (const name of ['totally-made-up', 'train.model']) {
      const r = await request(`${ui.url}api/artifacts/${name}/${table.digest}/preview/${file}`);
      expect(r.status, name).toBe(404);
      expect(JSON.parse(r.text), name).toEqual({ error: { code: 'NOT_FOUND', message: `No artifact ${name}@${table.digest.slice(0, 12)} in the store (\`aero artifacts\` lists the versions there are).` } });
    }
  });

  it('an unknown run is RUN_NOT_FOUND with its message and hint', async () => {
    const r = await request(`${ui.url}api/runs/nope`);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text).error).toEqual({ code: 'RUN_NOT_FOUND', message: 'No run matches `nope`.', hint: 'List runs with `aero ps`; use a run id, a unique prefix of one, or `latest`.' });
  });

  it('no environment secret appears in any answer', async () => {
    const bodies: string[] = [(await request(ui.url)).text, (await request(`${ui.url}api/runs`)).text];
    for (const run of runs) {
      const detail = JSON.parse((await request(`${ui.url}api/runs/${run.id}`)).text);
      bodies.push(JSON.stringify(detail), (await request(`${ui.url}api/runs/${run.id}/metrics`)).text);
      for (const i of detail.instances) bodies.push((await request(`${ui.url}api/runs/${run.id}/logs/${encodeURIComponent(i.id)}`)).text);
    }
    for (const body of bodies) expect(body).not.toContain(SECRET);
  });

  it('sees a run made while it is serving (the page polls /api/runs)', async () => {
    const r = await aero(dir, 'run', '--name', 'later', 'train.lr=0.7');
    expect(r.code).toBe(0);
    const page = JSON.parse((await request(`${ui.url}api/runs`)).text);
    expect(page.runs[0].name).toBe('later');
    expect(page.runs).toHaveLength(5);
  });

  describe('a sweep whose trials were served from the cache', () => {
    type Sweep = { trials: Array<{ id: string; params: Record<string, unknown>; metrics: Record<string, number> }>; metricKeys: string[] };
    const sweepOf = async (id: string): Promise<Sweep> => JSON.parse((await request(`${ui.url}api/sweeps/${encodeURIComponent(id)}`)).text);
    const byLr = (sweep: Sweep) => Object.fromEntries(sweep.trials.map((t) => [String(t.params['train.lr']), t.metrics]));
    /** Runs `aero run -m` and returns the new sweep's id: trials whose train and evaluate ran, or whose every instance was a cache hit. */
    const sweepRun = async (values: string, status: 'ran' | 'cached'): Promise<string> => {
      const before = new Set(JSON.parse((await request(`${ui.url}api/runs`)).text).runs.map((r: { id: string }) => r.id));
      const r = await aero(dir, 'run', '-m', `train.lr=${values}`);
      expect(r.code, r.stderr).toBe(0);
      const added = JSON.parse((await request(`${ui.url}api/runs`)).text).runs.filter((x: { id: string }) => !before.has(x.id));
      expect(added).toHaveLength(2);
      for (const run of added) {
        const detail = JSON.parse((await request(`${ui.url}api/runs/${run.id}`)).text);
        const statuses = Object.fromEntries(detail.instances.map((i: { id: string; status: string }) => [i.id, i.status]));
        if (status === 'cached') expect(statuses).toEqual({ prepare: 'cached', train: 'cached', evaluate: 'cached', flaky: 'cached', publish: 'cached' });
        else expect([statuses.train, statuses.evaluate]).toEqual(['ran', 'ran']);
      }
      return added[0].sweepId;
    };

    it('shows each cached trial the metrics the run that produced its results logged (aero run -m)', async () => {
      const original = runs.find((r) => (r as { sweepId?: string | null }).sweepId) as unknown as { sweepId: string };
      const ran = await sweepOf(original.sweepId);
      expect(ran.metricKeys).toEqual(['accuracy', 'loss', 'score']);
      const again = await sweepRun('0.05,0.2', 'cached');
      const cached = await sweepOf(again);
      expect(cached.metricKeys).toEqual(['accuracy', 'loss', 'score']);
      expect(byLr(cached)).toEqual(byLr(ran));
      expect(Object.keys(byLr(cached)).sort()).toEqual(['0.05', '0.2']);
    });

    it('finds producers that ran after the server read the cache index', async () => {
      const ran = await sweepRun('0.4,0.6', 'ran');
      const cached = await sweepRun('0.4,0.6', 'cached');
      const first = await sweepOf(ran);
      expect(first.metricKeys).toEqual(['accuracy', 'loss', 'score']);
      expect(byLr(await sweepOf(cached))).toEqual(byLr(first));
    });

    it('shows an aero tune study of cache hits with the objective aero tune read', async () => {
      const r = await aero(dir, 'tune', 'train.lr=choice(0.05, 0.2)', '--objective', 'train.loss', '--trials', '2', '--sampler', 'grid', '--study', 'cached', '--json');
      expect(r.code, r.stderr).toBe(0);
      const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; cached?: boolean; runId?: string; value?: number; state?: string });
      const trials = events.filter((e) => e.event === 'tune.trial');
      expect(trials.map((t) => [t.state, t.cached])).toEqual([['complete', true], ['complete', true]]);
      const page = JSON.parse((await request(`${ui.url}api/runs`)).text) as { runs: Array<{ id: string; sweepId: string | null }> };
      const sweepId = page.runs.find((x) => x.id === trials[0]!.runId)!.sweepId!;
      const sweep = await sweepOf(sweepId);
      expect(sweep.metricKeys).toEqual(['accuracy', 'loss', 'score']);
      expect(Object.fromEntries(sweep.trials.map((t) => [t.id, t.metrics.loss]))).toEqual(Object.fromEntries(trials.map((t) => [t.runId, t.value])));
    });
  });
});
