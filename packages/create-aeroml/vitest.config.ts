import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config';
import { aeroVersions } from './versions.config';

export default mergeConfig(base, defineConfig({ define: { __AERO_VERSIONS__: JSON.stringify(aeroVersions()) } }));
