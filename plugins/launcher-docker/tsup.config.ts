import { defineConfig } from 'tsup';
import { aeroTsup } from '../../tsup.config.base';

export default defineConfig(aeroTsup());
