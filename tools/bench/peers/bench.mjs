#!/usr/bin/env node
// aero side by side with Snakemake, Luigi, Prefect and DVC: trivial jobs (fan/chain), a 100k-job plan, 2 GiB of data, CLI latency.
//
//   npm run bench -- peers [--scenarios trivial,plan100k,data,cli] [--tools aero,snakemake,luigi,prefect,dvc]
//                          [--rounds 3] [--cap 300] [--once-over 180] [--sizes 1000,10000] [--shapes fan,chain] [--jobs 2]
//                          [--big 100000] [--data-files 1000] [--data-mib 2048] [--cli-rounds 10] [--work-root DIR] [--no-docs]
//   npm run bench -- peers --scenarios report     (measure nothing: rewrite the tables from results/peers.json)
//
// Installs the peers on first use (.tools/bench-peers/venv, see install.mjs), writes each
// workload for each tool (workloads.mjs, data.mjs, cli.mjs) under tools/bench/.work/peers
// (or <--work-root>/peers, e.g. on a tmpfs: see lib/work-root.mjs),
// and runs every tool as a child of this process, interleaved round by round (the tool
// order rotates each round). A step that does not finish within --cap seconds is killed
// and reported as "> cap"; it is not retried in later rounds. A tool whose first round of a
// workload took more than --once-over seconds in all is measured once (marked ¹). Medians, the ratio
// aero/peer (below 1: aero is faster/smaller), and the issue's targets are printed, written
// to tools/bench/results/peers.json (merged per scenario, so scenarios can be run apart)
// and to the peers section of docs/benchmarks.md.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from '../lib/measure.mjs';
import {
  benchDir, describeMachine, formatKb, formatMs, formatRatio, machineMarkdown, markdownTable, parseArgs, repoRoot, usageOf, writeDocsSection, writeResults,
} from '../lib/report.mjs';
import { ensurePeers } from './install.mjs';
import { snapshotAero } from '../lib/aero-snapshot.mjs';
import { fileSystemOf, suiteWorkDir } from '../lib/work-root.mjs';
import { aeroBin, tools } from './workloads.mjs';
import { newWorkloadMetrics, runWorkloadRound } from './trivial.mjs';
import { dataTools, ensureSource, newDataMetrics, runDataRound } from './data.mjs';
import { cliCases } from './cli.mjs';
import { capOf, newMetric, summarize } from './metrics.mjs';

const ALL_TOOLS = ['aero', 'snakemake', 'luigi', 'prefect', 'dvc'];
const defaults = {
  scenarios: ['trivial', 'plan100k', 'data', 'cli'],
  tools: ALL_TOOLS,
  rounds: 3,
  cap: 300,
  onceOver: 180,
  sizes: ['1000', '10000'],
  shapes: ['fan', 'chain'],
  jobs: 2,
  big: 100000,
  dataFiles: 1000,
  dataMib: 2048,
  cliRounds: 10,
  workRoot: '',
  noDocs: false,
  help: false,
};
const opts = parseArgs(process.argv.slice(2), defaults);
if (opts.help) {
  process.stdout.write(usageOf(import.meta.url));
  process.exit(0);
}
const log = (m) => process.stderr.write(`${m}\n`);
const capMs = opts.cap * 1000;
const workDir = suiteWorkDir('peers', opts.workRoot);
const resultsFile = join(benchDir, 'results', 'peers.json');
const command = `npm run bench -- peers ${process.argv.slice(2).join(' ')}`.trim();
const rotate = (list, k) => list.map((_, i) => list[(i + k) % list.length]);

const reportOnly = opts.scenarios.length === 1 && opts.scenarios[0] === 'report';
if (reportOnly) opts.tools = opts.tools.filter((t) => t !== 'aero'); // nothing runs: no snapshot
if (!existsSync(aeroBin) && opts.tools.includes('aero')) {
  log(`[bench] ${aeroBin} is missing: build it first (npm run build). Running the peers only.`);
  opts.tools = opts.tools.filter((t) => t !== 'aero');
}
// Every aero project below runs against this frozen copy, so a rebuild meanwhile cannot break the run.
const snapshot = opts.tools.includes('aero') ? await snapshotAero(workDir, { log }) : undefined;
const bin = snapshot?.bin;

