import { defineErrors } from '@aeroml/core';

export const PLUGIN = '@aeroml/ui';

/** Every code this package raises, with what docs/errors.md and the CLI's exit status need. */
export const uiErrors = defineErrors(
  {
    UI_PORT_IN_USE: { title: '`aero ui --port N`: another program already listens on that port', exit: 2, message: () => '`aero ui --port N`: another program listens on that port, or the port needs extra rights (below 1024)', hint: 'The hint names the next port: `aero ui --port 4174`.' },
    UI_LISTEN_INVALID: { title: '`--port` is not a whole number in 0..65535, or `--host` is not an address this machine can listen on', exit: 2, message: () => '`--port` is not a whole number from 0 to 65535, or `--host` is not an address of this machine', hint: 'Fix the option (defaults: `--port 4173 --host 127.0.0.1`).' },
    UI_REPORT_WRITE_FAILED: { title: '`aero report --out FILE` could not be written (missing folder, permissions)', exit: 1, message: () => '`aero report --out FILE` cannot write the file (a folder in the path is a file, no permission)', hint: 'Write elsewhere: `aero report --out report.html`.' },
    UI_ASSETS_MISSING: { title: 'The client bundle is missing from the installed package (a broken install or an unbuilt checkout)', exit: 1, message: () => 'the browser bundle (`dist/client/app.js`) is missing from the installed `@aeroml/ui`', hint: 'Reinstall it; in a checkout of aero, build it: `cd packages/ui && npx tsup`.' },
  },
  { plugin: PLUGIN },
);

/** Error codes raised by @aeroml/ui (`aero ui`, `aero report`). Permanent: docs/errors.md lists them. */
export const UiErrorCodes = uiErrors.codesWithout('UI_');
/** An AeroError of this package with the message written where it is raised. */
export const uiError = uiErrors.create;
