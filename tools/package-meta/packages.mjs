// The workspace packages that are published: every workspace folder whose package.json
// is not `private`. Shared by the metadata check and the consumer test.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export function publicPackages(root) {
  const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = [];
  for (const pattern of workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(root, pattern.slice(0, -2)), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(root, pattern.slice(0, -2), d.name))
      : [join(root, pattern)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8'));
      if (!pkg.private) out.push({ dir, pkg });
    }
  }
  return out.sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}
