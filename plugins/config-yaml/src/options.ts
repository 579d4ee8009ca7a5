import { z } from 'zod';
import { leavesFolder } from './names.js';

export const yamlConfigOptionsSchema = z
  .object({
    /** Config directory, relative to the project root. */
    dir: z.string().min(1).default('conf'),
    /** Primary config file name inside `dir`, without extension (`config`); `config.yaml` / `config.yml` name that exact file. */
    configName: z
      .string()
      .min(1)
      .superRefine((name, ctx) => {
        const reason = leavesFolder(name);
        if (reason) ctx.addIssue({ code: 'custom', message: `\`${name}\` must name a file inside \`dir\` (like \`config\` or \`train/main\`), and ${reason}.` });
      })
      .default('config'),
    /** What to do with values still `???` after composition: `error` lists them; `omit` drops them (schema defaults apply); `keep` leaves `'???'`. */
    missing: z.enum(['error', 'omit', 'keep']).default('error'),
  })
  .strict();

export type YamlConfigOptions = z.input<typeof yamlConfigOptionsSchema>;
export type YamlConfigSettings = z.output<typeof yamlConfigOptionsSchema>;
