/** Written into every artifact's header; keep in step with package.json. */
export const FIRMNET_VERSION = '0.1.0';
