import { afterAll, beforeAll, beforeEach } from "vitest";
import type { VendorEmulator } from "../../sandbox/core";

/**
 * One emulator for one sandbox test file: started before all its tests, reset (state, log, faults)
 * before each, stopped after all. `url` is readable once the file's tests run.
 */
export function useEmulator<E extends VendorEmulator>(emulator: E, vendor: string): { readonly emulator: E; readonly url: string } {
  let url: string | undefined;
  beforeAll(async () => {
    url = await emulator.start();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.reset());
  return {
    emulator,
    get url() {
      if (url === undefined) throw new Error(`the ${vendor} emulator is not started yet (read url inside a test)`);
      return url;
    },
  };
}