const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : { scenarios: {} };
const peerInfo = reportOnly ? { python: previous.versions?.python, versions: previous.versions ?? {} } : await ensurePeers({ log });
const versions = { aero: JSON.parse(readFileSync(join(repoRoot, 'packages', 'cli', 'package.json'), 'utf8')).version, python: peerInfo.python, ...peerInfo.versions };
const scenarios = { ...previous.scenarios };
const started = Date.now();

// -- trivial jobs and the 100k plan ----------------------------------------------------------
async function workloads(list, steps, toolList) {
  const rows = [];
  for (const { n, shape } of list) {
    const per = Object.fromEntries(toolList.map((t) => [t, newWorkloadMetrics(t, steps)]));
    log(`[bench] ${shape} of ${n} jobs: ${toolList.join(', ')}`);
    for (let round = 0; round < opts.rounds; round++) {
      for (const tool of rotate(toolList, round)) {
        await runWorkloadRound({ tool, n, shape, steps, metrics: per[tool], round, rounds: opts.rounds, capMs, onceOverMs: opts.onceOver * 1000, jobs: opts.jobs, workDir, bin, log });
      }
    }
    for (const tool of toolList) {
      const { single, ...steps_ } = per[tool];
      rows.push({ workload: `${shape} ${n.toLocaleString('en-US')}`, n, shape, tool, ...(single ? { single: true } : {}), command, date: new Date().toISOString(), metrics: Object.fromEntries(Object.entries(steps_).map(([k, m]) => [k, summarize(m)])) });
    }
  }
  return rows;
}

/**
 * Rows measured now replace the same (workload, tool) rows of earlier runs; the others are
 * kept, so one tool or one workload can be remeasured without rerunning everything.
 */
function merge(name, fresh, keyOf) {
  const old = (previous.scenarios[name]?.rows ?? []).map((r) => ({ command: previous.scenarios[name].command, ...r }));
  const keys = new Set(fresh.map(keyOf));
  const toolRank = (t) => { const i = [...ALL_TOOLS, 'sha256sum', 'dvc-repro', 'dvc-add', 'node', 'python'].indexOf(t); return i < 0 ? 99 : i; };
  return [...old.filter((r) => !keys.has(keyOf(r))), ...fresh].sort(
    (a, b) => (a.n ?? 0) - (b.n ?? 0) || String(b.shape ?? '').localeCompare(String(a.shape ?? '')) || toolRank(a.tool) - toolRank(b.tool) || String(a.what ?? '').localeCompare(String(b.what ?? '')),
  );
}
const byWorkload = (r) => `${r.workload}|${r.tool}`;

const base = () => ({ command, machine: describeMachine({ aeroPackages: snapshot?.packages.join(', '), workDir: `${workDir}: ${fileSystemOf(workDir)}` }), rounds: opts.rounds, capS: opts.cap, onceOverS: opts.onceOver, jobs: opts.jobs, versions });

if (opts.scenarios.includes('trivial')) {
  const list = opts.sizes.flatMap((n) => opts.shapes.map((shape) => ({ n: Number(n), shape })));
  scenarios.trivial = { ...base(), rows: merge('trivial', await workloads(list, ['plan', 'run', 'noop'], opts.tools), byWorkload) };
  rmSync(join(workDir, 'prefect-home'), { recursive: true, force: true });
}
if (opts.scenarios.includes('plan100k')) {
  const planners = opts.tools.filter((t) => tools[t].hasPlan);
  const rows = await workloads([{ n: opts.big, shape: 'fan' }], ['plan'], planners);
  for (const t of opts.tools.filter((x) => !tools[x].hasPlan)) {
    rows.push({ workload: `fan ${opts.big.toLocaleString('en-US')}`, n: opts.big, shape: 'fan', tool: t, command, metrics: { plan: summarize({ ...newWorkloadMetrics(t, ['plan']).plan }) } });
  }
  scenarios.plan100k = { ...base(), rows: merge('plan100k', rows, byWorkload) };
}

