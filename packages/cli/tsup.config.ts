import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';

export default defineConfig(aeroTsup({ index: 'src/index.ts', bin: 'src/bin.ts' }, { external: [/^@aeroml\//] }));
