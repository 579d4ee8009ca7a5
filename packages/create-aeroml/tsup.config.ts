import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';
import { aeroVersions } from './versions.config';

export default defineConfig(aeroTsup({ index: 'src/index.ts', bin: 'src/bin.ts' }, { define: { __AERO_VERSIONS__: JSON.stringify(aeroVersions()) } }));