// -- data-heavy -----------------------------------------------------------------------------
if (opts.scenarios.includes('data')) {
  const src = join(workDir, 'data-src');
  ensureSource(src, { files: opts.dataFiles, totalMib: opts.dataMib, log });
  const dtools = ['sha256sum', ...(opts.tools.includes('aero') ? ['aero'] : []), ...(opts.tools.includes('dvc') ? ['dvc-repro', 'dvc-add'] : [])];
  const per = Object.fromEntries(dtools.map((t) => [t, newDataMetrics(t)]));
  log(`[bench] data: ${opts.dataFiles} files, ${opts.dataMib} MiB: ${dtools.join(', ')}`);
  for (let round = 0; round < opts.rounds; round++) {
    for (const tool of rotate(dtools, round)) {
      await runDataRound({ tool, metrics: per[tool], round, rounds: opts.rounds, capMs, jobs: opts.jobs, workDir, src, files: opts.dataFiles, bin, log });
    }
  }
  scenarios.data = {
    ...base(),
    files: opts.dataFiles,
    mib: opts.dataMib,
    rows: merge('data', dtools.map((t) => ({ workload: `${opts.dataFiles} files, ${(opts.dataMib / 1024).toFixed(opts.dataMib % 1024 ? 2 : 0)} GiB`, tool: t, label: dataTools[t].label, command, date: new Date().toISOString(), metrics: Object.fromEntries(Object.entries(per[t]).map(([k, m]) => [k, summarize(m)])) })), byWorkload),
  };
}

// -- CLI latency ----------------------------------------------------------------------------
if (opts.scenarios.includes('cli')) {
  const cases = (await cliCases(join(workDir, 'cli'), bin)).filter((c) => c.what === 'baseline' || opts.tools.includes(c.tool));
  const samples = cases.map(() => newMetric());
  log(`[bench] CLI latency: ${cases.length} commands × ${opts.cliRounds} rounds (+1 warm-up)`);
  for (let round = -1; round < opts.cliRounds; round++) {
    for (const [i, c] of rotate(cases.map((c, i) => [i, c]), Math.max(round, 0))) {
      if (samples[i].status !== 'ok') continue;
      const r = await measure(c.cmd, c.args, { cwd: c.cwd, env: c.env, timeoutMs: capMs });
      if (r.code !== 0 || r.timedOut) {
        samples[i].status = r.timedOut ? 'capped' : 'failed';
        samples[i].note = r.timedOut ? `did not finish within ${opts.cap} s` : (r.stderr || r.stdout).trim().split('\n').at(-1)?.slice(0, 300);
        log(`    → ${c.shown}: ${samples[i].status}: ${samples[i].note}`);
        continue;
      }
      if (round < 0) continue; // warm-up: page cache, bytecode caches
      samples[i].ms.push(r.ms);
      if (r.cpuMs !== undefined) samples[i].cpuMs.push(r.cpuMs);
      if (r.peakRssKb !== undefined) samples[i].rssKb.push(r.peakRssKb);
    }
  }
  scenarios.cli = { ...base(), rounds: opts.cliRounds, rows: merge('cli', cases.map((c, i) => ({ tool: c.tool, what: c.what, shown: c.shown, command, date: new Date().toISOString(), metrics: { run: summarize(samples[i]) } })), (r) => r.shown) };
}

// -- report ---------------------------------------------------------------------------------
const results = { suite: 'peers', updated: new Date().toISOString(), versions, scenarios, targets: targets(scenarios) };
writeResults('peers', results);
const md = markdown(results);
process.stdout.write(`${md}\n`);
if (!opts.noDocs) writeDocsSection('peers', md);
log(`[bench] done in ${formatMs(Date.now() - started)}; results in tools/bench/results/peers.json${opts.noDocs ? '' : ' and docs/benchmarks.md'}`);

