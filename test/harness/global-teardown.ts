/** Stops the FerretDB that global-setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.embeddedFerretdb?.stop();
}
