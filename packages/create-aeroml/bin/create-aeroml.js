#!/usr/bin/env node
// The published bin: a committed file (not build output), so package managers can link
// `create-aeroml` at install time, before a monorepo checkout has built dist/.
import '../dist/bin.js';