function cell(metric, key = 'medianMs', capS) {
  if (!metric) return '–';
  if (metric.status === 'n/a') return 'n/a';
  if (metric.status === 'capped' && metric[key] === undefined) return key === 'medianMs' ? `> ${capOf(metric, capS)} s (cap)` : '–';
  if (metric[key] === undefined && metric.status === 'ok') return '–';
  if (metric.status === 'failed' && metric[key] === undefined) return 'failed';
  const v = metric[key];
  const s = key === 'medianRssKb' ? formatKb(v) : formatMs(v);
  return metric.status === 'ok' ? s : `${s} (${metric.status} later)`;
}

/** aero/peer; when the peer hit the cap, an upper bound from the cap. */
function ratioCell(aero, peer, key, capS) {
  if (!aero || !peer || aero.status === 'n/a' || peer.status === 'n/a') return '–';
  const a = aero[key];
  if (a === undefined) return '–';
  if (peer[key] === undefined && peer.status === 'capped' && key === 'medianMs') return `< ${formatRatio(a, capOf(peer, capS) * 1000)}`;
  return formatRatio(a, peer[key]);
}

function notesOf(rows, label) {
  const notes = [];
  for (const r of rows) for (const [step, m] of Object.entries(r.metrics)) if (m.note && m.status !== 'n/a') notes.push(`- ${label(r)} ${step}: ${m.status} — ${m.note}`);
  return notes;
}

function workloadTable(sc, steps) {
  const stepName = { plan: 'plan (dry run)', run: 'full run', noop: 'no-op rerun' };
  const rssStep = steps.includes('run') ? 'run' : steps[0];
  const header = ['workload', 'tool', ...steps.map((s) => stepName[s]), `CPU (${rssStep})`, `peak RSS (${rssStep})`, ...steps.map((s) => `aero/peer ${s}`), 'aero/peer CPU', 'aero/peer RSS'];
  const rows = [];
  for (const r of sc.rows) {
    const aero = sc.rows.find((x) => x.workload === r.workload && x.tool === 'aero');
    const isAero = r.tool === 'aero';
    rows.push([
      r.workload,
      `${r.label ?? tools[r.tool]?.label ?? r.tool}${r.single ? ' ¹' : ''}`,
      ...steps.map((s) => cell(r.metrics[s], 'medianMs', sc.capS)),
      cell(r.metrics[rssStep], 'medianCpuMs', sc.capS),
      cell(r.metrics[rssStep], 'medianRssKb', sc.capS),
      ...steps.map((s) => (isAero ? '1' : ratioCell(aero?.metrics[s], r.metrics[s], 'medianMs', sc.capS))),
      isAero ? '1' : ratioCell(aero?.metrics[rssStep], r.metrics[rssStep], 'medianCpuMs', sc.capS),
      isAero ? '1' : ratioCell(aero?.metrics[rssStep], r.metrics[rssStep], 'medianRssKb', sc.capS),
    ]);
  }
  const notes = notesOf(sc.rows, (r) => `${r.workload} ${r.label ?? r.tool}`);
  if (sc.rows.some((r) => r.single)) notes.unshift(`- ¹ measured in one round only: its first round took more than ${sc.onceOverS ?? 180} s in all.`);
  return `${markdownTable(header, rows)}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

function scenarioHeader(title, sc, what) {
  const dated = [...sc.rows].sort((a, b) => String(a.date ?? '').localeCompare(String(b.date ?? '')));
  const commands = [...new Set(dated.map((r) => r.command ?? sc.command))];
  const how = commands.length > 1 ? `with ${commands.map((c) => `\`${c}\``).join(', then ')} (later commands remeasured some rows)` : `with \`${commands[0] ?? sc.command}\``;
  // Rows measured by different commands may have had different caps: name each tool's.
  const caps = new Map();
  for (const r of sc.rows) {
    const cap = Number(/--cap (\d+)/.exec(r.command ?? sc.command)?.[1] ?? 300);
    const label = r.label ?? tools[r.tool]?.label ?? r.tool;
    if (!caps.has(label)) caps.set(label, cap);
  }
  const distinct = new Set(caps.values());
  const capText = distinct.size <= 1 ? `cap ${[...distinct][0] ?? sc.capS} s per step` : `cap per step: ${[...caps].map(([t, c]) => `${t} ${c} s`).join(', ')}`;
  return `### ${title}\n\n${what}\n\nMeasured ${sc.machine.date.slice(0, 10)} ${how}: ${sc.rounds} round${sc.rounds === 1 ? '' : 's'}, medians; ${capText}; ${sc.jobs} jobs in parallel where the tool allows.\n`;
}

