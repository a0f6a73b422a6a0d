import { existsSync } from 'node:fs';

/** Debian's Chromium, installed by scripts/install-system-deps.sh (Playwright's own browser download does not work offline). */
export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Flags that keep headless Chromium quiet on a machine without network access. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
