import { spawnSync } from 'node:child_process';
import { AeroError, ErrorCodes } from '../errors.js';
import type { Plan, PlannedInstance } from '../planner.js';

/**
 * The GPU device ids the engine hands out to instances that run on this machine
 * (inline, process and docker launchers), first found of:
 * 1. `--gpus` (`RunOptions.gpus`): ids (`0,1`) or a count (`2` → `0,1`);
 * 2. `gpus: ['0', '1']` in aero.config.ts;
 * 3. what `nvidia-smi -L` lists, when it is installed;
 * 4. none.
 * Detection runs only when an instance asks for GPUs, so a CPU-only pipeline never pays
 * for starting nvidia-smi.
 */
export function gpuDevices(fromOptions: string[] | undefined, fromConfig: string[] | undefined, detect: () => string[] = detectNvidiaGpus): { devices: string[]; source: string } {
  if (fromOptions) return { devices: fromOptions, source: '--gpus' };
  if (fromConfig) return { devices: fromConfig, source: '`gpus` in aero.config.ts' };
  const devices = detect();
  return { devices, source: devices.length > 0 ? '`nvidia-smi -L`' : 'none listed by --gpus or `gpus` in aero.config.ts, and `nvidia-smi -L` found none' };
}

/** `--gpus 2` → ['0', '1']; `--gpus 0,3` → ['0', '3']; undefined for anything else. */
export function parseGpusOption(value: string): string[] | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Array.from({ length: Number(text) }, (_, i) => String(i));
  const ids = text.split(',').map((s) => s.trim());
  return ids.length > 0 && ids.every((id) => /^[A-Za-z0-9-]+$/.test(id)) ? ids : undefined;
}

/** Device indices from `nvidia-smi -L` (`GPU 0: NVIDIA A100 (UUID: …)`); none when it is missing or fails. */
export function detectNvidiaGpus(): string[] {
  const out = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5_000 });
  if (out.status !== 0 || typeof out.stdout !== 'string') return [];
  return out.stdout.split('\n').flatMap((line) => {
    const m = /^GPU (\d+):/.exec(line.trim());
    return m ? [m[1]!] : [];
  });
}

/**
 * The devices to hand out, after checking that no instance that takes this machine's
 * GPUs asks for more than exist: one error naming every such action, raised before
 * anything runs (a dry run included). Devices are looked up only if an instance needs any.
 */
export function checkGpuDemand(plan: Plan, managesOwnGpus: (inst: PlannedInstance) => boolean, lookup: () => { devices: string[]; source: string }): string[] {
  const demand = new Map<string, number>();
  for (const inst of plan.instances) {
    const count = Number(inst.action.resources.gpus ?? 0);
    if (count > 0 && !managesOwnGpus(inst)) demand.set(inst.action.name, Math.max(count, demand.get(inst.action.name) ?? 0));
  }
  if (demand.size === 0) return [];
  const { devices, source } = lookup();
  const short = [...demand].filter(([, count]) => count > devices.length);
  if (short.length === 0) return devices;
  const needs = short.map(([name, count]) => `\`${name}\` needs ${count}`).join(', ');
  const have = devices.length > 0 ? `${devices.length} (${devices.join(', ')}, from ${source})` : `0 (${source})`;
  throw new AeroError(ErrorCodes.PLAN_GPUS_UNAVAILABLE, `Not enough GPUs: ${needs}, and this machine has ${have}. Nothing was run.`, {
    hint: `Pass the devices with \`aero run --gpus 0,1\` (or a count: \`--gpus 2\`), set \`gpus: ['0', '1']\` in aero.config.ts, or lower \`resources.gpus\`.`,
    details: { needs: Object.fromEntries(short), devices },
  });
}