function markdown(res) {
  const out = [];
  const anySc = Object.values(res.scenarios)[0];
  out.push(`## aero and its peers (suite \`peers\`)\n`);
  out.push(`Versions: ${Object.entries(res.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  out.push(`Times are wall-clock medians; CPU is user + system time of the whole process tree (less sensitive to other load on a shared machine). aero/peer below 1 means aero took less time (or memory); "< x" when the peer hit the cap. Peak RSS is the largest single process of the tool's process tree.\n`);
  if (anySc) out.push(`Machine (last run):\n\n${machineMarkdown(anySc.machine)}\n`);
  const sc = res.scenarios;
  if (sc.trivial) out.push(scenarioHeader('Trivial jobs', sc.trivial, 'Each job writes one small file; `fan` = independent jobs, `chain` = each job depends on the previous one.'), workloadTable(sc.trivial, ['plan', 'run', 'noop']));
  if (sc.plan100k) out.push(scenarioHeader('100,000-job plan', sc.plan100k, 'Dry run only (Luigi and Prefect have none).'), workloadTable(sc.plan100k, ['plan']));
  if (sc.data) out.push(scenarioHeader('Data-heavy pipeline', sc.data, `${sc.data.files} files, ${sc.data.mib} MiB of random bytes: aero runs an action copying them into one multi-file artifact (hash + store); DVC runs the same copy as a stage (\`dvc repro\`) or tracks the files in place (\`dvc add\`); the second run is the no-op rerun.`), dataTable(sc.data));
  if (sc.cli) out.push(scenarioHeader('CLI latency', sc.cli, 'Listing = the steps of a 4-step pipeline shaped like examples/quickstart (aero lists the quickstart itself).'), cliTable(sc.cli));
  if (res.targets.length) {
    out.push(`### Targets (issue 9)\n`);
    out.push(markdownTable(['target', 'measured', 'met'], res.targets.map((t) => [t.target, t.measured, t.met === undefined ? 'not known (the peer hit the cap)' : t.met ? 'yes' : '**no**'])));
  }
  return out.join('\n');
}

function dataTable(sc) {
  const header = ['workload', 'tool', 'hash + track', 'no-op rerun', 'CPU (track)', 'peak RSS', 'aero/peer track', 'aero/peer no-op', 'throughput'];
  const aero = sc.rows.find((r) => r.tool === 'aero');
  const rows = sc.rows.map((r) => [
    r.workload,
    r.label,
    cell(r.metrics.run, 'medianMs', sc.capS),
    cell(r.metrics.noop, 'medianMs', sc.capS),
    cell(r.metrics.run, 'medianCpuMs', sc.capS),
    cell(r.metrics.run, 'medianRssKb', sc.capS),
    r.tool === 'aero' ? '1' : ratioCell(aero?.metrics.run, r.metrics.run, 'medianMs', sc.capS),
    r.tool === 'aero' ? '1' : ratioCell(aero?.metrics.noop, r.metrics.noop, 'medianMs', sc.capS),
    r.metrics.run.medianMs ? `${((sc.mib / 1024) / (r.metrics.run.medianMs / 1000) * 1024).toFixed(0)} MiB/s` : '–',
  ]);
  const notes = notesOf(sc.rows, (r) => r.label);
  return `${markdownTable(header, rows)}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

function cliTable(sc) {
  const aeroOf = (what) => sc.rows.find((r) => r.tool === 'aero' && r.what === what);
  const rows = sc.rows.map((r) => {
    const a = aeroOf(r.what);
    const ratio = (key) => (r.tool === 'aero' ? '1' : a ? ratioCell(a.metrics.run, r.metrics.run, key, sc.capS) : '–');
    return [r.shown, cell(r.metrics.run, 'medianMs', sc.capS), cell(r.metrics.run, 'medianCpuMs', sc.capS), cell(r.metrics.run, 'medianRssKb', sc.capS), ratio('medianMs'), ratio('medianCpuMs')];
  });
  const notes = notesOf(sc.rows, (r) => r.shown);
  return `${markdownTable(['command', 'wall', 'CPU', 'peak RSS', 'aero/peer wall', 'aero/peer CPU'], rows)}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`;
}

/** The issue's targets for aero, checked against what was measured. */
function targets(sc) {
  const out = [];
  const find = (s, tool, workload) => sc[s]?.rows.find((r) => r.tool === tool && r.workload === workload);
  for (const shape of ['fan', 'chain']) {
    const w = `${shape} 10,000`;
    const a = find('trivial', 'aero', w);
    const s = find('trivial', 'snakemake', w);
    if (a?.metrics.run.medianMs !== undefined && s) {
      const peerMs = s.metrics.run.medianMs ?? (s.metrics.run.status === 'capped' ? capOf(s.metrics.run, sc.trivial.capS) * 1000 : undefined);
      if (peerMs !== undefined) {
        const speedup = peerMs / a.metrics.run.medianMs;
        const bound = s.metrics.run.medianMs === undefined ? '≥ ' : '';
        const cpu = s.metrics.run.medianCpuMs && a.metrics.run.medianCpuMs ? `; CPU ${(s.metrics.run.medianCpuMs / a.metrics.run.medianCpuMs).toFixed(1)}×` : '';
        out.push({ target: `${w} full run ≥ 100× faster than Snakemake`, measured: `${bound}${speedup.toFixed(1)}× (${formatMs(a.metrics.run.medianMs)} vs ${bound ? '> ' : ''}${formatMs(peerMs)}${cpu})`, met: speedup >= 100 ? true : bound ? undefined : false }); // a capped peer gives a lower bound only
      }
    }
    if (a?.metrics.noop.medianMs !== undefined) out.push({ target: `${w} no-op rerun < 1 s`, measured: `${formatMs(a.metrics.noop.medianMs)} (CPU ${formatMs(a.metrics.noop.medianCpuMs)})`, met: a.metrics.noop.medianMs < 1000 });
  }
  const big = sc.plan100k?.rows.find((r) => r.tool === 'aero');
  if (big?.metrics.plan.medianMs !== undefined) {
    out.push({ target: `${big.workload}-job plan < 3 s`, measured: `${formatMs(big.metrics.plan.medianMs)} (CPU ${formatMs(big.metrics.plan.medianCpuMs)})`, met: big.metrics.plan.medianMs < 3000 });
    if (big.metrics.plan.medianRssKb !== undefined) out.push({ target: `${big.workload}-job plan < 1 GiB`, measured: formatKb(big.metrics.plan.medianRssKb), met: big.metrics.plan.medianRssKb < 1024 * 1024 });
  }
  // CLI targets: wall time, with CPU time and bare `node -e 0` alongside, since a loaded
  // machine can make Node's own start-up alone miss a 150 ms wall-time target.
  const node = sc.cli?.rows.find((r) => r.tool === 'node');
  const ctx = (m) => `${formatMs(m.medianMs)} (CPU ${formatMs(m.medianCpuMs)}${node ? `; node -e 0: ${formatMs(node.metrics.run.medianMs)}, CPU ${formatMs(node.metrics.run.medianCpuMs)}` : ''})`;
  const help = sc.cli?.rows.find((r) => r.tool === 'aero' && r.what === 'help');
  if (help?.metrics.run.medianMs !== undefined) out.push({ target: '`aero --help` < 150 ms', measured: ctx(help.metrics.run), met: help.metrics.run.medianMs < 150 });
  const list = sc.cli?.rows.find((r) => r.tool === 'aero' && r.what === 'list');
  if (list?.metrics.run.medianMs !== undefined) out.push({ target: '`aero list` (quickstart) < 400 ms', measured: ctx(list.metrics.run), met: list.metrics.run.medianMs < 400 });
  return out;
}

