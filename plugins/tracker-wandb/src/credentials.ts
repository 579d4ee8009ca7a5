import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedWandbOptions } from './options.js';

export const DEFAULT_BASE_URL = 'https://api.wandb.ai';

export type Mode = 'online' | 'offline' | 'disabled';

export interface Connection {
  baseUrl: string;
  apiKey: string | undefined;
  /** Where the key came from, for messages (`option`, `WANDB_API_KEY`, `~/.netrc`). */
  keySource: string | undefined;
}

/** Mode from options, else WANDB_MODE (`dryrun` counts as offline), else online. */
export function resolveMode(options: ResolvedWandbOptions, env: NodeJS.ProcessEnv = process.env): Mode {
  if (options.mode) return options.mode;
  const fromEnv = env.WANDB_MODE?.trim().toLowerCase();
  if (fromEnv === 'offline' || fromEnv === 'dryrun') return 'offline';
  if (fromEnv === 'disabled') return 'disabled';
  return 'online';
}

export function resolveBaseUrl(options: ResolvedWandbOptions, env: NodeJS.ProcessEnv = process.env): string {
  return (options.baseUrl ?? env.WANDB_BASE_URL ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
}

/** Reads `machine <host> ... password <key>` from a netrc file; undefined when absent. */
export function netrcPassword(text: string, host: string): string | undefined {
  const tokens = text.split(/\s+/).filter(Boolean);
  let machine: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === 'machine') machine = tokens[++i];
    else if (token === 'default') machine = '*';
    else if (token === 'password' && (machine === host || machine === '*')) return tokens[i + 1];
  }
  return undefined;
}

/** API key from options, WANDB_API_KEY, or the netrc entry for the API host (as the W&B clients do). */
export async function resolveConnection(options: ResolvedWandbOptions, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const baseUrl = resolveBaseUrl(options, env);
  if (options.apiKey) return { baseUrl, apiKey: options.apiKey, keySource: 'the `apiKey` option' };
  if (env.WANDB_API_KEY) return { baseUrl, apiKey: env.WANDB_API_KEY, keySource: 'WANDB_API_KEY' };
  const netrcPath = env.NETRC ?? join(homedir(), '.netrc');
  try {
    const host = new URL(baseUrl).hostname;
    const key = netrcPassword(await readFile(netrcPath, 'utf8'), host);
    if (key) return { baseUrl, apiKey: key, keySource: netrcPath };
  } catch {
    // no netrc: no key
  }
  return { baseUrl, apiKey: undefined, keySource: undefined };
}
