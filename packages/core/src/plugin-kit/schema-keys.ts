import type { z } from 'zod';

// zod's internal definition, as far as this walk needs it (the public types hide `def`).
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys an object schema at `path` accepts (through optional, default, pipes, arrays,
 * records, unions and intersections), so an unknown key can be answered with the
 * nearest valid one. Empty when the path leads nowhere the walk understands.
 */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  const visit = (s: z.ZodType, rest: readonly PropertyKey[], depth: number): void => {
    if (depth > 64) return;
    const def = defOf(s);
    switch (def.type) {
      case 'object':
        if (rest.length === 0) for (const k of Object.keys(def.shape ?? {})) keys.add(k);
        else if (def.shape && typeof rest[0] === 'string' && def.shape[rest[0]]) visit(def.shape[rest[0]]!, rest.slice(1), depth + 1);
        return;
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'readonly':
      case 'catch':
      case 'nonoptional':
        if (def.innerType) visit(def.innerType, rest, depth + 1);
        return;
      case 'pipe':
        if (def.in) visit(def.in, rest, depth + 1);
        return;
      case 'lazy':
        if (def.getter) visit(def.getter(), rest, depth + 1);
        return;
      case 'array':
        if (def.element && rest.length > 0) visit(def.element, rest.slice(1), depth + 1);
        return;
      case 'record':
        if (def.valueType && rest.length > 0) visit(def.valueType, rest.slice(1), depth + 1);
        return;
      case 'union':
        for (const option of def.options ?? []) visit(option, rest, depth + 1);
        return;
      case 'intersection':
        if (def.left) visit(def.left, rest, depth + 1);
        if (def.right) visit(def.right, rest, depth + 1);
        return;
      default:
        return;
    }
  };
  visit(schema, path, 0);
  return [...keys];
}
