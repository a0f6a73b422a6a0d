/** The two modules scripts/build-page.ts generates while bundling. */
declare module 'firmnet-page-assets' {
  /** Every file the compiler reads at run time, by its path in the page's volume. */
  export const ASSETS: Record<string, string | Uint8Array>;
}
declare module 'firmnet-page-worker' {
  /** The bundled build worker's source. */
  export const WORKER_SOURCE: string;
}
