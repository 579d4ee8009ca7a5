/**
 * The override AST. One command-line override (`lr=1e-3`, `+model.depth=4`,
 * `~data.cache`, `model=small,large`) parses into one `Override`.
 */

/** `set` = `key=value`, `add` = `+key=value`, `force` = `++key=value`, `delete` = `~key` or `~key=value`. */
export type OverrideKind = 'set' | 'add' | 'force' | 'delete';

/** A typed override value: what YAML/JSON can hold (plus `inf`/`nan` floats). */
export type OverrideValue = string | number | boolean | null | OverrideValue[] | { [key: string]: OverrideValue };

/** One value of a sweep, with the override text that selects it (`1e-3`, `'a,b'`). */
export interface SweepChoice {
  value: OverrideValue;
  /** Text to put after `key=` so the single-run override selects exactly this value. */
  text: string;
}

export type Sweep =
  | { kind: 'choice'; choices: SweepChoice[] }
  | { kind: 'range'; start: number; stop: number; step: number; choices: SweepChoice[] };

export interface Override {
  /** The override exactly as given. */
  text: string;
  kind: OverrideKind;
  /** The key without its prefix and package: `train.lr`, `trainer/callbacks`. */
  key: string;
  /** The key's segments: `train.lr` → `['train', 'lr']`, `trainer/callbacks` → `['trainer', 'callbacks']`. */
  path: string[];
  /** True when the key is written with `/` (always a config group). */
  isGroupPath: boolean;
  /** The package after `@` (`db@backup=mysql` → `backup`), if any. */
  package: string | undefined;
  /** The typed value; `undefined` for `~key` and for sweeps. */
  value: OverrideValue | undefined;
  /** Raw text after `=` (`undefined` for `~key`). */
  valueText: string | undefined;
  /** Set when the value sweeps (`a,b`, `choice(...)`, `range(...)`). */
  sweep: Sweep | undefined;
  /** 1-based column of the key's first character. */
  keyColumn: number;
  /** 1-based column of the value's first character, if there is a value. */
  valueColumn: number | undefined;
}
