// Runs one command as a child of this process and measures wall time and peak memory.
//
// Peak memory is the largest resident set of any single process in the child's tree
// (the figure GNU time reports as "Maximum resident set size"). With /usr/bin/time
// present it comes from the kernel's rusage (exact); without it, /proc/<pid>/status
// VmHWM of every process in the tree is polled every 25 ms (can miss processes that
// live shorter than that).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);
export const memoryMethod = hasGnuTime ? 'GNU time -v (max RSS of the largest process in the tree)' : '/proc VmHWM polling every 25 ms';

const MARK = '@@aero-bench-time@@';

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Record<string,string|undefined>, timeoutMs?: number, input?: string }} [opts]
 * cpuMs is user + system CPU time of the whole tree (10 ms resolution; GNU time only): on a
 * shared machine it moves much less than wall time.
 * @returns {Promise<{ ms: number, peakRssKb: number | undefined, cpuMs: number | undefined, code: number | null, signal: string | null, timedOut: boolean, stdout: string, stderr: string }>}
 */
export function measure(cmd, args, opts = {}) {
  const env = { ...process.env, ...(opts.env ?? {}) };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const argv = hasGnuTime ? [GNU_TIME, ['-f', `${MARK}%M %U %S`, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(argv[0], argv[1], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const cap = 4 * 1024 * 1024; // keep the tail of very chatty tools, not all of it
    child.stdout.on('data', (d) => { stdout = (stdout + d).slice(-cap); });
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-cap); });
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    let polledPeak = 0;
    const poll = hasGnuTime ? undefined : setInterval(() => { polledPeak = Math.max(polledPeak, treePeakKb(child.pid)); }, 25);
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
        }, opts.timeoutMs)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      if (timer) clearTimeout(timer);
      if (poll) clearInterval(poll);
      let peakRssKb = hasGnuTime ? undefined : polledPeak || undefined;
      let cpuMs;
      const exitCode = code;
      if (hasGnuTime) {
        const at = stderr.lastIndexOf(MARK);
        if (at >= 0) {
          const [rss, user, sys] = stderr.slice(at + MARK.length).trim().split('\n')[0].split(' ').map(Number);
          peakRssKb = rss;
          cpuMs = Math.round((user + sys) * 1000);
          stderr = stderr.slice(0, at);
        }
        // GNU time prints "Command exited with non-zero status N" and exits with N.
        stderr = stderr.replace(/Command (exited with non-zero status \d+|terminated by signal \d+)\n?$/, '');
      }
      resolve({ ms, peakRssKb, cpuMs, code: exitCode, signal, timedOut, stdout, stderr });
    });
  });
}

/** Largest VmHWM (kB) among `pid` and its descendants, read from /proc. */
function treePeakKb(rootPid) {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch { /* exited meanwhile */ }
  }
  const inTree = (pid) => {
    for (let p = pid, hops = 0; p && hops < 64; p = parents.get(p), hops++) if (p === rootPid) return true;
    return false;
  };
  let peak = 0;
  for (const pid of parents.keys()) {
    if (!inTree(pid)) continue;
    try {
      const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch { /* exited meanwhile */ }
  }
  return peak;
}

/** Runs a command and throws with its output when it fails (for setup steps, not measurements). */
export async function run(cmd, args, opts = {}) {
  const r = await measure(cmd, args, opts);
  if (r.code !== 0 || r.timedOut) {
    const why = r.timedOut ? `timed out after ${opts.timeoutMs} ms` : `exited with ${r.code ?? r.signal}`;
    throw new Error(`${cmd} ${args.join(' ')} ${why}\n${(r.stderr || r.stdout).slice(-4000)}`);
  }
  return r;
}
