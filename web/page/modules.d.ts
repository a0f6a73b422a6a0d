/** The module scripts/build-page.ts generates while bundling. */
declare module 'firmnet-page-assets' {
  /** Every file the compiler reads at run time, by its path in the page's volume. */
  export const ASSETS: Record<string, string | Uint8Array>;
}
